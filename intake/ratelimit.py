"""Fixed-window counters in the shared cache, for the public tip form (per address).

Counted with the cache's atomic ``incr`` (Redis ``INCR`` in production), so the limit holds
across web processes; a fixed window may let up to twice the rate through across its
boundary, which is fine against floods.
"""

import re
import time
from dataclasses import dataclass

from django.core.cache import cache

from factcheck.cache import counter_add

_RATE = re.compile(r"\s*(\d+)\s*/\s*(\d*)\s*(s|sec|second|m|min|minute|h|hour|d|day)\s*")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"5/hour"`` → (5, 3600); ``"10/15m"`` → (10, 900). ValueError if malformed."""
    found = _RATE.fullmatch(rate or "")
    if found is None:
        raise ValueError(f"malformed rate {rate!r}: use N/second, N/minute, N/hour or N/day")
    count, multiple, unit = found.groups()
    return int(count), int(multiple or 1) * _SECONDS[unit[0]]


@dataclass(frozen=True)
class Hit:
    allowed: bool
    wait: int  # seconds until the window ends


def rate_hit(scope: str, ident: str, rate: str) -> Hit:
    """Count one request of ``ident`` in ``scope``; allowed while within ``rate``."""
    limit, duration = parse_rate(rate)
    now = time.time()
    window = int(now // duration)
    key = f"ratelimit:{scope}:{ident}:{window}"
    hits = counter_add(cache, key, duration + 1)
    return Hit(allowed=hits <= limit, wait=max(1, int((window + 1) * duration - now)))
