"""The inbox in real Chromium: a fact-checker opens the inbox of an imported article,
reads why each row ranks where it does, accepts a suggestion (the split view opens with it
selected and the form prefilled), makes the claim, and records a repeat of a published
check as another appearance from the split view. Takes the guide's screenshot
(docs/img/inbox.png, 1440×900)."""

from pathlib import Path

import pytest
from django.apps import apps as django_apps

from claims.defaults import install_default_scale, sync_desk_groups
from claims.models import Appearance, Article, Claim
from intake.models import InboxItem
from intake.signals import article_imported
from tests import factories
from tests.helpers.workflow import publish_claim
from tests.intake.conftest import IMPORTED_TEXT, PUBLISHED_QUOTE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
PASSWORD = "pw-for-tests-123"


@pytest.fixture
def desk(db):
    install_default_scale(django_apps)
    sync_desk_groups(django_apps)
    anna = factories.desk_user("anna", role="fact-checker")
    jana = factories.desk_user("jana", role="editor")
    speaker = factories.SpeakerFactory(name="Anna Beispiel", slug="anna-beispiel")
    checked = factories.ClaimFactory(
        article=factories.ArticleFactory(text=PUBLISHED_QUOTE + " Das ist ein Test."),
        speaker=speaker,
        quote=PUBLISHED_QUOTE[:-1],
        claim="Die Kriminalität ist so niedrig wie seit 30 Jahren nicht",
        created_by=anna,
    )
    publish_claim(
        checked, anna, jana, verdict={"headline": "Die Kriminalität ist nicht auf einem Tiefstand"}
    )
    article = factories.ArticleFactory(
        title="Rentenstreit im Landtag",
        outlet="Beispielbote",
        url="https://beispielbote.example/rente",
        text=IMPORTED_TEXT,
        import_state=Article.ImportState.IMPORTED,
    )
    article_imported.send(sender=None, article=article, feed=None)  # not in a transaction
    return {"anna": anna, "article": article, "checked": checked}


def _login(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")


def test_accept_from_the_inbox_and_record_a_repeat(live_server, desk, chromium):
    assert InboxItem.objects.filter(article=desk["article"]).count() >= 2
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    base = live_server.url
    _login(page, base, "anna")

    page.click("#user-tools >> text=Inbox")
    page.wait_for_selector(".inbox-row")
    assert page.locator(".inbox-row .chip", has_text="contains a figure").count() >= 1
    checked = page.locator(".inbox-checked")
    assert "already checked:" in checked.first.inner_text()
    assert "Die Kriminalität ist nicht auf einem Tiefstand" in checked.first.inner_text()
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_IMG / "inbox.png"))

    # Accept the pensions statement: the split view opens with it selected, form filled.
    row = page.locator(".inbox-row", has_text="Renten seien")
    row.locator("button", has_text="Accept").click()
    page.wait_for_selector("#claim-form:not([hidden])")
    assert "Renten seien seit 2010" in page.locator("#form-quote").inner_text()
    assert page.input_value("#form-speaker") == "Anna Beispiel"
    page.fill("#form-claim", "Die Renten sind seit 2010 um 40 Prozent gestiegen")
    page.click("#claim-form button[type=submit]")
    page.wait_for_selector("mark.claim")
    made = Claim.objects.get(claim="Die Renten sind seit 2010 um 40 Prozent gestiegen")
    item = InboxItem.objects.get(article=desk["article"], start=made.start, end=made.end)
    assert item.state == "accepted" and item.claim_id == made.pk

    # The repeat: accepted, the split view says "already checked" and records it.
    page.goto(f"{base}/admin/intake/inboxitem/")
    repeat = page.locator(".inbox-row", has_text="Kriminalität sei")
    repeat.locator("button", has_text="Accept").click()
    page.wait_for_selector("#claim-form:not([hidden])")
    box = page.locator("#already-checked")
    box.locator("button", has_text="Record as another appearance").wait_for()
    assert "already checked:" in box.inner_text()
    box.locator("button", has_text="Record as another appearance").click()
    box.locator("text=Recorded as another appearance").wait_for()
    assert Appearance.objects.filter(claim=desk["checked"], article=desk["article"]).exists()
    context.close()
    assert errors == []
