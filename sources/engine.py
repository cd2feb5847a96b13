"""The fetch engine: a source's way from ``pending`` to an archived snapshot.

The state machine (the database row is the truth; the broker only carries reminders)::

    pending ──lease──▶ fetching ──▶ fetched        (a snapshot; 404/410 flagged dead)
       ▲                  │  │  └──▶ failed         (permanent error, or attempts used up)
       └──── transient ───┘  └─────▶ blocked        (SSRF rules, invalid URL: no retry)

* **Lease** (``sources.leases``): one conditional UPDATE moves a due row to ``fetching``
  with a fresh lease token and expiry; whoever's UPDATE matched holds the lease. Only the
  lease holder may write the result (the token is compared under a row lock), so a late
  duplicate never writes a second snapshot.
* **Lost work**: ``source_sweep`` re-enqueues due rows nobody picked up and rows whose
  lease expired (a killed worker); a row whose lease expired with no attempts left ends
  ``failed`` ("the fetch crashed its worker N times").
* **Re-checks**: ``source_recheck_due`` puts cited, fetched sources whose re-check time
  has come back to ``pending``; the fetch then compares with the latest snapshot and adds
  a snapshot (and a flag) only when the text, the status or the host changed.

Fetches are sent to the workers by ``sources.queue`` (by the task's name: this module
never imports ``sources.tasks``, which calls it). A new archived copy of a public claim's
source is announced through ``claims.signals`` (``sources.announcements``).
"""

from __future__ import annotations

import email.utils
import hashlib
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, TextField, Value, When
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

# Not ``extraction``: it pulls in trafilatura, htmldate, lxml and pypdf (about 22 MB per
# process), which only the worker's fetch needs; ``_extract`` imports it there. Web
# processes import this module too (``SourcesConfig.ready`` registers the tasks) and must
# stay lean (a test checks that they never import the extraction stack).
from . import diffing, fetching
from .announcements import announce_source_change_on_commit, announce_source_failed_on_commit
from .evidence import evidence_collect
from .leases import Lease, lease_release, source_lease_take
from .models import Citation, Snapshot, Source, snapshot_upload_to
from .queue import enqueue_fetch_on_commit
from .selectors import sources_flagged_q

if TYPE_CHECKING:
    from .extraction import Extracted

logger = logging.getLogger(__name__)

# The first retry waits about this long; each further one doubles it (up to the cap,
# settings.FETCH_RETRY_MAX_DELAY).
RETRY_BASE_SECONDS = 30.0
DEAD_STATUSES = frozenset({404, 410})
# At most this many rows are re-enqueued by one sweep or re-check run.
SWEEP_BATCH = 1000

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
    # Annotated: ``int ** int`` is typed Any (a negative exponent gives a float).
    ceiling: float = min(cap, RETRY_BASE_SECONDS * 2 ** min(max(attempt - 1, 0), 30))
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


# --- Fetching ----------------------------------------------------------------------------


@dataclass
class _Finding:
    """What to record after a fetch: a snapshot (maybe) and changes to the source."""

    snapshot: Snapshot | None
    body: bytes = b""
    reason: str | None = ""  # None: nothing new (a flagged source keeps its reason)
    flags: set[str] = field(default_factory=set)  # "changed", "dead", "redirected"


def _extract(result: fetching.FetchResult, *, content_type: str, url: str = "") -> Extracted:
    """Text and metadata of a response's body (runs in the worker only, see the imports)."""
    from . import extraction

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
        reasons.extend(_lost_passages(latest, new))
    before = _host(latest.final_url or url)
    after = _host(new.final_url)
    if after and before and after != before:
        flags.add("redirected")
        reasons.append(
            _("The address now leads to another site: %(host)s.") % {"host": _host(new.final_url)}
        )
    return flags, reasons


