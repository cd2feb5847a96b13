"""The editorial workflow: draft → in review → published → (corrected) → retracted.

Each service locks the claim row, checks the version the user saw (optimistic locking),
the current status and the user's permission, and refuses with a domain error that says
why. History is recorded by simple_history on every save, with a change reason. Public
changes are announced (``claims.signals``) after the transaction commits.

``user=None`` means the system (a migration or a management command acting for the
desk); permission checks are skipped for it, as in ``claims.services``. Publishing always
needs a named editor (four-eyes).
"""

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .comments import change_request_add, change_requests_resolve
from .errors import InvalidInput, InvalidTransition, NotAllowed, StaleVersion
from .guards import (
    bump_version,
    check_version,
    full_clean,
    lock_claim,
    require_known_fields,
    require_permission,
)
from .history import set_change_reason
from .models import Claim, Correction, Rating, Verdict
from .selectors import claim_changes_since
from .services import VERDICT_FIELDS
from .signals import announce_desk_event_on_commit, announce_on_commit
from .text import clean_text
from .typing import DeskUser
from .wording import publish_warnings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Published:
    """The result of ``claim_publish``: the claim and the ClaimReview warnings."""

    claim: Claim
    warnings: list[str] = field(default_factory=list)


def _locked(claim: Claim, version: int | None) -> Claim:
    """Lock the row and check the version; a conflict says what changed meanwhile."""
    locked = lock_claim(claim)
    if version is None:
        return locked
    try:
        check_version(locked, version)
    except StaleVersion as error:
        error.details["changes"] = claim_changes_since(locked, version)
        raise
    return locked


def _refuse(claim: Claim, message: str) -> InvalidTransition:
    """``message`` names the states that allow the action and has a %(status)s slot."""
    return InvalidTransition(message % {"status": claim.get_status_display()}, status=claim.status)


def _verdict(claim: Claim) -> Verdict:
    verdict = Verdict.objects.select_for_update().filter(claim=claim).first()
    if verdict is None:
        raise InvalidInput(_("This claim has no verdict yet; write one first."))
    return verdict


def _require_complete(verdict: Verdict) -> None:
    missing = []
    if verdict.rating_id is None:
        missing.append(_("The verdict needs a rating."))
    if not verdict.summary.strip():
        missing.append(_("The verdict needs a short summary."))
    if missing:
        raise InvalidInput(" ".join(missing))


@transaction.atomic
def claim_submit(*, claim: Claim, user: DeskUser | None, version: int | None) -> Claim:
    """Send a draft with a complete verdict to review (fact-checkers and editors)."""
    require_permission(user, _rule("submit").permission, _("You may not submit claims for review."))
    claim = _locked(claim, version)
    if claim.status not in _rule("submit").from_statuses:
        raise _refuse(
            claim, _("Only a draft can be submitted for review; this claim is: %(status)s.")
        )
    _require_complete(_verdict(claim))
    claim.status = Claim.Status.IN_REVIEW
    set_change_reason(claim, "submitted for review")
    bump_version(claim, "status")
    change_requests_resolve(claim=claim)
    announce_desk_event_on_commit(
        claim.pk, "review_requested", actor_id=user.pk if user is not None else None
    )
    return claim


@transaction.atomic
def claim_request_changes(
    *, claim: Claim, user: DeskUser | None, version: int | None, note: str = ""
) -> Claim:
    """Send a claim in review back to its draft (editors); ``note`` says what to change."""
    require_permission(
        user, _rule("request_changes").permission, _("Only editors can review claims.")
    )
    claim = _locked(claim, version)
    if claim.status not in _rule("request_changes").from_statuses:
        raise _refuse(
            claim, _("Only a claim in review can be sent back; this claim is: %(status)s.")
        )
    note = clean_text(note or "", field="note").strip()
    if not note:
        raise InvalidInput(_("Say what should be changed: a request for changes needs a note."))
    claim.status = Claim.Status.DRAFT
    set_change_reason(claim, f"changes requested: {note}")
    bump_version(claim, "status")
    # The history keeps the note's beginning; the conversation keeps it whole.
    change_request_add(claim=claim, user=user, note=note)
    announce_desk_event_on_commit(
        claim.pk, "changes_requested", actor_id=user.pk if user is not None else None, text=note
    )
    return claim


