"""Celery tasks of the partners app: webhook deliveries and the DataFeed file.

Thin and idempotent: the ``WebhookDelivery`` row is the truth and the service refuses an
attempt that already ran (compare-and-set on the attempt counter), so a redelivered
message or the sweep never sends one attempt twice.
"""

from celery import shared_task

from . import webhooks
from .api import datafeed


# The names are those from before the move out of ``claims``: messages already queued and
# the beat schedule of a running deployment keep finding the tasks.
@shared_task(name="claims.tasks.webhook_deliver_task", bind=True, max_retries=None, acks_late=True)
def webhook_deliver_task(self, delivery_id: int, attempt: int = 1) -> str:
    """Make attempt ``attempt`` of a delivery; schedule the next one if it is due."""
    outcome = webhooks.webhook_deliver(delivery_id=delivery_id, attempt=attempt)
    if outcome.retry_in is not None:
        # A new message for the next attempt, sent after the backoff.
        raise self.retry(args=(delivery_id, attempt + 1), kwargs={}, countdown=outcome.retry_in)
    return outcome.status


@shared_task(name="claims.tasks.webhook_sweep_task")
def webhook_sweep_task() -> int:
    """Re-send reminders for deliveries whose message was lost (run it periodically)."""
    due = webhooks.webhook_deliveries_due()
    for delivery_id, attempt in due:
        webhook_deliver_task.delay(delivery_id, attempt)
    return len(due)


@shared_task(name=datafeed.BUILD_TASK, acks_late=True, soft_time_limit=1800, time_limit=1900)
def datafeed_build_task() -> str:
    """Build the DataFeed file of the desk's current state (a no-op if it is built)."""
    return datafeed.datafeed_build().etag
