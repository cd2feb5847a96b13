"""The conversation about a claim: comments, mentions, requests for changes, assignment."""

import pytest

from claims import comments, workflow
from claims.errors import InvalidInput, NotAllowed
from claims.models import Claim, Comment
from tests import factories
from tests.helpers.workflow import submit, write_verdict


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("@anna bitte prüfen", ["anna"]),
        ("Bitte prüfen, @anna.", ["anna"]),  # a sentence's dot is no part of the name
        ("@anna und @ben, @anna", ["anna", "ben"]),  # each once, in order
        ("schreib an anna@example.org", []),  # an e-mail address is no mention
        ("@a.b-c_d+e", ["a.b-c_d+e"]),  # every character Django allows in a username
        ("@", []),
        ("kein Name", []),
    ],
)
def test_mentioned_usernames(text, names):
    assert comments.mentioned_usernames(text) == names


def test_a_comment_is_kept_with_its_author(checker):
    claim = factories.ClaimFactory(created_by=checker)
    comment = comments.comment_add(claim=claim, user=checker, text="  Quelle fehlt noch.  ")
    assert (comment.author, comment.text, comment.kind) == (
        checker,
        "Quelle fehlt noch.",
        Comment.Kind.COMMENT,
    )


@pytest.mark.parametrize("text", ["", "   ", "a\x00b", "a\x1bb"])
def test_a_comment_needs_clean_text(checker, text):
    claim = factories.ClaimFactory()
    with pytest.raises(InvalidInput):
        comments.comment_add(claim=claim, user=checker, text=text)
    assert not Comment.objects.exists()


def test_only_staff_who_see_claims_comment(db):
    claim = factories.ClaimFactory()
    outsider = factories.UserFactory(username="outsider", is_staff=False)
    staff_without_rights = factories.UserFactory(username="nobody", is_staff=True)
    for user in (outsider, staff_without_rights):
        with pytest.raises(NotAllowed):
            comments.comment_add(claim=claim, user=user, text="Hallo")


@pytest.fixture
def in_review_by(checker):
    claim = factories.ClaimFactory(created_by=checker, assignee=checker)
    write_verdict(claim, checker)
    return submit(claim, checker)


@pytest.mark.parametrize("note", ["", "   "])
def test_request_changes_needs_a_note(in_review_by, editor, note):
    with pytest.raises(InvalidInput, match="needs a note"):
        workflow.claim_request_changes(
            claim=in_review_by, user=editor, version=in_review_by.version, note=note
        )
    in_review_by.refresh_from_db()
    assert in_review_by.status == Claim.Status.IN_REVIEW


def test_the_note_is_kept_whole_and_open_until_the_author_resubmits(in_review_by, editor, checker):
    note = "Die zweite Quelle widerspricht der ersten. " * 10  # longer than a change reason
    workflow.claim_request_changes(
        claim=in_review_by, user=editor, version=in_review_by.version, note=note
    )
    in_review_by.refresh_from_db()
    request = comments.open_change_request(in_review_by)
    assert request is not None
    assert (request.text, request.author, request.kind) == (
        note.strip(),
        editor,
        Comment.Kind.CHANGES_REQUESTED,
    )
    submit(in_review_by, checker)
    assert comments.open_change_request(in_review_by) is None
    request.refresh_from_db()
    assert request.resolved_at is not None


def test_assign_to_a_colleague(checker, editor):
    claim = factories.ClaimFactory(created_by=checker)
    comments.claim_assign(claim=claim, user=checker, assignee=editor)
    claim.refresh_from_db()
    assert claim.assignee == editor


def test_assign_only_to_active_staff(checker):
    claim = factories.ClaimFactory(created_by=checker)
    outsider = factories.UserFactory(username="outsider", is_staff=False)
    with pytest.raises(InvalidInput):
        comments.claim_assign(claim=claim, user=checker, assignee=outsider)
