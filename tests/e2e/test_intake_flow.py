"""Intake end to end in real Chromium (issue 15, "What it must show").

An editor (German interface) adds a watched feed whose address is an RSS feed on the local
HTTP server, with three entries linking to German and English article pages on the same
server. The new feed is polled at once: the entries arrive, are imported and show on the
feed's page and in the articles list; "poll now" asks again with the ETag (304) and
imports nothing twice. A fact-checker (English interface) opens the inbox, reads
why the rows rank where they do, accepts the top suggestion and makes the claim in the
split view: the inbox item is accepted and the claim anchored to the suggested words. A
reader then sends a tip through the public form that repeats a published check, and the
inbox says "already checked: <rating> — <headline>".

Tasks run in-process after each commit (``sources_env``: no broker), so saving the feed
fetches it and imports its entries within the request; the test still waits for the rows
with a bounded poll, never a blind sleep. Takes the operator's guide's screenshot (docs/img/feeds.png,
1440×900).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.apps import apps as django_apps

from claims.defaults import install_default_scale, sync_desk_groups
from claims.models import Article, Claim
from intake.models import Feed, FeedEntry, InboxItem, Tip
from tests import factories
from tests.helpers.workflow import publish_claim
from tests.intake.conftest import intake_env  # noqa: F401
from tests.intake.pages import article_html, english_page, german_page, rss
from tests.sources.conftest import http_server, loopback_only, sources_env  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("intake_env", "loopback_only"),
]

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
PASSWORD = "pw-for-tests-123"
VIEWPORT = {"width": 1440, "height": 900}

# A third article, written for this test (a fictional state, minister and figures).
BUDGET_PARAGRAPHS = [
    "Die Landesregierung von Waldstetten hat am Montag ihren Haushalt für das kommende Jahr "
    "vorgestellt. Finanzminister Peter Lindholm sagte, die Schulden des Landes seien in den "
    "vergangenen fünf Jahren um 25 Prozent gesunken.",
    "Die Opposition hält die Rechnung für geschönt. Die Abgeordnete Clara Winter erklärte, "
    "das Land gebe inzwischen mehr für Zinsen aus als für alle Hochschulen zusammen.",
    "Der Landesrechnungshof will die Zahlen im Frühjahr prüfen. Bis dahin soll der Landtag "
    "über die einzelnen Posten beraten und im Juni abstimmen.",
]

# The published check a reader's tip repeats (its own article, its own words).
CHECKED_QUOTE = "Die Kriminalität ist so niedrig wie seit dreißig Jahren nicht mehr"
CHECKED_HEADLINE = "Die Kriminalität ist nicht auf einem Tiefstand"
TIP_TEXT = (
    "Die Kriminalität ist so niedrig wie seit dreißig Jahren nicht mehr, sagt die Ministerin."
)


def wait_for(condition: Callable[[], object], *, what: str, timeout: float = 30) -> object:
    """Poll ``condition`` (a database read) until it is truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(0.2)


@pytest.fixture
def outlet(http_server):  # noqa: F811
    """The outlet on the local server: three article pages and their RSS feed."""
    pages = {
        "/bus": ("Neuer Busfahrplan für Birkenfeld", german_page()),
        "/library": ("Millbrook votes to close library", english_page()),
        "/haushalt": (
            "Waldstetten legt Haushalt vor",
            article_html(
                "Waldstetten legt Haushalt vor",
                BUDGET_PARAGRAPHS,
                site="Birkenfelder Bote",
                author="Lena Vogt",
                date="2026-11-25",
            ),
        ),
    }
    for path, (_title, body) in pages.items():
        http_server.respond(path, body=body)
    items = [
        (f"bote-{path[1:]}", http_server.url(path), title) for path, (title, _b) in pages.items()
    ]
    feed = rss(items)

    def serve_feed(exchange) -> None:  # conditional, as an outlet's server answers
        if exchange.request.headers.get("if-none-match") == '"v1"':
            exchange.respond(304, b"", content_type=None)
            return
        exchange.respond(
            200,
            feed,
            headers={"ETag": '"v1"', "Last-Modified": "Tue, 24 Nov 2026 08:00:00 GMT"},
            content_type="application/rss+xml; charset=utf-8",
        )

    http_server.route("/feed.xml", serve_feed)
    return {"feed": http_server.url("/feed.xml"), "titles": [t for t, _b in pages.values()]}


