"""The fetch lease: who may fetch a source now, and write its result.

Taking the lease is one conditional UPDATE that moves a due row to ``fetching`` with a
fresh token and an expiry; whoever's UPDATE matched holds the lease. Only the holder may
write the result: :func:`lease_release` compares the token in the same UPDATE, so a late
duplicate (a redelivered task, a worker that stalled past its expiry) writes nothing.
A lease that expires (a killed worker) can be taken again while attempts are left.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from .models import Source

State = Source.State

# The row as the holder needs it: (normalised_url, attempts, last_fetched_at).
_LeasedRow = tuple[str, int, datetime | None]


@dataclass(frozen=True)
class Lease:
    """What the worker holding a leased row knows about it."""

    source_id: int
    token: str
    url: str
    attempts: int
    is_recheck: bool  # the source was fetched before: compare, flag, keep the archive


def _leasable(now: datetime) -> Q:
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


# Taking the lease is the hottest statement of a fetch and runs under the worker's GIL,
# so it is one round trip in plain SQL: the conditional UPDATE returns what the worker
# needs (PostgreSQL and SQLite ≥ 3.35 have RETURNING). ``_leasable`` is the same
# condition for the ORM fallback; tests run both. (Only "is it NULL" is asked of
# last_fetched_at, in Python: SQLite 3.40 evaluates ``x IS NOT NULL`` wrongly in a
# RETURNING clause.)
_LEASE_SQL = """
UPDATE {table}
   SET state = %s, attempts = attempts + 1, lease_token = %s, lease_expires_at = %s,
       next_attempt_at = NULL, updated_at = %s
 WHERE id = %s
   AND ((state = %s AND (next_attempt_at IS NULL OR next_attempt_at <= %s))
     OR (state = %s AND next_attempt_at IS NOT NULL AND next_attempt_at <= %s)
     OR (state = %s AND lease_expires_at <= %s AND attempts < %s))
RETURNING normalised_url, attempts, last_fetched_at
"""


def _lease_returning(
    source_id: int, token: str, now: datetime, expires: datetime
) -> _LeasedRow | None:
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
        cursor.execute(_LEASE_SQL.format(table=ops.quote_name(Source._meta.db_table)), params)
        # DB-API rows are untyped; this one has the RETURNING clause's three columns.
        row: _LeasedRow | None = cursor.fetchone()
        return row


def _lease_orm(source_id: int, token: str, now: datetime, expires: datetime) -> _LeasedRow | None:
    taken = (
        Source.objects.filter(pk=source_id)
        .filter(_leasable(now))
        .update(
            state=State.FETCHING,
            attempts=F("attempts") + 1,
            lease_token=token,
            lease_expires_at=expires,
            next_attempt_at=None,
            updated_at=now,
        )
    )
    if not taken:
        return None
    row = (
        Source.objects.filter(pk=source_id, lease_token=token)
        .values_list("normalised_url", "attempts", "last_fetched_at")
        .first()
    )
    return row


def source_lease_take(*, source_id: int) -> Lease | None:
    """Take the row for fetching, or None if it is gone, not due, or someone holds it.

    One conditional UPDATE: of two workers racing for the row, exactly one matches.
    """
    now = timezone.now()
    token = secrets.token_hex(16)
    expires = now + timedelta(seconds=settings.FETCH_LEASE_SECONDS)
    if connection.features.can_return_rows_from_update:
        row = _lease_returning(source_id, token, now, expires)
    else:
        row = _lease_orm(source_id, token, now, expires)
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


def _held(lease: Lease) -> QuerySet[Source]:
    return Source.objects.filter(pk=lease.source_id, state=State.FETCHING, lease_token=lease.token)


def lease_release(lease: Lease, now: datetime, **fields: Any) -> bool:
    """Write the outcome if we still hold the lease; False if someone re-took the row.

    The token is compared in the UPDATE itself, which also takes the row lock: inside a
    transaction, a worker re-taking the row waits for our commit.
    """
    return bool(
        _held(lease).update(lease_token="", lease_expires_at=None, updated_at=now, **fields)
    )
