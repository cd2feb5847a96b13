"""Fixtures for the partner and desk APIs: partner keys and clients per role.

Published claims come from the suite-wide ``make_published`` fixture (tests/conftest.py).
"""

import pytest
from rest_framework.test import APIClient

from partners import services as partner_services
from tests.helpers.api import Key, api_client, desk_api_client


@pytest.fixture(autouse=True)
def _public_urls(settings) -> None:
    settings.FACTCHECK_ORG_URL = "https://faktencheck.example/"


@pytest.fixture
def partner_key(db) -> Key:
    row, key = partner_services.partner_key_create(name="Partner A")
    return Key(row, key)


@pytest.fixture
def revoked_key(db) -> Key:
    row, key = partner_services.partner_key_create(name="Revoked partner")
    partner_services.partner_key_revoke(key=row)
    return Key(row, key)


@pytest.fixture
def anon() -> APIClient:
    return api_client()


@pytest.fixture
def partner(partner_key) -> APIClient:
    return api_client(partner_key.header)


@pytest.fixture
def checker_api(checker) -> APIClient:
    return desk_api_client(checker)


@pytest.fixture
def editor_api(editor) -> APIClient:
    return desk_api_client(editor)
