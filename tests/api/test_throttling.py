"""The per-key limit holds across web processes sharing the cache (Redis in production).

Each thread gets its own cache connection (Django's caches are per thread), like separate
processes would; the count is kept by Redis' atomic INCR.
"""

import socket
import threading
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from partners.api.throttling import PartnerRateThrottle
from partners.models import PartnerKey

REDIS = ("127.0.0.1", 6379)


def _redis_up() -> bool:
    try:
        socket.create_connection(REDIS, timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_the_limit_holds_across_connections(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "factcheck.cache.RedisCache",  # as in production
            "LOCATION": "redis://127.0.0.1:6379/13",
            "KEY_PREFIX": "factcheck-tests-throttle",
        }
    }
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"partner": "20/minute"},
    }
    from django.core.cache import cache

    cache.clear()
    view = SimpleNamespace(throttle_scope="partner")
    request = SimpleNamespace(auth=PartnerKey(prefix="abcdefgh"), user=AnonymousUser(), META={})
    allowed: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(10):
            result = PartnerRateThrottle().allow_request(request, view)
            with lock:
                allowed.append(result)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(allowed) == 40
    assert allowed.count(True) == 20  # not 20 per connection
    other = SimpleNamespace(auth=PartnerKey(prefix="zzzzzzzz"), user=AnonymousUser(), META={})
    assert PartnerRateThrottle().allow_request(other, view)
    cache.clear()
