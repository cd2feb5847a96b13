"""Per-key rate limits, and limits on failed credentials, that hold across web processes.

DRF's ``SimpleRateThrottle`` keeps a list of timestamps with a read-modify-write, so two
processes can both let a request through. This counts each fixed window with the
cache's atomic ``incr`` (Redis ``INCR`` in production): the limit holds however many
processes share the cache. A fixed window can let through up to twice the rate across a
window boundary, which is fine for fair use.

Failed credentials (a wrong, revoked or expired partner key or staff token) are counted
per client address the same way (``API_AUTH_FAILURE_LIMIT`` per
``API_AUTH_FAILURE_MINUTES``); once an address has used up its failures, every key or
token it sends is refused with 429 before anything is looked up, until the window ends.
Addresses come from ``factcheck.addresses`` (``X-Forwarded-For`` only behind our proxy),
never from DRF's ``get_ident``, which believes a client's ``X-Forwarded-For``.
"""

import time

from django.conf import settings
from django.core.cache import cache as default_cache
from django.utils.translation import gettext
from rest_framework.exceptions import Throttled
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

from factcheck.addresses import client_address
from factcheck.cache import counter_add
from factcheck.mirror import tally

from ..models import PartnerKey

# Set on the request by partners.api.middleware when it counted the request and then let
# the stack answer it: (the window's key, the count).
COUNTED = "partner_rate_counted"


def key_window(prefix: str, scope: str, duration: int, now: float) -> str:
    """The counter of a partner key's window (what ``PartnerRateThrottle`` counts in)."""
    return f"throttle:{scope}:key:{prefix}:{int(now // duration)}"


def _failure_window(request: Request) -> tuple[str, int, float]:
    """The failure counter's key for the request's address, the limit, and the seconds
    until its window ends."""
    duration = max(1, settings.API_AUTH_FAILURE_MINUTES * 60)
    now = time.time()
    window = int(now // duration)
    key = f"auth-failures:{client_address(request) or 'unknown'}:{window}"
    return key, settings.API_AUTH_FAILURE_LIMIT, (window + 1) * duration - now


def auth_failures_check(request: Request) -> None:
    """Refuse (429) an address that has used up its failed credentials; call before
    looking at the credential it sends."""
    key, limit, wait = _failure_window(request)
    if (default_cache.get(key) or 0) >= limit:
        # DRF adds "Expected available in N seconds." to the message.
        raise Throttled(
            wait=max(1, wait),
            detail=gettext("Too many failed attempts with API keys or tokens from your address."),
        )


def auth_failure_record(request: Request) -> None:
    """Count a failed credential against the request's address."""
    key, _limit, wait = _failure_window(request)
    counter_add(default_cache, key, int(wait) + 2)


class PartnerRateThrottle(ScopedRateThrottle):
    """Rate per partner key (staff: per user; anything else: per address).

    The view's ``throttle_scope`` names the rate in ``DEFAULT_THROTTLE_RATES``.
    """

    cache = default_cache

    def get_rate(self):
        # Read now, not at import: DRF binds THROTTLE_RATES when the module loads.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request) -> str:
        return client_address(request) or "unknown"

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
            count = counted[1]  # partners.api.middleware counted this request already
        else:
            count = counter_add(self.cache, key, self.duration + 1)
            tally.saw(key, count)  # the repeated-read path counts on from here
        self._wait = (window + 1) * self.duration - now
        return count <= self.num_requests

    def wait(self) -> float:
        return max(1.0, self._wait)
