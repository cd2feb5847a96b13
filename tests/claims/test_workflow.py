"""The editorial workflow: every transition, every refusal, four eyes, conflicts, history."""

from types import SimpleNamespace

import pytest
from django.urls import reverse
from simple_history.models import HistoricalRecords

from claims import signals, workflow
from claims.errors import InvalidInput, InvalidTransition, NotAllowed, StaleVersion
from claims.models import Claim, Correction
from claims.wording import publish_warnings
from publishing import caching
from tests import factories
from tests.helpers.workflow import publish, submit, write_verdict

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsider(db):
    """A staff user in no desk group: may look, may not act."""
    return factories.UserFactory(username="outsider")


def _fresh(claim: Claim) -> Claim:
    claim.refresh_from_db()
    return claim


# --- Submit -------------------------------------------------------------------------------


def test_submit_sends_a_complete_draft_to_review(checker):
    claim = write_verdict(factories.ClaimFactory(), checker)
    version = claim.version
    result = workflow.claim_submit(claim=claim, user=checker, version=version)
    assert (result.status, result.version) == (Claim.Status.IN_REVIEW, version + 1)
    assert _fresh(claim).history.first().history_change_reason == "submitted for review"


def test_submit_refuses_an_incomplete_verdict(checker):
    claim = factories.ClaimFactory()
    with pytest.raises(InvalidInput, match="needs a rating"):
        workflow.claim_submit(claim=claim, user=checker, version=claim.version)
    assert _fresh(claim).status == Claim.Status.DRAFT


def test_submit_refuses_a_claim_already_in_review(in_review, checker):
    with pytest.raises(InvalidTransition, match="Only a draft"):
        workflow.claim_submit(claim=in_review, user=checker, version=in_review.version)


def test_submit_refuses_a_user_without_the_role(outsider, checker):
    claim = write_verdict(factories.ClaimFactory(), checker)
    with pytest.raises(NotAllowed):
        workflow.claim_submit(claim=claim, user=outsider, version=claim.version)
    assert _fresh(claim).status == Claim.Status.DRAFT


# --- Request changes -----------------------------------------------------------------------


def test_editor_sends_a_claim_back_with_a_note(in_review, editor):
    claim = workflow.claim_request_changes(
        claim=in_review, user=editor, version=in_review.version, note="Quelle fehlt " * 20
    )
    assert claim.status == Claim.Status.DRAFT
    reason = _fresh(claim).history.first().history_change_reason
    assert reason.startswith("changes requested: Quelle fehlt") and len(reason) <= 100


def test_fact_checker_cannot_request_changes(in_review, checker):
    with pytest.raises(NotAllowed, match="Only editors"):
        workflow.claim_request_changes(claim=in_review, user=checker, version=in_review.version)


def test_request_changes_refuses_a_draft(checker, editor):
    claim = write_verdict(factories.ClaimFactory(), checker)
    with pytest.raises(InvalidTransition, match="in review"):
        workflow.claim_request_changes(claim=claim, user=editor, version=claim.version)


# --- Publish ---------------------------------------------------------------------------------


def test_editor_publishes_another_persons_verdict(in_review, editor):
    result = workflow.claim_publish(claim=in_review, user=editor, version=in_review.version)
    claim = _fresh(result.claim)
    assert claim.status == Claim.Status.PUBLISHED and claim.published_at is not None
    assert claim.verdict.reviewer == editor
    assert claim.verdict.published_at == claim.published_at
    assert result.warnings == []
    assert claim.history.first().history_change_reason == "published"


def test_fact_checker_cannot_publish(in_review, checker):
    with pytest.raises(NotAllowed, match="Only editors"):
        workflow.claim_publish(claim=in_review, user=checker, version=in_review.version)
    assert _fresh(in_review).status == Claim.Status.IN_REVIEW


def test_nobody_publishes_without_a_name(in_review):
    with pytest.raises(NotAllowed, match="named editor"):
        workflow.claim_publish(claim=in_review, user=None, version=in_review.version)


def test_publish_refuses_a_draft(checker, editor):
    claim = write_verdict(factories.ClaimFactory(), checker)
    with pytest.raises(InvalidTransition, match="Only a claim in review"):
        workflow.claim_publish(claim=claim, user=editor, version=claim.version)


def test_publish_refuses_an_already_published_claim(in_review, editor):
    publish(in_review, editor)
    with pytest.raises(InvalidTransition, match="Published"):
        publish(in_review, editor)


def test_four_eyes_refuses_the_author(editor):
    claim = write_verdict(factories.ClaimFactory(), editor)
    submit(claim, editor)
    with pytest.raises(NotAllowed, match="Four eyes"):
        publish(claim, editor)
    assert _fresh(claim).status == Claim.Status.IN_REVIEW


