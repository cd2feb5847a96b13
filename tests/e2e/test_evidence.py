"""Evidence in real Chromium: the desk's snapshot list with the screenshot thumbnail, WARC
and PDF, and the readers' page of an archived copy with the screenshot.

The screenshot itself is made by the worker's code (``sources.browser``, Chromium in this
process's browser thread) from a page on a loopback test server; then a second Chromium,
driven from this test as a person would use it, looks at the pages. Loopback only.
"""

import pytest

from claims.demo import demo_load
from factcheck.celery import app
from sources import browser, services
from tests import factories
from tests.helpers.network import browser_request_check
from tests.helpers.workflow import publish_claim
from tests.sources.helpers import fetch, page
from tests.sources.httpserver import LocalHTTPServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def archived(settings, tmp_path, live_server, monkeypatch):
    """A published claim citing a page fetched with its screenshot, PDF and WARC."""
    monkeypatch.setattr(browser, "REQUEST_CHECKS", [browser_request_check])
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.1/32"]
    settings.SNAPSHOT_BROWSER = True
    # The snapshot browser: SNAPSHOT_CHROMIUM_PATH as set (the headless shell if installed).
    settings.FACTCHECK_ORG_URL = live_server.url + "/"
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    demo_load()  # the rating scale (a transactional test starts from an empty database)
    checker = factories.desk_user("e2e-checker", role="fact-checker", password="check-pass-123")
    editor = factories.desk_user("e2e-editor", role="editor")
    try:
        with LocalHTTPServer() as server:
            server.respond(
                "/bericht",
                body=page(
                    "Unruhen in Almaty",
                    "Präsident Tokajew sprach von Terrorgruppen aus dem Ausland",
                    extra="<p style='background:#fd0;padding:2em'>Gelber Kasten</p>",
                ),
            )
            claim = factories.ClaimFactory(created_by=checker)
            source = services.citation_add(
                claim=claim, url=server.url("/bericht"), role="supports", user=checker
            ).source
            fetch(source)  # the fetch and the browser snapshot, as the worker runs them
        snapshot = source.snapshots.get()
        assert snapshot.screenshot and snapshot.pdf and snapshot.warc, snapshot.browser_reason
        publish_claim(claim, checker, editor)
        yield claim, source, snapshot
    finally:
        app.conf.task_always_eager = eager
        browser.shutdown()


def test_the_desk_sees_thumbnail_warc_and_pdf(chromium, archived, live_server, screenshots):
    _claim, source, snapshot = archived
    context = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    try:
        tab.goto(f"{live_server.url}/admin/login/")
        tab.fill("#id_username", "e2e-checker")
        tab.fill("#id_password", "check-pass-123")
        tab.click("input[type=submit]")
        tab.goto(f"{live_server.url}/admin/sources/source/{source.pk}/change/")
        thumbnail = tab.locator("img.desk-thumbnail")
        thumbnail.wait_for()
        # The image really loads (a PNG from the desk download, for this session).
        thumbnail.scroll_into_view_if_needed()
        tab.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
        )
        warc = tab.get_by_role("link", name="WARC")
        assert warc.get_attribute("href") == f"/api/v1/desk/snapshots/{snapshot.pk}/warc/"
        response = context.request.get(f"{live_server.url}{warc.get_attribute('href')}")
        assert response.status == 200 and response.headers["content-type"] == "application/warc"
        pdf = context.request.get(
            f"{live_server.url}{tab.get_by_role('link', name='PDF').get_attribute('href')}"
        )
        assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
        tab.screenshot(path=screenshots / "desk-snapshot-evidence.png", full_page=True)
        tab.goto(f"{live_server.url}/admin/sources/snapshot/")
        assert tab.locator("img.desk-thumbnail").count() == 1
        assert errors == []
    finally:
        context.close()


def test_readers_see_the_screenshot_with_the_text_version(
    chromium, archived, live_server, screenshots
):
    claim, _source, snapshot = archived
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="de")
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    try:
        tab.goto(f"{live_server.url}{claim.get_absolute_url()}")
        with tab.expect_navigation():
            tab.locator(".source__archive a").nth(1).click()
        assert tab.url == f"{live_server.url}/sources/snapshots/{snapshot.pk}/copy/"
        image = tab.locator(".archive-copy__screenshot img")
        image.scroll_into_view_if_needed()
        tab.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
        assert tab.evaluate("img => img.naturalWidth", image.element_handle()) == 1280
        assert "Terrorgruppen aus dem Ausland" in tab.locator(".archive-copy__text").inner_text()
        warc_link = tab.locator(f"a[href='/sources/snapshots/{snapshot.pk}/warc/']")
        assert warc_link.count() == 1
        response = context.request.get(f"{live_server.url}/sources/snapshots/{snapshot.pk}/warc/")
        assert response.status == 200
        tab.screenshot(path=screenshots / "archived-copy-de.png", full_page=True)
        assert problems == []  # no CSP violation
    finally:
        context.close()
