"""Credentials for the partner and desk APIs."""

from dataclasses import dataclass

from knox.models import AuthToken
from rest_framework.test import APIClient

from partners.models import PartnerKey


@dataclass
class Key:
    """A partner key's row and the secret shown once at creation."""

    row: PartnerKey
    key: str

    @property
    def header(self) -> str:
        return f"Api-Key {self.key}"


def token_for(user) -> str:
    """A new API token for ``user`` (only its hash is stored, so each call makes one).

    Made directly, not by ``create_api_token``, which refuses users who are not staff: the
    API must refuse their tokens too (a user who lost staff status keeps the token).
    """
    return AuthToken.objects.create(user=user)[1]


def api_client(authorization: str | None = None) -> APIClient:
    """A DRF test client sending ``authorization`` (e.g. ``Key.header``) with every request."""
    client = APIClient()
    if authorization:
        client.credentials(HTTP_AUTHORIZATION=authorization)
    return client


def desk_api_client(user) -> APIClient:
    """A client of the desk API signed in as ``user`` with the user's token."""
    return api_client(f"Token {token_for(user)}")
