"""Every change of state to sources, citations and snapshots.

The fetch state machine (the database row is the truth; the broker only carries
reminders)::

    pending ──claim──▶ fetching ──▶ fetched        (a snapshot; 404/410 flagged dead)
       ▲                  │  │  └──▶ failed         (permanent error, or attempts used up)
       └──── transient ───┘  └─────▶ blocked        (SSRF rules, invalid URL: no retry)

* **Claim**: one conditional UPDATE moves a due row to ``fetching`` with a fresh lease
  token and expiry; whoever's UPDATE matched holds the lease. Only the lease holder may
  write the result (the token is compared under a row lock), so a late duplicate never
  writes a second snapshot.
* **Lost work**: ``source_sweep`` re-enqueues due rows nobody picked up and rows whose
  lease expired (a killed worker); a row whose lease expired with no attempts left ends
  ``failed`` ("the fetch crashed its worker N times").
* **Re-checks**: ``source_recheck_due`` puts cited, fetched sources whose re-check time
  has come back to ``pending``; the fetch then compares with the latest snapshot and adds
  a snapshot (and a flag) only when the text, the status or the host changed.

Services take keyword-only arguments and raise ``claims.errors`` domain errors.
"""

from __future__ import annotations

import email.utils
import hashlib
import logging
import random
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Case, Exists, F, Max, OuterRef, Q, TextField, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from claims.errors import InvalidInput, InvalidTransition, NotAllowed
from claims.models import Claim
from claims.text import clean_text

# Not ``extraction``: it pulls in trafilatura, htmldate, lxml and pypdf (about 22 MB per
# process), which only the worker's fetch needs; ``_extract`` imports it there. The web
# processes import this module for the citation services and must stay lean (a test
# checks that they never import it).
from . import fetching
from .models import Citation, Snapshot, Source, snapshot_upload_to
from .selectors import sources_flagged_q

if TYPE_CHECKING:
    from sources.extraction import Extracted

logger = logging.getLogger(__name__)

# The first retry waits about this long; each further one doubles it (up to the cap,
# settings.FETCH_RETRY_MAX_DELAY).
RETRY_BASE_SECONDS = 30.0
DEAD_STATUSES = frozenset({404, 410})
# At most this many rows are re-enqueued by one sweep or re-check run.
SWEEP_BATCH = 1000
MAX_PASSAGE_LENGTH = 5000

State = Source.State


class Outcome(StrEnum):
    """What one ``source_fetch`` call did (for logs, tests and the task's result)."""

    SKIPPED = "skipped"  # gone, not due, or leased by someone else: nothing to do
    FETCHED = "fetched"  # a snapshot was recorded
    UNCHANGED = "unchanged"  # a re-check saw what the latest snapshot holds
    RETRY = "retry"  # transient failure: back to pending with a next attempt time
    FAILED = "failed"  # permanent failure or attempts used up
    BLOCKED = "blocked"  # refused destination or invalid URL
    LOST_LEASE = "lost-lease"  # someone re-took the row meanwhile; the result was dropped


# --- Helpers ---------------------------------------------------------------------------


def _require(user: AbstractBaseUser | None, permission: str, message: str) -> None:
    if user is not None and not user.has_perm(permission):
        raise NotAllowed(message)


def _enqueue(source_ids: Iterable[int], *, countdown: float | None = None) -> None:
    """Send fetch tasks; call only through ``transaction.on_commit`` (the row must exist).

    Without a broker the task runs right here, in-process.
    """
    from sources.tasks import source_fetch_task  # tasks import this module

    for source_id in source_ids:
        if countdown:
            source_fetch_task.apply_async((source_id,), countdown=countdown)
        else:
            source_fetch_task.delay(source_id)


def _enqueue_on_commit(source_ids: list[int], *, countdown: float | None = None) -> None:
    if source_ids:
        # robust: the change is committed and the sweep re-enqueues what a broker outage
        # (or an in-process fetch that fails) loses; the request that saved it must not fail.
        transaction.on_commit(partial(_enqueue, source_ids, countdown=countdown), robust=True)


