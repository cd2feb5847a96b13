"""The tipster's e-mail: one mail with the verdict's link when a matching claim goes
public (sent by the task the public change queues), never twice, in the tip's language,
with a signed unsubscribe link that works once, idempotently, and refuses forgeries."""

import re

import pytest
from django.core import mail, signing
from django.test import Client, TestCase

from claims import workflow
from intake import tip_emails
from intake.models import Tip
from intake.tips import UNSUBSCRIBE_SALT, tip_submit, unsubscribe_token

pytestmark = pytest.mark.django_db

CLAIM = "Windräder töten jedes Jahr 200 Millionen Vögel"


@pytest.fixture(autouse=True)
def _public_urls(settings):
    settings.FACTCHECK_ORG_URL = "https://faktencheck.example/"


def waiting_tip(
    text: str = CLAIM, *, email: str = "leser@example.org", language: str = "de"
) -> Tip:
    return tip_submit(text=text, email=email, language=language, channel="form")


def unsubscribe_path(message) -> str:
    found = re.search(r"https://faktencheck\.example(/tips/unsubscribe/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def test_one_mail_with_the_link_when_a_matching_claim_is_published(make_published):
    tip = waiting_tip()
    assert mail.outbox == []  # nothing to tell yet
    claim = make_published(claim=CLAIM)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["leser@example.org"]
    assert f"https://faktencheck.example{claim.get_absolute_url()}" in message.body
    assert CLAIM in message.body  # the check's wording (the tip's own text is not echoed)
    assert "Wir haben sie geprüft" in message.body  # the tip's language: German
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<https://faktencheck.example/tips/"
    )
    tip.refresh_from_db()
    assert tip.notified_at is not None
    assert tip.notified_claim == claim
    assert tip.email == ""  # no longer needed: erased


def test_sent_once_even_when_published_then_corrected(make_published, editor):
    waiting_tip()
    claim = make_published(claim=CLAIM)
    assert len(mail.outbox) == 1
    claim.refresh_from_db()
    with TestCase.captureOnCommitCallbacks(execute=True):
        workflow.claim_correct(
            claim=claim, user=editor, version=claim.version, note="Zahl präzisiert"
        )
    assert len(mail.outbox) == 1
    # A redelivered task sends nothing either.
    assert tip_emails.tips_notify(claim.pk) == {}
    assert len(mail.outbox) == 1


def test_a_tip_that_repeats_a_published_check_is_told_at_once(make_published, editor):
    claim = make_published(claim="Eine ganz andere Behauptung über Solarstrom")
    with TestCase.captureOnCommitCallbacks(execute=True):
        tip = waiting_tip("Eine ganz andere Behauptung über Solarstrom", language="en")
    # The tip repeats a published check: it is told at once, in English.
    assert len(mail.outbox) == 1
    assert "We have checked it" in mail.outbox[0].body
    assert mail.outbox[0].subject.startswith("[")
    tip.refresh_from_db()
    assert tip.notified_claim == claim


def test_a_matching_tip_is_told_when_the_check_is_corrected(make_published, editor):
    claim = make_published(claim=CLAIM)
    # Came in without an address, so nothing was sent; one with an address that the
    # matcher did not link at intake (as if the text changed) waits for the correction.
    tip = waiting_tip(email="")
    Tip.objects.filter(pk=tip.pk).update(email="spaet@example.org")
    assert mail.outbox == []
    claim.refresh_from_db()
    with TestCase.captureOnCommitCallbacks(execute=True):
        workflow.claim_correct(
            claim=claim, user=editor, version=claim.version, note="Quelle ergänzt"
        )
    assert [m.to for m in mail.outbox] == [["spaet@example.org"]]


def test_no_mail_without_an_address_or_after_unsubscribing(make_published):
    waiting_tip(email="")
    tip = waiting_tip(email="weg@example.org")
    response = Client().post(f"/tips/unsubscribe/{unsubscribe_token(tip)}/")
    assert response.status_code == 200
    make_published(claim=CLAIM)
    assert mail.outbox == []


def test_no_mail_for_an_unrelated_claim_or_a_draft(make_published):
    from tests import factories

    waiting_tip()
    factories.ClaimFactory(claim=CLAIM)  # a draft with the same words
    make_published(claim="Der Hafen wird 2030 erweitert")
    assert mail.outbox == []


