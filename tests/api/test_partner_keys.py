"""``manage.py create_partner_key NAME``: the key printed last, once; only a hash stored;
the key works; revoking it refuses it on the very next request."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from rest_framework.test import APIClient

from partners import services as partner_services
from partners.models import PartnerKey

pytestmark = pytest.mark.django_db


def _create(name: str) -> tuple[str, str]:
    out = StringIO()
    call_command("create_partner_key", name, stdout=out)
    output = out.getvalue()
    return output, output.rstrip("\n").splitlines()[-1]


def test_create_partner_key_prints_the_key_last_and_stores_only_a_hash():
    output, key = _create("Faktenportal")

    row = PartnerKey.objects.get()
    assert row.name == "Faktenportal"
    assert key.startswith(f"{row.prefix}.")
    assert output.count(key) == 1  # printed once
    assert row.hashed_key == "sha512$$" + hashlib.sha512(key.encode()).hexdigest()
    secret = key.partition(".")[2]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM claims_partnerkey")
        stored = " ".join(str(value) for value in cursor.fetchone())
    assert secret not in stored
    assert row.is_active and row.last_used_at is None


def test_the_key_works_and_revocation_takes_effect_at_once():
    _output, key = _create("Faktenportal")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert client.get("/api/v1/claims/").status_code == 200

    row = PartnerKey.objects.get()
    partner_services.partner_key_revoke(key=row)

    refused = client.get("/api/v1/claims/")
    assert refused.status_code == 401
    assert refused.json()["error"] == "authentication_failed"


def test_revocation_in_the_admin_takes_effect_at_once(admin_client):
    _output, key = _create("Faktenportal")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert client.get("/api/v1/ratings/").status_code == 200
    row = PartnerKey.objects.get()

    response = admin_client.post(
        "/admin/partners/partnerkey/",
        {"action": "revoke_keys", "_selected_action": [row.pk]},
    )

    assert response.status_code == 302
    assert client.get("/api/v1/ratings/").status_code == 401


def test_admin_pages_for_partners(admin_client, partner_key):
    for path in (
        "/admin/partners/partnerkey/",
        f"/admin/partners/partnerkey/{partner_key.row.pk}/change/",
        "/admin/partners/partnerkey/add/",
        "/admin/partners/webhook/",
        "/admin/partners/webhook/add/",
        "/admin/partners/webhookdelivery/",
    ):
        assert admin_client.get(path).status_code == 200, path


def test_a_blank_name_is_refused():
    with pytest.raises(CommandError):
        call_command("create_partner_key", "  ", stdout=StringIO())
    assert not PartnerKey.objects.exists()


def test_webhooks_are_registered_in_the_admin_through_the_service(
    settings, admin_client, partner_key
):
    from partners.models import Webhook

    settings.FETCH_ALLOW_NETWORKS = []
    form = {
        "partner_key": partner_key.row.pk,
        "url": "http://127.0.0.1:8000/hook",
        "events": '["published", "retracted"]',
        "active": "on",
    }
    refused = admin_client.post("/admin/partners/webhook/add/", form)
    assert refused.status_code == 200  # the form again, with the fetcher's reason
    assert not Webhook.objects.exists()

    response = admin_client.post(
        "/admin/partners/webhook/add/", {**form, "url": "https://partner.example/hook"}, follow=True
    )
    webhook = Webhook.objects.get()
    assert webhook.events == ["published", "retracted"]
    assert len(webhook.secret) >= 40
    assert webhook.secret in response.content.decode()  # shown once, to pass on


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/admin/claims/partnerkey/", "/admin/partners/partnerkey/"),
        ("/admin/claims/webhook/7/change/", "/admin/partners/webhook/7/change/"),
        (
            "/admin/claims/webhookdelivery/?status=failed",
            "/admin/partners/webhookdelivery/?status=failed",
        ),
    ],
)
def test_old_admin_addresses_of_partner_models_redirect_to_their_new_app(client, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new
