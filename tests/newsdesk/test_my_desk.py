"""My desk, the admin's start page: what each role sees, in a fixed number of queries."""

import pytest

from claims import workflow
from newsdesk.selectors import DESK_LIST_SIZE, my_desk
from sources.models import Source
from tests import factories
from tests.helpers.workflow import submit, write_verdict


def _desk(checker, editor, n: int) -> None:
    """``n`` claims of ``checker``'s in every state My desk lists."""
    for i in range(n):
        claim = factories.ClaimFactory(created_by=checker, assignee=checker)
        if i % 4 == 0:
            continue  # a draft
        write_verdict(claim, checker)
        submit(claim, checker)
        if i % 4 == 1:
            continue  # in review
        if i % 4 == 2:
            workflow.claim_request_changes(
                claim=claim, user=editor, version=claim.version, note=f"Quelle {i} fehlt."
            )
            continue
        source = factories.SourceFactory(url=f"https://quelle.example/{i}")
        Source.objects.filter(pk=source.pk).update(state=Source.State.FAILED)
        factories.CitationFactory(claim=claim, source=source)


@pytest.mark.parametrize("n", [10, 100])
def test_my_desk_makes_the_same_queries_whatever_the_size(
    checker, editor, n, django_assert_num_queries
):
    _desk(checker, editor, n)
    for user, queries in ((checker, 4), (editor, 5)):
        user.has_perm("claims.publish_claim")  # the permission cache, once per request
        with django_assert_num_queries(queries):
            desk = my_desk(user)
            # Reading what the page shows makes no further query.
            for claim in [*desk.waiting_for_review, *desk.changes_requested]:
                assert claim.speaker.name
                assert claim.assignee is None or claim.assignee.username


def test_what_a_fact_checker_and_an_editor_see(checker, editor):
    _desk(checker, editor, 8)
    mine = my_desk(checker)
    assert mine.by_status == {"draft": 4, "in_review": 4, "published": 0, "retracted": 0}
    assert not mine.is_editor and mine.waiting_for_review == []
    assert mine.counts["changes_requested"] == 2
    assert {c.request_note for c in mine.changes_requested} == {
        "Quelle 2 fehlt.",
        "Quelle 6 fehlt.",
    }
    assert mine.counts["sources_to_check"] == 2

    theirs = my_desk(editor)
    assert theirs.is_editor
    assert theirs.counts["waiting_for_review"] == 4
    assert len(theirs.waiting_for_review) == 4
    assert theirs.changes_requested == []  # the editor's own claims only


def test_an_editor_does_not_wait_for_their_own_claim(editor, second_editor):
    claim = factories.ClaimFactory(created_by=editor)
    write_verdict(claim, editor)
    submit(claim, editor)
    assert my_desk(editor).counts["waiting_for_review"] == 0  # four eyes
    assert my_desk(second_editor).counts["waiting_for_review"] == 1


def test_lists_are_cut_and_counts_are_whole(checker, editor):
    _desk(checker, editor, 2 * (DESK_LIST_SIZE + 2))  # half of them in review
    desk = my_desk(editor)
    assert len(desk.waiting_for_review) == DESK_LIST_SIZE
    assert desk.counts["waiting_for_review"] == DESK_LIST_SIZE + 2


@pytest.mark.parametrize("role", ["checker", "editor"])
def test_the_start_page(client, checker, editor, make_published, role):
    _desk(checker, editor, 4)
    published = make_published()
    user = {"checker": checker, "editor": editor}[role]
    client.force_login(user)
    page = client.get("/admin/").content.decode()
    assert "My desk" in page
    assert "Changes requested" in page
    assert ("Quelle 2 fehlt." in page) is (role == "checker")  # the author's claims
    assert "Sources to check" in page
    assert published.claim in page  # recently published
    assert ("Waiting for my review" in page) is (role == "editor")
    # The app list stays reachable, and the parts are reached from the keyboard.
    assert 'id="content-main"' in page and "/admin/claims/claim/" in page
    assert 'href="#changes-requested"' in page and 'accesskey="d"' in page


def test_the_header_counts_what_waits(client, checker, editor, django_assert_num_queries):
    from newsdesk.selectors import desk_header_counts

    _desk(checker, editor, 8)  # 4 in review, 2 of them sent back
    editor.has_perm("claims.publish_claim")
    with django_assert_num_queries(2):
        assert desk_header_counts(editor) == {"unread": 0, "to_do": 4}
    assert desk_header_counts(checker)["to_do"] == 2
    client.force_login(checker)
    page = client.get("/admin/claims/claim/").content.decode()
    assert 'accesskey="d">My desk <span class="desk-count"' in page


def test_staff_who_may_not_see_claims_get_the_plain_index(client, checker, editor):
    _desk(checker, editor, 4)
    client.force_login(factories.UserFactory(username="it", is_staff=True))
    page = client.get("/admin/").content.decode()
    assert "Quelle 2 fehlt." not in page and 'id="my-claims"' not in page
