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


def test_count_and_get_many_is_one_command_with_the_answers_of_the_plain_calls(cache):
    from factcheck.cache import count_and_get_many

    cache.set("generation", 1234, 30)
    cache.set("page", {"body": b"x"}, 30)
    calls = []
    client = cache._cache.get_client(write=True)
    real = client.execute_command

    def execute_command(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    client.execute_command = execute_command
    try:
        first = count_and_get_many(cache, "counter", 60, ["generation", "page", "missing"])
        second = count_and_get_many(cache, "counter", 60, ["generation"])
    finally:
        del client.execute_command
    assert first == (1, {"generation": 1234, "page": {"body": b"x"}})
    assert second == (2, {"generation": 1234})
    # One command each, once Redis knows the script (the first call may load it).
    assert calls[-2:] == ["EVALSHA", "EVALSHA"] and "INCR" not in calls
    assert cache.get("counter") == 2
    ttl = client.ttl(cache.make_and_validate_key("counter"))
    assert 0 < ttl <= 60  # set once, by the first count
    assert count_and_get_many(cache, "other", 60, []) == (1, {})


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
    real, calls = client.execute_command, []
    client.execute_command = lambda *a, **k: calls.append(a[0]) or real(*a, **k)
    try:
        assert count_and_get_many(proxy, "counter", 60, ["nothing"]) == (1, {})
    finally:
        del client.execute_command
        backend.clear()
    assert "INCR" not in calls and calls[-1] == "EVALSHA"  # the proxy's backend's script


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
