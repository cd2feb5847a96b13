"""Every change of state to sources and citations that the desk asks for.

Citing a source (``citation_add``, ``citation_update``, ``citation_remove``), correcting
a published verdict together with its sources (``claim_correct_with_sources``), and
the desk's actions on a source (``source_refetch``, ``source_flags_clear``). Fetching
itself, the leases, the sweep and the re-checks are the fetch engine's
(``sources.engine``); these services only queue a fetch (``sources.queue``) after the
commit and announce changes to public claims (``sources.announcements``).

Services take keyword-only arguments and raise ``claims.errors`` domain errors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import workflow
from claims.errors import InvalidInput, InvalidTransition, NotAllowed, SourcesUnresolved
from claims.history import fit_reason
from claims.models import Claim, Correction
from claims.text import clean_text
from claims.typing import DeskUser

# The pure fetcher, for URL checks. Nothing here loads the extraction stack, which web
# processes (they import this module for the citation services) must not import.
from . import fetching
from .announcements import announce_source_change_on_commit
from .models import Citation, Source
from .queue import enqueue_fetch_on_commit
from .selectors import claim_sources_unresolved

MAX_PASSAGE_LENGTH = 5000

State = Source.State


def _require(user: DeskUser | None, permission: str, message: str) -> None:
    if user is not None and not user.has_perm(permission):
        raise NotAllowed(message)


# --- Citations ---------------------------------------------------------------------------


def source_url_check(url: str) -> tuple[str, str]:
    """(url, normalised url), or InvalidInput with a message the desk can act on.

    Syntax only (scheme, length, characters, userinfo…): a destination the SSRF rules
    refuse is accepted here and ends ``blocked`` with its reason when fetched.
    """
    url = (url or "").strip()
    if not url:
        raise InvalidInput(_("Enter the address (URL) of the source."))
    try:
        fetching.validate_url(url)
        normalised = fetching.normalise_url(url)
    except fetching.FetchError as error:
        raise InvalidInput(
            _("This address cannot be used as a source: %(reason)s") % {"reason": error.reason}
        ) from error
    return url, normalised


def _check_role(role: str) -> str:
    if role not in Citation.Role.values:
        raise InvalidInput(
            _("Unknown role %(role)s; use one of: %(roles)s")
            % {"role": role, "roles": ", ".join(Citation.Role.values)}
        )
    return role


def _check_passage(passage: str) -> str:
    passage = clean_text(passage or "", field="passage").strip()
    if len(passage) > MAX_PASSAGE_LENGTH:
        raise InvalidInput(
            _("The quoted passage is too long (at most %(max)d characters).")
            % {"max": MAX_PASSAGE_LENGTH}
        )
    return passage


def _check_claim_open(claim: Claim, *, correction: bool = False) -> None:
    """Sources change freely before publication; after it, only within a correction."""
    if claim.status == Claim.Status.RETRACTED:
        raise InvalidTransition(
            _("This claim is retracted; its sources cannot be changed."), status=claim.status
        )
    if claim.status == Claim.Status.PUBLISHED and not correction:
        raise InvalidTransition(
            _(
                "This verdict is published: change its sources with a correction, whose "
                "public note tells readers what changed."
            ),
            status=claim.status,
        )


@transaction.atomic
def citation_add(
    *,
    claim: Claim,
    url: str,
    role: str,
    passage: str = "",
    user: DeskUser | None = None,
    correction: bool = False,
) -> Citation:
    """Cite ``url`` for ``claim``'s verdict; the source is fetched in the background.

    A published verdict's sources change only within a correction
    (``claim_correct_with_sources`` passes ``correction=True``).

    One source per normalised URL, shared by every claim citing it; it is queued for
    fetching (after the commit) only when it needs it. A refused destination is kept
    and ends ``blocked`` with its reason: nothing the desk entered is lost.
    """
    _require(user, "sources.add_citation", _("You may not add sources."))
    url, normalised = source_url_check(url)
    role = _check_role(role)
    passage = _check_passage(passage)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    _check_claim_open(claim, correction=correction)
    now = timezone.now()
    source, created = Source.objects.get_or_create(
        normalised_url=normalised,
        defaults={"url": url, "state": State.PENDING, "next_attempt_at": now, "created_by": user},
    )
    if Citation.objects.filter(claim=claim, source=source, role=role).exists():
        raise InvalidInput(
            _("This claim already cites %(url)s as “%(role)s”.")
            % {"url": source.url, "role": Citation.Role(role).label}
        )
    order = (Citation.objects.filter(claim=claim).aggregate(top=Max("order"))["top"] or 0) + 1
    try:
        with transaction.atomic():
            citation = Citation.objects.create(
                claim=claim, source=source, role=role, passage=passage, order=order, created_by=user
            )
    except IntegrityError as error:  # the claim row is locked, so only a true duplicate
        raise InvalidInput(_("This claim already cites this source in this role.")) from error
    due = source.next_attempt_at is None or source.next_attempt_at <= now
    if created or (source.state == State.PENDING and due):
        enqueue_fetch_on_commit([source.pk])
    if claim.is_public:
        announce_source_change_on_commit(source.pk)
    return citation


@transaction.atomic
def citation_update(
    *, citation: Citation, role: str, passage: str, user: DeskUser | None = None
) -> Citation:
    """Change a citation's role or quoted passage (the source stays)."""
    _require(user, "sources.change_citation", _("You may not change sources."))
    role = _check_role(role)
    passage = _check_passage(passage)
    citation = Citation.objects.select_for_update().select_related("claim").get(pk=citation.pk)
    _check_claim_open(citation.claim)
    if (
        role != citation.role
        and Citation.objects.filter(claim=citation.claim, source=citation.source, role=role)
        .exclude(pk=citation.pk)
        .exists()
    ):
        raise InvalidInput(_("This claim already cites this source in this role."))
    citation.role, citation.passage = role, passage
    citation.save(update_fields=["role", "passage"])
    if citation.claim.is_public:
        announce_source_change_on_commit(citation.source_id)
    return citation


