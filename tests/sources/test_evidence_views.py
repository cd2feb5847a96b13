"""Evidence in the desk API: each snapshot's WARC, screenshot and PDF, downloads for staff only.

``GET /api/v1/desk/sources/{id}/`` lists ``warc_url``, ``warc_sha256``, ``screenshot_url``,
``pdf_url`` (null when that part is off or failed) and ``browser_reason``; the URLs answer
to staff tokens and sessions and are a 404 for everyone else. The public copies answer
only while a published claim cites the source.
"""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.base import ContentFile

from sources import services
from sources.models import Snapshot
from tests import factories
from tests.helpers.api import api_client, desk_api_client
from tests.helpers.text import HOSTILE
from tests.sources.helpers import fetch, page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sources_env", "loopback_only")]


@pytest.fixture
def checker_api(checker):
    return desk_api_client(checker)


PNG = b"\x89PNG\r\n\x1a\n fake but enough"


@pytest.fixture
def fetched(checker, http_server, settings):
    settings.FACTCHECK_ORG_URL = "https://faktencheck.example/"
    http_server.respond("/report", body=page("Bericht", "Die Lage in Almaty"))
    claim = factories.ClaimFactory(created_by=checker)
    citation = services.citation_add(
        claim=claim, url=http_server.url("/report"), role="supports", user=checker
    )
    fetch(citation.source)
    return citation


def _give_screenshot(snapshot: Snapshot) -> None:
    """What a browser snapshot leaves (the browser itself runs in tests/sources/test_browser.py)."""
    snapshot.screenshot.save("shot.png", ContentFile(PNG), save=False)
    snapshot.screenshot_sha256 = hashlib.sha256(PNG).hexdigest()
    snapshot.browser_reason = ""
    snapshot.save()


def test_source_detail_lists_the_evidence_of_each_snapshot(checker_api, fetched):
    snapshot = fetched.source.snapshots.get()
    data = checker_api.get(f"/api/v1/desk/sources/{fetched.source_id}/").json()
    (item,) = data["snapshots"]
    assert item["id"] == snapshot.pk
    assert item["warc_url"] == (
        f"https://faktencheck.example/api/v1/desk/snapshots/{snapshot.pk}/warc/"
    )
    assert item["warc_sha256"] == snapshot.warc_sha256 and len(snapshot.warc_sha256) == 64
    # The browser is off in these tests: null URLs, and the reason says why.
    assert (item["screenshot_url"], item["pdf_url"]) == (None, None)
    assert "turned off" in item["browser_reason"]
    assert item["blocked_requests"] == []


def test_staff_tokens_and_sessions_download_the_evidence(checker_api, checker, client, fetched):
    snapshot = fetched.source.snapshots.get()
    _give_screenshot(snapshot)
    response = checker_api.get(f"/api/v1/desk/snapshots/{snapshot.pk}/warc/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/warc"
    assert "attachment" in response["Content-Disposition"]
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == (
        snapshot.warc_sha256
    )
    client.force_login(checker)
    response = client.get(f"/api/v1/desk/snapshots/{snapshot.pk}/screenshot/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PNG


def test_everyone_else_gets_a_404(fetched, django_user_model):
    from partners import services as partner_services

    _row, key = partner_services.partner_key_create(name="Partner A")
    partner = api_client(f"Api-Key {key}")
    snapshot = fetched.source.snapshots.get()
    url = f"/api/v1/desk/snapshots/{snapshot.pk}/warc/"
    reader = django_user_model.objects.create_user("reader", password="x")
    outsiders = [
        api_client(),
        partner,
        api_client("Token not-a-token"),
        api_client(f"Token {_token(reader)}"),
    ]
    for outsider in outsiders:
        assert outsider.get(url).status_code == 404


def test_missing_parts_and_unknown_snapshots_are_404(checker_api, fetched):
    snapshot = fetched.source.snapshots.get()
    assert checker_api.get(f"/api/v1/desk/snapshots/{snapshot.pk}/pdf/").status_code == 404
    assert checker_api.get(f"/api/v1/desk/snapshots/{snapshot.pk}/text/").status_code == 404
    assert checker_api.get("/api/v1/desk/snapshots/999999/warc/").status_code == 404


def _token(user) -> str:
    from tests.helpers.api import token_for

    return token_for(user)


# --- Public copies ------------------------------------------------------------------------------


def test_the_public_evidence_answers_only_while_a_published_claim_cites_the_source(
    client, fetched, editor, checker
):
    from tests.helpers.workflow import publish_claim

    snapshot = fetched.source.snapshots.get()
    _give_screenshot(snapshot)
    for path in ("warc/", "screenshot/", "copy/"):
        assert client.get(f"/sources/snapshots/{snapshot.pk}/{path}").status_code == 404
    publish_claim(fetched.claim, checker=checker, editor=editor)
    warc = client.get(f"/sources/snapshots/{snapshot.pk}/warc/")
    assert warc.status_code == 200
    assert hashlib.sha256(b"".join(warc.streaming_content)).hexdigest() == snapshot.warc_sha256
    assert client.get(f"/sources/snapshots/{snapshot.pk}/screenshot/").status_code == 200
    assert client.get(f"/sources/snapshots/{snapshot.pk}/pdf/").status_code == 404  # none
    assert client.get(f"/sources/snapshots/{snapshot.pk}/other/").status_code == 404


def test_the_readers_copy_page_shows_the_screenshot_with_the_text_version_escaped(
    client, fetched, editor, checker
):
    from tests.helpers.workflow import publish_claim

    snapshot = fetched.source.snapshots.get()
    _give_screenshot(snapshot)
    Snapshot.objects.filter(pk=snapshot.pk).update(text=f"Erster Absatz.\n{HOSTILE}")
    publish_claim(fetched.claim, checker=checker, editor=editor)
    response = client.get(f"/sources/snapshots/{snapshot.pk}/copy/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'src="/sources/snapshots/{snapshot.pk}/screenshot/"' in html
    assert f'href="/sources/snapshots/{snapshot.pk}/"' in html  # the sandboxed original
    assert f'href="/sources/snapshots/{snapshot.pk}/warc/"' in html
    assert snapshot.warc_sha256 in html
    assert "Erster Absatz." in html
    assert "<script>alert(1)" not in html and "&lt;/script&gt;&lt;script&gt;alert(1)" in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    # The verdict page links to it.
    verdict = client.get(fetched.claim.get_absolute_url()).content.decode()
    assert f"/sources/snapshots/{snapshot.pk}/copy/" in verdict
