"""A Celery worker keeps its database connection from task to task (within Django's rules)."""

from types import SimpleNamespace

import pytest
from celery.fixups.django import DjangoWorkerFixup
from django.db import connection

from factcheck.celery import app, close_old_connections


@pytest.mark.django_db(transaction=True)  # autocommit, as in a worker
def test_a_worker_reuses_its_connection_across_tasks(settings):
    if connection.vendor != "postgresql":
        pytest.skip("CONN_MAX_AGE applies to the PostgreSQL set-up")
    fixup = DjangoWorkerFixup(app)
    assert fixup.db_reuse_max >= 1_000_000  # else the fixup closes every connection per task
    task = SimpleNamespace(request=SimpleNamespace(is_eager=False))
    connection.ensure_connection()
    first = connection.connection
    for _ in range(5):  # what the worker does around every task
        fixup.on_task_prerun(task)
        close_old_connections(sender=task)
        connection.ensure_connection()
        close_old_connections(sender=task)
        fixup.on_task_postrun(task)
    assert connection.connection is first


@pytest.mark.django_db(transaction=True)
def test_an_expired_connection_is_still_dropped_between_tasks(settings):
    if connection.vendor != "postgresql":
        pytest.skip("CONN_MAX_AGE applies to the PostgreSQL set-up")
    connection.ensure_connection()
    connection.close_at = 0  # older than CONN_MAX_AGE
    eager = SimpleNamespace(request=SimpleNamespace(is_eager=True))
    close_old_connections(sender=eager)  # run inside a caller's request: not ours to close
    assert connection.connection is not None
    close_old_connections(sender=SimpleNamespace(request=SimpleNamespace(is_eager=False)))
    assert connection.connection is None
