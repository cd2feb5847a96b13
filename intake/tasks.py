"""Intake's Celery tasks (sent by name; see ``sources.queue``).

Thin and idempotent like ``sources.tasks``: they take ids, call a service and return; the
rows say what is due, and the sweeps re-send what a lost message left.
"""

from celery import shared_task

from claims.models import Article

from . import feeds, importing, tip_emails, tips
from .inbox import inbox_compute_article as compute


@shared_task(name=tip_emails.NOTIFY_TASK, acks_late=True)
def tips_notify_task(claim_id: int) -> dict[str, int]:
    """Mail the tipsters a newly public verdict answers; each tip at most once."""
    return tip_emails.tips_notify(claim_id)


@shared_task(name=tips.TIP_NOTIFY_TASK, acks_late=True)
def tip_notify_task(tip_id: int) -> str:
    """Mail a new tip that repeats a published check the link to it; at most once."""
    return tip_emails.tip_notify_matched(tip_id)


@shared_task(name="intake.tasks.tips_purge_task", acks_late=True)
def tips_purge_task() -> int:
    """Delete tips older than ``TIPS_RETENTION_DAYS`` (Celery beat, daily)."""
    return tips.tips_purge()


#: The ``name=`` of ``inbox_compute_article`` (``intake.receivers`` sends it by name).
INBOX_COMPUTE_TASK = "intake.tasks.inbox_compute_article"


@shared_task(name=INBOX_COMPUTE_TASK, ignore_result=True)
def inbox_compute_article(article_id: int) -> int:
    """Compute an imported article's inbox items; returns how many are open."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return 0
    return len(compute(article=article))


@shared_task(name="intake.tasks.article_import_task", ignore_result=True)
def article_import_task(import_id: int) -> str:
    """Fetch and finish one article import (``intake.importing.article_import_run``)."""
    return importing.article_import_run(import_id=int(import_id)).outcome


@shared_task(name="intake.tasks.article_import_sweep_task", ignore_result=True)
def article_import_sweep_task() -> int:
    """Every minute (beat): re-send imports that a lost message left waiting."""
    return importing.article_import_sweep()


@shared_task(name="intake.tasks.feeds_poll_due_task", ignore_result=True)
def feeds_poll_due_task() -> int:
    """Every minute (beat): send a poll for each watched feed that is due."""
    return len(feeds.feeds_poll_due())


@shared_task(name="intake.tasks.feed_poll_task", ignore_result=True)
def feed_poll_task(feed_id: int, force: bool = False) -> str:
    """Poll one feed (``intake.feeds.feed_poll``)."""
    return feeds.feed_poll(feed_id=int(feed_id), force=bool(force)).outcome


@shared_task(name="intake.tasks.feed_entry_import_task", ignore_result=True)
def feed_entry_import_task(entry_id: int) -> str:
    """Start the import of one feed entry claimed by a poll (``intake.feeds``)."""
    return feeds.feed_entry_import(entry_id=int(entry_id))
