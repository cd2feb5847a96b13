"""Fixtures for the partner and desk APIs: clients per role, claims taken through the
real services (written by a fact-checker, published by an editor)."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claims import services, workflow
from claims.models import Claim
from partners import services as partner_services
from partners.models import PartnerKey
from tests import factories


@pytest.fixture(autouse=True)
def _english(settings) -> Iterator[None]:
    """Messages in English (the source language), as a partner's default would be."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _public_urls(settings) -> None:
    settings.FACTCHECK_ORG_URL = "https://faktencheck.example/"


@dataclass
class Key:
    row: PartnerKey
    key: str

    @property
    def header(self) -> str:
        return f"Api-Key {self.key}"


@pytest.fixture
def partner_key(db) -> Key:
    row, key = partner_services.partner_key_create(name="Partner A")
    return Key(row, key)


@pytest.fixture
def revoked_key(db) -> Key:
    row, key = partner_services.partner_key_create(name="Revoked partner")
    partner_services.partner_key_revoke(key=row)
    return Key(row, key)


def token_for(user) -> str:
    return Token.objects.get_or_create(user=user)[0].key


@pytest.fixture
def anon() -> APIClient:
    return APIClient()


@pytest.fixture
def partner(partner_key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=partner_key.header)
    return client


@pytest.fixture
def checker_api(checker) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(checker)}")
    return client


@pytest.fixture
def editor_api(editor) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(editor)}")
    return client


def write_verdict(claim: Claim, user, *, rating: str = "falsch", **fields) -> Claim:
    claim.refresh_from_db()
    services.verdict_update(
        claim=claim,
        user=user,
        version=claim.version,
        rating=factories.rating(rating),
        headline=fields.get("headline", "Die Inflation ist nicht so niedrig wie nie"),
        summary=fields.get("summary", "Die Zahlen des Statistikamts zeigen das Gegenteil."),
        explanation=fields.get("explanation", "Im Jahr 1975 war sie niedriger."),
    )
    claim.refresh_from_db()
    return claim


def publish_claim(claim: Claim, checker, editor, *, rating: str = "falsch", **fields) -> Claim:
    write_verdict(claim, checker, rating=rating, **fields)
    workflow.claim_submit(claim=claim, user=checker, version=claim.version)
    claim.refresh_from_db()
    workflow.claim_publish(claim=claim, user=editor, version=claim.version)
    claim.refresh_from_db()
    return claim


@pytest.fixture
def make_published(checker, editor) -> Callable[..., Claim]:
    """A published claim; ``rating`` and verdict fields as keywords, the rest to the factory."""

    def make(*, rating: str = "falsch", verdict: dict | None = None, **claim_kwargs) -> Claim:
        claim = factories.ClaimFactory(**claim_kwargs)
        return publish_claim(claim, checker, editor, rating=rating, **(verdict or {}))

    return make
