"""The reason recorded with a change in a model's history (django-simple-history)."""

from django.db.models import Model


def set_change_reason(instance: Model, reason: str) -> None:
    """Record ``reason`` with the history row that the next ``instance.save()`` writes."""
    # simple_history reads this attribute of the instance when it writes the row; it is
    # declared nowhere, so the type checker cannot know it.
    instance._change_reason = reason  # type: ignore[attr-defined]
