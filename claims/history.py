"""What the history (django-simple-history) records with a change: its reason and who.

simple_history reads two undeclared attributes of the instance when ``save()`` writes
the history row; they are set here only, so the type checker is told once.
"""

from typing import TYPE_CHECKING

from django.db.models import Model

if TYPE_CHECKING:
    from .typing import DeskUser

# simple_history keeps change reasons in a 100-character column.
REASON_MAX = 100


def fit_reason(text: str) -> str:
    """``text`` cut to fit the history's change reason column."""
    return text if len(text) <= REASON_MAX else text[: REASON_MAX - 1] + "…"


def set_change_reason(instance: Model, reason: str) -> None:
    """Record ``reason`` (cut to fit) with the history row the next ``save()`` writes."""
    instance._change_reason = fit_reason(reason)  # type: ignore[attr-defined]


def set_history_user(instance: Model, user: "DeskUser | None") -> None:
    """Record ``user`` as who made the change the next ``save()`` writes (None: the system,
    or the request's user that the history middleware supplies)."""
    instance._history_user = user  # type: ignore[attr-defined]