def _announce_public_change(source_id: int) -> None:
    """Public pages list sources: tell the claims app when one of theirs changed."""
    from claims.selectors import claims_published
    from claims.signals import announce_public_change

    claim_ids = list(
        claims_published().filter(citations__source_id=source_id).values_list("pk", flat=True)
    )
    for claim_id in dict.fromkeys(claim_ids):
        announce_public_change(claim_id, "sources")


def _announce_on_commit(source_id: int) -> None:
    transaction.on_commit(partial(_announce_public_change, source_id), robust=True)


def fetch_policy() -> fetching.FetchPolicy:
    """The fetch policy from settings (read at call time, never at import)."""
    return fetching.FetchPolicy.from_cidrs(settings.FETCH_ALLOW_NETWORKS)


def retry_delay(
    attempt: int,
    *,
    retry_after: float | None = None,
    cap: float | None = None,
    rng: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based).

    Exponential with "equal jitter": between half and all of ``base * 2**(attempt-1)``,
    so retries of many sources failing together spread out, yet never come sooner than
    half the backoff. A server's ``Retry-After`` is honoured. Never above ``cap``
    (``settings.FETCH_RETRY_MAX_DELAY``).
    """
    cap = float(settings.FETCH_RETRY_MAX_DELAY if cap is None else cap)
    ceiling = min(cap, RETRY_BASE_SECONDS * 2 ** min(max(attempt - 1, 0), 30))
    delay = ceiling / 2 + rng() * ceiling / 2
    if retry_after is not None and retry_after > delay:
        delay = retry_after
    return max(0.0, min(delay, cap))


def _retry_after_seconds(headers: dict[str, str], now: datetime) -> float | None:
    value = (headers.get("retry-after") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


def _host(url: str) -> str:
    """The host a reader would see, for "redirected elsewhere" (``www.`` ignored)."""
    try:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    return host.removeprefix("www.")


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
    user: AbstractBaseUser | None = None,
    correction: bool = False,
) -> Citation:
    """Cite ``url`` for ``claim``'s verdict; the source is fetched in the background.

    A published verdict's sources change only within a correction
    (``workflow.claim_correct`` passes ``correction=True``).

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
        _enqueue_on_commit([source.pk])
    if claim.is_public:
        _announce_on_commit(source.pk)
    return citation


@transaction.atomic
def citation_update(
    *, citation: Citation, role: str, passage: str, user: AbstractBaseUser | None = None
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
        _announce_on_commit(citation.source_id)
    return citation


@transaction.atomic
def citation_remove(
    *, citation: Citation, user: AbstractBaseUser | None = None, correction: bool = False
) -> None:
    """Remove a citation; the source and its snapshots stay (other claims may cite it).

    On a published verdict only within a correction (see ``citation_add``)."""
    _require(user, "sources.delete_citation", _("You may not remove sources."))
    citation = Citation.objects.select_related("claim").filter(pk=citation.pk).first()
    if citation is None:
        return  # removed already: a repeated call is harmless
    _check_claim_open(citation.claim, correction=correction)
    source_id, public = citation.source_id, citation.claim.is_public
    citation.delete()
    if public:
        _announce_on_commit(source_id)


# --- Fetching ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Lease:
    """What the worker holding a claimed row knows about it."""

    source_id: int
    token: str
    url: str
    attempts: int
    is_recheck: bool  # the source was fetched before: compare, flag, keep the archive


def _claimable(now: datetime) -> Q:
    return (
        (Q(state=State.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)))
        | Q(state=State.FAILED, next_attempt_at__isnull=False, next_attempt_at__lte=now)
        # A killed worker's row: taken over once its lease has expired, unless it has
        # used up its attempts (then the sweep ends it failed).
        | Q(
            state=State.FETCHING,
            lease_expires_at__lte=now,
            attempts__lt=settings.FETCH_MAX_ATTEMPTS,
        )
    )


