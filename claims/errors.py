"""Domain errors. Interfaces map them: InvalidInput → 400, NotAllowed → 403,
InvalidTransition and StaleVersion → 409, or an admin message."""

from typing import Any


class DeskError(Exception):
    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message


class InvalidInput(DeskError):
    """The input cannot be used as given (bad span, bad file, unknown speaker…)."""


class DuplicateSpeaker(InvalidInput):
    """The name or an alias is already another speaker's; ``details['existing']`` names it."""


class SourcesUnresolved(DeskError):
    """Publishing or correcting while cited sources are failed, blocked, dead or pending,
    without an acknowledgement; ``details['sources']`` lists them (``id``, ``url``, ``state``)."""


class NotAllowed(DeskError):
    """The user lacks the permission for this action."""


class InvalidTransition(DeskError):
    """The claim's current status does not allow this action."""


class StaleVersion(DeskError):
    """The change was based on an older version; ``details['current']`` holds what is there now."""
