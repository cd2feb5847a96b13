"""A real ``celery -A factcheck worker`` on the real Redis, fetching from a loopback server.

What the desk relies on: a killed worker, a flushed broker or a fetch that kills its
worker every time never loses a source and never records a second snapshot.

* Redis: ``redis://127.0.0.1:6379/14`` (``SOURCES_TEST_REDIS_URL``), with a queue of
  this run's own; the broker-loss test empties db 14 with ``FLUSHDB`` (never ``FLUSHALL``).
* PostgreSQL: the workers use the very test database pytest-django created
  (``transactional_db``: rows are committed, so other processes see them).
* Traffic goes only to 127.0.0.1 (the test server, Redis, PostgreSQL).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from django.db import connection, transaction

from sources import services, tasks
from sources.models import Snapshot, Source
from tests import factories
from tests.sources.helpers import page
from tests.sources.httpserver import Exchange, LocalHTTPServer
from tests.sources.workers import (
    Worker,
    forget_queue,
    publishing_to,
    unique_queue,
    wait_for,
    worker_env,
)

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("loopback_only")]

REDIS_URL = os.environ.get("SOURCES_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
LEASE_SECONDS = 4  # small: a killed worker's rows are taken over after this
MAX_ATTEMPTS = 3
QUEUE = unique_queue("sources-itest")


def _redis():
    import redis

    return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)


@pytest.fixture
def broker(settings, transactional_db, tmp_path) -> Iterator[object]:
    """The test process publishes to Redis db 14 instead of running tasks in-process."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker processes share the PostgreSQL test database")
    client = _redis()
    try:
        client.ping()
    except Exception as error:  # redis-py raises its own ConnectionError family
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {error}")
    client.delete(QUEUE)
    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    settings.FETCH_LEASE_SECONDS = LEASE_SECONDS
    settings.FETCH_MAX_ATTEMPTS = MAX_ATTEMPTS
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.LANGUAGE_CODE = "en"
    try:
        with publishing_to(REDIS_URL, QUEUE):
            yield client
    finally:
        forget_queue(client, QUEUE)
        client.close()


@pytest.fixture
def workers(broker, settings, tmp_path) -> Iterator[callable]:
    """Start workers on the test database; every one is stopped in the end, whatever happens."""
    started: list[Worker] = []
    database = connection.settings_dict
    database_url = (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{quote(database['NAME'])}"
    )
    if database.get("PASSWORD"):
        database_url = database_url.replace(
            f"//{database['USER']}@", f"//{database['USER']}:{quote(database['PASSWORD'])}@"
        )

    def start(*, pool: str = "threads", concurrency: int = 4, extra: tuple[str, ...] = ()):
        env = worker_env(
            database_url=database_url,
            broker_url=REDIS_URL,
            media_root=settings.MEDIA_ROOT,
            FETCH_LEASE_SECONDS=str(LEASE_SECONDS),
            FETCH_MAX_ATTEMPTS=str(MAX_ATTEMPTS),
            # visibility_timeout is twice this: unacked messages come back within seconds
            FETCH_RETRY_MAX_DELAY="5",
        )
        worker = Worker(
            env,
            tmp_path / f"worker-{len(started)}.log",
            queue=QUEUE,
            pool=pool,
            concurrency=concurrency,
            extra=extra,
        )
        started.append(worker)
        return worker.start()

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as local:
        yield local


def _cite(paths: list[str], server: LocalHTTPServer) -> list[int]:
    """One claim citing every path; the fetches are published when this commits."""
    claim = factories.ClaimFactory()
    with transaction.atomic():
        return [
            services.citation_add(claim=claim, url=server.url(path), role="supports").source_id
            for path in paths
        ]


