"""Shared values without a round trip: copies pushed to every process, counts sent behind.

A repeated partner read (``partners.api.middleware``) needs two numbers that any process
on any machine may change, and it adds one to a third:

- the partner keys' generation (a revoked key must be refused on its next request),
- the public generation (a publication must show on the next request),
- the partner key's throttle counter for this window.

Asking Redis for them costs a round trip per request; between two idle requests on a
two-core machine that is about as long as a static file's whole first byte (the process
and redis-server each wait for a core). This module takes the round trip out of the path
and keeps the promises.

**Mirror.** A background thread in each process that uses it subscribes to one channel,
*then* reads the watched keys, and reads them again every ``confirm_seconds`` and as soon
as a message arrives. Each read also marks the copy live in a registry in Redis, stamped
with Redis' clock. Whoever changes a watched key calls ``changed()`` after writing it: it
publishes a message, takes the copies read less than ``trust_seconds`` ago from the
registry, and waits until each of them has read again and acknowledged, for at most
``trust_seconds``. A process trusts its copies only while its latest read *started* less
than ``trust_seconds`` ago. So once ``changed()`` returns, every process holds the new
value or no longer trusts the old one (its callers then ask Redis per request), whatever
happened in between: a subscription lost, a process stopped, a message never answered.
The order matters: subscribed before the first read, registered before reading.

**Tally.** ``add`` counts one in a Redis counter and returns this process's estimate (the
counter's value in Redis' latest reply plus the counts added since) without a word to
Redis; ``send``, called once the answer went out, sends the counts (INCRBY and EXPIRE,
on a connection of its own) and takes the replies that have arrived, without waiting for
any. No thread competes with the request for the interpreter, and no packet to Redis
precedes the answer's first byte. One process alone sees the exact count. With several, a
process learns the others' counts from the replies to its own, so each can let through
the requests it answers before its next reply beyond a limit (one, or a few under load).
``settle`` waits for every reply: then ``count`` is exact as of the last one.

Both work only on this project's Redis cache (``factcheck.cache.RedisCache``); on any
other (local memory in the embedded default: one process, no round trip) ``values`` and
``add`` return None and callers use the cache directly.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import threading
import time
from collections import OrderedDict, deque
from typing import Any

from django.core.cache import cache
from django.core.signals import setting_changed
from redis.exceptions import RedisError

from .cache import RedisCache, redis_backend

logger = logging.getLogger(__name__)

CHANNEL = "mirror:changed"
ACK = "mirror:ack:"
LIVE = "mirror:live"
ERRORS = (RedisError, OSError)

# Redis' clock, in milliseconds, for the registry of live copies (one clock for all hosts).
_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""
# A copy's read: it is live (until trust_seconds from now) before it reads the values.
_READ = (
    _NOW
    + """
redis.call('ZADD', KEYS[1], now, ARGV[1])
if #KEYS == 1 then return {} end
return redis.call('MGET', unpack(KEYS, 2))
"""
)
# A change's announcement: published, and the copies that may still trust what they read
# before it (read less than trust_seconds ago) returned: they are waited for.
_ANNOUNCE = (
    _NOW
    + """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 600000)
