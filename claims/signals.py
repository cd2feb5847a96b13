"""What the editorial core announces to the layers above it.

The core (``claims``) and ``sources`` never call into the public site or the partner
API. When something that readers or partners see has changed, they announce it here,
after the transaction committed, and the layers above listen:

- ``publishing.receivers`` refreshes the search index and makes cached pages obsolete;
- ``partners.receivers`` queues the webhook deliveries.

One signal, sent from one place per change (Wagtail's ``page_published``, Zulip's
``send_event``), with its receivers listed in those two modules.
"""

import logging
from functools import partial

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

#: Public content changed and the change is committed. Keyword arguments: ``claim_id``
#: (int) and ``event``: ``published``, ``corrected`` or ``retracted`` (the workflow),
#: ``sources`` (a cited source of a public claim changed) or ``appearance`` (the claim was
#: recorded as appearing in another article: ``claims.services.claim_appearance_add``).
public_change = Signal()

PUBLIC_EVENTS = ("published", "corrected", "retracted", "sources", "appearance")


def announce_public_change(claim_id: int, event: str) -> None:
    """Tell every receiver now; a failing receiver is logged and the others still run.

    Call it after the commit (``announce_on_commit``): receivers read committed rows.
    """
    if event not in PUBLIC_EVENTS:
        raise ValueError(f"unknown public event {event!r}")
    logger.info("public change: claim %s %s", claim_id, event)
    for receiver, result in public_change.send_robust(sender=None, claim_id=claim_id, event=event):
        if isinstance(result, Exception):
            logger.error(
                "public change: %r failed for claim %s %s",
                receiver,
                claim_id,
                event,
                exc_info=result,
            )


def announce_on_commit(claim_id: int, event: str) -> None:
    """Announce the change once the surrounding transaction commits (never before)."""
    # robust: the change is committed; a failing receiver must not turn it into an error.
    transaction.on_commit(partial(announce_public_change, claim_id, event), robust=True)


#: Something the desk's staff should hear about, committed; never public. Keyword
#: arguments: ``claim_id`` (int), ``event`` (one of ``DESK_EVENTS``), ``actor_id`` (int or
#: None: the system), ``user_ids`` (the people it concerns beyond those the claim names:
#: the mentioned, the new assignee) and ``text`` (a note or a comment). The receivers are
#: in ``newsdesk.receivers`` (notifications and their e-mail). ``sources``: a cited source
#: of an unpublished claim changed or failed (``sources.announcements``).
desk_event = Signal()

DESK_EVENTS = ("review_requested", "changes_requested", "commented", "assigned", "sources")


def announce_desk_event(
    claim_id: int, event: str, actor_id: int | None, user_ids: tuple[int, ...], text: str
) -> None:
    """Tell every receiver now; a failing receiver is logged and the others still run."""
    if event not in DESK_EVENTS:
        raise ValueError(f"unknown desk event {event!r}")
    for receiver, result in desk_event.send_robust(
        sender=None,
        claim_id=claim_id,
        event=event,
        actor_id=actor_id,
        user_ids=user_ids,
        text=text,
    ):
        if isinstance(result, Exception):
            logger.error(
                "desk event: %r failed for claim %s %s",
                receiver,
                claim_id,
                event,
                exc_info=result,
            )


def announce_desk_event_on_commit(
    claim_id: int,
    event: str,
    *,
    actor_id: int | None,
    user_ids: tuple[int, ...] = (),
    text: str = "",
) -> None:
    """Announce a desk event once the surrounding transaction commits (never before)."""
    transaction.on_commit(
        partial(announce_desk_event, claim_id, event, actor_id, tuple(user_ids), text),
        robust=True,
    )
