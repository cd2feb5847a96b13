"""Credentials for the partner and desk APIs."""

from dataclasses import dataclass

from rest_framework.authtoken.models import Token
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
    """The desk user's API token (created on first use)."""
    return Token.objects.get_or_create(user=user)[0].key


def api_client(authorization: str | None = None) -> APIClient:
    """A DRF test client sending ``authorization`` (e.g. ``Key.header``) with every request."""
    client = APIClient()
    if authorization:
        client.credentials(HTTP_AUTHORIZATION=authorization)
    return client


def desk_api_client(user) -> APIClient:
    """A client of the desk API signed in as ``user`` with the user's token."""
    return api_client(f"Token {token_for(user)}")
