"""What intake does when something else happens (connected in ``IntakeConfig.ready``)."""

from typing import Any

from django.dispatch import receiver

from claims.signals import public_change

from . import tip_emails


@receiver(public_change, dispatch_uid="intake.tips.notify")
def notify_tipsters(sender: Any, *, claim_id: int, event: str, **kwargs: Any) -> None:
    """A verdict went public (or was corrected): tell the tipsters waiting for it, in the
    worker (``intake.tip_emails``)."""
    if event in tip_emails.NOTIFY_EVENTS:
        tip_emails.enqueue_notify(claim_id)
