"""What intake does when something else happens (connected in ``IntakeConfig.ready``)."""

from typing import Any

from celery import current_app
from django.dispatch import receiver

from claims.signals import public_change

from . import tip_emails
from .signals import article_imported

#: ``intake.tasks.inbox_compute_article``, looked up by name (``sources.queue`` explains why).
INBOX_COMPUTE_TASK = "intake.tasks.inbox_compute_article"


@receiver(public_change, dispatch_uid="intake.tips.notify")
def notify_tipsters(sender: Any, *, claim_id: int, event: str, **kwargs: Any) -> None:
    """A verdict went public (or was corrected): tell the tipsters waiting for it, in the
    worker (``intake.tip_emails``)."""
    if event in tip_emails.NOTIFY_EVENTS:
        tip_emails.enqueue_notify(claim_id)


@receiver(article_imported, dispatch_uid="intake.inbox")
def queue_inbox_computation(sender: Any, *, article: Any, **kwargs: Any) -> None:
    """An article has its text: compute its inbox items in the background (in-process
    without a broker, as every task here)."""
    current_app.tasks[INBOX_COMPUTE_TASK].delay(article.pk)