def _is_own_verdict(verdict: Verdict, user: DeskUser) -> bool:
    """Did ``user`` write this verdict or change its text at any point?"""
    if verdict.author_id == user.pk:
        return True
    return bool(verdict.history.filter(history_user_id=user.pk).exists())


def _public_claim_fields() -> dict[str, tuple[str, ...]]:
    """The claim's fields that go public, by what a reader sees: the wording is
    ClaimReview's claimReviewed, the quote (its span in the article) and the speaker and
    attribution are on the verdict page. Built per call so the names are translated."""
    return {
        _("wording"): ("claim",),
        _("quote"): ("start", "end", "exact", "prefix", "suffix"),
        _("speaker"): ("speaker_id",),
        _("attribution"): ("attribution", "stated_on"),
    }


def _own_claim_changes(claim: Claim, user: DeskUser) -> list[str]:
    """What of the claim's public fields ``user`` set, by the claim's history: each record
    ``user`` saved is compared with the one before it (the first one is the creation)."""
    groups = _public_claim_fields()
    names = [name for fields in groups.values() for name in fields]
    changed: set[str] = set()
    previous = None
    for record in claim.history.order_by("history_date", "history_id").values(
        "history_user_id", *names
    ):
        if record["history_user_id"] == user.pk:
            changed |= {n for n in names if previous is None or record[n] != previous[n]}
        previous = record
    return [label for label, fields in groups.items() if changed & set(fields)]


def _four_eyes(claim: Claim, verdict: Verdict, user: DeskUser) -> None:
    """Refuse ``user`` who made or changed anything this publication makes public: the
    claim (created it; its wording, quote, speaker or attribution) or the verdict.

    ``created_by`` and the verdict's history are checked first (cheap); the claim's
    history only then. A history record without a user (the system) is nobody's.
    """
    if settings.FACTCHECK_ALLOW_SELF_PUBLISH:
        return
    if claim.created_by_id == user.pk:
        raise NotAllowed(_("Four eyes: you created this claim, so another editor must publish it."))
    if _is_own_verdict(verdict, user):
        raise NotAllowed(
            _("Four eyes: you wrote or edited this verdict, so another editor must publish it.")
        )
    changed = _own_claim_changes(claim, user)
    if changed:
        raise NotAllowed(
            _("Four eyes: you changed this claim's %(fields)s, so another editor must publish it.")
            % {"fields": ", ".join(changed)}
        )


@transaction.atomic
def claim_publish(*, claim: Claim, user: DeskUser | None, version: int | None) -> Published:
    """Publish a claim in review (editors; four eyes: not a claim or verdict one made or
    changed, unless the setting allows).

    Returns the claim and the ClaimReview warnings the editor should see.
    """
    if user is None:
        raise NotAllowed(_("A verdict is published by a named editor."))
    require_permission(user, _rule("publish").permission, _("Only editors can publish verdicts."))
    claim = _locked(claim, version)
    if claim.status not in _rule("publish").from_statuses:
        raise _refuse(
            claim,
            _("Only a claim in review can be published; this claim is: %(status)s."),
        )
    verdict = _verdict(claim)
    _require_complete(verdict)
    _four_eyes(claim, verdict, user)
    now = timezone.now()
    verdict.reviewer = user
    verdict.published_at = verdict.published_at or now
    set_change_reason(verdict, "published")
    verdict.save(update_fields=["reviewer", "published_at", "updated_at"])
    claim.status = Claim.Status.PUBLISHED
    claim.published_at = claim.published_at or now
    set_change_reason(claim, "published")
    bump_version(claim, "status", "published_at")
    announce_on_commit(claim.pk, "published")
    rating = verdict.rating
    assert rating is not None  # _require_complete refused a verdict without one
    return Published(
        claim=claim,
        warnings=publish_warnings(claim.claim, [rating.label_de, rating.label_en]),
    )


def _clean_corrections(verdict: Verdict, changes: Mapping[str, Any]) -> dict[str, Any]:
    require_known_fields(changes, VERDICT_FIELDS, _("These fields cannot be corrected here: %s"))
    if "rating" in changes and not isinstance(changes["rating"], Rating):
        raise InvalidInput(_("A corrected verdict needs a rating."))
    changes = {
        name: clean_text(value, field=name) if isinstance(value, str) else value
        for name, value in changes.items()
    }
    return {
        name: value
        for name, value in changes.items()
        if (getattr(verdict, "rating_id" if name == "rating" else name))
        != (value.pk if name == "rating" else value)
    }


