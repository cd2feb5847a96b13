"""What the public site does when the core announces a public change.

Connected in ``PublishingConfig.ready``. Runs after the change committed (see
``claims.signals``): first the search index, then the cache generation, so a page built
after the bump never finds the old index.
"""

from typing import Any

from django.dispatch import receiver

from claims.signals import public_change

from . import caching
from .search import claim_update_search_vector


@receiver(public_change, dispatch_uid="publishing.refresh")
def refresh_public_copies(sender: Any, *, claim_id: int, event: str, **kwargs: Any) -> None:
    """Recompute the claim's search vector and make every cached public page obsolete."""
    claim_update_search_vector(claim_id)
    caching.bump_generation()
