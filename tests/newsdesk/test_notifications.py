"""Notifications: who hears of what, in the desk and by e-mail (sent by the task, after
the commit, once; none for someone who turned e-mail off)."""

import pytest
from django.core import mail

from claims import comments, workflow
from newsdesk import notifications
from newsdesk.models import Notification
from newsdesk.receivers import notify_public_change
from tests import factories
from tests.helpers.workflow import publish, submit, write_verdict

K = Notification.Kind


@pytest.fixture(autouse=True)
def _addresses(checker, editor, second_editor):
    for user in (checker, editor, second_editor):
        user.email = f"{user.username}@desk.example"
        user.save(update_fields=["email"])


@pytest.fixture
def claim(checker):
    return factories.ClaimFactory(created_by=checker, assignee=checker)


def _kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_a_mention_notifies_and_mails_once(
    claim, checker, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comments.comment_add(claim=claim, user=checker, text="@editor1 schau bitte, @checker1")
    assert _kinds(editor) == [K.MENTIONED]
    assert _kinds(checker) == []  # the author is never told of their own comment
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["editor1@desk.example"]
    assert "schau bitte" in message.body
    assert claim.claim[:40] in message.subject
    # The task again (a redelivered message) sends nothing more.
    notification = Notification.objects.get(recipient=editor)
    assert notifications.notification_email(notification.pk) == "sent before"
    assert len(mail.outbox) == 1


def test_no_mail_for_someone_who_turned_it_off(
    claim, checker, editor, django_capture_on_commit_callbacks
):
    notifications.desk_settings_update(user=editor, email_notifications=False)
    with django_capture_on_commit_callbacks(execute=True):
        comments.comment_add(claim=claim, user=checker, text="@editor1 bitte")
    assert _kinds(editor) == [K.MENTIONED]  # still in the desk
    assert mail.outbox == []


def test_nothing_before_the_commit(claim, checker, editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        comments.comment_add(claim=claim, user=checker, text="@editor1 bitte")
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_the_workflow_notifies_each_side(
    claim, checker, editor, second_editor, django_capture_on_commit_callbacks
):
    write_verdict(claim, checker)
    with django_capture_on_commit_callbacks(execute=True):
        submit(claim, checker)
    # Review requested: every editor, never the author.
    assert _kinds(editor) == [K.REVIEW_REQUESTED]
    assert _kinds(second_editor) == [K.REVIEW_REQUESTED]
    assert _kinds(checker) == []

    with django_capture_on_commit_callbacks(execute=True):
        workflow.claim_request_changes(
            claim=claim, user=editor, version=claim.version, note="Zweite Quelle fehlt."
        )
    changes = Notification.objects.get(recipient=checker, kind=K.CHANGES_REQUESTED)
    assert (changes.actor, changes.text) == (editor, "Zweite Quelle fehlt.")

    submit(claim, checker)
    publish(claim, editor)  # runs what follows the commit
    assert K.PUBLISHED in _kinds(checker)
    assert len(mail.outbox) == Notification.objects.count()


def test_assignment_notifies_the_new_assignee(
    claim, checker, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comments.claim_assign(claim=claim, user=checker, assignee=editor)
    assert _kinds(editor) == [K.ASSIGNED]
    with django_capture_on_commit_callbacks(execute=True):
        comments.claim_assign(claim=claim, user=checker, assignee=editor)  # no change
    assert _kinds(editor) == [K.ASSIGNED]


def test_a_correction_and_a_changed_source_tell_the_author(
    make_published, checker, second_editor, django_capture_on_commit_callbacks
):
    claim = make_published(created_by=checker)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.claim_correct(
            claim=claim, user=second_editor, version=claim.version, note="Tippfehler"
        )
    corrected = Notification.objects.get(recipient=checker, kind=K.CORRECTED)
    assert corrected.text == "Tippfehler"
    with django_capture_on_commit_callbacks(execute=True):
        notify_public_change(claim_id=claim.pk, event="sources")
    assert Notification.objects.filter(recipient=checker, kind=K.SOURCES).count() == 1


def test_mark_read(claim, checker, editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        comments.comment_add(claim=claim, user=checker, text="@editor1 eins")
        comments.comment_add(claim=claim, user=checker, text="@editor1 zwei")
    assert notifications.unread_count(editor) == 2
    first = Notification.objects.filter(recipient=editor).first()
    assert notifications.notifications_mark_read(user=checker, ids=[first.pk]) == 0  # not theirs
    assert notifications.notifications_mark_read(user=editor, ids=[first.pk]) == 1
    assert notifications.unread_count(editor) == 1
    assert notifications.notifications_mark_read(user=editor) == 1
    assert notifications.unread_count(editor) == 0


def test_the_notification_pages(client, claim, checker, editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        comments.comment_add(claim=claim, user=checker, text="@editor1 bitte ansehen")
    client.force_login(editor)
    page = client.get("/admin/").content.decode()
    assert 'class="desk-unread"' in page and ">1</span>" in page
    listing = client.get("/admin/newsdesk/notification/").content.decode()
    assert "bitte ansehen" in listing
    client.post("/admin/newsdesk/notification/read-all/")
    assert notifications.unread_count(editor) == 0
    # Nobody sees another's notifications.
    client.force_login(checker)
    assert "bitte ansehen" not in client.get("/admin/newsdesk/notification/").content.decode()
    # My settings: e-mail off.
    response = client.post("/admin/newsdesk/notification/settings/", {})
    assert response.status_code == 302
    assert not notifications.email_enabled(checker)


def test_a_flagged_source_of_a_draft_tells_its_assignee(
    claim, checker, editor, django_capture_on_commit_callbacks
):
    from sources.announcements import announce_source_change
    from sources.models import Source

    comments.claim_assign(claim=claim, user=checker, assignee=editor)
    source = factories.SourceFactory(url="https://quelle.example/a")
    factories.CitationFactory(claim=claim, source=source)
    announce_source_change(source.pk)  # fine: nothing to tell
    assert not Notification.objects.filter(kind=K.SOURCES).exists()
    Source.objects.filter(pk=source.pk).update(is_dead=True)
    with django_capture_on_commit_callbacks(execute=True):
        announce_source_change(source.pk)
    assert Notification.objects.get(kind=K.SOURCES).recipient == editor


def test_mark_read_from_the_list(
    client, claim, checker, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comments.comment_add(claim=claim, user=checker, text="@editor1 eins")
    notification = Notification.objects.get(recipient=editor)
    client.force_login(editor)
    listing = client.get("/admin/newsdesk/notification/").content.decode()
    assert f'href="/admin/claims/claim/{claim.pk}/change/"' in listing
    client.post(
        "/admin/newsdesk/notification/",
        {"action": "mark_read", "_selected_action": [notification.pk]},
    )
    assert notifications.unread_count(editor) == 0


def test_a_cited_source_that_fails_tells_the_assignee(
    claim, checker, editor, settings, django_capture_on_commit_callbacks
):
    """A fetch that ends blocked (or failed, no retry left) is "a cited source failed":
    the claim's assignee hears of it, with the source's URL."""
    from sources import engine, services
    from sources.engine import Outcome

    settings.FETCH_ALLOW_NETWORKS = []  # the metadata address is refused before any packet
    claim.assignee = editor
    claim.save(update_fields=["assignee"])
    with django_capture_on_commit_callbacks():  # the fetch is run below, by hand
        citation = services.citation_add(
            claim=claim,
            url="http://169.254.169.254/latest/meta-data/",
            role="context",
            user=checker,
        )
    with django_capture_on_commit_callbacks(execute=True):
        assert engine.source_fetch(source_id=citation.source_id) == Outcome.BLOCKED
    sources = Notification.objects.get(recipient=editor, kind=K.SOURCES)
    assert sources.claim_id == claim.pk
    assert sources.text == "http://169.254.169.254/latest/meta-data/"
    assert _kinds(checker) == []  # the assignee watches the sources, not the author too
    assert str(sources.get_kind_display()) == "A cited source failed or changed"
