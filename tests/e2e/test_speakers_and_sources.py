"""Issue 14 in real Chromium: an alias picks the existing speaker, two speakers are
merged with a redirect, and publishing with a failed source asks for an acknowledgement."""

import os
from pathlib import Path

import pytest
from django.apps import apps

from claims import demo, services
from claims.defaults import install_default_scale
from claims.models import Claim, Speaker
from sources.models import Citation
from tests import factories
from tests.helpers.browser import CHROMIUM_ARGS
from tests.helpers.workflow import submit, write_verdict

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"), args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1300, "height": 1000}, locale="en-GB")
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))

        def login(username: str, password: str) -> None:
            page.goto(f"{live_server.url}/admin/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", password)
            page.click("input[type=submit]")

        yield page, login, live_server.url
        assert errors == []
        browser.close()


def test_typing_an_alias_picks_the_existing_speaker(browser_page):
    page, login, base = browser_page
    demo.demo_load()
    factories.desk_user("anna", role="fact-checker", password="anna-pass-123")
    login("anna", "anna-pass-123")
    article = demo.Article.objects.get()
    speakers = Speaker.objects.count()
    page.goto(f"{base}/admin/claims/article/{article.pk}/split/")
    page.wait_for_selector(".suggestion")
    quote = "absolut falsch"
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
                    window.getSelection().removeAllRanges();
                    window.getSelection().addRange(range);
                    el.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
                    return;
                }
            }
        }""",
        quote,
    )
    page.fill("#form-speaker", "psaki")
    page.wait_for_function(
        "() => document.getElementById('speaker-hint').textContent.includes('Jen Psaki')"
    )
    assert "New speaker" not in page.inner_text("#speaker-hint")
    page.fill("#form-claim", "Die Vorwürfe sind falsch")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("mark.claim")
    claim = Claim.objects.get()
    assert claim.speaker.name == "Jen Psaki"
    assert Speaker.objects.count() == speakers


def test_merging_two_speakers_redirects_the_old_address(browser_page, make_published):
    page, login, base = browser_page
    install_default_scale(apps)  # a transactional test starts from an empty database
    factories.desk_user("erik", role="editor", password="erik-pass-123")
    keep = services.speaker_create(name="Jen Psaki")
    old = services.speaker_create(name="Jenifer Psaky")
    claim = make_published(speaker=old)
    login("erik", "erik-pass-123")
    page.goto(f"{base}/admin/claims/speaker/")
    for speaker in (keep, old):
        page.check(f"input[name=_selected_action][value='{speaker.pk}']")
    page.select_option("select[name=action]", "merge_speakers")
    page.click("button[name=index]")
    page.check(f"input[name=keep][value='{keep.pk}']")
    page.click("input[type=submit][value=Merge]")
    page.wait_for_selector(".messagelist .success")
    claim.refresh_from_db()
    assert claim.speaker_id == keep.pk
    response = page.goto(f"{base}/speakers/{old.slug}/")
    assert response.url.endswith(f"/speakers/{keep.slug}/")
    assert response.request.redirected_from.url.endswith(f"/speakers/{old.slug}/")
    assert claim.claim in page.content()


def test_publishing_with_a_failed_source_asks_for_an_acknowledgement(browser_page):
    page, login, base = browser_page
    install_default_scale(apps)  # a transactional test starts from an empty database
    checker = factories.desk_user("anna", role="fact-checker", password="anna-pass-123")
    factories.desk_user("erik", role="editor", password="erik-pass-123")
    claim = factories.ClaimFactory(created_by=checker)
    for url, state, extra in (
        ("https://statistik.example/inflation", "fetched", {}),
        ("https://bank.example/bericht", "failed", {"reason": "ConnectTimeout after 10 s"}),
        ("https://zeitung.example/artikel", "fetched", {"is_changed": True}),
        ("https://neu.example/quelle", "pending", {}),
    ):
        source = factories.SourceFactory(url=url, state=state, **extra)
        factories.CitationFactory(claim=claim, source=source, role=Citation.Role.REFUTES)
    write_verdict(claim, checker)
    submit(claim, checker)
    login("erik", "erik-pass-123")
    page.goto(f"{base}/admin/claims/claim/{claim.pk}/workflow/publish/")
    assert page.locator(".source-badge--failed").count() == 1
    assert page.locator(".source-badge--pending").count() == 1
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_IMG / "publish-source-states.png"), full_page=True)
    page.click("input[type=submit][value='Publish now']")
    assert "tick this to go on" in page.content()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.IN_REVIEW
    page.check("input[name=acknowledge]")
    page.fill("input[name=acknowledge_reason]", "Bank report kept as PDF in the desk archive")
    page.click("input[type=submit][value='Publish now']")
    page.wait_for_selector(".messagelist .success")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PUBLISHED
