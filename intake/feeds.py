"""Watched outlets: adding feeds, polling them, pausing and resuming them.

Celery beat runs ``feeds_poll_due`` every minute: it takes the active feeds whose
``next_poll_at`` has come (rows locked with ``SKIP LOCKED``, so two beats or workers
never take one feed twice), moves their next poll one interval on and sends one
``feed_poll_task`` each. ``feed_poll`` takes the feed for itself (a token and a deadline
on the row, set under a short row lock: a second poll of the same feed meanwhile does
nothing), fetches without any lock or transaction open (an editor can save the feed, and
no database connection waits on the network), then records what it found under the row
lock again, if the feed is still its own:

1. a conditional GET (``If-None-Match``/``If-Modified-Since`` from the stored ETag and
   Last-Modified) through the SSRF-safe fetcher, the body capped at
   ``INTAKE_FEED_MAX_BYTES``; 304: nothing new;
2. the bytes parsed by ``intake.feedparsing`` (never a URL handed to feedparser; entity
   declarations refused);
3. entries new to the feed (by GUID, unique per feed) recorded; at most
   ``max_entries`` (or ``INTAKE_FEED_MAX_ENTRIES``) waiting entries imported by URL
   (``intake.importing.article_import_start``: the same SSRF rules, deduplicated by the
   article's URL; after the fetch, by canonical URL and text): the poll claims them and
   sends one ``feed_entry_import_task`` each, so the workers start them side by side.
   Entries over the limit wait for the next poll, which imports them even when the feed
   answers 304; claimed entries whose task was lost wait again after a while.

A failed poll (refused address, HTTP error, timeout, not a feed, too large) leaves its
reason on the feed (shown on its page) and counts; after ``INTAKE_FEED_PAUSE_AFTER``
failures in a row the feed is paused with a notice (``intake.signals.feed_paused``;
the desk tells its editors). Editors resume it or poll it now.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from claims.errors import InvalidInput, InvalidTransition
from claims.guards import require_permission
from claims.typing import DeskUser
from sources import engine, fetching
from sources.reasons import human_reason
from sources.services import source_url_check

from .importing import article_import_start
from .models import ArticleImport, Feed, FeedEntry
from .signals import feed_paused

if TYPE_CHECKING:
    from .feedparsing import Entry

logger = logging.getLogger(__name__)

#: The ``name=`` of ``intake.tasks.feed_poll_task`` and ``feed_entry_import_task``.
POLL_TASK = "intake.tasks.feed_poll_task"
ENTRY_TASK = "intake.tasks.feed_entry_import_task"
# New entries recorded from one poll at most (the rest are seen again next time).
MAX_RECORDED_PER_POLL = 1000

EntryState = FeedEntry.State


# --- The editors' actions -----------------------------------------------------------------


def feed_url_check(url: str) -> tuple[str, str]:
    """(url, normalised) of a feed's address, or ``InvalidInput`` (also for an address
    the SSRF rules refuse without a lookup: a private or metadata address literal)."""
    try:
        url, normalised = source_url_check(url)
        fetching.validate_url(url, engine.fetch_policy())
    except fetching.FetchError as error:
        said = human_reason(error.reason)
        raise InvalidInput(
            _("This address cannot be watched: %(reason)s")
            % {"reason": said.sentence if said else error.reason},
            field="url",
        ) from error
    except InvalidInput as error:
        raise InvalidInput(error.message, field="url") from error
    return url, normalised


@transaction.atomic
def feed_save(*, feed: Feed, user: DeskUser | None) -> Feed:
    """Add a feed, or save an editor's changes to one (name, address, interval, limits).

    A new feed is polled at once (after the commit); a changed address forgets the old
    one's ETag and Last-Modified.
    """
    permission = "intake.change_feed" if feed.pk else "intake.add_feed"
    require_permission(user, permission, _("You may not change watched feeds."))
    feed.url, _normalised = feed_url_check(feed.url)
    if feed.interval_minutes < 1:
        raise InvalidInput(_("The polling interval is at least one minute."))
    if feed.pk:
        before = Feed.objects.select_for_update().get(pk=feed.pk)
        if before.url != feed.url:
            feed.etag, feed.last_modified = "", ""
    else:
        feed.created_by = user if user is not None and user.pk else None
        feed.next_poll_at = timezone.now()
    if Feed.objects.filter(url=feed.url).exclude(pk=feed.pk).exists():
        raise InvalidInput(_("This feed is watched already."), field="url")
    new = feed.pk is None
    feed.save()
    if new:
        # Polled at once; ``next_poll_at`` (now) lets beat take it if the message is lost.
        _send_on_commit(feed.pk)
    return feed


@transaction.atomic
def feed_resume(*, feed: Feed, user: DeskUser | None) -> Feed:
    """Resume a paused feed: its failures are forgotten and it is polled now."""
    require_permission(user, "intake.change_feed", _("You may not change watched feeds."))
    feed = Feed.objects.select_for_update().get(pk=feed.pk)
    feed.state = Feed.State.ACTIVE
    feed.failures = 0
    feed.paused_reason = ""
    feed.next_poll_at = timezone.now()
    feed.save(update_fields=["state", "failures", "paused_reason", "next_poll_at"])
    _send_on_commit(feed.pk)
    return feed


@transaction.atomic
def feed_pause(*, feed: Feed, user: DeskUser | None, reason: str = "") -> Feed:
    """Stop polling a feed until an editor resumes it."""
    require_permission(user, "intake.change_feed", _("You may not change watched feeds."))
    feed = Feed.objects.select_for_update().get(pk=feed.pk)
    feed.state = Feed.State.PAUSED
    feed.paused_reason = reason or _("Paused by an editor.")
    feed.save(update_fields=["state", "paused_reason"])
    return feed


def feed_poll_now(*, feed: Feed, user: DeskUser | None) -> Feed:
    """Poll a feed now ("poll now"), active or paused (a paused feed stays paused)."""
    require_permission(user, "intake.change_feed", _("You may not change watched feeds."))
    if not Feed.objects.filter(pk=feed.pk).exists():
        raise InvalidTransition(_("This feed no longer exists."))
    _send(feed.pk, force=True)
    feed.refresh_from_db()
    return feed


# --- Polling --------------------------------------------------------------------------------


def _send(feed_id: int, *, force: bool = False) -> None:
    current_app.tasks[POLL_TASK].delay(feed_id, force)


def _send_on_commit(feed_id: int) -> None:
    transaction.on_commit(partial(_send, feed_id), robust=True)


def feeds_poll_due(*, limit: int = 200) -> list[int]:
    """Send a poll for every active feed that is due; returns their ids.

    The rows are locked ``SKIP LOCKED`` and moved one interval on in the same
    transaction: a second beat (or worker) running meanwhile takes other feeds or none.
    """
    now = timezone.now()
    _release_lost_entries(now)
    with transaction.atomic():
        due = list(
            Feed.objects.select_for_update(skip_locked=True)
            .filter(state=Feed.State.ACTIVE)
            .filter(Q(next_poll_at__lte=now) | Q(next_poll_at__isnull=True))
            .order_by(
                "next_poll_at",
                "pk",
            )[:limit]
        )
        for feed in due:
            feed.next_poll_at = now + timedelta(minutes=feed.interval_minutes)
        Feed.objects.bulk_update(due, ["next_poll_at"])
        ids = [feed.pk for feed in due]
        for pk in ids:
            _send_on_commit(pk)
    return ids


@dataclass(frozen=True)
class PollReport:
    outcome: str  # "polled", "not-modified", "failed", "busy", "skipped"
    new: int = 0  # entries seen for the first time
    imported: int = 0  # imports sent (each started by a worker)
    reason: str = ""


def _policy() -> fetching.FetchPolicy:
    return dataclasses.replace(engine.fetch_policy(), max_bytes=settings.INTAKE_FEED_MAX_BYTES)


def _max_entries(feed: Feed) -> int:
    return int(feed.max_entries or settings.INTAKE_FEED_MAX_ENTRIES)


def feed_poll(*, feed_id: int, force: bool = False) -> PollReport:
    """Poll one feed (see the module's docstring); safe to call any number of times.

    ``force``: poll a paused feed too ("poll now"). Reasons are written in the desk's
    language.
    """
    with translation.override(settings.LANGUAGE_CODE):
        taken = _take(feed_id, force=force)
        if isinstance(taken, PollReport):
            return taken
        feed, token = taken
        fetched = _fetch(feed)
        with transaction.atomic():
            feed = Feed.objects.select_for_update().filter(pk=feed_id).first()
            if feed is None or feed.poll_token != token:
                return PollReport("busy" if feed is not None else "skipped")
            feed.poll_token, feed.poll_until = "", None
            feed.last_polled_at = timezone.now()
            report = _record(feed, fetched)
        if report.outcome == "failed":
            return report
        # After the feed's commit: the entries' imports are sent to the workers.
        return dataclasses.replace(report, imported=_import_waiting(feed))


def _poll_seconds() -> float:
    """How long a poll may hold a feed: the fetch's own deadline, and a margin."""
    return engine.fetch_policy().total_deadline + 30


@transaction.atomic
def _take(feed_id: int, *, force: bool) -> tuple[Feed, str] | PollReport:
    """The feed, taken for this poll (its token), or why not."""
    feed = Feed.objects.select_for_update(skip_locked=True).filter(pk=feed_id).first()
    if feed is None:
        busy = Feed.objects.filter(pk=feed_id).exists()
        return PollReport("busy" if busy else "skipped")
    if feed.state != Feed.State.ACTIVE and not force:
        return PollReport("skipped")
    now = timezone.now()
    if feed.poll_until is not None and feed.poll_until > now:
        return PollReport("busy")  # another poll is fetching it
    token = secrets.token_hex(8)
    feed.poll_token, feed.poll_until = token, now + timedelta(seconds=_poll_seconds())
    feed.save(update_fields=["poll_token", "poll_until"])
    return feed, token


@dataclass(frozen=True)
class _Fetched:
    url: str  # the feed's URL when it was fetched
    reason: str = ""  # why it failed (nothing else is set then)
    not_modified: bool = False
    entries: tuple[Entry, ...] = ()
    etag: str = ""
    last_modified: str = ""


def _fetch(feed: Feed) -> _Fetched:
    """The feed fetched and parsed: no database work here."""
    from .feedparsing import NotAFeed, parse_feed

    headers: dict[str, str] = {}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    try:
        result = fetching.fetch(feed.url, policy=_policy(), headers=headers)
    except fetching.TooLarge:
        reason = _("The feed is larger than the desk reads (%(mb)s MB); it was not read.") % {
            "mb": round(settings.INTAKE_FEED_MAX_BYTES / 1024 / 1024, 1)
        }
        return _Fetched(feed.url, reason=reason)
    except fetching.FetchError as error:
        said = human_reason(error.reason)
        return _Fetched(feed.url, reason=said.sentence if said else error.reason)
    if result.status_code == 304:
        return _Fetched(feed.url, not_modified=True)
    if not 200 <= result.status_code < 300:
        said = human_reason(f"The server answered {result.status_code}.")
        return _Fetched(feed.url, reason=said.sentence if said else str(result.status_code))
    try:
        parsed = parse_feed(result.body, url=result.final_url, content_type=result.content_type)
    except NotAFeed as error:
        if error.kind == "entities":
            reason = _(
                "The feed declares XML entities, which the desk refuses (they can expand "
                "to gigabytes or read files); it was not read."
            )
        else:
            reason = _("This is not an RSS or Atom feed; nothing was read from it.")
        return _Fetched(feed.url, reason=reason)
    return _Fetched(
        feed.url,
        entries=parsed.entries,
        etag=result.headers.get("etag", "")[:500],
        last_modified=result.headers.get("last-modified", "")[:100],
    )


def _record(feed: Feed, fetched: _Fetched) -> PollReport:
    """What the fetch found, on the feed (locked, the poll's own)."""
    if fetched.url != feed.url:  # an editor changed the address meanwhile: not this feed's
        feed.save(update_fields=["poll_token", "poll_until", "last_polled_at"])
        return PollReport("skipped")
    if fetched.reason:
        return _failed(feed, fetched.reason)
    if fetched.not_modified:
        _succeeded(feed, etag=feed.etag, last_modified=feed.last_modified)
        return PollReport("not-modified")
    new = _record_entries(feed, fetched.entries)
    _succeeded(feed, etag=fetched.etag, last_modified=fetched.last_modified)
    return PollReport("polled", new=new)


def _record_entries(feed: Feed, entries: tuple[Entry, ...]) -> int:
    guids = [entry.guid for entry in entries]
    known = set(FeedEntry.objects.filter(feed=feed, guid__in=guids).values_list("guid", flat=True))
    fresh = [entry for entry in entries if entry.guid not in known][:MAX_RECORDED_PER_POLL]
    FeedEntry.objects.bulk_create(
        [
            FeedEntry(
                feed=feed,
                guid=entry.guid,
                url=entry.url,
                title=entry.title,
                published_at=entry.published_at,
                state=EntryState.NEW if entry.url else EntryState.SKIPPED,
                reason="" if entry.url else _("The entry has no link to an article."),
            )
            for entry in fresh
        ],
        ignore_conflicts=True,  # a GUID recorded meanwhile (the unique constraint decides)
    )
    return len(fresh)


def _import_waiting(feed: Feed) -> int:
    """Send the imports of up to ``max_entries`` waiting entries (newest first); returns
    how many were sent. The entries are claimed here (new → importing, rows locked
    ``SKIP LOCKED``), so a second poll meanwhile takes the next ones; each import is
    started by a worker (``feed_entry_import``), so many start at once."""
    with transaction.atomic():
        claimed = list(
            FeedEntry.objects.select_for_update(skip_locked=True)
            .filter(feed=feed, state=EntryState.NEW)
            .order_by(F("published_at").desc(nulls_last=True), "id")
            .values_list("pk", flat=True)[: _max_entries(feed)]
        )
        FeedEntry.objects.filter(pk__in=claimed).update(state=EntryState.IMPORTING)
        for pk in claimed:
            transaction.on_commit(partial(_send_entry, pk), robust=True)
    return len(claimed)


def _send_entry(entry_id: int) -> None:
    current_app.tasks[ENTRY_TASK].delay(entry_id)


def feed_entry_import(*, entry_id: int) -> str:
    """Start the import of a claimed entry (the unit of ``feed_entry_import_task``);
    returns "started", "duplicate", "failed" or "skipped" (not claimed, or done)."""
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        entry = (
            FeedEntry.objects.select_for_update()
            .filter(pk=entry_id, state=EntryState.IMPORTING, article__isnull=True)
            .first()
        )
        if entry is None or ArticleImport.objects.filter(feed_entry=entry).exists():
            return "skipped"
        try:
            with transaction.atomic():
                article, created = article_import_start(url=entry.url, user=None, feed_entry=entry)
        except InvalidInput as error:
            entry.state, entry.reason = EntryState.FAILED, error.message[:2000]
            entry.save(update_fields=["state", "reason"])
            return "failed"
        if created:
            entry.article = article
            entry.save(update_fields=["article"])
            return "started"
        entry.state, entry.reason = EntryState.DUPLICATE, ""
        entry.article = article
        entry.save(update_fields=["state", "reason", "article"])
        return "duplicate"


def _release_lost_entries(now: datetime) -> int:
    """Entries claimed by a poll whose import task never ran (a lost message): waiting
    again, for the next poll."""
    stale = now - timedelta(seconds=settings.FETCH_LEASE_SECONDS * 5)
    return FeedEntry.objects.filter(
        state=EntryState.IMPORTING, article__isnull=True, feed__last_polled_at__lte=stale
    ).update(state=EntryState.NEW)


def _succeeded(feed: Feed, *, etag: str, last_modified: str) -> None:
    now = timezone.now()
    feed.etag, feed.last_modified = etag, last_modified
    feed.failures, feed.last_reason = 0, ""
    feed.last_success_at = now
    feed.next_poll_at = now + timedelta(minutes=feed.interval_minutes)
    feed.save(
        update_fields=[
            "etag",
            "last_modified",
            "failures",
            "last_reason",
            "last_polled_at",
            "last_success_at",
            "next_poll_at",
            "poll_token",
            "poll_until",
        ]
    )


def _failed(feed: Feed, reason: str) -> PollReport:
    now = timezone.now()
    feed.failures += 1
    feed.last_reason = reason
    feed.next_poll_at = now + timedelta(minutes=feed.interval_minutes)
    fields = [
        "failures",
        "last_reason",
        "last_polled_at",
        "next_poll_at",
        "poll_token",
        "poll_until",
    ]
    if feed.state == Feed.State.ACTIVE and feed.failures >= settings.INTAKE_FEED_PAUSE_AFTER:
        feed.state = Feed.State.PAUSED
        feed.paused_reason = _(
            "Paused after %(n)d failed polls in a row. The last one: %(reason)s"
        ) % {"n": feed.failures, "reason": reason}
        fields += ["state", "paused_reason"]
        transaction.on_commit(partial(_announce_paused, feed.pk), robust=True)
    feed.save(update_fields=fields)
    logger.info("feed %s: poll failed (%s): %s", feed.pk, feed.failures, reason)
    return PollReport("failed", reason=reason)


def _announce_paused(feed_id: int) -> None:
    feed = Feed.objects.filter(pk=feed_id, state=Feed.State.PAUSED).first()
    if feed is not None:
        feed_paused.send(sender=Feed, feed=feed)


# --- The health check ------------------------------------------------------------------------


def feeds_overdue(*, now: datetime | None = None) -> list[Feed]:
    """Active feeds not polled (successfully or not) for three of their intervals."""
    now = now or timezone.now()
    overdue = []
    for feed in Feed.objects.filter(state=Feed.State.ACTIVE).only(
        "pk", "name", "interval_minutes", "last_polled_at", "created_at"
    ):
        last = feed.last_polled_at or feed.created_at
        if last is not None and now - last > timedelta(minutes=3 * feed.interval_minutes):
            overdue.append(feed)
    return overdue