def _states(ids: list[int]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for state in Source.objects.filter(pk__in=ids).values_list("state", flat=True):
        counts[state] = counts.get(state, 0) + 1
    return counts


def _all_fetched(ids: list[int]) -> bool:
    return _states(ids) == {"fetched": len(ids)}


def _sweep() -> None:
    tasks.source_sweep_task()  # what beat runs every minute


def _one_snapshot_each(ids: list[int]) -> None:
    per_source = dict.fromkeys(ids, 0)
    for source_id in Snapshot.objects.filter(source_id__in=ids).values_list("source_id", flat=True):
        per_source[source_id] += 1
    assert set(per_source.values()) == {1}, per_source


def test_fifty_sources_are_fetched_by_a_worker(workers, server):
    paths = [f"/doc/{n}" for n in range(50)]
    for n, path in enumerate(paths):
        server.respond(path, body=page(f"Dokument {n}", f"Inhalt des Dokuments {n}"))
    worker = workers(concurrency=8)
    ids = _cite(paths, server)
    assert wait_for(lambda: _all_fetched(ids), timeout=60), (
        _states(ids),
        worker.output()[-3000:],
    )
    _one_snapshot_each(ids)
    assert len(server.requests) == 50  # each fetched once
    assert {s.title for s in Snapshot.objects.filter(source_id__in=ids)} == {
        f"Dokument {n}" for n in range(50)
    }


def test_a_worker_killed_mid_fetch_loses_nothing_and_duplicates_nothing(workers, server):
    def slow(ex: Exchange) -> None:
        if ex.wait(1.5):
            ex.respond(200, page("Langsam", f"Antwort auf {ex.request.path}"))

    paths = [f"/slow/{n}" for n in range(16)]
    for path in paths:
        server.route(path, slow)
    first = workers(concurrency=4)
    ids = _cite(paths, server)
    assert wait_for(lambda: len(server.requests) >= 3, timeout=30), first.output()[-3000:]
    first.kill()  # kill -9 while fetches are in flight: nothing acknowledged, leases held
    assert Source.objects.filter(pk__in=ids, state="fetching").exists()
    second = workers(concurrency=4)
    assert wait_for(lambda: _all_fetched(ids), timeout=90, meanwhile=_sweep), (
        _states(ids),
        second.output()[-3000:],
    )
    _one_snapshot_each(ids)
    # The killed fetches were fetched again by the second worker.
    assert len(server.requests) > len(paths)


def test_fetches_lost_with_the_broker_are_completed_by_the_sweep(workers, server, broker):
    paths = [f"/later/{n}" for n in range(10)]
    for n, path in enumerate(paths):
        server.respond(path, body=page(f"Später {n}", f"Inhalt {n}"))
    ids = _cite(paths, server)  # queued in Redis; no worker yet
    assert broker.llen(QUEUE) == len(ids)
    # The broker loses every queued fetch. The issue says FLUSHALL; FLUSHDB empties this
    # test's own database (db 14) only: the other databases on this Redis are not ours.
    broker.flushdb()
    assert broker.llen(QUEUE) == 0
    worker = workers(concurrency=4)
    assert not wait_for(lambda: bool(server.requests), timeout=1.5)  # nothing to do…
    assert _states(ids) == {"pending": len(ids)}
    # …until the sweep re-sends what nobody picked up within a lease period.
    assert wait_for(lambda: _all_fetched(ids), timeout=60, meanwhile=_sweep), (
        _states(ids),
        worker.output()[-3000:],
    )
    _one_snapshot_each(ids)
    assert len(server.requests) == len(paths)


def test_a_fetch_that_kills_its_worker_ends_failed_after_the_attempt_limit(workers, server):
    """Each time a worker fetches this page it dies (kill -9, as a crash in a parser's C
    code would do it). After a lease period the sweep re-sends it, until no attempts are
    left: then it ends failed, and the workers go on fetching other sources."""
    poison_hits: list[str] = []

    def poison(ex: Exchange) -> None:
        poison_hits.append(ex.request.path)
        ex.wait(30)  # never answers: the worker is killed while it waits

    server.route("/poison", poison)
    server.respond("/after", body=page("Danach", "Eine gewöhnliche Seite"))
    worker = workers(concurrency=2)
    [poison_id] = _cite(["/poison"], server)
    kills = 0

    def poisoned() -> bool:
        nonlocal worker, kills
        if len(poison_hits) > kills:  # the poison is being fetched: the worker dies
            worker.kill()
            kills += 1
            worker = workers(concurrency=2)
        return Source.objects.get(pk=poison_id).state == "failed"

    assert wait_for(poisoned, timeout=90, meanwhile=_sweep), (
        Source.objects.filter(pk=poison_id).values().first(),
        kills,
        worker.output()[-2000:],
    )
    poison = Source.objects.get(pk=poison_id)
    assert poison.reason == f"The fetch crashed its worker {MAX_ATTEMPTS} times; giving up."
    assert poison.attempts == MAX_ATTEMPTS
    assert (kills, len(poison_hits)) == (MAX_ATTEMPTS, MAX_ATTEMPTS)
    assert not poison.snapshots.exists()
    # The worker goes on with other sources; the poison is not sent again.
    [after_id] = _cite(["/after"], server)
    assert wait_for(lambda: _all_fetched([after_id]), timeout=30, meanwhile=_sweep)
    assert len(poison_hits) == MAX_ATTEMPTS
    assert Source.objects.get(pk=poison_id).state == "failed"