redis.call('PUBLISH', ARGV[1], ARGV[2])
return redis.call('ZRANGEBYSCORE', KEYS[1], now - tonumber(ARGV[3]), '+inf')
"""
)


def _where(backend: RedisCache) -> tuple[Any, ...]:
    """Which Redis and which key space a backend talks to (a thread serves one)."""
    return (tuple(backend._servers), backend.key_prefix, backend.version)


# The cache a process uses is looked up again only when the CACHES setting changed (tests
# do that): looking it up costs more than the rest of a kept answer.
_caches_changes = [0]


def _caches_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "CACHES":
        _caches_changes[0] += 1


setting_changed.connect(_caches_changed, dispatch_uid="factcheck.mirror.caches")


class _Run:
    """One subscriber thread's state, on one cache: a new one after a fork or a change of
    cache (settings changed in a test)."""

    def __init__(self, backend: RedisCache) -> None:
        self.backend = backend
        self.client = backend._cache.get_client(write=True)
        self.stop = threading.Event()
        self.state: tuple[float, dict[str, Any]] = (float("-inf"), {})
        self.pubsub: Any = None
        self.id = secrets.token_hex(8)
        self.read = backend._cache.script(self.client, _READ)


class Mirror:
    def __init__(self, *, confirm_seconds: float = 0.5, trust_seconds: float = 1.5) -> None:
        assert confirm_seconds < trust_seconds
        self.confirm_seconds = confirm_seconds
        self.trust_seconds = trust_seconds
        self._keys: tuple[str, ...] = ()
        self._lock = threading.Lock()
        self._where: tuple[Any, ...] | None = None
        self._run: _Run | None = None
        self._seen = -1  # the CACHES change the run was looked up after
        os.register_at_fork(after_in_child=self._forked)

    def _forked(self) -> None:
        # The parent's thread does not exist here: start anew on first use.
        self._lock = threading.Lock()
        self._where, self._run, self._seen = None, None, -1

    def _current(self) -> _Run | None:
        """This process's run on the cache in use (started if need be); None without one."""
        backend = redis_backend(cache)
        if backend is None:
            return None
        where = _where(backend)
        if where != self._where:
            with self._lock:
                if where != self._where:
                    if self._run is not None:
                        self._run.stop.set()  # its thread ends
                    run = _Run(backend)
                    threading.Thread(
                        target=self._serve, args=(run,), name="factcheck-mirror", daemon=True
                    ).start()
                    self._run, self._where = run, where
        return self._run

    def watch(self, *keys: str) -> None:
        """Keep copies of these cache keys too (call at import time)."""
        self._keys = tuple(dict.fromkeys(self._keys + keys))

    def values(self) -> dict[str, Any] | None:
        """The watched keys' values (a missing key is absent), if trusted now; else None."""
        run = self._run
        if self._seen != _caches_changes[0]:
            self._seen = _caches_changes[0]
            run = self._current()
            if run is None and self._run is not None:
                self._run.stop.set()  # no Redis any more
                self._run, self._where = None, None
        if run is None:
            return None
        started, values = run.state
        if time.monotonic() - started >= self.trust_seconds:
            return None
        return values

    def changed(self, *, wait: bool = True) -> None:
        """After writing a watched key: every process reads it again before this returns
        (or has stopped trusting its copy). ``wait=False``: tell them, do not wait."""
        backend = redis_backend(cache)
        if backend is None:
            return
        client = backend._cache.get_client(write=True)
        token = secrets.token_hex(8)
        live = backend._cache.script(client, _ANNOUNCE)(
            keys=[backend.make_and_validate_key(LIVE)],
            args=[backend.make_and_validate_key(CHANNEL), token, int(self.trust_seconds * 1000)],
        )
        if not wait or not live:
            return
        live = set(live)
        ack = backend.make_and_validate_key(ACK + token)
        deadline = time.monotonic() + self.trust_seconds
        pause = 0.0002
        while time.monotonic() < deadline:
            if live <= client.smembers(ack):
                return
            time.sleep(pause)
            pause = min(pause * 2, 0.02)
        # Correct all the same: the silent ones have stopped trusting what they held.
        missing = len(live - client.smembers(ack))
        logger.warning("mirror: %d process(es) did not acknowledge a change", missing)

    def _read(self, run: _Run) -> None:
        keys, backend = self._keys, run.backend
        started = time.monotonic()
        raw = run.read(
            keys=[backend.make_and_validate_key(LIVE)]
            + [backend.make_and_validate_key(key) for key in keys],
            args=[run.id],
        )
        loads = backend._cache._serializer.loads
        values = {
            key: loads(value) for key, value in zip(keys, raw, strict=False) if value is not None
        }
        run.state = (started, values)

    def _serve(self, run: _Run) -> None:
        channel = run.backend.make_and_validate_key(CHANNEL)
        pause = 0.1
        while not run.stop.is_set():
            pubsub = run.pubsub = run.client.pubsub()
            try:
                pubsub.subscribe(channel)
                message = pubsub.get_message(timeout=self.trust_seconds)
                if message is None or message["type"] != "subscribe":
                    raise OSError("no subscription confirmed")
                tokens: list[bytes] = []
                while not run.stop.is_set():
                    self._read(run)
                    if tokens:
                        self._acknowledge(run, tokens)
                    tokens = self._messages(pubsub)
                    pause = 0.1
            except ERRORS as error:
                run.state = (float("-inf"), {})
                logger.warning("mirror: %s; callers ask the cache until it is back", error)
                run.stop.wait(pause)
                pause = min(pause * 2, 5.0)
            finally:
                pubsub.close()
        run.state = (float("-inf"), {})
        with contextlib.suppress(*ERRORS):  # gone: no writer needs to wait for this one
            run.client.zrem(run.backend.make_and_validate_key(LIVE), run.id)

    def _messages(self, pubsub: Any) -> list[bytes]:
        """The tokens that arrive before the next confirmation is due."""
        tokens = []
        message = pubsub.get_message(timeout=self.confirm_seconds)
        while message is not None:
            if message["type"] == "message":
                tokens.append(message["data"])
            message = pubsub.get_message(timeout=0)
        return tokens

    def _acknowledge(self, run: _Run, tokens: list[bytes]) -> None:
        pipe = run.client.pipeline(transaction=False)
        for token in tokens:
            ack = run.backend.make_and_validate_key(ACK + token.decode())
            pipe.sadd(ack, run.id)
            pipe.expire(ack, 60)
        pipe.execute()