@transaction.atomic
def citation_remove(
    *, citation: Citation, user: DeskUser | None = None, correction: bool = False
) -> None:
    """Remove a citation; the source and its snapshots stay (other claims may cite it).

    On a published verdict only within a correction (see ``citation_add``)."""
    _require(user, "sources.delete_citation", _("You may not remove sources."))
    row = Citation.objects.select_related("claim").filter(pk=citation.pk).first()
    if row is None:
        return  # removed already: a repeated call is harmless
    _check_claim_open(row.claim, correction=correction)
    source_id, public = row.source_id, row.claim.is_public
    row.delete()
    if public:
        announce_source_change_on_commit(source_id)


# --- Source states at the moment of decision ---------------------------------------------


def _require_acknowledgement(
    claim: Claim, acknowledge_sources: str, *, ignore_citations: Sequence[int] = ()
) -> str:
    """Refuse (``SourcesUnresolved``) when a cited source is failed, blocked, dead or
    pending and ``acknowledge_sources`` gives no reason; returns the cleaned reason."""
    reason = clean_text(acknowledge_sources or "", field="acknowledge_sources").strip()
    unresolved = claim_sources_unresolved(claim.pk, ignore_citations=ignore_citations)
    if unresolved and not reason:
        raise SourcesUnresolved(
            _(
                "%(count)s cited source(s) are failed, blocked, dead or still pending. "
                "Check them, or acknowledge them with a reason."
            )
            % {"count": len(unresolved)},
            sources=unresolved,
        )
    return reason if unresolved else ""


def _keep_acknowledgement(claim: Claim, reason: str) -> None:
    """Add the acknowledgement to the change reason of the history row just written."""
    if not reason:
        return
    record = claim.history.order_by("-history_id").first()
    if record is None:
        return
    note = _("Unresolved sources acknowledged: %(reason)s") % {"reason": reason}
    kept = f"{record.history_change_reason} · {note}" if record.history_change_reason else note
    record.history_change_reason = fit_reason(kept)
    record.save(update_fields=["history_change_reason"])


