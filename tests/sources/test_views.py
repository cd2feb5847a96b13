"""/sources/snapshots/<id>/: archived copies are inert in our origin and public only
while a published claim cites their source."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim
from publishing.archive import ARCHIVE_CSP, web_charset
from sources import services
from sources.models import Citation
from tests import factories
from tests.helpers.workflow import publish_claim
from tests.sources.helpers import fetch, page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sources_env", "loopback_only")]

HOSTILE = page(
    "Hostile",
    "Ein Text mit Skript",
    extra=(
        "<script>fetch('/admin/').then(r => r.text()).then(t => parent.postMessage(t, '*'))</script>"
        "<form action='/admin/logout/' method='post'><button>x</button></form>"
        "<img src='https://tracker.example/pixel.gif'>"
    ),
)


@pytest.fixture
def archived(checker, http_server):
    """(claim, snapshot) for a fetched HTML page cited by a draft claim."""
    http_server.respond("/page", body=HOSTILE)
    claim = factories.ClaimFactory()
    source = services.citation_add(
        claim=claim, url=http_server.url("/page"), role="supports", user=checker
    ).source
    fetch(source)
    return claim, source.snapshots.get()


def _url(snapshot) -> str:
    return reverse("publishing:snapshot", kwargs={"snapshot_id": snapshot.pk})


def test_an_archived_page_is_served_sandboxed(client, archived, checker, editor):
    claim, snapshot = archived
    publish_claim(claim, checker, editor)
    response = client.get(_url(snapshot))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == ARCHIVE_CSP
    assert (
        response["Content-Security-Policy"]
        == "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Disposition"] == f'inline; filename="snapshot-{snapshot.pk}.html"'
    assert b"".join(response.streaming_content) == HOSTILE
    assert "noindex" in response["X-Robots-Tag"]


def test_the_archive_url_from_the_selector_answers(client, archived, checker, editor):
    from sources.selectors import public_sources_for_claim

    claim, _snapshot = archived
    publish_claim(claim, checker, editor)
    [item] = public_sources_for_claim(claim)
    path = item["archive_url"].removeprefix("https://desk.example")
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    ("content_type", "body", "filename"),
    [
        ("text/plain; charset=utf-8", b"plain text, not a page", "txt"),
        ("application/pdf", b"%PDF-1.4\n%%EOF\n", "pdf"),
        (
            "image/svg+xml",
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "txt",
        ),
        ("application/octet-stream", b"\x00\x01binary", "bin"),
    ],
)
def test_anything_else_is_only_offered_as_a_download(
    client, checker, editor, http_server, content_type, body, filename
):
    http_server.respond("/file", body=body, content_type=content_type)
    claim = factories.ClaimFactory()
    source = services.citation_add(
        claim=claim, url=http_server.url("/file"), role="context", user=checker
    ).source
    publish_claim(claim, checker, editor)
    fetch(source)
    snapshot = source.snapshots.get()
    response = client.get(_url(snapshot))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="snapshot-{snapshot.pk}.{filename}"'
    )
    assert response["Content-Security-Policy"] == ARCHIVE_CSP
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == body


@pytest.mark.parametrize("status", ["draft", "in_review"])
def test_snapshots_of_unpublished_claims_are_not_public(client, archived, status):
    claim, snapshot = archived
    Claim.objects.filter(pk=claim.pk).update(status=status)
    assert client.get(_url(snapshot)).status_code == 404


def test_a_retracted_claim_keeps_its_public_record(client, archived):
    """claims_published() includes retracted claims: their page stays up, saying so."""
    claim, snapshot = archived
    now = timezone.now()
    Claim.objects.filter(pk=claim.pk).update(status="retracted", published_at=now, retracted_at=now)
    assert client.get(_url(snapshot)).status_code == 200


def test_a_snapshot_becomes_private_again_when_the_published_citation_goes(
    client, archived, checker, editor
):
    claim, snapshot = archived
    publish_claim(claim, checker, editor)
    Citation.objects.filter(claim=claim).delete()
    assert client.get(_url(snapshot)).status_code == 404


def test_unknown_snapshots_and_other_methods(client, archived, checker, editor):
    claim, snapshot = archived
    publish_claim(claim, checker, editor)
    assert (
        client.get(reverse("publishing:snapshot", kwargs={"snapshot_id": 10**9})).status_code == 404
    )
    assert client.head(_url(snapshot)).status_code == 200
    assert client.post(_url(snapshot)).status_code == 405


def test_a_cyrillic_page_is_served_in_its_own_charset(client, checker, editor, http_server):
    body = (
        page("Новости", "Беспорядки в Алматы продолжаются")
        .decode()
        .replace("<meta charset='utf-8'>", "")
        .encode("koi8-r")
    )
    http_server.respond("/ru", body=body, content_type="text/html")
    claim = factories.ClaimFactory()
    source = services.citation_add(
        claim=claim, url=http_server.url("/ru"), role="origin", user=checker
    ).source
    publish_claim(claim, checker, editor)
    fetch(source)
    snapshot = source.snapshots.get()
    assert "Алматы" in snapshot.text
    response = client.get(_url(snapshot))
    assert response["Content-Type"] == "text/html; charset=koi8-r"


@pytest.mark.parametrize(
    ("codec", "label"),
    [
        ("utf-8", "utf-8"),
        ("cp1251", "windows-1251"),
        ("koi8-r", "koi8-r"),
        ("iso8859-5", "iso-8859-5"),
        ("mac-cyrillic", "x-mac-cyrillic"),
        ("cp932", "shift_jis"),
        ("rot13", ""),  # never a web encoding: let the page's own declaration decide
        ("", ""),
    ],
)
def test_web_charset_labels(codec, label):
    assert web_charset(codec) == label
