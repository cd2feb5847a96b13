"""The desk's polish in real Chromium (issue 14, point 7): the split view in German with no
English left, a save that says so without moving the page, the touch path on a phone
(select, then the floating "Create claim" button), and the sources table at 1280 px with
the admin's sidebar open. Takes the guide's phone screenshot (docs/img/split-view-phone.png).
"""

from pathlib import Path

import pytest
from django.conf import settings

from claims import demo
from claims.models import Claim
from sources.models import Source
from tests import factories
from tests.helpers.i18n import english_leftovers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
PASSWORD = "pw-for-tests-123"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def desk(db):
    demo.demo_load()  # the seed article, its speakers and the rating scale
    factories.desk_user("anna", role="fact-checker")
    factories.desk_user("erik", role="editor")
    return demo.Article.objects.get()


def _page(chromium, live_server, username: str, *, german: bool = False, **context):
    context.setdefault("viewport", {"width": 1400, "height": 1000})
    browser_context = chromium.new_context(locale="de-DE" if german else "en-GB", **context)
    if german:
        browser_context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "de", "url": live_server.url}]
        )
    page = browser_context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")
    return page


def _split(page, live_server, article) -> None:
    page.goto(f"{live_server.url}/admin/claims/article/{article.pk}/split/")
    page.wait_for_selector(".suggestion")


def _select(page, quote: str, *, event: str | None = "mouseup") -> None:
    """Select ``quote`` in the text as a DOM range; then the event a mouse would send."""
    page.evaluate(
        """([quote, event]) => {
            const el = document.getElementById("split-text");
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const i = node.data.indexOf(quote);
                if (i < 0) continue;
                const range = document.createRange();
                range.setStart(node, i);
                range.setEnd(node, i + quote.length);
                const sel = window.getSelection();
                sel.removeAllRanges();
                sel.addRange(range);
                if (event) el.dispatchEvent(new MouseEvent(event, {bubbles: true}));
                return;
            }
            throw new Error("quote not in text: " + quote);
        }""",
        [quote, event],
    )


def _shown(page) -> str:
    """The page as a person meets it: its text and its tooltips and labels."""
    return page.evaluate(
        """() => {
            const parts = [];
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const parent = node.parentElement;
                if (!parent || parent.closest("script, style, #split-text, dialog:not([open])")) continue;
                if (parent.closest("[hidden]")) continue;
                parts.push("<p>" + node.data.replace(/[<&]/g, " ") + "</p>");
            }
            for (const el of document.querySelectorAll("[title], [aria-label], [placeholder]")) {
                if (el.closest("#split-text")) continue;
                for (const name of ["title", "aria-label", "placeholder"]) {
                    const value = el.getAttribute(name);
                    if (value) parts.push("<p>" + value.replace(/[<&]/g, " ") + "</p>");
                }
            }
            return parts.join("\\n");
        }"""
    )


def test_the_split_view_in_german_has_no_english(live_server, chromium, desk):
    page = _page(chromium, live_server, "anna", german=True)
    _split(page, live_server, desk)
    assert page.locator("html").get_attribute("lang") == "de"
    # The suggestions' buttons and hints, written by the script, in German.
    assert page.locator(".suggestion button").first.inner_text() == "Übernehmen"
    _select(page, "Diese Vorwürfe seien")
    page.fill("#form-speaker", "Neuer Sprecher Beispiel")
    page.wait_for_function("() => document.getElementById('speaker-hint').textContent.length > 0")
    data = frozenset({"Deutsch", "English", "anna"})
    assert english_leftovers(_shown(page), ignore=data) == []
    assert page.errors == []
    page.context.close()


