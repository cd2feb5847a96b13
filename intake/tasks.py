"""Intake's Celery tasks (sent by name; see ``sources.queue``).

Thin and idempotent like ``sources.tasks``: they take ids, call a service and return; the
rows say what is due, and the sweeps re-send what a lost message left.
"""

from celery import shared_task

from . import feeds, importing


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
