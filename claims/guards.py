"""The checks every service makes before it changes anything, shared by all services.

Permission (``user=None`` is the system: a migration or a command acting for the desk),
the row lock and the version the user saw (optimistic locking), model validation turned
into a domain error, and the version bump that goes with every change of a claim.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .errors import InvalidInput, NotAllowed, StaleVersion
from .models import Claim
from .typing import DeskUser


def validation_message(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
            for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def full_clean(instance: Any, **kwargs: Any) -> None:
    """``instance.full_clean()``, its errors raised as one ``InvalidInput``."""
    try:
        instance.full_clean(**kwargs)
    except ValidationError as error:
        raise InvalidInput(validation_message(error)) from error


def require_known_fields(changes: Iterable[str], allowed: Iterable[str], message: str = "") -> None:
    """Refuse a change naming fields outside ``allowed``; ``message`` has a %s for them."""
    unknown = set(changes) - set(allowed)
    if unknown:
        text = message or _("These fields cannot be changed here: %s")
        raise InvalidInput(text % ", ".join(sorted(unknown)))


def require_permission(user: DeskUser | None, permission: str, message: str) -> None:
    """Refuse with ``message`` unless ``user`` has ``permission`` (``None``: the system)."""
    if user is not None and not user.has_perm(permission):
        raise NotAllowed(message)


def check_version(claim: Claim, version: int | None) -> None:
    """Refuse a change made on an older version than the locked row's."""
    if version is not None and int(version) != claim.version:
        raise StaleVersion(
            _(
                "Someone else changed this claim in the meantime (your version %(yours)s, "
                "current %(current)s). Reload to see their changes, then apply yours."
            )
            % {"yours": version, "current": claim.version},
            current=claim,
        )


def lock_claim(claim: Claim) -> Claim:
    """The claim's row, locked until the transaction ends (call inside ``atomic``)."""
    return Claim.objects.select_for_update().get(pk=claim.pk)


def bump_version(claim: Claim, *fields: str) -> None:
    # The row is locked (``lock_claim``), so a plain increment is safe; an F() expression
    # would also end up in the history record.
    claim.version += 1
    claim.save(update_fields=["version", "updated_at", *fields])
