"""Partner API keys: create, revoke, and note their use.

Only a hash of a key is stored (djangorestframework-api-key); the key is shown once.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.errors import InvalidInput

from .models import PartnerKey

# ``last_used_at`` is written at most this often per key, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@transaction.atomic
def partner_key_create(*, name: str) -> tuple[PartnerKey, str]:
    """Create a key; returns (row, key). The key is shown once: only its hash is stored."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("A partner key needs a name."))
    max_length = PartnerKey._meta.get_field("name").max_length
    if len(name) > max_length:
        raise InvalidInput(
            _("The name is too long (at most %(max)d characters).") % {"max": max_length}
        )
    return PartnerKey.objects.create_key(name=name)


def partner_key_revoke(*, key: PartnerKey) -> PartnerKey:
    """Revoke a key; the next request with it is refused (the save starts a new keys'
    generation: ``partners.api.keycache``)."""
    if not key.revoked:
        key.revoked = True
        key.save(update_fields=["revoked"])
    return key


def partner_key_touch(key: PartnerKey) -> None:
    """Record that ``key`` was used, at most once per ``LAST_USED_RESOLUTION``.

    A conditional UPDATE, so concurrent requests do not pile up writes on one row.
    """
    now = timezone.now()
    if key.last_used_at is not None and now - key.last_used_at < LAST_USED_RESOLUTION:
        return
    PartnerKey.objects.filter(pk=key.pk).update(last_used_at=now)
    key.last_used_at = now
