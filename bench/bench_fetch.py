"""Source fetching throughput through real Celery workers, against the I/O ceiling.

    .venv/bin/python bench/bench_fetch.py [--urls 200] [--delay 0.2] [--concurrency 16]
                                          [--pools threadsx2/pf2,threads,prefork] [--turns 3]
                                          [--debug] [--worker-env KEY=VALUE …]

What it does, all on this machine (loopback only):

1. creates its own PostgreSQL database (``factcheck_bench``; ``manage.py migrate`` in a
   subprocess) and drops it at the end;
2. starts a threaded HTTP server on 127.0.0.1 that answers every request after
   ``--delay`` seconds with a small article page;
3. measures the ceiling: an asyncio ``httpx`` client fetching the URLs with the same
   concurrency (nothing else to do: no database, no extraction);
4. for each configuration (threads, prefork; gevent only if installed): starts
   ``celery -A factcheck worker --pool P --concurrency N`` on Redis
   (``BENCH_REDIS_URL``, default db 14, a queue of its own), warms it up, then cites
   the URLs through ``sources.services.citation_add`` in one transaction and times
   from the commit until every source is ``fetched`` (the state is set in the
   transaction that stores the snapshot with its extracted text, so the extraction is
   inside the measured interval); samples the worker's RSS (worker and pool processes,
   from /proc).

A configuration is ``POOL[xN][/pfM]``: N worker processes sharing the concurrency
(``threadsx2`` = two workers of ``concurrency/2`` threads each), started with
``--prefetch-multiplier M`` (default: the settings' value, 1).

With ``--turns T`` the configurations take turns T times (ceiling, A, B, …, ceiling,
A, B, …), each turn with a fresh worker and a ceiling measured just before it, so a
burst of background load hits every configuration alike. Every round is printed; the
summary gives each configuration's median ratio.

Workers run as deployed (``DEBUG=false``, ``LOG_LEVEL=INFO`` as in docker-compose.yml);
``--debug`` runs them with ``DEBUG=true`` as the integration tests do.

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
import statistics
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
) -> list[dict[str, Any]]:
    """``repeat`` rounds of one configuration (``POOL[xN][/pfM]``, see the module's doc)."""
    from django.db import transaction
    from django.db.models import Count

    from sources import services
    from sources.models import Snapshot, Source
    from tests import factories
    from tests.sources.workers import Worker, machine_busy_seconds, process_tree, wait_for

    spec, _, options = config.partition("/")
    pool, _, count = spec.partition("x")
    processes = int(count or 1)
    extra: tuple[str, ...] = ()
    if options:
        if not options.startswith("pf"):
            raise SystemExit(f"{config}: unknown option {options!r} (pfN: prefetch multiplier)")
        extra = ("--prefetch-multiplier", str(int(options[2:])))
    workers = [
        Worker(
            env,
            log_dir / f"worker-{config.replace('/', '-')}-{n}.log",
            queue=queue,
            pool=pool,
            concurrency=max(1, concurrency // processes),
            extra=extra,
        )
        for n in range(processes)
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start(ready_timeout=120)
    startup = time.perf_counter() - started

    def cite(batch: list[str]) -> tuple[list[int], float, float]:
        """Cite ``batch``; the fetches are published when the transaction commits.

        Returns the source ids, the moment of the commit (the clock starts there) and
        this process's CPU time then.
        """
        claim = factories.ClaimFactory()
        with transaction.atomic():
            ids = [
                services.citation_add(claim=claim, url=url, role="supports").source_id
                for url in batch
            ]
            committing, own_cpu = time.perf_counter(), time.process_time()
        return ids, committing, own_cpu

    def done(ids: list[int]) -> bool:
        return Source.objects.filter(pk__in=ids, state="fetched").count() == len(ids)

    def check_snapshots(ids: list[int]) -> None:
        """Every source has exactly one snapshot, with the article's text extracted."""
        stored = Snapshot.objects.filter(source_id__in=ids, status_code=200, kind="html")
        with_text = stored.filter(text__contains="Absatz 11", title__startswith="Seite")
        counts = (stored.count(), with_text.count())
        assert counts == (len(ids), len(ids)), f"{config}: snapshots {counts}, {len(ids)} sources"

    def rss_kib() -> int:
        return sum(worker.rss_kib() for worker in workers)

    def cpu_seconds() -> float:
        return sum(worker.cpu_seconds() for worker in workers)

    try:
        # Warm-up: imports, connections and the extractor's first run are not measured.
        warm_ids, *_ = cite(warmup)
        if not wait_for(lambda: done(warm_ids), timeout=120):
            raise RuntimeError(f"{config}: warm-up did not finish\n{workers[0].output()[-2000:]}")
        rounds = []
        for round_ in range(repeat):
            batch = [f"{url}?round={round_}" for url in urls]
            rss_peak = rss_kib()
            cpu_before, (busy_before, total_before) = cpu_seconds(), machine_busy_seconds()
            db_before, redis_before = _postgres_cpu(), _cpu_of("redis-server")
            ids, start, own_before = cite(batch)
            published = time.perf_counter() - start  # commit and publishing of the tasks
            while not done(ids):
                rss_peak = max(rss_peak, rss_kib())
                if time.perf_counter() - start > 300:
                    raise RuntimeError(f"{config}: not finished in 300 s")
                time.sleep(0.02)
            elapsed = time.perf_counter() - start
            own_cpu = time.process_time() - own_before
            busy_after, total_after = machine_busy_seconds()
            worker_cpu = cpu_seconds() - cpu_before
            db_cpu, redis_cpu = (
                _postgres_cpu() - db_before,
                _cpu_of("redis-server") - redis_before,
            )
            states = dict(
                Source.objects.filter(pk__in=ids).values_list("state").annotate(n=Count("id"))
            )
            assert states == {"fetched": len(ids)}, states
            check_snapshots(ids)
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
                    "db_cpu_ms": db_cpu * 1000 / len(urls),
                    "redis_cpu_ms": redis_cpu * 1000 / len(urls),
                    "bench_cpu_ms": own_cpu * 1000 / len(urls),
                    "machine_cpu_ms": (busy_after - busy_before) * 1000 / len(urls),
                    "machine_busy": (busy_after - busy_before) / (total_after - total_before),
                }
            )
        return rounds
    finally:
        for worker in workers:
            worker.stop()


def _cpu_of(name: str) -> float:
    """CPU seconds used so far by every process called ``name``."""
    return sum(_cpu_fields(stat)[0] for stat, comm in _processes() if comm == name)


def _postgres_cpu() -> float:
    """CPU seconds used so far by PostgreSQL for the bench's database: its live backends,
    and the backends that exited (reaped by the postmaster, so in its children's time;
    other databases' short connections land there too, long-lived ones do not)."""
    total = 0.0
    for stat, comm in _processes():
        if comm != "postgres":
            continue
        try:
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        own, children = _cpu_fields(stat)
        if cmdline.startswith("/"):  # the postmaster: its command line is a path
            total += children
        elif f" {DB_NAME} " in cmdline:
            total += own
    return total


def _processes() -> list[tuple[Path, str]]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        found.append((stat, text[text.index("(") + 1 : text.rindex(")")]))
    return found


def _cpu_fields(stat: Path) -> tuple[float, float]:
    """(user + system, children's user + system) seconds of a process."""
    try:
        fields = stat.read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0, 0.0
    tick = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / tick, (int(fields[13]) + int(fields[14])) / tick


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=int, default=200)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--repeat", type=int, default=2, help="rounds per configuration and turn (one worker)"
    )
    parser.add_argument(
        "--turns", type=int, default=1, help="how many times the configurations take turns"
    )
    parser.add_argument(
        "--pools",
        default="threadsx2/pf2,threads,threadsx2",
        help="configurations: POOL[xN][/pfM], N worker processes sharing the concurrency, "
        "M the prefetch multiplier",
    )
    parser.add_argument(
        "--debug", action="store_true", help="workers with DEBUG=true (as the tests run them)"
    )
    parser.add_argument(
        "--worker-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an extra environment variable for the workers (repeatable)",
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
    ceilings: list[float] = []
    queue = ""
    try:
        print(f"database {DB_NAME}: migrating…", flush=True)
        from tests.sources.workers import publishing_to, unique_queue, worker_env

        deployed = {} if args.debug else _deployed_env()
        env = worker_env(
            database_url=database_url,
            broker_url=REDIS_URL,
            media_root=str(media),
            FETCH_LEASE_SECONDS="120",
            CONN_MAX_AGE="60",  # the production default
            **deployed,
            **dict(item.split("=", 1) for item in args.worker_env),
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
        load = os.getloadavg()
        print(
            f"background load before the runs: {background:.0%} of the CPUs; "
            f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
            flush=True,
        )
        if load[0] > (os.cpu_count() or 1):
            print(
                f"WARNING: load average {load[0]:.1f} exceeds the "
                f"{os.cpu_count()} CPUs: the workers compete with other work for the CPU, "
                "the asyncio client hardly does; read the ratios with that in mind.",
                flush=True,
            )
        print(
            f"workers: DEBUG={env.get('DEBUG')}, LOG_LEVEL={env.get('LOG_LEVEL')}"
            + "".join(f", {item}" for item in args.worker_env),
            flush=True,
        )

        ceiling_urls = [f"{base}/ceiling/{n}" for n in range(args.urls)]
        theoretical = args.concurrency / args.delay
        with publishing_to(REDIS_URL, queue):
            for turn in range(args.turns):
                ceiling = measure_ceiling(ceiling_urls, args.concurrency)
                ceilings.append(ceiling)
                print(
                    f"turn {turn + 1}: ceiling (asyncio httpx, {args.concurrency} at a time): "
                    f"{ceiling:.1f} URLs/s (theoretical {theoretical:.1f})",
                    flush=True,
                )
                for pool in pools:
                    tag = f"{pool.replace('/', '-')}-t{turn}"
                    urls = [f"{base}/{tag}/{n}" for n in range(args.urls)]
                    warmup = [f"{base}/{tag}-warmup/{n}" for n in range(args.concurrency * 4)]
                    rounds = run_config(
                        pool,
                        urls=urls,
                        warmup=warmup,
                        concurrency=args.concurrency,
                        env=env,
                        queue=queue,
                        log_dir=media,
                        repeat=args.repeat,
                    )
                    for number, result in enumerate(rounds, 1):
                        result.update(turn=turn + 1, round=number, ceiling=ceiling)
                        results.append(result)
                        print(
                            f"  {pool:<14} round {number}: {result['throughput']:.1f} URLs/s in "
                            f"{result['elapsed']:.2f} s (publishing {result['published']:.2f} s), "
                            f"ratio {result['throughput'] / ceiling:.2f}, "
                            f"RSS {result['rss_mib']:.0f} MiB, "
                            f"CPU ms/URL: worker {result['worker_cpu_ms']:.1f}, "
                            f"postgres (bench db) {result['db_cpu_ms']:.1f}, "
                            f"redis {result['redis_cpu_ms']:.1f}, "
                            f"bench process {result['bench_cpu_ms']:.1f}, "
                            f"machine {result['machine_cpu_ms']:.1f} "
                            f"(busy {result['machine_busy']:.0%})",
                            flush=True,
                        )
    finally:
        server.shutdown()
        try:
            import redis

            from tests.sources.workers import forget_queue

            if queue:
                forget_queue(redis.Redis.from_url(REDIS_URL), queue)
        except Exception as error:
            print(f"(could not delete the bench queue: {error})")
        drop_database()
        shutil.rmtree(media, ignore_errors=True)

    print()
    print(
        f"{args.urls} URLs, each answered after {args.delay * 1000:.0f} ms, "
        f"concurrency {args.concurrency}, {os.cpu_count()} CPUs "
        f"(background load {background:.0%}), {args.turns} turn(s) of {args.repeat} round(s)"
    )
    print(
        f"asyncio ceiling: {' '.join(f'{c:.1f}' for c in ceilings)} URLs/s "
        f"(median {statistics.median(ceilings):.1f})"
    )
    print(
        f"{'':<20}{'ratio median':>13}{'min':>6}{'max':>6}{'URLs/s med':>11}"
        f"{'RSS MiB max':>12}{'procs':>6}{'start s':>8}{'CPU ms/URL':>11}{'busy':>6}"
    )
    for pool in pools:
        mine = [r for r in results if r["config"] == pool]
        ratios = [r["throughput"] / r["ceiling"] for r in mine]
        median = statistics.median(ratios)
        flag = f"{'OK' if median >= TARGET_RATIO else 'MISSED'} (target {TARGET_RATIO})"
        print(
            f"{'worker ' + pool:<20}{median:>13.2f}{min(ratios):>6.2f}{max(ratios):>6.2f}"
            f"{statistics.median(r['throughput'] for r in mine):>11.1f}"
            f"{max(r['rss_mib'] for r in mine):>12.0f}{mine[0]['processes']:>6}"
            f"{statistics.median(r['startup'] for r in mine):>8.1f}"
            f"{statistics.median(r['worker_cpu_ms'] for r in mine):>11.1f}"
            f"{statistics.median(r['machine_busy'] for r in mine):>6.0%}  {flag}"
        )
    return 0


def _deployed_env() -> dict[str, str]:
    """What docker-compose.yml's worker runs with, where it differs from the tests' env."""
    return {
        "DEBUG": "false",
        "SECRET_KEY": "bench-fetch-" + "k" * 50,
        "ALLOWED_HOSTS": "localhost",
    }


if __name__ == "__main__":
    raise SystemExit(main())
