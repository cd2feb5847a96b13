"""What sources tells the layers above: a cited source of a public claim changed, and
(to the desk only) a cited source of an unpublished claim that needs a look.

Public pages and the partner API list a claim's sources. When one changes (a new archived
copy; a citation added, changed or removed), every published claim citing it is announced
as ``sources`` through ``claims.signals``, after the commit; the layers above listen.
Sources never call the public site, the partner API or the workflow for this.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.db.models import Q

from claims.models import Claim
from claims.selectors import PUBLIC_STATUSES, claims_published
from claims.signals import announce_desk_event, announce_public_change

from .models import Source
from .selectors import sources_flagged_q


def announce_source_change(source_id: int) -> None:
    """Announce ``sources`` for each published claim that cites ``source_id``.

    Reads committed rows: call it after the commit (``announce_source_change_on_commit``).
    """
    claim_ids = list(
        claims_published().filter(citations__source_id=source_id).values_list("pk", flat=True)
    )
    for claim_id in dict.fromkeys(claim_ids):
        announce_public_change(claim_id, "sources")
    # The desk hears of its drafts too, when the source now needs a look (changed, dead,
    # redirected, failed or blocked); never the public layers.
    flagged = sources_flagged_q() | Q(state__in=[Source.State.FAILED, Source.State.BLOCKED])
    if Source.objects.filter(flagged, pk=source_id).exists():
        drafts = (
            Claim.objects.exclude(status__in=PUBLIC_STATUSES)
            .filter(citations__source_id=source_id)
            .values_list("pk", flat=True)
        )
        for claim_id in dict.fromkeys(drafts):
            announce_desk_event(claim_id, "sources", None, (), "")


def announce_source_failed(source_id: int) -> None:
    """A fetch ended failed or blocked (no retry left): the desk hears of every claim that
    cites the source, draft or published, with its URL. The public layers do not: nothing
    they show changed (the archived copy, if any, stays)."""
    url = Source.objects.filter(pk=source_id).values_list("url", flat=True).first()
    if url is None:
        return
    claim_ids = Claim.objects.filter(citations__source_id=source_id).values_list("pk", flat=True)
    for claim_id in dict.fromkeys(claim_ids):
        announce_desk_event(claim_id, "sources", None, (), url)


def announce_source_failed_on_commit(source_id: int) -> None:
    transaction.on_commit(partial(announce_source_failed, source_id), robust=True)


def announce_source_change_on_commit(source_id: int) -> None:
    """Announce the change once the surrounding transaction commits (never before)."""
    # robust: the change is committed; a failing announcement must not turn it into an error.
    transaction.on_commit(partial(announce_source_change, source_id), robust=True)
