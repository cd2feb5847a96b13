"""The Celery app. Configuration comes from Django settings under the ``CELERY_`` namespace."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["factcheck"])


@task_prerun.connect
@task_postrun.connect
def close_old_connections(sender: object = None, **kwargs: object) -> None:
    """Django's per-request rule, per task: drop connections that are broken or older than
    ``CONN_MAX_AGE`` (the fixup no longer closes them all; see ``CELERY_DB_REUSE_MAX``).

    Not for a task run eagerly (the embedded default, tests): it runs inside the caller's
    request or transaction, whose connection is not the task's to close.
    """
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
