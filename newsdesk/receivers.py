"""The desk listens to what the core announces and tells the people concerned.

``claims.signals.desk_event`` (review requested, changes requested, a comment, an
assignment) and ``claims.signals.public_change`` (published, corrected, a cited source of
a public claim changed) and ``intake.signals.feed_paused`` (a watched feed kept failing)
become in-app notifications and their e-mail
(``newsdesk.notifications``). Connected in ``NewsdeskConfig.ready``.
"""

from typing import Any

from django.dispatch import receiver

from claims.models import Claim
from claims.signals import desk_event, public_change
from intake.signals import feed_paused

from .models import Notification
from .notifications import notify, staff_with_permission

_K = Notification.Kind


def _people(claim: Claim) -> set[int]:
    """Who works on the claim: its author and its assignee."""
    return {pk for pk in (claim.created_by_id, claim.assignee_id) if pk is not None}


@receiver(desk_event, dispatch_uid="newsdesk.notify_desk_event")
def notify_desk_event(
    *,
    claim_id: int,
    event: str,
    actor_id: int | None,
    user_ids: tuple[int, ...],
    text: str,
    **kwargs: Any,
) -> None:
    claim = Claim.objects.filter(pk=claim_id).first()
    if claim is None:
        return
    if event == "review_requested":
        editors = staff_with_permission("claims.publish_claim").exclude(pk=claim.created_by_id)
        recipients = set(editors.values_list("pk", flat=True))
        notify(recipient_ids=recipients, kind=_K.REVIEW_REQUESTED, claim=claim, actor_id=actor_id)
    elif event == "changes_requested":
        notify(
            recipient_ids=_people(claim),
            kind=_K.CHANGES_REQUESTED,
            claim=claim,
            actor_id=actor_id,
            text=text,
        )
    elif event == "commented":
        notify(recipient_ids=user_ids, kind=_K.MENTIONED, claim=claim, actor_id=actor_id, text=text)
    elif event == "assigned":
        notify(recipient_ids=user_ids, kind=_K.ASSIGNED, claim=claim, actor_id=actor_id)
    elif event == "sources":
        _notify_sources(claim, text)  # text: the URL of a source that failed, if it did


def _notify_sources(claim: Claim, text: str = "") -> None:
    # The assignee watches the claim's sources; without one, its author.
    owner = claim.assignee_id or claim.created_by_id
    notify(
        recipient_ids=[owner] if owner else [],
        kind=_K.SOURCES,
        claim=claim,
        actor_id=None,
        text=text,
    )


@receiver(public_change, dispatch_uid="newsdesk.notify_public_change")
def notify_public_change(*, claim_id: int, event: str, **kwargs: Any) -> None:
    claim = Claim.objects.select_related("verdict").filter(pk=claim_id).first()
    if claim is None:
        return
    verdict = getattr(claim, "verdict", None)
    # The editor who published or corrected it did it; the others hear about it.
    actor_id = verdict.reviewer_id if verdict is not None and event == "published" else None
    if event == "published":
        notify(recipient_ids=_people(claim), kind=_K.PUBLISHED, claim=claim, actor_id=actor_id)
    elif event == "corrected":
        correction = claim.corrections.order_by("-created_at", "-id").first()
        notify(
            recipient_ids=_people(claim),
            kind=_K.CORRECTED,
            claim=claim,
            actor_id=correction.created_by_id if correction else None,
            text=correction.note if correction else "",
        )
    elif event == "sources":
        _notify_sources(claim)


@receiver(feed_paused, dispatch_uid="newsdesk.notify_feed_paused")
def notify_feed_paused(*, feed: Any, **kwargs: Any) -> None:
    """The editors (who may resume feeds) hear that a feed was paused, and why."""
    editors = staff_with_permission("intake.change_feed")
    notify(
        recipient_ids=set(editors.values_list("pk", flat=True)),
        kind=_K.FEED_PAUSED,
        claim=None,
        actor_id=None,
        text=f"{feed.name} ({feed.url}): {feed.paused_reason}",
    )
