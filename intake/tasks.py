"""Intake's Celery tasks (sent by name; see ``sources.queue``)."""

from celery import shared_task

from claims.models import Article

from . import tip_emails, tips
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
