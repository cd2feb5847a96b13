"""The verdict page in a real browser: German and English, desktop and phone widths.

Screenshots are kept in artifacts/screenshots/ for a person to look at; the assertions
check what a screenshot cannot: no CSP violations, no horizontal scrolling on a phone,
the highlighted quote and the rating label visible.
"""

import pytest

from claims import workflow
from claims.demo import demo_load
from claims.models import Speaker
from tests import factories
from tests.helpers.workflow import publish, submit, write_verdict

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def verdict_url(live_server):
    """The seed article's Psaki claim, published with a correction, as a reader finds it."""
    desk = demo_load()
    checker = factories.desk_user("e2e-checker", role="fact-checker")
    editor = factories.desk_user("e2e-editor", role="editor")
    speaker = Speaker.objects.get(name="Jen Psaki")
    speaker.wikidata_id = "Q7177186"
    speaker.save()
    claim = factories.ClaimFactory(
        article=desk.article,
        speaker=speaker,
        quote="Teil des russischen Drehbuchs für Desinformation",
        claim="Die USA spielten eine Rolle bei den Protesten in Kasachstan",
        stated_on="2022-01-06",
    )
    write_verdict(
        claim,
        checker,
        rating="unbelegt",
        headline="Keine Belege für eine Rolle der USA bei den Protesten",
        summary=(
            "Russland behauptete, die USA steckten hinter den Protesten. Belege dafür "
            "wurden nicht vorgelegt; das Weiße Haus wies die Behauptung zurück."
        ),
        explanation=(
            "Das russische Außenministerium nannte keine Quellen für die Behauptung.\n\n"
            "Die Sprecherin des Weißen Hauses, Jen Psaki, nannte die Vorwürfe „absolut "
            "falsch“. Unabhängige Belege für eine Beteiligung gibt es nicht."
        ),
    )
    submit(claim, checker)
    publish(claim, editor)
    claim.refresh_from_db()
    workflow.claim_correct(
        claim=claim,
        user=editor,
        version=claim.version,
        note="Wir haben die Zusammenfassung um die Antwort des Weißen Hauses ergänzt.",
    )
    return f"{live_server.url}{claim.get_absolute_url()}"


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_verdict_page_renders_in_chromium(chromium, verdict_url, screenshots, language, device):
    context = chromium.new_context(
        viewport=VIEWPORTS[device],
        locale=language,
        extra_http_headers={"Accept-Language": language},
        device_scale_factor=1,
    )
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        response = page.goto(verdict_url, wait_until="load")
        assert response.status == 200
        assert page.get_attribute("html", "lang") == language
        mark = page.locator("blockquote mark")
        assert mark.inner_text() == "Teil des russischen Drehbuchs für Desinformation"
        assert mark.is_visible()
        label = page.locator(".rating__label")
        assert label.inner_text() == ("Unbelegt" if language == "de" else "Unproven")
        assert page.locator('script[type="application/ld+json"]').count() == 1
        # The style sheet loaded (same origin, allowed by the CSP).
        assert page.evaluate("getComputedStyle(document.body).margin") == "0px"
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= VIEWPORTS[device]["width"], "the page scrolls sideways"
        page.screenshot(path=screenshots / f"verdict-{language}-{device}.png", full_page=True)
        assert problems == []  # no CSP violation, no script error
    finally:
        context.close()


def test_language_switcher_works_in_the_browser(chromium, verdict_url, screenshots):
    context = chromium.new_context(viewport=VIEWPORTS["phone"], locale="de")
    page = context.new_page()
    try:
        page.goto(verdict_url)
        assert page.get_attribute("html", "lang") == "de"
        with page.expect_navigation():
            page.get_by_role("button", name="English").click()
        assert page.get_attribute("html", "lang") == "en"
        assert page.get_by_role("button", name="English").get_attribute("aria-pressed") == "true"
        assert page.url == verdict_url
        assert page.locator("h2#rating-title").inner_text() == "Our rating"
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/fact-checks/", "/methodology/"])
def test_index_and_methodology_fit_a_phone(chromium, verdict_url, live_server, screenshots, path):
    context = chromium.new_context(viewport=VIEWPORTS["phone"], locale="de")
    page = context.new_page()
    try:
        assert page.goto(f"{live_server.url}{path}").status == 200
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
        name = path.strip("/").replace("/", "-")
        page.screenshot(path=screenshots / f"{name}-de-phone.png", full_page=True)
    finally:
        context.close()
