"""Intake's Celery tasks (sent by name; see ``sources.queue``)."""

from celery import shared_task

from . import tip_emails, tips


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