class Tally:
    MAX_COUNTERS = 1000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._where: tuple[Any, ...] | None = None
        self._backend: RedisCache | None = None
        self._seen = -1  # the CACHES change the backend was looked up after
        self._connection: Any = None
        self._forget()
        os.register_at_fork(after_in_child=self._forked)

    def _forked(self) -> None:
        # The parent's connection is the parent's: this process opens its own.
        self._lock = threading.Lock()
        self._where, self._backend, self._seen, self._connection = None, None, -1, None
        self._forget()

    def _cache(self) -> RedisCache | None:
        """The Redis cache in use (looked up again after a change of CACHES); call with
        the lock held. A different one: the counts of the other are forgotten."""
        if self._seen != _caches_changes[0]:
            self._seen = _caches_changes[0]
            backend = redis_backend(cache)
            where = None if backend is None else _where(backend)
            if where != self._where:
                self._close()
                self._forget()
                self._where = where
            self._backend = backend
        return self._backend

    def _forget(self) -> None:
        self._queued: list[tuple[str, str, int]] = []  # (counter, key, timeout) to send
        self._sent: deque[str] = deque()  # the counters of the replies still to come
        self._pending: dict[str, int] = {}  # counts queued or sent, without a reply yet
        self._known: OrderedDict[str, int] = OrderedDict()  # the latest reply's value
        self._keys: dict[str, str] = {}  # counter: its key in Redis

    def add(self, counter: str, timeout: int) -> int | None:
        """Count one in ``counter`` (expiring ``timeout`` seconds after its first count)
        and return this process's estimate of its value, without a word to Redis yet:
        ``send`` sends it (call it once the answer went out). None without a Redis cache.
        """
        with self._lock:
            backend = self._cache()
            if backend is None:
                return None
            key = self._keys.get(counter)
            if key is None:
                if len(self._keys) > 100:  # the counters of windows gone by
                    self._keys.clear()
                key = self._keys[counter] = backend.make_and_validate_key(counter)
            self._queued.append((counter, key, timeout))
            pending = self._pending[counter] = self._pending.get(counter, 0) + 1
            return self._known.get(counter, 0) + pending

    def send(self) -> None:
        """Send the counts added so far and take the replies that have arrived."""
        with self._lock:
            self._send(block=False)

    def settle(self) -> bool:
        """Send, then wait for every reply (False: Redis failed, the counts are lost)."""
        with self._lock:
            return self._send(block=True)

    def _send(self, *, block: bool) -> bool:
        if not self._queued and not self._sent:
            return True
        backend = self._cache()
        if backend is None:
            return False
        try:
            connection = self._connect(backend)
            self._drain(connection, block=False)
            if self._queued:
                commands = []
                for _counter, key, timeout in self._queued:
                    # The key names its window: pushing its end back is harmless, and
                    # EXPIRE without NX works on any Redis.
                    commands += [("INCRBY", key, 1), ("EXPIRE", key, timeout)]
                connection.send_packed_command(
                    connection.pack_commands(commands), check_health=False
                )
                self._sent.extend(counter for counter, _key, _timeout in self._queued)
                self._queued.clear()
            if block:
                self._drain(connection, block=True)
        except ERRORS as error:
            self._lost(error)
            return False
        return True

    def saw(self, counter: str, value: int) -> None:
        """``counter`` was counted elsewhere in this process, up to ``value`` (a reply)."""
        with self._lock:
            self._note(counter, value)

    def count(self, counter: str) -> int:
        """This process's estimate (exact as of Redis' reply right after ``settle``)."""
        with self._lock:
            return self._known.get(counter, 0) + self._pending.get(counter, 0)

    def _connect(self, backend: RedisCache) -> Any:
        if self._connection is None:
            pool = backend._cache._get_connection_pool(True)
            connection = pool.connection_class(**pool.connection_kwargs)
            connection.connect()
            self._connection = connection
        return self._connection

    def _drain(self, connection: Any, *, block: bool) -> None:
        """Take the replies that arrived (``block``: all of them), oldest first."""
        while self._sent and (block or connection.can_read(0)):
            value = connection.read_response()
            connection.read_response()  # EXPIRE's
            counter = self._sent.popleft()
            left = self._pending.get(counter, 0) - 1
            if left > 0:
                self._pending[counter] = left
            else:
                self._pending.pop(counter, None)
            self._note(counter, int(value))

    def _note(self, counter: str, value: int) -> None:
        self._known[counter] = max(self._known.get(counter, 0), value)
        self._known.move_to_end(counter)
        while len(self._known) > self.MAX_COUNTERS:
            self._known.popitem(last=False)

    def _lost(self, error: Exception) -> None:
        # The counts without a reply are lost: the limit is lenient by that many.
        logger.warning("tally: %s", error)
        self._close()
        self._queued.clear()
        self._sent.clear()
        self._pending.clear()

    def _close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.disconnect()
            self._connection = None


# The process's instances (one thread each, started by the first caller).
mirror = Mirror()
tally = Tally()
