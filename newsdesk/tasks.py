"""Celery tasks of the desk: the e-mail that goes with a notification.

Thin and idempotent: the notification row says whether it was mailed (compare-and-set on
``emailed_at``), so a redelivered message sends nothing twice.
"""

from celery import shared_task

from . import notifications


@shared_task(name=notifications.EMAIL_TASK, acks_late=True)
def notification_email_task(notification_id: int) -> str:
    return notifications.notification_email(notification_id)
