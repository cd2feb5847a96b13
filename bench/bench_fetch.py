"""Source fetching throughput through real Celery workers, against the I/O ceiling.

    .venv/bin/python bench/bench_fetch.py [--urls 200] [--delay 0.2] [--concurrency 16]
                                          [--pools threads,prefork]

What it does, all on this machine (loopback only):

1. creates its own PostgreSQL database (``factcheck_bench``; ``manage.py migrate`` in a
   subprocess) and drops it at the end;
2. starts a threaded HTTP server on 127.0.0.1 that answers every request after
   ``--delay`` seconds with a small article page;
3. measures the ceiling: an asyncio ``httpx`` client fetching the URLs with the same
   concurrency (nothing else to do: no database, no extraction);
4. for each pool (threads, prefork; gevent only if installed): starts
   ``celery -A factcheck worker --pool P --concurrency N`` on Redis
   (``BENCH_REDIS_URL``, default db 14, a queue of its own), warms it up, then cites
   the URLs through ``sources.services.citation_add`` in one transaction and times
   from the commit until every source is ``fetched``; samples the worker's RSS
   (worker and pool processes, from /proc).

Prints throughput, the ratio to the ceiling measured in the same run (target ≥ 0.7),
and memory.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DB_NAME = os.environ.get("BENCH_DATABASE_NAME", "factcheck_bench")
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
TARGET_RATIO = 0.7

PAGE = (
    "<!doctype html><html lang='de'><head><meta charset='utf-8'><title>Seite {n}</title>"
    "</head><body><header><nav><a href='/'>Start</a> <a href='/politik'>Politik</a></nav>"
    "</header><article><h1>Seite {n}</h1>"
    + "".join(
        f"<p>Absatz {i}: Die Lage in Almaty blieb nach den Unruhen angespannt; "
        "die Regierung sprach von Terrorgruppen, Beobachter widersprachen.</p>"
        for i in range(12)
    )
    + "</article><footer>Impressum</footer></body></html>"
)


# --------------------------------------------------------------------------- server


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    delay = 0.2

    def do_GET(self) -> None:
        time.sleep(self.delay)
        body = PAGE.format(n=self.path.rsplit("/", 1)[-1]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default backlog of 5 would drop concurrent connects

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's FQDN (a DNS query): skip it.
        import socketserver

        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", self.server_address[1]


def start_server(delay: float) -> _Server:
    handler = type("Handler", (_Handler,), {"delay": delay})
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    return server


# --------------------------------------------------------------------------- database


def _admin_connection():
    import psycopg

    return psycopg.connect(PG_ADMIN_URL, autocommit=True)


def create_database() -> str:
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{DB_NAME}"


def drop_database() -> None:
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


# --------------------------------------------------------------------------- ceiling


async def _ceiling(urls: list[str], concurrency: int) -> float:
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=0)
    semaphore = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(limits=limits, trust_env=False, timeout=30) as client:

        async def one(url: str) -> None:
            async with semaphore:
                response = await client.get(url)
                response.raise_for_status()
                await response.aread()

        start = time.perf_counter()
        await asyncio.gather(*(one(url) for url in urls))
        return time.perf_counter() - start


def measure_ceiling(urls: list[str], concurrency: int) -> float:
    """URLs per second of a pure asyncio client (the best of two runs)."""
    return max(len(urls) / asyncio.run(_ceiling(urls, concurrency)) for _ in range(2))


# --------------------------------------------------------------------------- workers


def run_config(
    config: str,
    *,
    urls: list[str],
    warmup: list[str],
    concurrency: int,
    env: dict[str, str],
    queue: str,
    log_dir: Path,
    repeat: int,
) -> dict[str, Any]:
    """The best of ``repeat`` rounds. ``config`` is a pool name, optionally ``xN``: N worker processes sharing the
    concurrency (``threads x2`` = two workers of ``concurrency/2`` threads)."""
    from django.db import transaction
    from django.db.models import Count

    from sources import services
    from sources.models import Source
    from tests import factories
    from tests.sources.workers import Worker, machine_busy_seconds, process_tree, wait_for

    pool, _, count = config.partition("x")
    processes = int(count or 1)
    workers = [
        Worker(
            env,
            log_dir / f"worker-{config}-{n}.log",
            queue=queue,
            pool=pool,
            concurrency=max(1, concurrency // processes),
        )
        for n in range(processes)
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start(ready_timeout=120)
    startup = time.perf_counter() - started

    def cite(batch: list[str]) -> tuple[list[int], float]:
        """Cite ``batch``; the fetches are published when the transaction commits.

        Returns the source ids and the moment of the commit (the clock starts there).
        """
        claim = factories.ClaimFactory()
        with transaction.atomic():
            ids = [
                services.citation_add(claim=claim, url=url, role="supports").source_id
                for url in batch
            ]
            committing = time.perf_counter()
        return ids, committing

    def done(ids: list[int]) -> bool:
        return Source.objects.filter(pk__in=ids, state="fetched").count() == len(ids)

    def rss_kib() -> int:
        return sum(worker.rss_kib() for worker in workers)

    def cpu_seconds() -> float:
        return sum(worker.cpu_seconds() for worker in workers)

    try:
        # Warm-up: imports, connections and the extractor's first run are not measured.
        warm_ids, _start = cite(warmup)
        if not wait_for(lambda: done(warm_ids), timeout=120):
            raise RuntimeError(f"{config}: warm-up did not finish\n{workers[0].output()[-2000:]}")
        rounds = []
        for round_ in range(repeat):
            batch = [f"{url}?round={round_}" for url in urls]
            rss_peak = rss_kib()
            cpu_before, (busy_before, total_before) = cpu_seconds(), machine_busy_seconds()
            ids, start = cite(batch)
            published = time.perf_counter() - start  # commit and publishing of the tasks
            while not done(ids):
                rss_peak = max(rss_peak, rss_kib())
                if time.perf_counter() - start > 300:
                    raise RuntimeError(f"{config}: not finished in 300 s")
                time.sleep(0.02)
            elapsed = time.perf_counter() - start
            busy_after, total_after = machine_busy_seconds()
            worker_cpu = cpu_seconds() - cpu_before
            states = dict(
                Source.objects.filter(pk__in=ids).values_list("state").annotate(n=Count("id"))
            )
            assert states == {"fetched": len(ids)}, states
            rounds.append(
                {
                    "config": config,
                    "elapsed": elapsed,
                    "published": published,
                    "throughput": len(urls) / elapsed,
                    "rss_mib": rss_peak / 1024,
                    "processes": sum(len(process_tree(worker.pid)) for worker in workers),
                    "startup": startup,
                    "worker_cpu_ms": worker_cpu * 1000 / len(urls),
                    "machine_busy": (busy_after - busy_before) / (total_after - total_before),
                }
            )
        return max(rounds, key=lambda r: r["throughput"])
    finally:
        for worker in workers:
            worker.stop()


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=int, default=200)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=2, help="rounds per pool; the best counts")
    parser.add_argument(
        "--pools",
        default="threads,threadsx2,prefork,gevent",
        help="pools to measure; NAMExN runs N worker processes sharing the concurrency",
    )
    args = parser.parse_args()

    pools = [p for p in args.pools.split(",") if p]
    if "gevent" in pools and importlib.util.find_spec("gevent") is None:
        print("gevent: not installed, skipped (pip install gevent to include it)")
        pools.remove("gevent")

    media = Path(tempfile.mkdtemp(prefix="bench-fetch-"))
    server = start_server(args.delay)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    database_url = create_database()
    results: list[dict[str, Any]] = []
    try:
        print(f"database {DB_NAME}: migrating…", flush=True)
        from tests.sources.workers import publishing_to, unique_queue, worker_env

        env = worker_env(
            database_url=database_url,
            broker_url=REDIS_URL,
            media_root=str(media),
            FETCH_LEASE_SECONDS="120",
            CONN_MAX_AGE="60",  # the production default: one connection per pool thread
        )
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        os.environ.update(env)
        import django

        django.setup()
        logging.getLogger("httpx").setLevel(logging.WARNING)
        queue = unique_queue("bench-fetch")

        from tests.sources.workers import machine_busy_seconds

        busy_before, total_before = machine_busy_seconds()
        time.sleep(2)
        busy_after, total_after = machine_busy_seconds()
        background = (busy_after - busy_before) / (total_after - total_before)
        print(f"background load before the runs: {background:.0%} of the CPUs", flush=True)
        if os.getloadavg()[0] > (os.cpu_count() or 1):
            print(
                f"WARNING: load average {os.getloadavg()[0]:.1f} exceeds the "
                f"{os.cpu_count()} CPUs: the workers compete with other work for the CPU, "
                "the asyncio client hardly does; read the ratios with that in mind.",
                flush=True,
            )

        ceiling_urls = [f"{base}/ceiling/{n}" for n in range(args.urls)]
        ceiling = measure_ceiling(ceiling_urls, args.concurrency)
        theoretical = args.concurrency / args.delay
        print(
            f"ceiling (asyncio httpx, {args.concurrency} at a time): {ceiling:.1f} URLs/s "
            f"(theoretical {theoretical:.1f})",
            flush=True,
        )
        with publishing_to(REDIS_URL, queue):
            for pool in pools:
                urls = [f"{base}/{pool}/{n}" for n in range(args.urls)]
                warmup = [f"{base}/{pool}-warmup/{n}" for n in range(args.concurrency * 4)]
                print(f"{pool}: starting the worker…", flush=True)
                result = run_config(
                    pool,
                    urls=urls,
                    warmup=warmup,
                    concurrency=args.concurrency,
                    env=env,
                    queue=queue,
                    log_dir=media,
                    repeat=args.repeat,
                )
                results.append(result)
                print(
                    f"{pool}: {result['throughput']:.1f} URLs/s in {result['elapsed']:.2f} s "
                    f"(publishing {result['published']:.2f} s), "
                    f"ratio {result['throughput'] / ceiling:.2f}, RSS {result['rss_mib']:.0f} MiB, "
                    f"worker CPU {result['worker_cpu_ms']:.1f} ms/URL, "
                    f"machine busy {result['machine_busy']:.0%}",
                    flush=True,
                )
    finally:
        server.shutdown()
        try:
            import redis

            from tests.sources.workers import forget_queue

            forget_queue(redis.Redis.from_url(REDIS_URL), queue)  # type: ignore[possibly-undefined]
        except Exception as error:
            print(f"(could not delete the bench queue: {error})")
        drop_database()
        shutil.rmtree(media, ignore_errors=True)

    print()
    print(
        f"{args.urls} URLs, each answered after {args.delay * 1000:.0f} ms, "
        f"concurrency {args.concurrency}, {os.cpu_count()} CPUs "
        f"(background load {background:.0%}), best of {args.repeat} rounds"
    )
    print(
        f"{'':<18}{'URLs/s':>9}{'ratio':>8}{'seconds':>9}{'RSS MiB':>9}{'procs':>7}{'start s':>9}"
    )
    print(f"{'asyncio ceiling':<18}{ceiling:>9.1f}{1.0:>8.2f}{args.urls / ceiling:>9.2f}")
    for result in results:
        ratio = result["throughput"] / ceiling
        flag = (
            f"OK (target {TARGET_RATIO})"
            if ratio >= TARGET_RATIO
            else f"MISSED (target {TARGET_RATIO})"
        )
        print(
            f"{'worker ' + result['config']:<18}{result['throughput']:>9.1f}{ratio:>8.2f}"
            f"{result['elapsed']:>9.2f}{result['rss_mib']:>9.0f}{result['processes']:>7}"
            f"{result['startup']:>9.1f}{result['worker_cpu_ms']:>12.1f}"
            f"{result['machine_busy']:>9.0%}  {flag}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