@pytest.fixture
def desk(db):
    install_default_scale(django_apps)
    sync_desk_groups(django_apps)
    checker = factories.desk_user("anna", role="fact-checker")
    editor = factories.desk_user("jana", role="editor")
    # A known speaker of the outlet's pages ("known speaker" in the inbox).
    factories.SpeakerFactory(name="Anna Keller", slug="anna-keller")
    minister = factories.SpeakerFactory(name="Maria Beispiel", slug="maria-beispiel")
    checked = factories.ClaimFactory(
        article=factories.ArticleFactory(
            title="Kriminalstatistik", text=CHECKED_QUOTE + ", sagte Maria Beispiel."
        ),
        speaker=minister,
        quote=CHECKED_QUOTE,
        claim="Die Kriminalität ist so niedrig wie seit 30 Jahren nicht",
        created_by=checker,
    )
    publish_claim(checked, checker, editor, verdict={"headline": CHECKED_HEADLINE})
    checked.refresh_from_db()
    return {"checker": checker, "editor": editor, "checked": checked}


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")


def _watch(context, errors: list[str]):
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    return page


def test_a_feed_to_the_inbox_to_a_claim_and_a_repeated_tip(
    live_server,
    chromium,
    desk,
    outlet,
    http_server,  # noqa: F811
):
    base = live_server.url
    errors: list[str] = []

    # --- 1. The editor (German interface) adds the feed.
    editing = chromium.new_context(viewport=VIEWPORT, locale="de-DE")
    page = _watch(editing, errors)
    _login(page, base, "jana")
    page.goto(f"{base}/admin/intake/feed/")
    page.locator(".object-tools a.addlink").click()
    page.wait_for_selector("#feed_form")
    page.fill("#id_name", "Birkenfelder Bote")
    page.fill("#id_url", outlet["feed"])
    page.fill("#id_outlet", "Birkenfelder Bote")
    page.fill("#id_interval_minutes", "30")
    page.click("input[name=_continue]")
    page.wait_for_selector("form[action$='/poll/'] button")
    feed = Feed.objects.get()
    assert feed.url == outlet["feed"] and feed.created_by == desk["editor"]

    # --- 2. A new feed is polled at once: the entries arrive and are imported.
    def imported() -> bool:
        entries = list(FeedEntry.objects.filter(feed=feed).values_list("state", flat=True))
        return len(entries) == 3 and set(entries) == {"imported"}

    wait_for(imported, what="the feed's three entries imported")
    articles = Article.objects.filter(feed_entries__feed=feed, import_state="imported")
    assert sorted(articles.values_list("title", flat=True)) == sorted(outlet["titles"])
    assert set(articles.values_list("language", flat=True)) == {"de", "en"}
    wait_for(
        lambda: InboxItem.objects.filter(article__in=articles, state="open").count() >= 3,
        what="the inbox of the imported articles",
    )
    # "Poll now" asks again conditionally; the outlet answers 304, nothing is doubled.
    feed.refresh_from_db()
    first_poll = feed.last_polled_at
    assert len(http_server.requests_to("/feed.xml")) == 1
    with page.expect_navigation():
        page.click("form[action$='/poll/'] button")
    wait_for(
        lambda: Feed.objects.filter(pk=feed.pk, last_success_at__gt=first_poll).exists(),
        what="the feed polled again",
    )
    assert [r.headers.get("if-none-match") for r in http_server.requests_to("/feed.xml")] == [
        None,
        '"v1"',
    ]
    assert FeedEntry.objects.filter(feed=feed).count() == 3
    assert Article.objects.filter(feed_entries__feed=feed).count() == 3
    feed.refresh_from_db()
    assert feed.failures == 0 and feed.last_success_at is not None and feed.etag == '"v1"'

    page.reload()
    table = page.locator(".desk-feed-entries")
    for title in outlet["titles"]:
        assert table.locator("a", has_text=title).count() == 1
    assert "aktiv" in page.locator("#content-main").inner_text()  # the German interface
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    # The guide's picture: the feed's state (active, no failures, polled) and its entries.
    page.locator("#content-main fieldset").nth(2).evaluate(
        "el => el.scrollIntoView({block: 'start'})"
    )
    page.screenshot(path=str(DOCS_IMG / "feeds.png"))

    page.goto(f"{base}/admin/claims/article/?import_state=imported")
    listing = page.locator("#result_list").inner_text()
    for title in outlet["titles"]:
        assert title in listing
    assert page.locator("#result_list .desk-state--fetched").count() >= 3
    editing.close()

    # --- 3. The fact-checker (English interface) accepts the top suggestion.
    checking = chromium.new_context(viewport=VIEWPORT, locale="en-GB")
    page = _watch(checking, errors)
    _login(page, base, "anna")
    page.click("#user-tools >> text=Inbox")
    page.wait_for_selector(".inbox-row")
    for reason in ("contains a figure", "contains a percentage", "known speaker"):
        assert page.locator(".inbox-row .chip", has_text=reason).count() >= 1, reason
    top_row = page.locator(".inbox-row").first
    top = InboxItem.objects.get(pk=int(top_row.get_attribute("id").removeprefix("inbox-")))
    best = InboxItem.objects.filter(state="open").order_by("-score").first()
    assert top.score == best.score and top.kind == "suggestion"
    assert top.quote in top_row.locator("blockquote").inner_text()
    top_row.locator("button", has_text="Accept").click()
    page.wait_for_selector("#claim-form:not([hidden])")
    assert top.quote in page.locator("#form-quote").inner_text()
    assert page.input_value("#form-speaker") == (
        top.speaker.name if top.speaker else top.speaker_name
    )
    # The budget statement ranks first (a figure, a percentage, a comparison).
    assert "um 25 Prozent gesunken" in top.quote and top.speaker_name == "Peter Lindholm"
    wording = "Waldstettens Schulden sind seit fünf Jahren um 25 Prozent gesunken"
    page.fill("#form-claim", wording)
    # The speaker is new to the desk: the split view asks before creating them.
    asked: list[str] = []

    def confirm(dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", confirm)
    page.click("#claim-form button[type=submit]")
    page.wait_for_selector("mark.claim")
    assert asked and asked[0].startswith("Create a new speaker? Peter Lindholm")
    made = Claim.objects.get(claim=wording)
    top.refresh_from_db()
    assert top.state == "accepted" and top.claim_id == made.pk
    assert (made.article_id, made.start, made.end) == (top.article_id, top.start, top.end)
    assert made.article.text[made.start : made.end] == top.quote  # the right words
    assert made.created_by == desk["checker"] and made.speaker.name == "Peter Lindholm"

    # --- 4. A reader's tip repeats the published check: "already checked" in the inbox.
    reading = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    reader = _watch(reading, errors)
    reader.goto(f"{base}/tips/")
    reader.get_by_label("Die Behauptung").fill(TIP_TEXT)
    reader.get_by_role("button", name="Senden").click()
    reader.wait_for_url("**/tips/thanks/")
    reading.close()
    tip = Tip.objects.get()
    assert tip.inbox_item.matched_claim_id == desk["checked"].pk

    page.goto(f"{base}/admin/intake/inboxitem/?kind=tip")
    row = page.locator(".inbox-row", has_text="sagt die Ministerin")
    row.wait_for()
    checked = row.locator(".inbox-checked").inner_text()
    rating = desk["checked"].verdict.rating.label
    assert checked.startswith("already checked:")
    assert f"{rating} — {CHECKED_HEADLINE}" in checked
    assert row.locator(".chip", has_text="repeats a checked claim").count() == 1
    link = row.locator(".inbox-checked a").get_attribute("href")
    assert link == desk["checked"].get_absolute_url()
    checking.close()

    assert errors == []