def test_four_eyes_refuses_an_editor_who_changed_the_verdict_in_review(in_review, editor):
    # The admin's request middleware records who saved; a service call with that context.
    HistoricalRecords.context.request = SimpleNamespace(user=editor)
    try:
        write_verdict(in_review, editor, headline="Vom Editor umgeschrieben")
    finally:
        del HistoricalRecords.context.request
    with pytest.raises(NotAllowed, match="Four eyes"):
        publish(in_review, editor)


def test_self_publishing_is_allowed_with_the_setting(editor, settings):
    settings.FACTCHECK_ALLOW_SELF_PUBLISH = True
    claim = write_verdict(factories.ClaimFactory(), editor)
    submit(claim, editor)
    assert publish(claim, editor).claim.status == Claim.Status.PUBLISHED


def test_publish_warns_about_a_long_claim_and_one_that_holds_the_rating(checker, editor):
    claim = factories.ClaimFactory(
        claim="Die Inflation ist falsch berechnet, sagt die Ministerin, und zwar seit vielen Jahren"
    )
    write_verdict(claim, checker, rating="falsch")
    submit(claim, checker)
    warnings = publish(claim, editor).warnings
    assert len(warnings) == 2
    assert "characters" in warnings[0] and "Falsch" in warnings[1]


# --- Correct -------------------------------------------------------------------------------


def test_correction_changes_the_verdict_with_a_public_note(make_published, editor):
    claim = make_published()
    correction = workflow.claim_correct(
        claim=claim,
        user=editor,
        version=claim.version,
        note="Wir haben die Bewertung angepasst.",
        changes={"rating": factories.rating("halbwahr"), "headline": "Neu"},
    )
    claim = _fresh(claim)
    assert correction.claim == claim and correction.created_by == editor
    assert (claim.verdict.rating.slug, claim.verdict.headline) == ("halbwahr", "Neu")
    assert claim.status == Claim.Status.PUBLISHED
    latest = claim.verdict.history.first()
    assert latest.history_change_reason.startswith("correction: Wir haben")
    delta = latest.diff_against(latest.prev_record)
    assert {change.field for change in delta.changes} == {"rating", "headline"}


def test_a_note_alone_is_a_public_clarification(make_published, editor):
    claim = make_published()
    workflow.claim_correct(claim=claim, user=editor, version=claim.version, note="Ergänzt.")
    assert Correction.objects.filter(claim=claim).count() == 1


@pytest.mark.parametrize("note", ["", "   "])
def test_correction_without_a_note_is_refused(make_published, editor, note):
    claim = make_published()
    with pytest.raises(InvalidInput, match="public note"):
        workflow.claim_correct(
            claim=claim, user=editor, version=claim.version, note=note, changes={"headline": "X"}
        )
    assert _fresh(claim).verdict.headline != "X"
    assert not Correction.objects.exists()


def test_correction_refuses_unknown_fields(make_published, editor):
    claim = make_published()
    with pytest.raises(InvalidInput, match="slug"):
        workflow.claim_correct(
            claim=claim, user=editor, version=claim.version, note="n", changes={"slug": "x"}
        )


def test_fact_checker_cannot_correct(make_published, checker):
    claim = make_published()
    with pytest.raises(NotAllowed):
        workflow.claim_correct(claim=claim, user=checker, version=claim.version, note="n")


def test_correction_refuses_an_unpublished_claim(in_review, editor):
    with pytest.raises(InvalidTransition, match="Only a published verdict"):
        workflow.claim_correct(claim=in_review, user=editor, version=in_review.version, note="n")


def test_a_published_verdict_is_changed_only_through_a_correction(make_published, checker):
    from claims import services

    claim = make_published()
    with pytest.raises(InvalidInput, match="correction"):
        services.verdict_update(
            claim=claim,
            user=checker,
            version=claim.version,
            rating=factories.rating("richtig"),
            headline="still",
            summary="s",
            explanation="",
        )


# --- Retract -------------------------------------------------------------------------------


def test_retraction_keeps_the_claim_with_its_reason(make_published, editor):
    claim = make_published()
    workflow.claim_retract(
        claim=claim, user=editor, version=claim.version, reason="Die Quelle war gefälscht."
    )
    claim = _fresh(claim)
    assert claim.status == Claim.Status.RETRACTED and claim.retracted_at is not None
    assert claim.retraction_reason == "Die Quelle war gefälscht."
    assert claim.history.first().history_change_reason.startswith("retracted:")