# The claim is the hottest statement of a fetch and runs under the worker's GIL, so
# it is one round trip in plain SQL: the conditional UPDATE returns what the worker
# needs (PostgreSQL and SQLite ≥ 3.35 have RETURNING). ``_claimable`` is the same
# condition for the ORM fallback; tests run both. (Only "is it NULL" is asked of
# last_fetched_at, in Python: SQLite 3.40 evaluates ``x IS NOT NULL`` wrongly in a
# RETURNING clause.)
_CLAIM_SQL = """
UPDATE {table}
   SET state = %s, attempts = attempts + 1, lease_token = %s, lease_expires_at = %s,
       next_attempt_at = NULL, updated_at = %s
 WHERE id = %s
   AND ((state = %s AND (next_attempt_at IS NULL OR next_attempt_at <= %s))
     OR (state = %s AND next_attempt_at IS NOT NULL AND next_attempt_at <= %s)
     OR (state = %s AND lease_expires_at <= %s AND attempts < %s))
RETURNING normalised_url, attempts, last_fetched_at
"""


def _claim_returning(source_id: int, token: str, now: datetime, expires: datetime):
    ops = connection.ops
    at, until = ops.adapt_datetimefield_value(now), ops.adapt_datetimefield_value(expires)
    params = [
        State.FETCHING,
        token,
        until,
        at,
        source_id,
        State.PENDING,
        at,
        State.FAILED,
        at,
        State.FETCHING,
        at,
        settings.FETCH_MAX_ATTEMPTS,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_SQL.format(table=ops.quote_name(Source._meta.db_table)), params)
        return cursor.fetchone()


def _claim_orm(source_id: int, token: str, now: datetime, expires: datetime):
    claimed = (
        Source.objects.filter(pk=source_id)
        .filter(_claimable(now))
        .update(
            state=State.FETCHING,
            attempts=F("attempts") + 1,
            lease_token=token,
            lease_expires_at=expires,
            next_attempt_at=None,
            updated_at=now,
        )
    )
    if not claimed:
        return None
    row = (
        Source.objects.filter(pk=source_id, lease_token=token)
        .values_list("normalised_url", "attempts", "last_fetched_at")
        .first()
    )
    return row


def source_claim(*, source_id: int) -> Lease | None:
    """Take the row for fetching, or None if it is gone, not due, or someone holds it.

    One conditional UPDATE: of two workers racing for the row, exactly one matches.
    """
    now = timezone.now()
    token = secrets.token_hex(16)
    expires = now + timedelta(seconds=settings.FETCH_LEASE_SECONDS)
    if connection.features.can_return_rows_from_update:
        row = _claim_returning(source_id, token, now, expires)
    else:
        row = _claim_orm(source_id, token, now, expires)
    if row is None:
        return None
    url, attempts, last_fetched_at = row
    return Lease(
        source_id=source_id,
        token=token,
        url=url,
        attempts=attempts,
        is_recheck=last_fetched_at is not None,
    )


def _held(lease: Lease):
    return Source.objects.filter(pk=lease.source_id, state=State.FETCHING, lease_token=lease.token)


def _release(lease: Lease, now: datetime, **fields) -> bool:
    """Write the outcome if we still hold the lease; False if someone re-took the row."""
    return bool(
        _held(lease).update(lease_token="", lease_expires_at=None, updated_at=now, **fields)
    )


@dataclass
class _Finding:
    """What to record after a fetch: a snapshot (maybe) and changes to the source."""

    snapshot: Snapshot | None
    body: bytes = b""
    reason: str | None = ""  # None: nothing new (a flagged source keeps its reason)
    flags: set[str] = field(default_factory=set)  # "changed", "dead", "redirected"


def _extract(result: fetching.FetchResult, *, content_type: str, url: str = "") -> Extracted:
    """Text and metadata of a response's body (runs in the worker only, see the imports)."""
    from sources import extraction

    return extraction.extract(
        result.body, content_type=content_type, charset=result.charset, url=url
    )


