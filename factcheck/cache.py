"""Django's Redis cache, with one Redis client per connection pool instead of one per call.

``django.core.cache.backends.redis.RedisCacheClient.get_client`` builds a new
``redis.Redis`` for every cache operation. With redis-py 8 that constructor is the most
expensive part of a cache read from loopback Redis (it builds the command-callback tables
each time): more than the round trip itself. A ``redis.Redis`` is thread-safe (it borrows a
connection from its pool per command), so one per pool serves every thread of a worker.
Everything else, including the pools, is Django's.
"""

import threading

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from django.utils.connection import ConnectionProxy


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self._clients_lock = threading.Lock()
        self._scripts = {}

    def script(self, client, source: str):
        """``source`` registered with ``client`` (its SHA computed once)."""
        script = self._scripts.get((id(client), source))
        if script is None:
            script = self._scripts[(id(client), source)] = client.register_script(source)
        return script

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            with self._clients_lock:
                client = self._clients.get(index)
                if client is None:
                    client = self._clients[index] = super().get_client(key, write=write)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


def redis_backend(cache) -> RedisCache | None:
    """The backend behind ``cache`` if it is this module's Redis cache, else None."""
    if isinstance(cache, ConnectionProxy):  # django.core.cache.cache: this thread's backend
        cache = cache._connections[cache._alias]
    return cache if isinstance(cache, RedisCache) else None


# One command instead of three: the counter's increment, its expiry when it is new, and
# the values of the other keys. EVALSHA (redis-py falls back to EVAL once) costs about
# half of a pipeline of INCR, EXPIRE NX and MGET in the client.
_COUNT_AND_GET = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
if #KEYS == 1 then return {count, {}} end
return {count, redis.call('MGET', unpack(KEYS, 2))}
"""


def count_and_get_many(cache, counter: str, timeout: int, keys: list[str]) -> tuple[int, dict]:
    """Add one to ``counter`` (created with ``timeout`` seconds to live) and read ``keys``.

    On this module's Redis cache it is one round trip and one command (a Lua script), which
    is what a repeated partner request costs in all: the throttle's count, the partner
    keys' generation and the public generation together. Any other backend (local memory
    in the embedded default and the tests) gets the same answer from its ordinary calls.
    """
    backend = redis_backend(cache)
    if backend is not None:
        cache = backend
        counter_key = cache.make_and_validate_key(counter)
        key_map = {cache.make_and_validate_key(key): key for key in keys}
        client = cache._cache.get_client(write=True)
        script = cache._cache.script(client, _COUNT_AND_GET)
        count, values = script(keys=[counter_key, *key_map], args=[timeout], client=client)
        loads = cache._cache._serializer.loads
        found = {
            key_map[key]: loads(value)
            for key, value in zip(key_map, values, strict=True)
            if value is not None
        }
        return int(count), found
    return counter_add(cache, counter, timeout), cache.get_many(keys)


def counter_add(cache, counter: str, timeout: int) -> int:
    """Add one to ``counter`` (created with ``timeout`` seconds to live) and return it:
    the fixed-window counters of the throttles and rate limits. Atomic on Redis (INCR)."""
    cache.add(counter, 0, timeout)
    try:
        return cache.incr(counter)
    except ValueError:  # expired between add and incr
        cache.set(counter, 1, timeout)
        return 1
