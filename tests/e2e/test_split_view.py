"""The split view in real Chromium: select words, save a claim, accept a suggestion."""

import os
from pathlib import Path

import pytest

from claims import demo
from claims.models import Claim, DismissedSuggestion
from tests import factories
from tests.helpers.browser import CHROMIUM_ARGS

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def split_page(live_server):
    from playwright.sync_api import sync_playwright

    demo.demo_load()
    factories.desk_user("anna", role="fact-checker", password="anna-pass-123")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"), args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-GB")
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", "anna")
        page.fill("#id_password", "anna-pass-123")
        page.click("input[type=submit]")
        article = demo.Article.objects.get()
        page.goto(f"{live_server.url}/admin/claims/article/{article.pk}/split/")
        page.wait_for_selector(".suggestion")
        yield page, article
        assert errors == []
        browser.close()


def _select(page, quote: str) -> None:
    """Select ``quote`` in the text pane the way a mouse does: a DOM range, then mouseup."""
    page.evaluate(
        """(quote) => {
            const el = document.getElementById("split-text");
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const i = node.data.indexOf(quote);
                if (i >= 0) {
                    const range = document.createRange();
                    range.setStart(node, i);
                    range.setEnd(node, i + quote.length);
                    const sel = window.getSelection();
                    sel.removeAllRanges();
                    sel.addRange(range);
                    el.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
                    return;
                }
            }
            throw new Error("quote not in text: " + quote);
        }""",
        quote,
    )


def test_select_a_passage_and_save_a_claim(split_page):
    page, article = split_page
    quote = "Diese Vorwürfe seien"
    _select(page, quote)
    assert page.locator("#claim-form").is_visible()
    assert quote in page.locator("#form-quote").inner_text()
    page.fill("#form-speaker", "Jen Psaki")
    page.select_option("#form-attribution", "indirect")
    page.fill("#form-claim", "Die US-Vorwürfe sind Teil russischer Desinformation")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("mark.claim")
    claim = Claim.objects.get()
    assert claim.exact == quote
    assert article.text[claim.start : claim.end] == quote
    assert claim.speaker.name == "Jen Psaki"  # the known speaker, not a new one
    assert claim.attribution == "indirect"
    page.screenshot(path=str(ARTIFACTS / "split-view-claim-saved.png"))


def test_keyboard_selection_opens_the_form(split_page):
    page, _article = split_page
    page.keyboard.press("t")  # caret into the text
    page.keyboard.press("Control+Home")
    for _ in range(len("Angesichts")):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("c")
    assert page.locator("#claim-form").is_visible()
    assert "Angesichts" in page.locator("#form-quote").inner_text()
    # The offsets are a tooltip on the quote, not text on the page.
    assert page.locator("#form-quote").get_attribute("title") == "Characters 0–10 of the article"
    assert "0–10" not in page.locator("#claim-form").inner_text()


def test_accept_and_dismiss_suggestions_with_the_keyboard(split_page):
    page, _article = split_page
    count = page.locator(".suggestion").count()
    assert count > 0
    page.keyboard.press("j")
    page.keyboard.press("d")
    page.wait_for_function(
        "(n) => document.querySelectorAll('.suggestion').length === n", arg=count - 1
    )
    assert DismissedSuggestion.objects.count() == 1
    terror = page.locator(".suggestion", has_text="Terrorgruppen")
    terror.get_by_role("button", name="Accept").click()
    assert page.locator("#claim-form").is_visible()
    assert page.input_value("#form-speaker") == "Kassym-Schomart Tokajew"
    page.fill("#form-claim", "Im Ausland ausgebildete Terrorgruppen stecken hinter den Protesten")
    page.click("#claim-form button[type=submit]")
    page.wait_for_selector("mark.claim")
    claim = Claim.objects.get()
    assert "Terrorgruppen" in claim.exact and claim.speaker.name == "Kassym-Schomart Tokajew"
    page.screenshot(path=str(ARTIFACTS / "split-view-suggestion-accepted.png"), full_page=True)


def test_each_suggestion_says_what_it_was_found_by(split_page):
    page, _article = split_page
    terror = page.locator(".suggestion", has_text="Terrorgruppen")
    hint = terror.locator(".split-cue").inner_text()
    assert hint == "found by “warf … vor” · speaker: another form of the name"
    pronoun = page.locator(".suggestion", has_text="beabsichtige").locator(".split-cue")
    assert pronoun.inner_text() == "found by “sagte” · speaker: by pronoun"
