"""Per-key rate limits that hold across web processes.

DRF's ``SimpleRateThrottle`` keeps a list of timestamps with a read-modify-write, so two
processes can both let a request through. This counts each fixed window with the
cache's atomic ``incr`` (Redis ``INCR`` in production): the limit holds however many
processes share the cache. A fixed window can let through up to twice the rate across a
window boundary, which is fine for fair use.
"""

import time

from django.core.cache import cache as default_cache
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

from ..models import PartnerKey

# Set on the request by partners.api.fastpath when it counted the request and then let
# the stack answer it: (the window's key, the count).
COUNTED = "partner_rate_counted"


def key_window(prefix: str, scope: str, duration: int, now: float) -> str:
    """The counter of a partner key's window (what ``PartnerRateThrottle`` counts in)."""
    return f"throttle:{scope}:key:{prefix}:{int(now // duration)}"


class PartnerRateThrottle(ScopedRateThrottle):
    """Rate per partner key (staff: per user; anything else: per address).

    The view's ``throttle_scope`` names the rate in ``DEFAULT_THROTTLE_RATES``.
    """

    cache = default_cache

    def get_rate(self):
        # Read now, not at import: DRF binds THROTTLE_RATES when the module loads.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view) -> str:
        if isinstance(request.auth, PartnerKey):
            ident = f"key:{request.auth.prefix}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"addr:{self.get_ident(request)}"
        return f"throttle:{self.scope}:{ident}"

    def allow_request(self, request, view) -> bool:
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        now = time.time()
        window = int(now // self.duration)
        key = f"{self.get_cache_key(request, view)}:{window}"
        counted = request.META.get(COUNTED)
        if counted is not None and counted[0] == key:
            count = counted[1]  # partners.api.fastpath counted this request already
        else:
            self.cache.add(key, 0, self.duration + 1)
            try:
                count = self.cache.incr(key)
            except ValueError:  # expired between add and incr
                self.cache.set(key, 1, self.duration + 1)
                count = 1
        self._wait = (window + 1) * self.duration - now
        return count <= self.num_requests

    def wait(self) -> float:
        return max(1.0, self._wait)
