"""``POST /api/v1/tips/``: partners send claims to check. 201 with the id; 400 in the API's
error shape; partner keys only; and tips appear in no partner read nor webhook."""

import json

import pytest
from django.utils import timezone

from intake.models import InboxItem, Tip
from partners import webhooks
from partners.models import WebhookDelivery
from tests.helpers.api import api_client, desk_api_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/tips/"
SECRET = "Streng geheimer Partnerhinweis Walross"


def test_a_partner_sends_a_tip(partner, partner_key):
    response = partner.post(
        URL,
        {
            "text": "Der Bürgermeister sagte, die Brücke koste 3 Milliarden.",
            "email": "r@x.example",
            "language": "de",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert list(body) == ["id"]
    tip = Tip.objects.get(pk=body["id"])
    assert tip.channel == Tip.Channel.PARTNER
    assert tip.partner_name == partner_key.row.name == "Partner A"
    assert tip.email == "r@x.example"
    assert tip.language == "de"
    assert InboxItem.objects.get(tip=tip).kind == InboxItem.Kind.TIP


def test_a_link_alone(partner):
    response = partner.post(URL, {"url": "https://social.example/p/1"}, format="json")
    assert response.status_code == 201
    assert Tip.objects.get().url == "https://social.example/p/1"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": "", "url": ""}, "text"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"text": "x", "email": "nope"}, "email"),
        ({"text": "x", "language": "deutsch!"}, "language"),
        ({"text": 7}, "text"),
        ({"text": "NUL\u0000"}, "text"),
        ({"text": "a" * 5001}, "text"),
    ],
)
def test_bad_input_is_a_400_in_the_error_shape(partner, body, field):
    response = partner.post(URL, body, format="json")
    assert response.status_code == 400, response.content
    error = response.json()
    assert error["error"] == "invalid"
    assert field in error["detail"]
    assert error["message"]
    assert Tip.objects.count() == 0


def test_malformed_json_is_a_400(partner):
    response = partner.generic("POST", URL, b"{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "parse_error"


def test_without_a_key_401(anon):
    response = anon.post(URL, {"text": "x"}, format="json")
    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"
    assert Tip.objects.count() == 0


def test_a_wrong_or_revoked_key_is_refused(revoked_key):
    for client in (api_client(revoked_key.header), api_client("Api-Key abcdefgh.wrongwrongwrong")):
        response = client.post(URL, {"text": "x"}, format="json")
        assert response.status_code in (401, 403)
    assert Tip.objects.count() == 0


def test_staff_tokens_are_not_partner_keys(editor):
    response = desk_api_client(editor).post(URL, {"text": "x"}, format="json")
    assert response.status_code == 403
    assert Tip.objects.count() == 0


def test_reading_tips_is_not_offered(partner):
    assert partner.get(URL).status_code == 405
    assert partner.get(f"{URL}1/").status_code == 404


def test_the_rate_is_per_key(settings, partner):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "tips": "2/minute",
        },
    }
    assert partner.post(URL, {"text": "eins"}, format="json").status_code == 201
    assert partner.post(URL, {"text": "zwei"}, format="json").status_code == 201
    refused = partner.post(URL, {"text": "drei"}, format="json")
    assert refused.status_code == 429
    assert refused.json()["error"] == "throttled"
    assert "Retry-After" in refused


def test_the_schema_documents_the_endpoint(anon):
    schema = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/tips/"]["post"]
    assert operation["operationId"] == "tips_create"
    assert {"201", "400", "401", "403", "429"} <= set(operation["responses"])
    assert {"ApiKeyAuth": []} in operation["security"]
    assert "get" not in schema["paths"]["/api/v1/tips/"]


# --- Tips never appear in a partner read or a webhook ---------------------------------------


@pytest.fixture
def tipped(partner, make_published):
    """A published check, and tips about it (one repeats it word for word) and others."""
    claim = make_published(claim="Die Stromkosten haben sich 2022 verdreifacht")
    since = (timezone.now() - timezone.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for body in (
        {"text": SECRET, "url": "https://hinweis.example/walross", "email": "w@hinweis.example"},
        {"text": "Die Stromkosten haben sich 2022 verdreifacht", "email": "s@hinweis.example"},
    ):
        assert partner.post(URL, body, format="json").status_code == 201
    return claim, since


def _reads(claim, since):
    return [
        "/api/v1/claims/",
        f"/api/v1/claims/?updated_since={since}",
        "/api/v1/claims/?q=Walross",
        "/api/v1/claims/?q=Stromkosten",
        f"/api/v1/claims/{claim.pk}/",
        "/api/v1/speakers/",
        "/api/v1/ratings/",
        "/api/v1/claimreview/",
    ]


def test_tips_are_in_no_partner_read(partner, tipped):
    claim, since = tipped
    for path in _reads(claim, since):
        response = partner.get(path)
        assert response.status_code == 200, path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode()
        for secret in ("Walross", "hinweis.example"):
            assert secret not in text, (path, secret)
    listed = partner.get("/api/v1/claims/").json()["results"]
    assert [item["id"] for item in listed] == [claim.pk]  # the check alone, no tip


def test_a_tip_sends_no_webhook_and_payloads_hold_no_tip(partner, partner_key, tipped):
    claim, _since = tipped
    hook = webhooks.webhook_create(partner_key=partner_key.row, url="https://hook.example/h")
    before = WebhookDelivery.objects.count()
    assert partner.post(URL, {"text": SECRET + " noch einmal"}, format="json").status_code == 201
    assert WebhookDelivery.objects.count() == before
    payload = json.dumps(webhooks.webhook_payload(claim, "published"))
    assert "Walross" not in payload and "hinweis.example" not in payload
    assert hook.deliveries.count() == 0