def _snapshot_from_result(
    result: fetching.FetchResult, extracted: Extracted, now: datetime
) -> Snapshot:
    return Snapshot(
        fetched_at=now,
        status_code=result.status_code,
        final_url=result.final_url[:2048],
        redirects=[{"url": r.url, "status": r.status_code} for r in result.redirects],
        headers=dict(result.headers),
        content_type=result.content_type[:200],
        charset=(extracted.charset or result.charset or "")[:40],
        size=len(result.body),
        title=extracted.title[:500],
        text=extracted.text,
        published_on=(extracted.published_on or "")[:10],
        language=extracted.language[:35],
        sha256=hashlib.sha256(result.body).hexdigest(),
        text_sha256=extracted.text_sha256,
        kind=extracted.kind if extracted.kind in Snapshot.Kind.values else Snapshot.Kind.OTHER,
        reason=extracted.reason,
    )


def _error_snapshot(error: fetching.FetchError, now: datetime) -> Snapshot:
    return Snapshot(fetched_at=now, kind=Snapshot.Kind.ERROR, reason=error.reason)


def _latest_snapshot(source_id: int) -> Snapshot | None:
    return (
        Snapshot.objects.filter(source_id=source_id)
        .order_by("-fetched_at", "-id")
        .defer("text", "headers")
        .first()
    )


def _status_reason(status: int) -> str:
    from http import HTTPStatus

    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    return (
        _("The server answered %(status)d %(phrase)s.") % {"status": status, "phrase": phrase}
    ).replace(" .", ".")


def _compare(latest: Snapshot | None, new: Snapshot, url: str) -> tuple[set[str], list[str]]:
    """Flags and reasons for a re-check's ``new`` snapshot against the latest one.

    No flags means nothing a reader would notice changed; no snapshot is added then.
    """
    flags: set[str] = set()
    reasons: list[str] = []
    if latest is None:
        return flags, reasons
    if new.kind == Snapshot.Kind.ERROR:
        if latest.kind != Snapshot.Kind.ERROR or latest.reason != new.reason:
            flags.add("dead")
            reasons.append(_("The source cannot be reached any more: %s") % new.reason)
        return flags, reasons
    status = new.status_code or 0
    if status in DEAD_STATUSES:
        if latest.status_code not in DEAD_STATUSES:
            flags.add("dead")
            reasons.append(_("Dead link: %s") % _status_reason(status))
    elif status != latest.status_code and not new.is_ok:
        flags.add("changed")
        reasons.append(_("The server now answers differently: %s") % _status_reason(status))
    elif new.fingerprint != latest.fingerprint:
        flags.add("changed")
        reasons.append(_("The text of the source changed."))
    before = _host(latest.final_url or url)
    after = _host(new.final_url)
    if after and before and after != before:
        flags.add("redirected")
        reasons.append(
            _("The address now leads to another site: %(host)s.") % {"host": _host(new.final_url)}
        )
    return flags, reasons


def _store_body(snapshot: Snapshot, body: bytes) -> None:
    """Put the body in storage under its sha256 (identical bodies share one file)."""
    if not body:
        return
    name = snapshot_upload_to(snapshot, "")
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(body))
    snapshot.body.name = name


class _LeaseLost(Exception):
    """Rolls back a result whose lease was taken over meanwhile."""


_FLAG_FIELDS = {"changed": "is_changed", "dead": "is_dead", "redirected": "is_redirected"}