@transaction.atomic
def claim_correct(
    *,
    claim: Claim,
    user: DeskUser | None,
    version: int | None,
    note: str,
    changes: Mapping[str, Any] | None = None,
) -> Correction:
    """Correct a published verdict (editors), with a public note.

    ``changes`` maps verdict fields (rating, headline, summary, explanation) to their new
    values; a note alone is a public clarification without a change to the verdict.
    A correction that also changes the verdict's sources is
    ``sources.services.claim_correct_with_sources``, which calls this in its transaction.
    """
    require_permission(
        user, _rule("correct").permission, _("Only editors can correct published verdicts.")
    )
    note = clean_text(note or "", field="note").strip()
    if not note:
        raise InvalidInput(_("A correction needs a public note that says what changed."))
    claim = _locked(claim, version)
    if claim.status not in _rule("correct").from_statuses:
        raise _refuse(
            claim,
            _("Only a published verdict can be corrected; this claim is: %(status)s."),
        )
    verdict = _verdict(claim)
    changed = _clean_corrections(verdict, changes or {})
    if changed:
        for name, value in changed.items():
            setattr(verdict, name, value)
        full_clean(verdict)
        _require_complete(verdict)
        set_change_reason(verdict, f"correction: {note}")
        verdict.save(update_fields=[*changed, "updated_at"])
    correction = Correction(claim=claim, note=note, created_by=user)
    full_clean(correction)
    correction.save()
    set_change_reason(claim, f"correction: {note}")
    bump_version(claim)
    announce_on_commit(claim.pk, "corrected")
    return correction


@transaction.atomic
def claim_retract(
    *, claim: Claim, user: DeskUser | None, version: int | None, reason: str
) -> Claim:
    """Retract a published verdict (editors). Its page stays, with the reason."""
    require_permission(user, _rule("retract").permission, _("Only editors can retract verdicts."))
    reason = clean_text(reason or "", field="reason").strip()
    if not reason:
        raise InvalidInput(_("A retraction needs a public reason."))
    claim = _locked(claim, version)
    if claim.status not in _rule("retract").from_statuses:
        raise _refuse(
            claim,
            _("Only a published verdict can be retracted; this claim is: %(status)s."),
        )
    claim.status = Claim.Status.RETRACTED
    claim.retracted_at = timezone.now()
    claim.retraction_reason = reason
    set_change_reason(claim, f"retracted: {reason}")
    bump_version(claim, "status", "retracted_at", "retraction_reason")
    announce_on_commit(claim.pk, "retracted")
    return claim


# --- The table of transitions ------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    """One workflow action: the statuses it starts from, the one it leads to, the
    permission it needs and the service that performs it.

    The services above check their own rule from this table; the admin's buttons and the
    desk API's permissions are derived from it, so the three never disagree.
    """

    action: str
    from_statuses: tuple[str, ...]
    to_status: str
    permission: str
    service: Callable[..., Any]

    def allows(self, claim: Claim, user: DeskUser) -> bool:
        """May ``user`` take this action on ``claim`` now (status and permission)?"""
        return claim.status in self.from_statuses and user.has_perm(self.permission)


_S = Claim.Status
TRANSITIONS: dict[str, Transition] = {
    rule.action: rule
    for rule in (
        Transition("submit", (_S.DRAFT,), _S.IN_REVIEW, "claims.change_claim", claim_submit),
        Transition(
            "request_changes",
            (_S.IN_REVIEW,),
            _S.DRAFT,
            "claims.review_claim",
            claim_request_changes,
        ),
        Transition("publish", (_S.IN_REVIEW,), _S.PUBLISHED, "claims.publish_claim", claim_publish),
        Transition("correct", (_S.PUBLISHED,), _S.PUBLISHED, "claims.publish_claim", claim_correct),
        Transition("retract", (_S.PUBLISHED,), _S.RETRACTED, "claims.publish_claim", claim_retract),
    )
}


def _rule(action: str) -> Transition:
    return TRANSITIONS[action]


def transitions_allowed(claim: Claim, user: DeskUser) -> list[Transition]:
    """The actions ``user`` may take on ``claim`` now, in the table's order."""
    return [rule for rule in TRANSITIONS.values() if rule.allows(claim, user)]
