"""What the partners app does when the core announces a public change, and when a
partner key's row changes.

Connected in ``PartnersConfig.ready``; the public change runs after it committed.
"""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from claims.signals import public_change

from .api import datafeed, keycache
from .models import PartnerKey
from .webhooks import webhooks_enqueue


@receiver(public_change, dispatch_uid="partners.webhooks")
def queue_webhooks(sender: Any, *, claim_id: int, event: str, **kwargs: Any) -> None:
    """Queue a delivery to every endpoint subscribed to ``event`` (``sources`` is none)."""
    webhooks_enqueue(claim_id, event)


@receiver(public_change, dispatch_uid="partners.datafeed")
def rebuild_datafeed(sender: Any, *, claim_id: int, event: str, **kwargs: Any) -> None:
    """Have the DataFeed file built again, debounced (a burst of publications: one build)."""
    datafeed.datafeed_request_build()


@receiver(post_save, sender=PartnerKey, dispatch_uid="partners.keys.saved")
@receiver(post_delete, sender=PartnerKey, dispatch_uid="partners.keys.deleted")
def forget_verified_keys(sender: Any, **kwargs: Any) -> None:
    """Cache invalidation, not business logic: whatever wrote the row (the service, the
    admin, a shell), no process may go on trusting the key as it was verified."""
    keycache.bump_on_change()