def _record_finding(lease: Lease, finding: _Finding, now: datetime) -> Outcome:
    """The lease holder's final write: snapshot and source, in one transaction.

    The snapshot is inserted, then the row is updated on the condition that our token
    is still there; if it is not, both are rolled back. The UPDATE takes the row lock,
    so a worker re-taking the row either came first (we roll back) or waits for our
    commit and then finds the source fetched.
    """
    fields: dict[str, object] = {
        "state": State.FETCHED,
        "next_attempt_at": None,
        "last_fetched_at": now,
        "recheck_due_at": now + timedelta(days=settings.SOURCE_RECHECK_DAYS),
        "reason": finding.reason,
    }
    if finding.reason is None:
        # Nothing new: a flagged source keeps the reason of its flag until the desk
        # clears it; otherwise there is nothing left to explain.
        fields["reason"] = Case(
            When(sources_flagged_q(), then=F("reason")),
            default=Value("", output_field=TextField()),
            output_field=TextField(),
        )
    for flag in finding.flags:
        fields[_FLAG_FIELDS[flag]] = True
    if finding.flags:
        fields["flagged_at"] = now
    try:
        with transaction.atomic():
            if finding.snapshot is not None:
                finding.snapshot.source_id = lease.source_id
                # A content-addressed file: kept even if we roll back (another snapshot
                # of the same body may use it; an unused one is harmless).
                _store_body(finding.snapshot, finding.body)
                finding.snapshot.save()
            if not _release(lease, now, **fields):
                raise _LeaseLost
            if finding.snapshot is not None and finding.snapshot.is_ok:
                _announce_on_commit(lease.source_id)  # a new archived copy to show
    except _LeaseLost:
        logger.info("source %s: lease lost; dropping the result", lease.source_id)
        return Outcome.LOST_LEASE
    return Outcome.FETCHED if finding.snapshot is not None else Outcome.UNCHANGED


def _finding_for(lease: Lease, snapshot: Snapshot, body: bytes, reason: str) -> _Finding:
    """First fetch: always a snapshot. Re-check: a snapshot only if something changed."""
    if not lease.is_recheck:
        flags = {"dead"} if snapshot.status_code in DEAD_STATUSES else set()
        return _Finding(snapshot=snapshot, body=body, reason=reason, flags=flags)
    flags, reasons = _compare(_latest_snapshot(lease.source_id), snapshot, lease.url)
    if not flags:
        return _Finding(snapshot=None, reason=None)
    return _Finding(snapshot=snapshot, body=body, reason=" ".join(reasons), flags=flags)


def _record_transient(
    lease: Lease,
    now: datetime,
    reason: str,
    *,
    retry_after: float | None = None,
    exhausted_snapshot: Snapshot | None = None,
    body: bytes = b"",
) -> Outcome:
    if lease.attempts < settings.FETCH_MAX_ATTEMPTS:
        delay = retry_delay(lease.attempts, retry_after=retry_after)
        with transaction.atomic():
            if not _release(
                lease,
                now,
                state=State.PENDING,
                next_attempt_at=now + timedelta(seconds=delay),
                reason=_("Attempt %(n)d failed, retrying in %(delay)d s: %(reason)s")
                % {"n": lease.attempts, "delay": round(delay), "reason": reason},
            ):
                return Outcome.LOST_LEASE
            _enqueue_on_commit([lease.source_id], countdown=delay)
        return Outcome.RETRY
    given_up = _("Gave up after %(n)d attempts: %(reason)s") % {
        "n": lease.attempts,
        "reason": reason,
    }
    if lease.is_recheck:
        # The archive stays; the desk learns that the source no longer answers.
        snapshot = exhausted_snapshot or Snapshot(
            fetched_at=now, kind=Snapshot.Kind.ERROR, reason=reason
        )
        finding = _Finding(snapshot=snapshot, body=body, reason=given_up, flags={"dead"})
        return _record_finding(lease, finding, now)
    if not _release(lease, now, state=State.FAILED, next_attempt_at=None, reason=given_up):
        return Outcome.LOST_LEASE
    return Outcome.FAILED