def test_saving_shows_a_confirmation_and_keeps_the_page_where_it_is(live_server, chromium, desk):
    page = _page(chromium, live_server, "anna", viewport={"width": 1440, "height": 900})
    _split(page, live_server, desk)
    # A passage far down the article, scrolled to as a person would.
    quote = "Teil des russischen Drehbuchs"
    page.get_by_text(quote, exact=False).first.scroll_into_view_if_needed()
    page.mouse.wheel(0, 200)
    page.wait_for_timeout(100)
    before = page.evaluate("window.scrollY")
    assert before > 100
    _select(page, quote)
    page.fill("#form-speaker", "Jen Psaki")
    page.fill("#form-claim", "Die US-Vorwürfe sind Teil russischer Desinformation")
    page.locator("#claim-form button[type=submit]").click()
    status = page.locator("#split-status")
    status.wait_for(state="visible")
    page.wait_for_function("() => document.getElementById('split-status').textContent.length > 0")
    assert "Claim saved." in status.inner_text()
    assert status.get_attribute("role") == "status"
    assert abs(page.evaluate("window.scrollY") - before) < 5  # no jump to the top
    assert Claim.objects.filter(exact=quote).exists()
    # The list of claims sits beside the form, above the remaining suggestions.
    order = page.evaluate(
        "[...document.querySelectorAll('.split-side > section h2')].map((h) => h.id)"
    )
    assert order.index("claims-heading") < order.index("suggestions-heading")
    # Save is the primary (filled) button; Cancel is not.
    save_bg = page.evaluate(
        "getComputedStyle(document.querySelector('#claim-form button[type=submit]'))"
        ".backgroundColor"
    )
    cancel_bg = page.evaluate(
        "getComputedStyle(document.getElementById('form-cancel')).backgroundColor"
    )
    assert save_bg != cancel_bg and cancel_bg in ("rgba(0, 0, 0, 0)", "transparent")
    # The guide's picture: the next claim's form open beside the list, the last one confirmed.
    _select(page, "Zurückhaltung")
    page.evaluate("() => window.scrollTo(0, 0)")
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_IMG / "split-view.png"))
    assert page.errors == []
    page.context.close()


def test_a_claim_by_touch_on_a_phone(live_server, chromium, desk):
    page = _page(
        chromium,
        live_server,
        "anna",
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    _split(page, live_server, desk)
    quote = "Diese Vorwürfe seien"
    page.locator("#split-text").tap()  # a finger on the text: the page is in touch mode
    # A long press selects a word and the handles widen it; the browser reports that as a
    # selection change (no mouseup), which is what the page listens to.
    _select(page, quote, event=None)
    button = page.locator("#touch-create")
    button.wait_for(state="visible")
    assert not page.locator("#claim-form").is_visible()  # nothing opens by itself
    box = button.bounding_box()
    assert box and box["width"] >= 44 and box["height"] >= 44  # big enough for a finger
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    page.evaluate("() => document.getElementById('touch-create').scrollIntoView({block: 'center'})")
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_IMG / "split-view-phone.png"))
    button.tap()
    form = page.locator("#claim-form")
    form.wait_for(state="visible")
    assert quote in page.locator("#form-quote").inner_text()
    page.locator("#form-speaker").fill("Jen Psaki")
    page.locator("#form-claim").fill("Die US-Vorwürfe sind Desinformation")
    page.locator("#claim-form button[type=submit]").tap()
    page.wait_for_function("() => document.getElementById('split-status').textContent.length > 0")
    claim = Claim.objects.get()
    assert claim.exact == quote and claim.speaker.name == "Jen Psaki"
    assert not button.is_visible()
    assert page.errors == []
    page.context.close()


def test_the_sources_table_fits_1280_pixels_with_the_sidebar_open(live_server, chromium, desk):
    long_path = "/2022/01/kasachstan/unruhen-in-almaty-und-die-rolle-des-bündnisses-" + "x" * 60
    for n, state in enumerate([Source.State.FAILED, Source.State.BLOCKED, Source.State.FETCHED]):
        factories.SourceFactory(
            url=f"https://nachrichten{n}.example{long_path}?seite={n}",
            state=state,
            reason="The host name could not be resolved ([Errno -2] Name or service not known)"
            if state != Source.State.FETCHED
            else "",
        )
    page = _page(
        chromium, live_server, "erik", german=True, viewport={"width": 1280, "height": 800}
    )
    page.goto(f"{live_server.url}/admin/sources/source/")
    page.wait_for_selector("#result_list")
    assert page.locator("#nav-sidebar").is_visible()  # the admin's sidebar is open
    artifacts = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
    artifacts.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(artifacts / "sources-1280.png"))
    overflow = page.evaluate(
        """() => {
            const results = document.querySelector(".results");
            return {scroll: results.scrollWidth, client: results.clientWidth,
                    page: document.documentElement.scrollWidth, width: window.innerWidth};
        }"""
    )
    assert overflow["scroll"] <= overflow["client"], overflow
    assert overflow["page"] <= overflow["width"], overflow
    # Each state is shown whole ("Fehlgeschlagen", not "Fehl…").
    for badge in page.locator(".desk-source-state").all():
        assert badge.evaluate("(el) => el.scrollWidth <= el.clientWidth + 1")
        box = badge.bounding_box()
        assert box and box["x"] + box["width"] <= 1280
    assert page.errors == []
    page.context.close()
