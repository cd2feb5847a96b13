"""A reader sends a claim through "Send us a claim" in a real browser: found from the public
pages, the honeypot invisible, sent with its CSRF token, the thank-you page after; German,
at desktop and phone widths, without CSP violations."""

import pytest

from intake.models import InboxItem, Tip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_reader_sends_a_claim(live_server, chromium, screenshots, viewport):
    context = chromium.new_context(viewport=VIEWPORTS[viewport], locale="de-DE")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(live_server.url + "/methodology/")
    page.get_by_role("link", name="Schicken Sie uns eine Behauptung").first.click()
    page.wait_for_url("**/tips/")
    assert page.get_by_role("heading", level=1).inner_text() == "Schicken Sie uns eine Behauptung"
    assert not page.locator("input[name=website]").is_visible()  # the honeypot
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]

    page.get_by_label("Die Behauptung").fill(
        "Im Video heißt es, 80 Prozent der Windräder stünden still."
    )
    page.get_by_label("Link").fill("https://video.example/watch?v=wind")
    page.get_by_label("Ihre E-Mail-Adresse (freiwillig)").fill("leserin@example.org")
    page.screenshot(path=str(screenshots / f"tip-form-{viewport}.png"), full_page=True)
    page.get_by_role("button", name="Senden").click()
    page.wait_for_url("**/tips/thanks/")
    assert "Danke für Ihren Hinweis" in page.content()
    page.screenshot(path=str(screenshots / f"tip-thanks-{viewport}.png"))
    context.close()

    assert problems == []
    tip = Tip.objects.get()
    assert tip.url == "https://video.example/watch?v=wind"
    assert tip.language == "de"
    assert InboxItem.objects.filter(tip=tip).exists()


def test_an_editor_reads_and_searches_tips_in_the_admin(live_server, chromium, screenshots):
    from intake.tips import tip_submit
    from tests import factories

    factories.desk_user("tips-editor", role="editor", password="pw-for-tests-123")
    tip_submit(
        text="Der Landrat sagte, 40 Prozent der Brücken im Kreis seien marode.",
        url="https://lokal.example/bruecken",
        language="de",
        channel="form",
    )
    tip_submit(
        text="Die Stadt gebe mehr für Parkplätze aus als für Schulen.",
        language="de",
        channel="partner",
        partner_name="Stadtanzeiger",
    )
    tip_submit(text='<script>alert("x")</script> Feinstaub', channel="form")

    context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "tips-editor")
    page.fill("#id_password", "pw-for-tests-123")
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")
    page.goto(f"{live_server.url}/admin/intake/tip/")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 3
    assert '<script>alert("x")</script> Feinstaub' in page.locator("#result_list").inner_text()
    page.screenshot(path=str(screenshots / "tips-admin.png"))
    page.fill("#searchbar", "Brücken")
    page.press("#searchbar", "Enter")
    page.wait_for_url("**q=*")
    assert page.locator("#result_list tbody tr").count() == 1
    context.close()
    assert errors == []
