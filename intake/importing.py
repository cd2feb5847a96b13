"""Articles added by their URL: started by a person (admin, desk API) or a feed entry,
fetched in the background through the source fetch engine, and finished here.

The way of one import::

    article_import_start ──on commit──▶ article_import_task ─▶ article_import_run
        Article "importing"                 sources.engine.source_fetch (lease, SSRF-safe
        ArticleImport + Source              fetch, retries with back-off, snapshot, WARC)
                                                      │
                              ┌───────────────────────┼──────────────────────────┐
                              ▼                       ▼                          ▼
                       "imported": text,       the same article       "failed": why, in
                       title, author, …        (canonical URL or       the desk's words;
                       article_imported        text): "failed" and      no text kept
                       sent on commit          duplicate_of = the one
                                               in the desk

The page is fetched as a ``sources.Source`` (one per normalised URL, shared with
citations): the engine's leases, retries, WARC and snapshot are reused, and the snapshot
of the page as published (sha256, fetched_at) is linked from ``ArticleImport.snapshot``.
While the engine retries, the import task is sent again for when the source is due;
``article_import_sweep`` (beat, every minute) re-sends imports a lost message left
waiting and ends those whose source has ended.

Reasons are kept twice: ``ArticleImport.failure`` (a code) and ``detail`` (the fetcher's
technical reason) say it in any language at display time (``import_reason_text``);
``Article.import_reason`` holds the sentence in the desk's language for whoever reads
the row.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from claims.errors import InvalidInput
from claims.guards import require_permission
from claims.models import Article
from claims.text import clean_text
from claims.typing import DeskUser
from sources import engine, fetching
from sources.models import Snapshot, Source
from sources.reasons import human_reason
from sources.services import source_url_check

from .models import ArticleImport, FeedEntry
from .signals import article_imported

if TYPE_CHECKING:
    from .page import ArticlePage

logger = logging.getLogger(__name__)

#: The ``name=`` of ``intake.tasks.article_import_task``.
IMPORT_TASK = "intake.tasks.article_import_task"

State = Article.ImportState
Failure = ArticleImport.Failure
SourceState = Source.State

#: The article's language when the text says neither German nor English clearly (BCP 47
#: "undetermined"), the page's feed names none: the fact-checker chooses it in the form.
UNDETERMINED = "und"
# How long an import waits for a source another worker is fetching before it looks again.
_WAIT_SECONDS = 15.0
_STATUS = re.compile(r"\b([1-5]\d\d)\b")


# --- Starting -----------------------------------------------------------------------------


def _url_refused_early(url: str) -> None:
    """An address the SSRF rules refuse without a DNS lookup (an address literal such as
    10.0.0.1 or 169.254.169.254, a metadata name, localhost): refused now, before any
    connection, with the fetcher's reason. A name that resolves inwards is refused by the
    fetch itself and the import ends failed with the reason."""
    try:
        fetching.validate_url(url, engine.fetch_policy())
    except fetching.FetchError as error:
        said = human_reason(error.reason)
        raise InvalidInput(
            _("This address cannot be imported: %(reason)s")
            % {"reason": said.sentence if said is not None else error.reason},
            field="url",
        ) from error


def _existing(url: str, normalised: str) -> Article | None:
    """The article already in the desk at this address: imported or importing from it,
    or pasted with it as its URL. Failed imports come last (they may be started again).

    One query: the import's source by its unique normalised URL, the canonical URL
    (indexed) and the URL a pasted article was given.
    """
    imports = ArticleImport.objects.filter(source__normalised_url=normalised).values("article_id")
    candidates = (
        Article.objects.filter(
            Q(pk__in=imports) | Q(canonical_url=normalised) | Q(url__in={url, normalised})
        )
        .select_related("import_record__duplicate_of")
        .defer("text")
        .order_by("-id")[:20]
    )
    found: Article | None = None
    for article in candidates:
        if article.import_state != State.FAILED:
            return article
        found = found or article
    return found


def _send(import_id: int, *, countdown: float | None = None) -> None:
    task = current_app.tasks[IMPORT_TASK]
    if countdown:
        task.apply_async((import_id,), countdown=countdown)
    else:
        task.delay(import_id)


def _send_on_commit(import_id: int, *, countdown: float | None = None) -> None:
    # robust: the article is committed and the sweep re-sends what a broker outage loses.
    transaction.on_commit(partial(_send, import_id, countdown=countdown), robust=True)


def _source_for(url: str, normalised: str, user: DeskUser | None) -> Source:
    """The source row of the page, locked, due for a fetch now.

    Locked so that two requests for one URL are served one after the other (the second
    finds the first's import). A source fetched before (cited) is fetched again: the
    engine then keeps the latest snapshot when nothing changed, or adds one.
    """
    now = timezone.now()
    source, _created = Source.objects.select_for_update().get_or_create(
        normalised_url=normalised,
        defaults={"url": url, "state": SourceState.PENDING, "next_attempt_at": now},
    )
    return source


def _make_due(source: Source) -> None:
    if source.state in (SourceState.PENDING, SourceState.FETCHING):
        return  # queued or being fetched: the import waits for it
    source.state = SourceState.PENDING
    source.attempts = 0
    source.next_attempt_at = timezone.now()
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


@transaction.atomic
def article_import_start(
    *,
    url: str,
    user: DeskUser | None = None,
    feed_entry: FeedEntry | None = None,
) -> tuple[Article, bool]:
    """Add the article at ``url``; returns (article, started).

    ``started`` is False when the desk has the article already (imported, or being
    imported): that article is returned and nothing is fetched. A failed import of the
    same URL is started again on the same row. Otherwise the article is created in
    state "importing" (its title the URL until the page says better) and fetched in the
    background after the commit.

    Refused (``InvalidInput``): an address that is not a web address, or one the SSRF
    rules refuse without a lookup. ``NotAllowed`` without ``claims.add_article``.
    """
    require_permission(user, "claims.add_article", _("You may not add articles."))
    try:
        url, normalised = source_url_check(url)
    except InvalidInput as error:
        raise InvalidInput(error.message, field="url") from error
    url = clean_text(url, field="url")
    _url_refused_early(url)
    existing = _existing(url, normalised)
    if existing is None or existing.import_state == State.FAILED:
        # Under the source row's lock, look again: a request for the same URL that came
        # first has committed its import by now.
        source = _source_for(url, normalised, user)
        existing = _existing(url, normalised)
    if existing is not None:
        record = getattr(existing, "import_record", None)
        if existing.import_state != State.FAILED or record is None:
            return existing, False
        if record.duplicate_of_id is not None and record.duplicate_of is not None:
            return record.duplicate_of, False
        return _restart(existing, record, source, feed_entry=feed_entry), True
    article = Article(
        title=url[:300],
        url=url if len(url) <= 2048 else "",
        text="",
        language=Article.language.field.default,
        import_state=State.IMPORTING,
        created_by=user,
    )
    article.save()
    record = ArticleImport.objects.create(
        article=article,
        url=url,
        source=source,
        feed_entry=feed_entry,
        requested_by=user,
    )
    _make_due(source)
    _send_on_commit(record.pk)
    return article, True


def _restart(
    article: Article, record: ArticleImport, source: Source, *, feed_entry: FeedEntry | None
) -> Article:
    article.import_state, article.import_reason = State.IMPORTING, ""
    article.save(update_fields=["import_state", "import_reason", "updated_at"])
    record.failure, record.detail, record.finished_at = "", "", None
    record.source = source
    if feed_entry is not None and record.feed_entry_id is None:
        record.feed_entry = feed_entry
    record.save(update_fields=["failure", "detail", "finished_at", "source", "feed_entry"])
    _make_due(source)
    _send_on_commit(record.pk)
    return article


# --- Running (the worker) -----------------------------------------------------------------


@dataclass(frozen=True)
class Ended:
    """What one ``article_import_run`` did (for logs, tests and the task's result)."""

    outcome: str  # "imported", "duplicate", "failed", "waiting", "skipped"
    article_id: int | None = None


def article_import_run(*, import_id: int) -> Ended:
    """Fetch (through the engine) and finish one import; safe to call any number of times.

    Not one transaction: the fetch holds none (see ``sources.engine.source_fetch``); the
    finish is one.
    """
    record = ArticleImport.objects.select_related("article").filter(pk=import_id).first()
    if record is None or record.article.import_state != State.IMPORTING:
        return Ended("skipped")
    if record.source_id is None:  # the source was deleted meanwhile
        return _fail(record, Failure.FETCH, "The page could not be fetched.")
    outcome = engine.source_fetch(source_id=record.source_id)
    source = Source.objects.get(pk=record.source_id)
    if source.state == SourceState.FETCHED:
        try:
            return _finish(record, source)
        except Exception:
            # A bug or a time limit: end the import failed rather than leave it waiting
            # (the sweep would send it again and again), then let the error surface.
            _fail(record, Failure.FETCH, "The import stopped with an internal error.")
            raise
    if source.state in (SourceState.BLOCKED, SourceState.FAILED) and (
        source.next_attempt_at is None
    ):
        return _fail(record, _failure_of(source.state), _detail(source.reason))
    # Pending (the engine retries later) or fetched by another worker: look again then.
    due = source.next_attempt_at or source.lease_expires_at
    delay = _WAIT_SECONDS
    if due is not None:
        delay = max(1.0, (due - timezone.now()).total_seconds() + 1.0)
    logger.info("article import %s: %s; looking again in %.0f s", import_id, outcome, delay)
    _send_on_commit(record.pk, countdown=delay)
    return Ended("waiting", record.article_id)


def _failure_of(state: str) -> str:
    return Failure.BLOCKED if state == SourceState.BLOCKED else Failure.FETCH


def _detail(reason: str) -> str:
    """The engine's reason, with an HTTP status said the way ``human_reason`` reads it
    whatever language the engine wrote it in."""
    status = _STATUS.search(reason or "")
    if status and "answered" not in reason:
        return f"The server answered {status.group(1)}. ({reason})"
    return reason or ""


def _latest_snapshot(source: Source) -> Snapshot | None:
    return (
        Snapshot.objects.filter(source=source)
        .exclude(kind=Snapshot.Kind.ERROR)
        .order_by("-fetched_at", "-id")
        .first()
    )


def _read_body(snapshot: Snapshot) -> bytes:
    if not snapshot.body.name:
        return b""
    try:
        with default_storage.open(snapshot.body.name, "rb") as handle:
            data: bytes = handle.read()
            return data
    except OSError:
        logger.warning("snapshot %s: body not readable", snapshot.pk, exc_info=True)
        return b""


def _page_of(snapshot: Snapshot) -> ArticlePage:
    # Here, not at the top: the extraction stack is for workers only (see sources.engine).
    from . import page

    if snapshot.kind == Snapshot.Kind.HTML:
        body = _read_body(snapshot)
        if body:
            return page.article_page(body, charset=snapshot.charset or None, url=snapshot.final_url)
    if snapshot.kind in (Snapshot.Kind.TEXT, Snapshot.Kind.PDF):
        return page.text_page(
            snapshot.text, title=snapshot.title, published_on=snapshot.published_on
        )
    return page.text_page("")


def _normalised(url: str) -> str:
    try:
        return fetching.normalise_url(url)
    except fetching.FetchError:
        return ""


def _fail(record: ArticleImport, failure: str, detail: str) -> Ended:
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=record.article_id)
        if article.import_state != State.IMPORTING:
            return Ended("skipped", article.pk)
        record.failure, record.detail = failure, detail[:5000]
        record.finished_at = timezone.now()
        record.save(update_fields=["failure", "detail", "finished_at"])
        article.import_state = State.FAILED
        with translation.override(settings.LANGUAGE_CODE):
            article.import_reason = import_reason_text(article, record)
        # No half-done text: whatever was there stays out.
        article.text, article.text_sha256 = "", ""
        article.save(
            update_fields=["import_state", "import_reason", "text", "text_sha256", "updated_at"]
        )
        _entry_done(record, FeedEntry.State.FAILED, article.import_reason, article=article)
    return Ended("failed", article.pk)


def _entry_done(record: ArticleImport, state: str, reason: str, *, article: Article | None) -> None:
    if record.feed_entry_id is None:
        return
    FeedEntry.objects.filter(pk=record.feed_entry_id).update(
        state=state, reason=reason[:2000], article=article
    )


def _lock_identity(*keys: str) -> None:
    """Serialise finishes of the same article (canonical URL or text) across workers:
    without it, two imports of one text at two addresses could both find no other one.
    PostgreSQL only; SQLite (the embedded default) has one writer anyway."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted(k for k in keys if k):
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"intake:{key}"])


def _min_chars() -> int:
    return int(settings.INTAKE_MIN_ARTICLE_CHARS)


def _finish(record: ArticleImport, source: Source) -> Ended:
    snapshot = _latest_snapshot(source)
    if snapshot is None:
        return _fail(record, Failure.FETCH, _detail(source.reason))
    if not snapshot.is_ok:
        return _fail(
            record,
            Failure.HTTP,
            f"The server answered {snapshot.status_code}.",
        )
    found = _page_of(snapshot)
    if len(found.text) < _min_chars():
        ArticleImport.objects.filter(pk=record.pk).update(snapshot=snapshot)
        return _fail(record, Failure.NOT_ARTICLE, "")
    canonical = _normalised(found.canonical_url) or _normalised(snapshot.final_url)
    with transaction.atomic():
        _lock_identity(canonical, found.text_sha256)
        article = Article.objects.select_for_update().get(pk=record.article_id)
        if article.import_state != State.IMPORTING:
            return Ended("skipped", article.pk)
        same = (
            Article.objects.filter(import_state=State.IMPORTED)
            .filter(Q(canonical_url=canonical) | Q(text_sha256=found.text_sha256))
            .exclude(pk=article.pk)
            .order_by("id")
            .first()
        )
        record.snapshot = snapshot
        record.finished_at = timezone.now()
        if same is not None:
            return _found_twice(record, article, same)
        feed = record.feed_entry.feed if record.feed_entry_id else None  # type: ignore[union-attr]
        language = found.language
        if not language and feed is not None and feed.language:
            language = feed.language
        article.title = found.title or article.title
        article.text = found.text
        article.text_sha256 = found.text_sha256
        article.canonical_url = canonical[:2048]
        article.outlet = found.outlet or (feed.outlet if feed else "") or article.outlet
        article.published_on = found.published_on or article.published_on
        article.language = language or UNDETERMINED
        article.import_state, article.import_reason = State.IMPORTED, ""
        try:
            # Fields only: the table's CHECK constraints hold by construction here (text
            # and title not empty, a date the validator accepted), and asking the
            # database about each would cost three queries per import.
            article.full_clean(exclude=["url"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            logger.warning("article import %s: unusable page data: %s", record.pk, error)
            unusable = True
        else:
            unusable = False
            article.save()
            record.author = found.author
            record.save(update_fields=["snapshot", "finished_at", "author"])
            _entry_done(record, FeedEntry.State.IMPORTED, "", article=article)
            transaction.on_commit(
                partial(_announce, article.pk, feed.pk if feed is not None else None),
                robust=True,
            )
    if unusable:
        return _fail(record, Failure.NOT_ARTICLE, "")
    return Ended("imported", article.pk)


def _found_twice(record: ArticleImport, article: Article, same: Article) -> Ended:
    """The page is an article the desk has: no second copy. A feed's import leaves no
    row (its entry points to the article in the desk); a person's import stays as a
    failed row pointing to it, so the page they wait on can lead them there."""
    if record.feed_entry_id is not None and record.requested_by_id is None:
        FeedEntry.objects.filter(pk=record.feed_entry_id).update(
            state=FeedEntry.State.DUPLICATE, reason="", article=same
        )
        article.delete()
        return Ended("duplicate", same.pk)
    record.duplicate_of = same
    record.failure, record.detail = Failure.DUPLICATE, ""
    record.save(update_fields=["snapshot", "finished_at", "duplicate_of", "failure", "detail"])
    article.import_state = State.FAILED
    with translation.override(settings.LANGUAGE_CODE):
        article.import_reason = import_reason_text(article, record)
    article.save(update_fields=["import_state", "import_reason", "updated_at"])
    return Ended("duplicate", same.pk)


def _announce(article_id: int, feed_id: int | None) -> None:
    from .models import Feed

    article = Article.objects.filter(pk=article_id, import_state=State.IMPORTED).first()
    if article is None:
        return
    feed = Feed.objects.filter(pk=feed_id).first() if feed_id is not None else None
    article_imported.send(sender=Article, article=article, feed=feed)


# --- Reasons ------------------------------------------------------------------------------


def import_reason_text(article: Article, record: ArticleImport | None = None) -> str:
    """Why the import failed, in the active language ("" when it did not)."""
    if article.import_state != State.FAILED:
        return ""
    if record is None:
        record = getattr(article, "import_record", None)
    if record is None or not record.failure:
        return article.import_reason
    if record.failure == Failure.DUPLICATE:
        same = record.duplicate_of
        if same is None:
            return _("This article is already in the desk.")
        return _("This article is already in the desk: “%(title)s” (article %(id)s).") % {
            "title": same.title,
            "id": same.pk,
        }
    if record.failure == Failure.NOT_ARTICLE:
        return _(
            "The page has no article text the desk could find (at least %(min)d characters): "
            "is it an article, or an index, a login or a video page?"
        ) % {"min": _min_chars()}
    said = human_reason(record.detail)
    return said.sentence if said is not None else _("The page could not be fetched.")


# --- The sweep (beat) ---------------------------------------------------------------------


def article_import_sweep() -> int:
    """Re-send imports left waiting (a lost message, a killed worker) whose source is due,
    has ended, or has been waiting for a while; returns how many were sent."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.FETCH_LEASE_SECONDS)
    ids = list(
        ArticleImport.objects.filter(article__import_state=State.IMPORTING, created_at__lte=stale)
        .filter(
            Q(source__isnull=True)
            | ~Q(source__state__in=[SourceState.PENDING, SourceState.FETCHING])
            | Q(source__state=SourceState.PENDING, source__next_attempt_at__lte=stale)
            | Q(source__state=SourceState.FETCHING, source__lease_expires_at__lte=now)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
    for pk in ids:
        _send_on_commit(pk)
    return len(ids)
