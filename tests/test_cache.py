"""The Redis cache backend (factcheck.cache): Django's, with one client per pool."""

import threading

import pytest
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from factcheck.cache import RedisCache

LOCATION = "redis://127.0.0.1:6379/13"


@pytest.fixture
def cache():
    backend = RedisCache(LOCATION, {"KEY_PREFIX": "factcheck-tests-cache"})
    backend.clear()
    yield backend
    backend.clear()
    backend.close()


def test_it_is_djangos_backend_with_one_client_per_pool(cache):
    assert isinstance(cache, DjangoRedisCache)
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client  # one server: one pool, one client
    cache.set("k", {"page": b"x" * 30_000}, 30)
    assert cache.get_many(["k", "missing"]) == {"k": {"page": b"x" * 30_000}}
    assert cache._cache.get_client() is client


def test_threads_share_the_client_and_see_each_others_writes(cache):
    cache.set("counter", 0, 60)
    clients, errors = set(), []

    def work() -> None:
        try:
            clients.add(id(cache._cache.get_client()))
            for _ in range(50):
                cache.incr("counter")
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(clients) == 1
    assert cache.get("counter") == 400