def _lost_passages(latest: Snapshot, new: Snapshot) -> list[str]:
    """Reasons for cited passages that the new text no longer contains (the desk shows the
    side-by-side difference, ``sources.diffing``)."""
    passages = list(
        Citation.objects.filter(source_id=latest.source_id)
        .exclude(passage="")
        .values_list("passage", flat=True)
        .distinct()
    )
    if not passages or not latest.text or not new.text:
        return []
    return [
        _("The cited passage “%(passage)s” is no longer in it.")
        % {"passage": Truncator(passage).chars(80)}
        for passage in diffing.passages_lost(latest.text, new.text, passages)
    ]


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
            if not lease_release(lease, now, **fields):
                raise _LeaseLost
            if finding.snapshot is not None and finding.snapshot.is_ok:
                announce_source_change_on_commit(lease.source_id)  # a new archived copy to show
    except _LeaseLost:
        logger.info("source %s: lease lost; dropping the result", lease.source_id)
        return Outcome.LOST_LEASE
    return Outcome.FETCHED if finding.snapshot is not None else Outcome.UNCHANGED


def _finding_for(
    lease: Lease,
    snapshot: Snapshot,
    body: bytes,
    reason: str,
    *,
    exchanges: tuple[fetching.Exchange, ...] = (),
    content_type: str = "",
) -> _Finding:
    """First fetch: always a snapshot. Re-check: a snapshot only if something changed.

    A snapshot to be recorded gets its evidence first (WARC, screenshot, PDF: outside any
    transaction, the browser may take seconds). A re-check that finds nothing new adds
    no snapshot, so no evidence either: the latest snapshot's stays the record.
    """
    if not lease.is_recheck:
        flags = {"dead"} if snapshot.status_code in DEAD_STATUSES else set()
        finding = _Finding(snapshot=snapshot, body=body, reason=reason, flags=flags)
    else:
        flags, reasons = _compare(_latest_snapshot(lease.source_id), snapshot, lease.url)
        if not flags:
            return _Finding(snapshot=None, reason=None)
        finding = _Finding(snapshot=snapshot, body=body, reason=" ".join(reasons), flags=flags)
    _collect(lease, snapshot, exchanges, body=body, content_type=content_type)
    return finding


def _collect(
    lease: Lease,
    snapshot: Snapshot,
    exchanges: tuple[fetching.Exchange, ...],
    *,
    body: bytes = b"",
    content_type: str = "",
) -> None:
    evidence_collect(
        snapshot,
        source_id=lease.source_id,
        url=lease.url,
        exchanges=exchanges,
        body=body,
        content_type=content_type,
        policy=fetch_policy(),
    )


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
            if not lease_release(
                lease,
                now,
                state=State.PENDING,
                next_attempt_at=now + timedelta(seconds=delay),
                reason=_("Attempt %(n)d failed, retrying in %(delay)d s: %(reason)s")
                % {"n": lease.attempts, "delay": round(delay), "reason": reason},
            ):
                return Outcome.LOST_LEASE
            enqueue_fetch_on_commit([lease.source_id], countdown=delay)
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
    if not lease_release(lease, now, state=State.FAILED, next_attempt_at=None, reason=given_up):
        return Outcome.LOST_LEASE
    return Outcome.FAILED


