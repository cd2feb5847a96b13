"""The desk sees the evidence: thumbnails, WARC and PDF in the snapshot lists, and a changed
source's side-by-side difference with the change in the cited passage highlighted."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from sources import services
from sources.engine import Outcome
from sources.models import Snapshot
from tests import factories
from tests.helpers.text import HOSTILE
from tests.sources.helpers import fetch, page, recheck_now

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sources_env", "loopback_only")]

PASSAGE = "sprach von 20.000 Terroristen"


def _article(number: str, extra: str = "") -> bytes:
    return page(
        "Tokajew über die Unruhen",
        f"Präsident Tokajew sprach von {number} Terroristen, die im Ausland ausgebildet wurden",
        extra=extra,
    )


@pytest.fixture
def changed(checker, http_server):
    """A cited source whose re-check found the number in the cited passage changed."""
    http_server.respond("/article", body=_article("20.000"))
    claim = factories.ClaimFactory(created_by=checker)
    source = services.citation_add(
        claim=claim,
        url=http_server.url("/article"),
        role="supports",
        passage=PASSAGE,
        user=checker,
    ).source
    assert fetch(source) == Outcome.FETCHED
    http_server.respond("/article", body=_article("2.000"))
    recheck_now(source)
    assert fetch(source) == Outcome.FETCHED
    return source


def test_a_recheck_names_the_cited_passage_that_is_gone(changed):
    assert changed.is_changed
    assert "text of the source changed" in changed.reason
    assert f"The cited passage “{PASSAGE}” is no longer in it." in changed.reason


def test_a_changed_source_shows_its_highlighted_difference(admin_client, changed):
    latest = changed.snapshots.order_by("-fetched_at").first()
    Snapshot.objects.filter(pk=latest.pk).update(text=f"{latest.text}\n{HOSTILE}")
    change_page = admin_client.get(reverse("admin:sources_source_change", args=[changed.pk]))
    url = reverse("admin:sources_source_difference", args=[changed.pk])
    assert url in change_page.content.decode()
    assert url in admin_client.get(reverse("admin:sources_source_changelist")).content.decode()
    response = admin_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    # Before: "20" struck out inside the cited passage; now: "2" inserted.
    assert '<del class="diff-passage-changed">20</del>' in html
    assert '<ins class="diff-changed">2</ins>' in html
    assert '<mark class="diff-passage">' in html
    assert "No longer in the text:" in html
    # Everything from the page is escaped, never markup.
    assert "<script>alert(1)" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_difference_needs_two_versions(admin_client, checker, http_server):
    http_server.respond("/once", body=_article("20.000"))
    claim = factories.ClaimFactory(created_by=checker)
    source = services.citation_add(
        claim=claim, url=http_server.url("/once"), role="supports", user=checker
    ).source
    fetch(source)
    response = admin_client.get(reverse("admin:sources_source_difference", args=[source.pk]))
    assert "There are not two versions of the text to compare yet." in response.content.decode()


def test_the_difference_needs_a_desk_login(client, changed):
    url = reverse("admin:sources_source_difference", args=[changed.pk])
    assert client.get(url).status_code == 302  # to the login page


def test_snapshot_lists_show_thumbnail_warc_and_pdf(admin_client, changed):
    snapshot = changed.snapshots.order_by("-fetched_at").first()
    snapshot.screenshot.save("s.png", ContentFile(b"\x89PNG..."), save=False)
    snapshot.pdf.save("s.pdf", ContentFile(b"%PDF-1.4"), save=False)
    snapshot.save()
    base = f"/api/v1/desk/snapshots/{snapshot.pk}"
    for page_url in (
        reverse("admin:sources_source_change", args=[changed.pk]),
        reverse("admin:sources_snapshot_changelist"),
        reverse("admin:sources_snapshot_change", args=[snapshot.pk]),
    ):
        html = admin_client.get(page_url).content.decode()
        assert f'<img class="desk-thumbnail" src="{base}/screenshot/"' in html
        assert f'href="{base}/warc/"' in html
        assert f'href="{base}/pdf/"' in html
    older = changed.snapshots.order_by("fetched_at").first()
    html = admin_client.get(reverse("admin:sources_source_change", args=[changed.pk])).content
    assert "turned off (SNAPSHOT_BROWSER)" in html.decode()  # the older one's reason
    assert older.warc_sha256