@transaction.atomic
def claim_publish_with_sources(
    *, claim: Claim, user: DeskUser | None, version: int | None, acknowledge_sources: str = ""
) -> workflow.Published:
    """Publish (``workflow.claim_publish``) only when every cited source is archived, or
    the editor acknowledged the failed, blocked, dead or pending ones with a reason (kept
    in the claim's history). The admin and the desk API both call it."""
    published = workflow.claim_publish(claim=claim, user=user, version=version)
    # After the workflow's own checks (status, four eyes, version), so those are answered
    # first; raising here undoes the publication and drops its announcements.
    reason = _require_acknowledgement(claim, acknowledge_sources)
    _keep_acknowledgement(claim, reason)
    return published


# --- Corrections ---------------------------------------------------------------------------


@transaction.atomic
def claim_correct_with_sources(
    *,
    claim: Claim,
    user: DeskUser | None,
    version: int | None,
    note: str,
    changes: Mapping[str, Any] | None = None,
    sources_add: Sequence[Mapping[str, str]] = (),
    sources_remove: Sequence[int] = (),
    acknowledge_sources: str = "",
) -> Correction:
    """Correct a published verdict (``workflow.claim_correct``) and change its sources.

    Once a verdict is published, its sources change only here, within the correction
    whose public note tells readers what changed: ``sources_add`` holds ``{url, role,
    passage?}`` items to cite, ``sources_remove`` ids of the claim's citations to drop.
    One transaction: any refusal (of the correction, a bad URL, a citation of another
    claim) leaves everything as it was. It lives here because the core (``claims``)
    does not know sources; the admin and the desk API both call it.
    """
    correction = workflow.claim_correct(
        claim=claim, user=user, version=version, note=note, changes=changes
    )
    if sources_remove:
        citations = {c.pk: c for c in Citation.objects.filter(claim=claim, pk__in=sources_remove)}
        unknown = sorted(set(sources_remove) - set(citations))
        if unknown:
            raise InvalidInput(
                _("This claim has no source citation with the id %(ids)s.")
                % {"ids": ", ".join(map(str, unknown))}
            )
        for citation in citations.values():
            citation_remove(citation=citation, user=user, correction=True)
    added = []
    for item in sources_add:
        added.append(
            citation_add(
                claim=claim,
                url=item.get("url", ""),
                role=item.get("role", ""),
                passage=item.get("passage", ""),
                user=user,
                correction=True,
            ).pk
        )
    # Last, so the desk sees its input errors first; raising undoes the whole correction.
    # The sources kept from before count (those cited now are fetched after the commit).
    reason = _require_acknowledgement(claim, acknowledge_sources, ignore_citations=added)
    _keep_acknowledgement(claim, reason)
    return correction


# --- The desk's actions on a source ------------------------------------------------------


@transaction.atomic
def source_refetch(*, source: Source, user: DeskUser | None = None) -> Source:
    """ "Fetch again" from the desk: queue the source now, with a fresh attempt budget.

    A fetched source is re-checked (a snapshot is added if it changed); a failed or
    blocked one gets a new first fetch. Refused while a worker holds a live lease.
    """
    _require(user, "sources.change_source", _("You may not fetch sources again."))
    now = timezone.now()
    source = Source.objects.select_for_update().get(pk=source.pk)
    if source.state == State.FETCHING and source.lease_expires_at and source.lease_expires_at > now:
        raise InvalidTransition(_("This source is being fetched right now."), status=source.state)
    source.state = State.PENDING
    source.attempts = 0
    source.next_attempt_at = now
    source.lease_token, source.lease_expires_at = "", None
    source.save(
        update_fields=[
            "state",
            "attempts",
            "next_attempt_at",
            "lease_token",
            "lease_expires_at",
            "updated_at",
        ]
    )
    enqueue_fetch_on_commit([source.pk])
    return source


@transaction.atomic
def source_flags_clear(*, source: Source, user: DeskUser | None = None) -> Source:
    """The desk has looked at a flagged source (changed, dead, redirected): clear it."""
    _require(user, "sources.change_source", _("You may not change sources."))
    source = Source.objects.select_for_update().get(pk=source.pk)
    source.is_changed = source.is_dead = source.is_redirected = False
    source.flagged_at = None
    source.save(
        update_fields=["is_changed", "is_dead", "is_redirected", "flagged_at", "updated_at"]
    )
    return source