@pytest.mark.parametrize("reason", ["", " \n "])
def test_retraction_without_a_reason_is_refused(make_published, editor, reason):
    claim = make_published()
    with pytest.raises(InvalidInput, match="reason"):
        workflow.claim_retract(claim=claim, user=editor, version=claim.version, reason=reason)
    assert _fresh(claim).status == Claim.Status.PUBLISHED


def test_fact_checker_cannot_retract(make_published, checker):
    claim = make_published()
    with pytest.raises(NotAllowed):
        workflow.claim_retract(claim=claim, user=checker, version=claim.version, reason="r")


@pytest.mark.parametrize("status", ["draft", "in_review", "retracted"])
def test_retraction_refuses_anything_not_published(make_published, in_review, editor, status):
    claim = {"draft": factories.ClaimFactory(), "in_review": in_review}.get(status)
    if claim is None:
        claim = make_published()
        workflow.claim_retract(claim=claim, user=editor, version=claim.version, reason="r")
        claim = _fresh(claim)
    with pytest.raises(InvalidTransition, match="Only a published verdict"):
        workflow.claim_retract(claim=claim, user=editor, version=claim.version, reason="r")


def test_retracted_verdict_cannot_be_corrected(make_published, editor):
    claim = make_published()
    workflow.claim_retract(claim=claim, user=editor, version=claim.version, reason="r")
    claim = _fresh(claim)
    with pytest.raises(InvalidTransition):
        workflow.claim_correct(claim=claim, user=editor, version=claim.version, note="n")


# --- Optimistic locking ------------------------------------------------------------------------


def test_a_stale_publish_is_refused_and_shows_what_changed(in_review, checker, editor):
    seen = in_review.version
    HistoricalRecords.context.request = SimpleNamespace(user=checker)
    try:
        workflow.claim_request_changes(claim=in_review, user=editor, version=seen, note="Bitte.")
        write_verdict(in_review, checker, headline="Geänderte Überschrift", rating="halbwahr")
        submit(in_review, checker)
    finally:
        del HistoricalRecords.context.request
    with pytest.raises(StaleVersion, match="changed this claim") as caught:
        workflow.claim_publish(claim=in_review, user=editor, version=seen)
    changes = {(c.field, c.new) for c in caught.value.details["changes"]}
    assert ("headline", "Geänderte Überschrift") in changes
    assert any(field == "rating" and "(4)" in new for field, new in changes)  # halbwahr
    assert any(c.who == "checker1" for c in caught.value.details["changes"])
    assert _fresh(in_review).status == Claim.Status.IN_REVIEW  # nothing was published


def test_a_stale_correction_overwrites_nothing(make_published, editor, second_editor):
    claim = make_published()
    seen = claim.version
    workflow.claim_correct(
        claim=claim, user=second_editor, version=seen, note="A", changes={"headline": "Von B"}
    )
    with pytest.raises(StaleVersion):
        workflow.claim_correct(
            claim=claim, user=editor, version=seen, note="B", changes={"headline": "Von A"}
        )
    assert _fresh(claim).verdict.headline == "Von B"
    assert Correction.objects.count() == 1


# --- After the commit ------------------------------------------------------------------------


def test_public_changes_invalidate_the_caches_after_the_commit(
    in_review, editor, django_capture_on_commit_callbacks
):
    before = caching.generation()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publish(in_review, editor, run_on_commit=False)
    assert caching.generation() == before  # nothing happens before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert caching.generation() != before


def test_only_public_changes_announce_themselves(checker, django_capture_on_commit_callbacks):
    claim = write_verdict(factories.ClaimFactory(), checker)
    with django_capture_on_commit_callbacks() as callbacks:
        submit(claim, checker)
    # Only the desk hears of a submission (notifications), never the public layers.
    assert [getattr(c, "func", None) for c in callbacks] == [signals.announce_desk_event]


# --- The admin -------------------------------------------------------------------------------


def _workflow_url(claim: Claim, action: str) -> str:
    return reverse("admin:claims_claim_workflow", args=[claim.pk, action])


def test_admin_shows_the_actions_each_role_may_take(client, in_review, checker, editor):
    change = reverse("admin:claims_claim_change", args=[in_review.pk])
    client.force_login(checker)
    page = client.get(change).content.decode()
    assert _workflow_url(in_review, "publish") not in page
    client.force_login(editor)
    page = client.get(change).content.decode()
    assert _workflow_url(in_review, "publish") in page
    assert _workflow_url(in_review, "request_changes") in page


def test_admin_publish_goes_through_the_service_and_shows_warnings(client, checker, editor):
    claim = factories.ClaimFactory(claim="Das ist falsch")
    write_verdict(claim, checker)
    submit(claim, checker)
    claim.refresh_from_db()
    client.force_login(editor)
    page = client.get(_workflow_url(claim, "publish"))
    assert page.status_code == 200 and "ClaimReview" in page.content.decode()
    response = client.post(_workflow_url(claim, "publish"), {"version": claim.version}, follow=True)
    assert _fresh(claim).status == Claim.Status.PUBLISHED
    shown = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert ("warning", publish_warnings("Das ist falsch", ["Falsch"])[0]) in (shown)


