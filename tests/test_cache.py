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


def test_count_and_get_many_is_one_pipeline_with_the_answers_of_the_plain_calls(cache):
    from factcheck.cache import count_and_get_many

    cache.set("generation", 1234, 30)
    cache.set("page", {"body": b"x"}, 30)
    calls = []
    client = cache._cache.get_client(write=True)
    real = client.pipeline

    def pipeline(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    client.pipeline = pipeline
    try:
        first = count_and_get_many(cache, "counter", 60, ["generation", "page", "missing"])
        second = count_and_get_many(cache, "counter", 60, ["generation"])
    finally:
        del client.pipeline
    assert first == (1, {"generation": 1234, "page": {"body": b"x"}})
    assert second == (2, {"generation": 1234})
    assert calls == [1, 1]  # one round trip each
    assert cache.get("counter") == 2
    ttl = client.ttl(cache.make_and_validate_key("counter"))
    assert 0 < ttl <= 60  # set once, by the first count (EXPIRE … NX)


def test_count_and_get_many_takes_django_s_cache_proxy(settings):
    from django.core.cache import cache as proxy
    from django.core.cache import caches

    from factcheck.cache import count_and_get_many

    settings.CACHES = {
        "default": {
            "BACKEND": "factcheck.cache.RedisCache",
            "LOCATION": LOCATION,
            "KEY_PREFIX": "factcheck-tests-proxy",
        }
    }
    backend = caches["default"]
    backend.clear()
    client = backend._cache.get_client(write=True)
    real, calls = client.pipeline, []
    client.pipeline = lambda *a, **k: calls.append(1) or real(*a, **k)
    try:
        assert count_and_get_many(proxy, "counter", 60, ["nothing"]) == (1, {})
    finally:
        del client.pipeline
        backend.clear()
    assert calls == [1]  # the proxy's backend, in one round trip


def test_count_and_get_many_on_another_backend():
    from django.core.cache.backends.locmem import LocMemCache

    from factcheck.cache import count_and_get_many

    local = LocMemCache("count-test", {})
    local.set("generation", 7)
    assert count_and_get_many(local, "counter", 60, ["generation", "missing"]) == (
        1,
        {"generation": 7},
    )
    assert count_and_get_many(local, "counter", 60, [])[0] == 2