def _record_error(lease: Lease, error: fetching.FetchError, now: datetime) -> Outcome:
    if isinstance(error, fetching.BlockedDestination | fetching.InvalidURL):
        # No retry: the rules will refuse it again. A re-checked source that now leads
        # somewhere refused (a rebound name, a redirect inwards) is flagged as unreachable.
        flags = {"is_dead": True, "flagged_at": now} if lease.is_recheck else {}
        if not _release(
            lease, now, state=State.BLOCKED, next_attempt_at=None, reason=error.reason, **flags
        ):
            return Outcome.LOST_LEASE
        return Outcome.BLOCKED
    if error.transient:
        return _record_transient(lease, now, error.reason)
    if lease.is_recheck:
        # A name that no longer resolves, a certificate that no longer verifies, a page
        # grown too large: recorded as a snapshot without a response, and flagged.
        snapshot = _error_snapshot(error, now)
        return _record_finding(lease, _finding_for(lease, snapshot, b"", ""), now)
    if not _release(lease, now, state=State.FAILED, next_attempt_at=None, reason=error.reason):
        return Outcome.LOST_LEASE
    return Outcome.FAILED


def _record_response(lease: Lease, result: fetching.FetchResult, now: datetime) -> Outcome:
    status = result.status_code
    if fetching.is_transient_status(status):
        retry_after = _retry_after_seconds(result.headers, now)
        if lease.attempts < settings.FETCH_MAX_ATTEMPTS or not lease.is_recheck:
            return _record_transient(lease, now, _status_reason(status), retry_after=retry_after)
        extracted = _extract(result, content_type=result.content_type)
        return _record_transient(
            lease,
            now,
            _status_reason(status),
            exhausted_snapshot=_snapshot_from_result(result, extracted, now),
            body=result.body,
        )
    if 400 <= status < 500 and status not in DEAD_STATUSES and not lease.is_recheck:
        if not _release(
            lease, now, state=State.FAILED, next_attempt_at=None, reason=_status_reason(status)
        ):
            return Outcome.LOST_LEASE
        return Outcome.FAILED
    extracted = _extract(
        result,
        content_type=result.headers.get("content-type") or result.content_type,
        url=result.final_url,
    )
    snapshot = _snapshot_from_result(result, extracted, now)
    reason = _("Dead link: %s") % _status_reason(status) if status in DEAD_STATUSES else ""
    return _record_finding(lease, _finding_for(lease, snapshot, result.body, reason), now)


def source_fetch(*, source_id: int) -> Outcome:
    """Fetch a source if it is due: the unit of work of ``source_fetch_task``.

    Claims the row with a lease, fetches under the SSRF-safe policy, extracts, and lets
    only the lease holder record the outcome. Safe to call any number of times: a
    source that is not due (fetched, blocked, failed, or leased) is left alone.

    Deliberately not one transaction: the claim and the result are each atomic, and
    the fetch (up to the fetcher's 30 s deadline) holds no transaction or row lock.
    """
    lease = source_claim(source_id=source_id)
    if lease is None:
        return Outcome.SKIPPED
    # Reasons are stored: write them in the desk's language, whether a worker or (without
    # a broker) the request that saved the citation runs this.
    with translation.override(settings.LANGUAGE_CODE):
        return _fetch_leased(lease)


def _fetch_leased(lease: Lease) -> Outcome:
    try:
        try:
            result = fetching.fetch(lease.url, policy=fetch_policy())
        except fetching.FetchError as error:
            return _record_error(lease, error, timezone.now())
        return _record_response(lease, result, timezone.now())
    except Exception as error:
        # A bug or a time limit: hand the row back with a backoff (bounded by the
        # attempts) instead of leaving it leased, then let the error surface.
        try:
            _record_transient(
                lease,
                timezone.now(),
                _("The fetch stopped with an internal error (%(error)s).")
                % {"error": type(error).__name__},
            )
        except DatabaseError:
            logger.exception("source %s: could not release the lease", lease.source_id)
        raise


@transaction.atomic
def source_refetch(*, source: Source, user: AbstractBaseUser | None = None) -> Source:
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
    _enqueue_on_commit([source.pk])
    return source