def test_admin_refuses_an_action_the_user_may_not_take(client, in_review, checker):
    client.force_login(checker)
    response = client.post(
        _workflow_url(in_review, "publish"), {"version": in_review.version}, follow=True
    )
    assert _fresh(in_review).status == Claim.Status.IN_REVIEW
    assert any("Only editors" in str(m) for m in response.context["messages"])


def test_admin_stale_action_shows_the_conflict_and_saves_nothing(
    client, make_published, editor, second_editor
):
    claim = make_published()
    seen = claim.version
    workflow.claim_correct(
        claim=claim, user=second_editor, version=seen, note="B", changes={"headline": "Von B"}
    )
    client.force_login(editor)
    response = client.post(
        _workflow_url(claim, "correct"),
        {
            "version": seen,
            "note": "Meine Korrektur",
            "rating": claim.verdict.rating_id,
            "headline": "Von A",
            "summary": "s",
            "explanation": "",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Von B" in page and "Meine Korrektur" in page  # their change, and my input kept
    assert _fresh(claim).verdict.headline == "Von B"
    # Sending it again (now on the current version) applies it knowingly.
    form = response.context["form"]
    assert form["version"].value() == str(_fresh(claim).version)


def test_admin_correct_and_retract(client, make_published, editor):
    claim = make_published()
    client.force_login(editor)
    response = client.post(
        _workflow_url(claim, "correct"),
        {
            "version": claim.version,
            "note": "Überschrift präzisiert.",
            "rating": claim.verdict.rating_id,
            "headline": "Präziser",
            "summary": claim.verdict.summary,
            "explanation": claim.verdict.explanation,
        },
    )
    assert response.status_code == 302
    claim = _fresh(claim)
    assert claim.verdict.headline == "Präziser" and claim.corrections.count() == 1
    empty = client.post(_workflow_url(claim, "retract"), {"version": claim.version, "reason": ""})
    assert empty.status_code == 200 and _fresh(claim).status == Claim.Status.PUBLISHED
    client.post(_workflow_url(claim, "retract"), {"version": claim.version, "reason": "Falsch."})
    assert _fresh(claim).status == Claim.Status.RETRACTED


def test_admin_submit_and_request_changes(client, checker, editor):
    claim = write_verdict(factories.ClaimFactory(), checker)
    client.force_login(checker)
    client.post(_workflow_url(claim, "submit"), {"version": claim.version})
    claim = _fresh(claim)
    assert claim.status == Claim.Status.IN_REVIEW
    client.force_login(editor)
    client.post(
        _workflow_url(claim, "request_changes"), {"version": claim.version, "note": "Bitte."}
    )
    assert _fresh(claim).status == Claim.Status.DRAFT


def test_admin_does_not_delete_public_claims(admin_client, make_published):
    claim = make_published()
    response = admin_client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "delete_selected", "_selected_action": [claim.pk], "post": "yes"},
    )
    assert response.status_code == 403  # the bulk action checks every object
    assert Claim.objects.filter(pk=claim.pk).exists()
    assert admin_client.get(reverse("admin:claims_claim_delete", args=[claim.pk])).status_code in (
        302,
        403,
    )


def test_admin_verdict_inline_refuses_a_stale_form(client, checker):
    claim = write_verdict(factories.ClaimFactory(), checker)
    seen = claim.version
    write_verdict(claim, checker, headline="Inzwischen geändert")
    client.force_login(checker)
    response = client.post(
        reverse("admin:claims_claim_change", args=[claim.pk]),
        {
            "claim": claim.claim,
            "speaker": claim.speaker_id,
            "attribution": claim.attribution,
            "stated_on": claim.stated_on,
            "assignee": "",
            "base_version": seen,
            "verdict-TOTAL_FORMS": "1",
            "verdict-INITIAL_FORMS": "1",
            "verdict-MIN_NUM_FORMS": "0",
            "verdict-MAX_NUM_FORMS": "1",
            "verdict-0-id": claim.verdict.pk,
            "verdict-0-claim": claim.pk,
            "verdict-0-rating": claim.verdict.rating_id,
            "verdict-0-headline": "Mein alter Stand",
            "verdict-0-summary": "s",
            "verdict-0-explanation": "",
            "corrections-TOTAL_FORMS": "0",
            "corrections-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code in (200, 302)
    assert _fresh(claim).verdict.headline == "Inzwischen geändert"