def _record_error(lease: Lease, error: fetching.FetchError, now: datetime) -> Outcome:
    if isinstance(error, fetching.BlockedDestination | fetching.InvalidURL):
        # No retry: the rules will refuse it again. A re-checked source that now leads
        # somewhere refused (a rebound name, a redirect inwards) is flagged as unreachable.
        flags = {"is_dead": True, "flagged_at": now} if lease.is_recheck else {}
        if not lease_release(
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
        finding = _finding_for(lease, snapshot, b"", "", exchanges=error.exchanges)
        return _record_finding(lease, finding, now)
    if error.exchanges:
        # A response that began (a body over the size cap): what came is evidence, kept
        # in a snapshot without a usable copy, its WARC marking the truncation.
        return _record_failed_with_evidence(lease, error, now)
    if not lease_release(lease, now, state=State.FAILED, next_attempt_at=None, reason=error.reason):
        return Outcome.LOST_LEASE
    return Outcome.FAILED


def _record_failed_with_evidence(
    lease: Lease, error: fetching.FetchError, now: datetime
) -> Outcome:
    snapshot = _error_snapshot(error, now)
    _collect(lease, snapshot, error.exchanges)
    try:
        with transaction.atomic():
            snapshot.source_id = lease.source_id
            snapshot.save()
            if not lease_release(
                lease, now, state=State.FAILED, next_attempt_at=None, reason=error.reason
            ):
                raise _LeaseLost
    except _LeaseLost:
        return Outcome.LOST_LEASE
    return Outcome.FAILED


def _record_response(lease: Lease, result: fetching.FetchResult, now: datetime) -> Outcome:
    status = result.status_code
    if fetching.is_transient_status(status):
        retry_after = _retry_after_seconds(result.headers, now)
        if lease.attempts < settings.FETCH_MAX_ATTEMPTS or not lease.is_recheck:
            return _record_transient(lease, now, _status_reason(status), retry_after=retry_after)
        extracted = _extract(result, content_type=result.content_type)
        exhausted = _snapshot_from_result(result, extracted, now)
        _collect(lease, exhausted, result.exchanges)
        return _record_transient(
            lease,
            now,
            _status_reason(status),
            exhausted_snapshot=exhausted,
            body=result.body,
        )
    if 400 <= status < 500 and status not in DEAD_STATUSES and not lease.is_recheck:
        if not lease_release(
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
    finding = _finding_for(
        lease,
        snapshot,
        result.body,
        reason,
        exchanges=result.exchanges,
        content_type=result.headers.get("content-type", ""),
    )
    return _record_finding(lease, finding, now)


def source_fetch(*, source_id: int) -> Outcome:
    """Fetch a source if it is due: the unit of work of ``source_fetch_task``.

    Takes the row's lease, fetches under the SSRF-safe policy, extracts, and lets
    only the lease holder record the outcome. Safe to call any number of times: a
    source that is not due (fetched, blocked, failed, or leased) is left alone.

    Deliberately not one transaction: taking the lease and writing the result are each
    atomic, and the fetch (up to the fetcher's 30 s deadline) holds no transaction or row
    lock.
    """
    lease = source_lease_take(source_id=source_id)
    if lease is None:
        return Outcome.SKIPPED
    # Reasons are stored: write them in the desk's language, whether a worker or (without
    # a broker) the request that saved the citation runs this.
    with translation.override(settings.LANGUAGE_CODE):
        return _fetch_leased(lease)


def _fetch_leased(lease: Lease) -> Outcome:
    outcome = _fetch_and_record(lease)
    if outcome in (Outcome.FAILED, Outcome.BLOCKED):
        announce_source_failed_on_commit(lease.source_id)  # the desk: "a cited source failed"
    return outcome


def _fetch_and_record(lease: Lease) -> Outcome:
    try:
        try:
            result = fetching.fetch(
                lease.url, policy=fetch_policy(), record=bool(settings.SNAPSHOT_WARC)
            )
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
        unleased = Q(state__in=[State.PENDING, State.FAILED], next_attempt_at__lte=grace) | Q(
            state=State.PENDING, next_attempt_at__isnull=True
        )
        ids = list(
            Source.objects.filter(lost | unleased)
            .order_by(F("next_attempt_at").asc(nulls_first=True), "pk")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        if ids:
            # For a fetching row this only marks when it was re-sent; taking the lease clears it.
            # The filter again: a row a worker released meanwhile keeps its own schedule.
            Source.objects.filter(lost | unleased, pk__in=ids).update(next_attempt_at=now)
            enqueue_fetch_on_commit(ids)
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
            enqueue_fetch_on_commit(ids)
    return len(ids)