@transaction.atomic
def source_flags_clear(*, source: Source, user: AbstractBaseUser | None = None) -> Source:
    """The desk has looked at a flagged source (changed, dead, redirected): clear it."""
    _require(user, "sources.change_source", _("You may not change sources."))
    source = Source.objects.select_for_update().get(pk=source.pk)
    source.is_changed = source.is_dead = source.is_redirected = False
    source.flagged_at = None
    source.save(
        update_fields=["is_changed", "is_dead", "is_redirected", "flagged_at", "updated_at"]
    )
    return source


# --- Periodic jobs -------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepReport:
    enqueued: int = 0  # due or lost rows sent to the workers again
    crashed: int = 0  # rows that kept killing their worker, now failed


def source_sweep() -> SweepReport:
    """Recover what the broker or a dead worker lost; end fetches that kill workers.

    * ``fetching`` rows whose lease expired with no attempts left: ``failed`` ("the
      fetch crashed its worker N times"), or back to ``fetched`` for a re-check.
    * ``fetching`` rows whose lease expired, and due ``pending`` rows nobody picked up
      within a lease period: enqueued again. ``next_attempt_at`` then records when,
      so a long queue is not flooded with a copy per sweep.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return _sweep()


def _sweep() -> SweepReport:
    now = timezone.now()
    grace = now - timedelta(seconds=settings.FETCH_LEASE_SECONDS)
    max_attempts = settings.FETCH_MAX_ATTEMPTS
    crashed = 0
    with transaction.atomic():
        dead_rows = Source.objects.select_for_update(skip_locked=True).filter(
            state=State.FETCHING, lease_expires_at__lte=now, attempts__gte=max_attempts
        )
        for source in dead_rows[:SWEEP_BATCH]:
            message = _("The fetch crashed its worker %(n)d times; giving up.") % {
                "n": source.attempts
            }
            source.lease_token, source.lease_expires_at, source.next_attempt_at = "", None, None
            source.reason = message
            if source.last_fetched_at is not None:  # a re-check: keep the archive
                source.state = State.FETCHED
                source.recheck_due_at = now + timedelta(days=settings.SOURCE_RECHECK_DAYS)
            else:
                source.state = State.FAILED
            source.save(
                update_fields=[
                    "state",
                    "lease_token",
                    "lease_expires_at",
                    "next_attempt_at",
                    "reason",
                    "recheck_due_at",
                    "updated_at",
                ]
            )
            logger.warning("source %s: %s", source.pk, message)
            crashed += 1

        lost = Q(state=State.FETCHING, lease_expires_at__lte=now, attempts__lt=max_attempts) & (
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=grace)
        )
        unclaimed = Q(state__in=[State.PENDING, State.FAILED], next_attempt_at__lte=grace) | Q(
            state=State.PENDING, next_attempt_at__isnull=True
        )
        ids = list(
            Source.objects.filter(lost | unclaimed)
            .order_by(F("next_attempt_at").asc(nulls_first=True), "pk")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        if ids:
            # For a fetching row this only marks when it was re-sent; the claim clears it.
            # The filter again: a row a worker released meanwhile keeps its own schedule.
            Source.objects.filter(lost | unclaimed, pk__in=ids).update(next_attempt_at=now)
            _enqueue_on_commit(ids)
    return SweepReport(enqueued=len(ids), crashed=crashed)


def source_recheck_due() -> int:
    """Queue a re-check of every cited, fetched source whose re-check time has come.

    Returns how many were queued. The fetch compares with the latest snapshot and flags
    a changed text, a dead link or a redirect to another site.
    """
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Source.objects.filter(state=State.FETCHED, recheck_due_at__lte=now)
            .filter(Exists(Citation.objects.filter(source=OuterRef("pk"))))
            .order_by("recheck_due_at", "pk")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        if ids:
            Source.objects.filter(pk__in=ids, state=State.FETCHED).update(
                state=State.PENDING, attempts=0, next_attempt_at=now, updated_at=now
            )
            _enqueue_on_commit(ids)
    return len(ids)