def test_the_unsubscribe_link_in_the_mail(make_published):
    tip = waiting_tip()
    tip_id = tip.pk
    # Unsubscribing before the verdict: nothing is sent afterwards.
    path = f"/tips/unsubscribe/{unsubscribe_token(tip)}/"
    reader = Client()
    page = reader.get(path)
    assert page.status_code == 200
    assert b"<form" in page.content and b"Unsubscribe" in page.content
    assert Tip.objects.get(pk=tip_id).unsubscribed_at is None  # a GET changes nothing
    done = reader.post(path)
    assert done.status_code == 200
    tip = Tip.objects.get(pk=tip_id)
    assert tip.unsubscribed_at is not None
    assert tip.email == ""
    first = tip.unsubscribed_at
    again = reader.post(path)  # idempotent
    assert again.status_code == 200
    assert Tip.objects.get(pk=tip_id).unsubscribed_at == first


def test_the_link_in_a_sent_mail_works(make_published):
    waiting_tip()
    make_published(claim=CLAIM)
    path = unsubscribe_path(mail.outbox[0])
    assert Client().post(path).status_code == 200
    assert Tip.objects.get().unsubscribed_at is not None


@pytest.mark.parametrize(
    "forge",
    [
        lambda token, tip: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature changed
        lambda token, tip: token.replace(
            token.split(":")[0],
            signing.dumps({"tip": tip.pk + 1}, salt=UNSUBSCRIBE_SALT).split(":")[0],
        ),  # other tip, old signature
        lambda token, tip: signing.dumps({"tip": tip.pk}),  # signed, but for something else
        lambda token, tip: signing.dumps({"tip": tip.pk}, salt=UNSUBSCRIBE_SALT, key="not-our-key"),
        lambda token, tip: "nonsense",
    ],
)
def test_a_forged_or_tampered_link_is_refused_and_changes_nothing(forge):
    tip = waiting_tip()
    other = waiting_tip("Noch ein Hinweis", email="andere@example.org")
    path = f"/tips/unsubscribe/{forge(unsubscribe_token(tip), tip)}/"
    for response in (Client().get(path), Client().post(path)):
        assert response.status_code == 400
        assert b"not valid" in response.content
    for row in (tip, other):
        row.refresh_from_db()
        assert row.unsubscribed_at is None
        assert row.email


def test_a_deleted_tip_s_link_still_answers(make_published):
    tip = waiting_tip()
    path = f"/tips/unsubscribe/{unsubscribe_token(tip)}/"
    tip.delete()
    assert Client().post(path).status_code == 200


def test_a_failed_send_leaves_the_tip_waiting(make_published, monkeypatch):
    tip = waiting_tip()

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    claim = make_published(claim=CLAIM)
    tip.refresh_from_db()
    assert tip.notified_at is None and tip.email == "leser@example.org"
    monkeypatch.undo()
    assert tip_emails.tips_notify(claim.pk) == {"sent": 1}
    assert len(mail.outbox) == 1


def test_a_tip_that_came_before_the_check_is_marked_already_checked(make_published):
    without_address = waiting_tip(email="")
    with_address = waiting_tip()
    other = waiting_tip("Der Hafen wird 2030 erweitert", email="")
    for tip in (without_address, with_address, other):
        assert tip.inbox_item.matched_claim is None
    claim = make_published(claim=CLAIM)
    for tip in (without_address, with_address):
        item = tip.inbox_item
        item.refresh_from_db()
        assert item.matched_claim == claim
        assert "repeat" in item.reasons
    other.inbox_item.refresh_from_db()
    assert other.inbox_item.matched_claim is None
    assert [m.to for m in mail.outbox] == [["leser@example.org"]]


def test_a_decided_inbox_entry_is_left_as_it_is(make_published):
    from intake.models import InboxItem

    tip = waiting_tip(email="")
    InboxItem.objects.filter(tip=tip).update(state=InboxItem.State.DISMISSED)
    make_published(claim=CLAIM)
    tip.inbox_item.refresh_from_db()
    assert tip.inbox_item.matched_claim is None


def test_the_mail_holds_only_the_desk_s_words(make_published):
    """The form must not become a way to mail someone a text of one's choosing: the tip's
    own text and link are never echoed, only the check's wording and link."""
    claim = make_published(claim=CLAIM)
    tip = tip_submit(
        text="Billige Uhren hier: https://spam.example/uhren <b>jetzt</b>",
        url="https://spam.example/",
        email="opfer@example.org",
        language="de",
        channel="form",
    )
    assert tip_emails.tip_notify(tip_id=tip.pk, claim=claim) == "sent"
    body = mail.outbox[0].body + mail.outbox[0].subject
    assert "spam.example" not in body and "Uhren" not in body
    assert CLAIM in body
