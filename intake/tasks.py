"""Intake's Celery tasks (sent by name; see ``sources.queue``)."""

from celery import shared_task

from claims.models import Article

from .inbox import inbox_compute_article as compute

#: The ``name=`` of ``inbox_compute_article`` (``intake.receivers`` sends it by name).
INBOX_COMPUTE_TASK = "intake.tasks.inbox_compute_article"


@shared_task(name=INBOX_COMPUTE_TASK, ignore_result=True)
def inbox_compute_article(article_id: int) -> int:
    """Compute an imported article's inbox items; returns how many are open."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return 0
    return len(compute(article=article))
