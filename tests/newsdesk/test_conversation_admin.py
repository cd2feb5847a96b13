"""The conversation in the admin: the claim's page, the request for changes above it,
assignment (page and list), and the history as sentences."""

import pytest
from django.urls import reverse

from claims.models import Claim, Comment
from newsdesk.admin.history import readable_change
from newsdesk.models import Notification
from tests import factories
from tests.helpers.workflow import submit, write_verdict


def _change(claim) -> str:
    return reverse("admin:claims_claim_change", args=[claim.pk])


def _workflow(claim, action: str) -> str:
    return reverse("admin:claims_claim_workflow", args=[claim.pk, action])


@pytest.fixture
def in_review_by(checker):
    claim = factories.ClaimFactory(created_by=checker, assignee=checker)
    write_verdict(claim, checker)
    return submit(claim, checker)


def test_request_changes_needs_a_note_and_shows_it_until_resubmitted(
    client, in_review_by, checker, editor
):
    claim = in_review_by
    client.force_login(editor)
    page = client.post(_workflow(claim, "request_changes"), {"version": claim.version, "note": ""})
    assert page.status_code == 200  # the form again, with its error
    claim.refresh_from_db()
    assert claim.status == Claim.Status.IN_REVIEW
    note = "Die Zahl von 1975 braucht eine zweite Quelle; " * 4
    client.post(_workflow(claim, "request_changes"), {"version": claim.version, "note": note})
    claim.refresh_from_db()
    assert claim.status == Claim.Status.DRAFT

    client.force_login(checker)
    page = client.get(_change(claim)).content.decode()
    assert 'id="changes-requested"' in page
    assert note.strip() in page  # whole, not the history's 100 characters

    write_verdict(claim, checker, headline="Mit zweiter Quelle")
    submit(claim, checker)
    assert 'id="changes-requested"' not in client.get(_change(claim)).content.decode()
    # The request stays in the conversation.
    assert Comment.objects.get(claim=claim).kind == Comment.Kind.CHANGES_REQUESTED


def test_comment_from_the_claim_page(client, checker, editor, django_capture_on_commit_callbacks):
    claim = factories.ClaimFactory(created_by=checker)
    client.force_login(checker)
    url = reverse("admin:claims_claim_comment", args=[claim.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"text": "Was meint @editor1 dazu?"})
    assert response.status_code == 302
    page = client.get(_change(claim)).content.decode()
    assert "Was meint @editor1 dazu?" in page
    assert Notification.objects.filter(recipient=editor, kind="mentioned").exists()
    client.post(url, {"text": "a\x00b"})
    assert Comment.objects.count() == 1


def test_assign_from_the_page_and_the_list(client, checker, editor):
    one, two = factories.ClaimFactory(), factories.ClaimFactory()
    client.force_login(checker)
    client.post(reverse("admin:claims_claim_assign", args=[one.pk]), {"assignee": editor.pk})
    one.refresh_from_db()
    assert one.assignee == editor
    changelist = reverse("admin:claims_claim_changelist")
    form = client.post(
        changelist, {"action": "assign_selected", "_selected_action": [one.pk, two.pk]}
    )
    assert "Assign claims" in form.content.decode()
    client.post(
        changelist,
        {
            "action": "assign_selected",
            "_selected_action": [one.pk, two.pk],
            "apply": "1",
            "assignee": checker.pk,
        },
    )
    assert set(Claim.objects.values_list("assignee", flat=True)) == {checker.pk}


def test_the_history_speaks_in_sentences(client, in_review_by, editor):
    claim = in_review_by
    client.force_login(editor)
    client.post(_workflow(claim, "request_changes"), {"version": claim.version, "note": "Bitte."})
    page = client.get(reverse("admin:claims_claim_history", args=[claim.pk])).content.decode()
    assert "Changes requested: Bitte. Status: In review → Draft." in page
    assert "Submitted for review. Status: Draft → In review." in page


@pytest.mark.parametrize(
    ("reason", "status", "before", "sentence"),
    [
        (
            "submitted for review",
            "in_review",
            "draft",
            "Submitted for review. Status: Draft → In review.",
        ),
        (
            "changes requested: Quelle",
            "draft",
            "in_review",
            "Changes requested: Quelle Status: In review → Draft.",
        ),
        ("published", "published", "in_review", "Published. Status: In review → Published."),
        ("correction: Tippfehler", "published", "published", "Corrected: Tippfehler"),
        (
            "retracted: Irrtum",
            "retracted",
            "published",
            "Retracted: Irrtum Status: Published → Retracted.",
        ),
        ("", "draft", "", "Changed."),
        ("something new", "draft", "draft", "something new"),
    ],
)
def test_readable_change(reason, status, before, sentence):
    assert readable_change(reason, status=status, previous_status=before) == sentence


def test_the_split_view_shows_the_request_and_assigns(client, in_review_by, checker, editor):
    claim = in_review_by
    split = reverse("admin:claims_article_split", args=[claim.article_id])
    client.force_login(editor)
    client.post(_workflow(claim, "request_changes"), {"version": claim.version, "note": "Quelle!"})
    client.force_login(checker)
    page = client.get(split).content.decode()
    assert 'id="split-changes"' in page and "Quelle!" in page
    response = client.post(
        reverse("admin:claims_claim_assign", args=[claim.pk]),
        {"assignee": editor.pk, "next": split},
    )
    assert response.status_code == 302 and response["Location"] == split
    claim.refresh_from_db()
    assert claim.assignee == editor
    write_verdict(claim, checker, headline="Neu")
    submit(claim, checker)
    assert 'id="split-changes"' not in client.get(split).content.decode()
