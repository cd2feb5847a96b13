"""Sending fetches to the workers, by the task's registered name.

The services and the engine enqueue without importing ``sources.tasks`` (which imports
them): the task is looked up in the Celery app's registry when a fetch is sent. Without a
broker (``CELERY_TASK_ALWAYS_EAGER``: the embedded default and the tests) the task then
runs right here, in-process.

The lookup needs the task registered in every process that sends one, not only in
workers. Celery's autodiscovery does not do it: it runs when a worker (or ``celery
shell``) imports the default modules, not when the app is finalized, so a web process
would have no ``sources.tasks``. ``SourcesConfig.ready`` imports it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Final

from celery import current_app
from django.db import transaction

#: The ``name=`` of ``sources.tasks.source_fetch_task``.
FETCH_TASK: Final = "sources.tasks.source_fetch_task"


def enqueue_fetch(source_ids: Iterable[int], *, countdown: float | None = None) -> None:
    """Send fetch tasks; call only through ``transaction.on_commit`` (the row must exist).

    Without a broker the task runs right here, in-process.
    """
    task = current_app.tasks[FETCH_TASK]
    for source_id in source_ids:
        if countdown:
            task.apply_async((source_id,), countdown=countdown)
        else:
            task.delay(source_id)


def enqueue_fetch_on_commit(source_ids: list[int], *, countdown: float | None = None) -> None:
    """Send fetch tasks for ``source_ids`` once the surrounding transaction commits."""
    if source_ids:
        # robust: the change is committed and the sweep re-enqueues what a broker outage
        # (or an in-process fetch that fails) loses; the request that saved it must not fail.
        transaction.on_commit(partial(enqueue_fetch, source_ids, countdown=countdown), robust=True)
