"""Celery tasks: thin and idempotent. They take ids, call a service, and return.

Retries are not Celery retries: the row's state and ``next_attempt_at`` say when the
next attempt is due, the engine schedules it (``apply_async(countdown=…)``) and the
sweep re-sends whatever the broker lost. A duplicate delivery finds the row leased or
done and does nothing. ``acks_late`` and ``reject_on_worker_lost`` are set globally.
"""

from celery import shared_task
from celery.signals import worker_init

from . import engine


@worker_init.connect
def _import_the_extraction_stack(**kwargs: object) -> None:
    """Import trafilatura & co. once in the worker's main process, before the pool starts.

    ``engine`` imports ``extraction`` only when a fetch needs it, so that web processes
    never load it. In a worker that would make the first fetch pay for the import, and
    each prefork child would import its own copy instead of sharing the parent's pages.
    """
    from sources import extraction  # noqa: F401


@shared_task(name="sources.tasks.source_fetch_task", ignore_result=True)
def source_fetch_task(source_id: int) -> str:
    """Fetch one source if it is due; returns what happened (``engine.Outcome``)."""
    return str(engine.source_fetch(source_id=int(source_id)))


@shared_task(name="sources.tasks.source_sweep_task", ignore_result=True)
def source_sweep_task() -> dict[str, int]:
    """Every minute (beat): re-send lost or due fetches; end those that kill workers."""
    report = engine.source_sweep()
    return {"enqueued": report.enqueued, "crashed": report.crashed}


@shared_task(name="sources.tasks.source_recheck_task", ignore_result=True)
def source_recheck_task() -> int:
    """Periodically (beat): queue re-checks of cited sources that are due."""
    return engine.source_recheck_due()
