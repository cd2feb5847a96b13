"""What the partners app does when the core announces a public change.

Connected in ``PartnersConfig.ready``; runs after the change committed.
"""

from typing import Any

from django.dispatch import receiver

from claims.signals import public_change

from .webhooks import webhooks_enqueue


@receiver(public_change, dispatch_uid="partners.webhooks")
def queue_webhooks(sender: Any, *, claim_id: int, event: str, **kwargs: Any) -> None:
    """Queue a delivery to every endpoint subscribed to ``event`` (``sources`` is none)."""
    webhooks_enqueue(claim_id, event)
