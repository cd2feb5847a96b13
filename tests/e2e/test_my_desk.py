"""The desk as a daily workplace in real Chromium: My desk for a fact-checker and an
editor, a comment with a mention (a notification and an e-mail), and a request for changes
shown in the split view until the claim is resubmitted. Takes the guide's screenshots
(docs/img/, 1440×900)."""

from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.urls import reverse

from claims.defaults import install_default_scale, sync_desk_groups
from claims.models import Claim
from newsdesk.models import Notification
from tests import factories
from tests.helpers.workflow import publish_claim, submit, write_verdict

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
PASSWORD = "pw-for-tests-123"


@pytest.fixture
def desk(db):
    # A transactional test's flush took the rows the migrations put in: the scale and groups.
    install_default_scale(django_apps)
    sync_desk_groups(django_apps)
    anna = factories.desk_user("anna", role="fact-checker")
    erik = factories.desk_user("erik", role="editor")
    jana = factories.desk_user("jana", role="editor")
    for user in (anna, erik, jana):
        user.email = f"{user.username}@desk.example"
        user.save(update_fields=["email"])
    article = factories.ArticleFactory(title="Inflation: Was die Regierung sagte")
    speaker = factories.SpeakerFactory(name="Regierungssprecherin")
    claims = {}
    for name, wording, quote in (
        ("review", "Die Inflation ist so niedrig wie nie", "so niedrig wie nie"),
        ("draft", "Es gibt keine Probleme", "es gebe keine Probleme"),
    ):
        claims[name] = factories.ClaimFactory(
            article=article,
            speaker=speaker,
            claim=wording,
            quote=quote,
            created_by=anna,
            assignee=anna,
        )
    write_verdict(claims["review"], anna)
    submit(claims["review"], anna)
    published = factories.ClaimFactory(
        claim="Die Regierung hat die Inflation halbiert", created_by=anna, assignee=anna
    )
    publish_claim(published, anna, jana)
    return {"anna": anna, "erik": erik, "article": article, **claims}


@pytest.fixture
def browser_page(chromium):
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


def _login(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")


def test_my_desk_for_a_fact_checker_and_an_editor(live_server, desk, browser_page):
    page = browser_page
    _login(page, live_server.url, "anna")
    assert page.locator("h1").inner_text() == "My desk"
    assert page.locator("#my-claims-heading").is_visible()
    assert page.locator("#waiting-for-review").count() == 0  # not an editor
    assert (
        "Die Regierung hat die Inflation halbiert"
        in page.locator("#recently-published").inner_text()
    )
    page.locator("#content-main").wait_for()  # the app list stays

    _login(page, live_server.url, "erik")
    waiting = page.locator("#waiting-for-review")
    assert "Die Inflation ist so niedrig wie nie" in waiting.inner_text()
    # Keyboard: the desk's jump links are in the tab order and lead to their lists.
    page.locator('.desk-jump a[href="#waiting-for-review"]').focus()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#waiting-for-review"
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href') || ''")
    assert focused  # a link, reachable without a mouse
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(DOCS_IMG / "my-desk.png"))


def test_a_mention_notifies_and_mails(live_server, desk, browser_page):
    page = browser_page
    claim = desk["review"]
    mail.outbox.clear()
    _login(page, live_server.url, "anna")
    page.goto(live_server.url + reverse("admin:claims_claim_change", args=[claim.pk]))
    page.fill("#conversation textarea", "@erik Die Zahl von 1975 stammt aus der Reihe des Amts.")
    page.click("#conversation .desk-comment-form button[type=submit]")
    page.wait_for_selector(".desk-comment")
    assert "Die Zahl von 1975" in page.locator("#conversation").inner_text()
    assert Notification.objects.filter(recipient=desk["erik"], kind="mentioned").count() == 1
    assert [m.to for m in mail.outbox] == [["erik@desk.example"]]

    _login(page, live_server.url, "erik")
    # Review requested (two submissions in the setup) and the mention.
    unread = Notification.objects.filter(recipient=desk["erik"], read_at=None).count()
    assert unread == 3
    assert page.locator(".desk-unread .desk-count").inner_text() == str(unread)
    page.goto(live_server.url + reverse("admin:claims_claim_change", args=[claim.pk]))
    page.fill("#conversation textarea", "Danke, @anna. Ich sehe es mir an.")
    page.click("#conversation .desk-comment-form button[type=submit]")
    page.wait_for_selector("#conversation .desk-comment >> nth=1")
    page.locator("#conversation h2").scroll_into_view_if_needed()
    page.evaluate("document.getElementById('conversation').scrollIntoView({block: 'end'})")
    page.wait_for_timeout(200)
    page.screenshot(path=str(DOCS_IMG / "conversation.png"))


def test_request_changes_shows_in_the_split_view_until_resubmitted(live_server, desk, browser_page):
    page = browser_page
    claim = desk["review"]
    note = "Die Quelle für 1975 fehlt noch; bitte die Reihe des Statistikamts zitieren."
    _login(page, live_server.url, "erik")
    page.goto(
        live_server.url + reverse("admin:claims_claim_workflow", args=[claim.pk, "request_changes"])
    )
    page.click("input[type=submit]")  # without a note: refused
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.IN_REVIEW
    page.fill("#id_note", note)
    page.click("input[type=submit]")
    page.wait_for_selector("#changes-requested")
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.DRAFT

    _login(page, live_server.url, "anna")
    split = live_server.url + reverse("admin:claims_article_split", args=[desk["article"].pk])
    page.goto(split)
    banner = page.locator("#split-changes")
    assert note in banner.inner_text()
    page.screenshot(path=str(DOCS_IMG / "split-changes-requested.png"))

    page.goto(live_server.url + reverse("admin:claims_claim_workflow", args=[claim.pk, "submit"]))
    page.click("input[type=submit]")
    page.goto(split)
    page.wait_for_selector("#split-text")
    assert page.locator("#split-changes").count() == 0
    claim.refresh_from_db()
    assert claim.status == Claim.Status.IN_REVIEW
