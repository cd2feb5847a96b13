"""Shared values without a round trip (factcheck.mirror), on the real Redis.

The promise under test: once ``changed()`` returns, no process answers from the value it
held before, whether it acknowledged, lost its connection or was stopped meanwhile.
"""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache

from factcheck.cache import RedisCache
from factcheck.mirror import ACK, LIVE, Mirror, Tally

LOCATION = "redis://127.0.0.1:6379/13"
ROOT = Path(__file__).resolve().parents[1]


def _until(condition, seconds: float = 5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.01)
    raise AssertionError(f"not within {seconds} s")


@pytest.fixture
def prefix(settings):
    """The Redis cache, as in production, under a key prefix of this test's own."""
    name = f"factcheck-tests-mirror-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "factcheck.cache.RedisCache",
            "LOCATION": LOCATION,
            "KEY_PREFIX": name,
        }
    }
    return name


@pytest.fixture
def mirror(prefix):
    watched = Mirror(confirm_seconds=0.2, trust_seconds=0.6)
    watched.watch("a", "b")
    yield watched
    if watched._run is not None:
        watched._run.stop.set()


def test_the_copies_are_read_once_subscribed_and_missing_keys_are_absent(mirror):
    cache.set("a", 41, 60)
    _until(lambda: mirror.values() is not None)
    assert mirror.values() == {"a": 41}


def test_a_change_is_in_every_copy_when_changed_returns(mirror):
    cache.set("a", 1, 60)
    other = Mirror(confirm_seconds=0.2, trust_seconds=0.6)  # another process's, in effect
    other.watch("a")
    try:
        _until(lambda: mirror.values() is not None)
        _until(lambda: other.values() is not None)
        for value in range(2, 12):
            cache.set("a", value, 60)
            mirror.changed()
            assert mirror.values()["a"] == value and other.values()["a"] == value
    finally:
        other._run.stop.set()


def test_every_live_copy_acknowledged(mirror, prefix):
    other = Mirror(confirm_seconds=0.2, trust_seconds=0.6)
    try:
        _until(lambda: mirror.values() is not None)
        _until(lambda: other.values() is not None)
        client = cache._connections[cache._alias]._cache.get_client(write=True)
        mirror.changed()
        (ack,) = client.keys(f"{prefix}:1:{ACK}*")
        assert client.smembers(ack) == {mirror._run.id.encode(), other._run.id.encode()}
        live = client.zrange(f"{prefix}:1:{LIVE}", 0, -1)
        assert set(live) == {mirror._run.id.encode(), other._run.id.encode()}
    finally:
        other._run.stop.set()


def test_a_live_copy_that_does_not_answer_is_waited_out(mirror, caplog):
    _until(lambda: mirror.values() is not None)
    client = cache._connections[cache._alias]._cache.get_client(write=True)
    seconds, micros = client.time()
    # A process that read a moment ago and has stopped since (or lost its subscription).
    now = seconds * 1000 + micros // 1000
    client.zadd(mirror._run.backend.make_and_validate_key(LIVE), {"ghost": now})
    mirror.changed()  # waits out the trust window, then says so
    assert "1 process(es) did not acknowledge" in caplog.text


def test_without_redis_there_is_no_copy_and_no_count(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "m"}
    }
    watched = Mirror()
    watched.watch("a")
    assert watched.values() is None
    watched.changed()  # nothing to tell
    assert Tally().add("c", 60) is None


def test_a_lost_subscription_is_taken_up_again(mirror):
    cache.set("a", 1, 60)
    _until(lambda: mirror.values() is not None)
    client = cache._connections[cache._alias]._cache.get_client(write=True)
    address = "{}:{}".format(*mirror._run.pubsub.connection._sock.getsockname()[:2])
    assert client.client_kill_filter(_type="pubsub", addr=address) == 1
    cache.set("a", 2, 60)
    mirror.changed()
    # Within the trust window the copy is the new value or none: never the old one.
    values = mirror.values()
    assert values is None or values["a"] == 2
    assert _until(lambda: (mirror.values() or {}).get("a") == 2)


CHILD = textwrap.dedent(
    """
    import json, os, sys
    import django
    from django.conf import settings
    settings.configure(CACHES={"default": {"BACKEND": "factcheck.cache.RedisCache",
        "LOCATION": os.environ["LOCATION"], "KEY_PREFIX": os.environ["PREFIX"]}})
    django.setup()
    from factcheck.mirror import Mirror
    mirror = Mirror(confirm_seconds=0.2, trust_seconds=0.6)
    mirror.watch("a")
    for line in sys.stdin:
        print(json.dumps(mirror.values()), flush=True)
    """
)


def test_a_stopped_process_does_not_answer_from_its_old_copy(mirror, prefix):
    cache.set("a", "old", 60)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        env={**os.environ, "LOCATION": LOCATION, "PREFIX": prefix},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )

    def ask():
        child.stdin.write("?\n")
        child.stdin.flush()
        return json.loads(child.stdout.readline())

    try:
        assert _until(ask) == {"a": "old"}
        child.send_signal(signal.SIGSTOP)  # subscribed, holding "old", and silent
        cache.set("a", "new", 60)
        mirror.changed()  # waits out the trust window for the silent one
        child.send_signal(signal.SIGCONT)
        answer = ask()  # before its thread could read again
        assert answer is None or answer == {"a": "new"}
        assert _until(lambda: ask() == {"a": "new"})
    finally:
        child.kill()
        child.wait()


def test_the_tally_counts_without_waiting_and_settles_exactly(prefix):
    tally = Tally()
    estimates = [tally.add("hits", 60) for _ in range(5)]
    assert estimates == [1, 2, 3, 4, 5]
    assert tally.settle()
    backend = cache._connections[cache._alias]
    assert isinstance(backend, RedisCache)
    client = backend._cache.get_client(write=True)
    key = backend.make_and_validate_key("hits")
    assert int(client.get(key)) == 5 and 0 < client.ttl(key) <= 60
    client.incrby(key, 10)  # another process counted too
    assert tally.add("hits", 60) == 6  # not seen yet: only its own
    assert tally.settle() and tally.count("hits") == 16
    tally.saw("hits", 20)  # the throttle counted one itself, Redis said 20
    assert tally.add("hits", 60) == 21
    tally._close()
