"""``sources.evidence`` without a browser: what is recorded when the browser cannot run."""

from __future__ import annotations

import pytest

from sources import browser, fetching, services
from sources.engine import Outcome
from tests import factories
from tests.sources.helpers import fetch, page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sources_env", "loopback_only")]


def test_a_missing_chromium_is_a_reason_not_an_error(checker, http_server, settings):
    settings.SNAPSHOT_BROWSER = True
    settings.SNAPSHOT_CHROMIUM_PATH = "/nonexistent/chromium"
    http_server.respond("/page", body=page("Bericht", "Die Lage in Almaty"))
    claim = factories.ClaimFactory(created_by=checker)
    source = services.citation_add(
        claim=claim, url=http_server.url("/page"), role="supports", user=checker
    ).source
    assert fetch(source) == Outcome.FETCHED
    snapshot = source.snapshots.get()
    assert snapshot.browser_reason == "No Chromium at /nonexistent/chromium."
    assert not snapshot.screenshot and snapshot.warc  # the WARC does not depend on it


def test_only_html_that_answered_2xx_is_rendered(checker, http_server, settings):
    settings.SNAPSHOT_BROWSER = True
    http_server.respond("/text", body=b"nur Text " * 50, content_type="text/plain")
    claim = factories.ClaimFactory(created_by=checker)
    source = services.citation_add(
        claim=claim, url=http_server.url("/text"), role="supports", user=checker
    ).source
    assert fetch(source) == Outcome.FETCHED
    assert source.snapshots.get().browser_reason == (
        "Only HTML pages that answered 2xx are rendered."
    )


def test_render_never_raises_for_a_missing_browser():
    rendering = browser.render(
        browser.Page(url="http://127.0.0.1/", status=200, content_type="text/html", body=b""),
        policy=fetching.FetchPolicy(),
        executable="/nonexistent/chromium",
        timeout=1,
        max_pages=1,
    )
    assert (rendering.screenshot, rendering.reason) == (
        None,
        "No Chromium at /nonexistent/chromium.",
    )
