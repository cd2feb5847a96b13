"""Importing a watched feed's entries through real Celery workers, against the I/O ceiling.

    .venv/bin/python bench/bench_intake.py [--entries 500] [--delay 0.2] [--concurrency 16]
                                           [--pool threadsx2/pf2] [--no-sources]

What it does, all on this machine (loopback only):

1. creates its own PostgreSQL database (``factcheck_bench_intake``; ``manage.py migrate``
   in a subprocess) and drops it at the end;
2. starts a threaded HTTP server on 127.0.0.1 that answers every request after
   ``--delay`` seconds: ``/feed.xml`` is an RSS feed of ``--entries`` items, each item a
   distinct German article page;
3. measures the ceiling exactly as ``bench_fetch.py`` does (its ``measure_ceiling``: an
   asyncio ``httpx`` client fetching as many URLs with the same concurrency; nothing else
   to do: no database, no extraction);
4. starts the workers as deployed (``threadsx2/pf2``: two thread workers of
   ``concurrency/2`` each, prefetch multiplier 2; ``DEBUG=false``), warms them up with a
   small feed, then polls the big feed once (``intake.feeds.feed_poll`` in this process,
   its ``max_entries`` the number of entries) and times from the start of the poll until
   every article is ``imported`` (fetched through the source engine, snapshot and WARC
   stored, main text, metadata and language extracted, duplicates checked);
5. unless ``--no-sources``: the same number of plain source fetches (citations, as
   ``bench_fetch.py`` times them) with the same workers, for the cost of what an import
   adds to a fetch.

Prints articles per second, the ratio to the ceiling measured in the same run, and the
ratio to plain source fetching.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

os.environ.setdefault("BENCH_DATABASE_NAME", "factcheck_bench_intake")

from bench import bench_fetch  # noqa: E402  (the database name is read at its import)

# A Redis database for the bench alone (bench_fetch.py uses 14).
REDIS_URL = os.environ.get("BENCH_INTAKE_REDIS_URL", "redis://127.0.0.1:6379/13")

PARAGRAPHS = [
    "Der Stadtrat von Neustadt-{n} hat am Dienstag über den Haushalt beraten. Die "
    "Bürgermeisterin sagte, die Schulden seien um {n} Prozent gesunken.",
    "Die Opposition widersprach. Ein Ratsherr erklärte, die Zahlen seien geschönt und die "
    "Stadt gebe mehr aus als je zuvor; Meldung Nummer {n}.",
    "Nach Angaben der Kämmerei fließen in diesem Jahr {n} Millionen Euro in Schulen und "
    "Straßen. Das sei der höchste Betrag seit zwanzig Jahren, sagte ein Sprecher.",
    "Der Rat will im Frühjahr endgültig abstimmen. Bis dahin sollen die Bürgerinnen und "
    "Bürger ihre Vorschläge einreichen können, hieß es aus dem Rathaus am Abend.",
]


def article_page(n: str) -> bytes:
    body = "".join(f"<p>{p.format(n=n)}</p>" for p in PARAGRAPHS)
    return (
        "<!doctype html><html lang='de'><head><meta charset='utf-8'>"
        f"<title>Haushalt in Neustadt-{n}</title>"
        "<meta property='og:site_name' content='Neustädter Anzeiger'></head><body>"
        "<nav><a href='/'>Start</a> <a href='/lokales'>Lokales</a></nav>"
        f"<article><h1>Haushalt in Neustadt-{n}</h1>{body}</article>"
        "<footer>Impressum</footer></body></html>"
    ).encode()


def feed_xml(base: str, tag: str, count: int) -> bytes:
    items = "".join(
        f"<item><guid>{tag}-{n}</guid><link>{base}/a/{tag}/{n}</link>"
        f"<title>Meldung {n}</title></item>"
        for n in range(count)
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>Neustädter Anzeiger</title><link>{base}/</link>"
        f"<description>Bench</description>{items}</channel></rss>"
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    delay = 0.2
    base = ""

    def do_GET(self) -> None:
        time.sleep(self.delay)
        path = self.path.partition("?")[0]
        if path.startswith("/feed/"):
            _, _, tag, count = path.split("/")
            body, kind = feed_xml(self.base, tag, int(count)), "application/rss+xml"
        else:
            tail = path.strip("/").replace("/", "-")
            body, kind = article_page(tail), "text/html; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def start_server(delay: float) -> tuple[ThreadingHTTPServer, str]:
    handler = type("Handler", (_Handler,), {"delay": delay})
    server = bench_fetch._Server(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    handler.base = base
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    return server, base


def import_feed(base: str, tag: str, count: int) -> tuple[float, int, float]:
    """Poll a feed of ``count`` entries: (seconds until every article is imported, how
    many, seconds the poll itself took: the feed fetched, its entries recorded and every
    import started and sent)."""
    from django.db.models import Count

    from claims.models import Article
    from intake import feeds
    from intake.models import Feed, FeedEntry

    feed = Feed.objects.create(
        name=f"bench {tag}", url=f"{base}/feed/{tag}/{count}", max_entries=count
    )
    start = time.perf_counter()
    report = feeds.feed_poll(feed_id=feed.pk)
    polled = time.perf_counter() - start
    assert report.imported == count, report
    entries = FeedEntry.objects.filter(feed=feed)
    while True:
        states = dict(entries.values_list("state").annotate(n=Count("id")))
        if (
            states.get("imported", 0) + states.get("failed", 0) + states.get("duplicate", 0)
            >= count
        ):
            break
        if time.perf_counter() - start > 600:
            raise RuntimeError(f"not finished in 600 s: {states}")
        time.sleep(0.05)
    elapsed = time.perf_counter() - start
    assert states == {"imported": count}, states
    imported = Article.objects.filter(
        feed_entries__feed=feed, import_state="imported", text__contains="Neustadt-"
    ).count()
    assert imported == count, imported
    return elapsed, imported, polled


def fetch_sources(base: str, tag: str, count: int) -> float:
    """Cite ``count`` URLs (one transaction) as bench_fetch does; seconds until fetched."""
    from django.db import transaction

    from sources import services
    from sources.models import Source
    from tests import factories

    claim = factories.ClaimFactory()
    with transaction.atomic():
        ids = [
            services.citation_add(claim=claim, url=f"{base}/s/{tag}/{n}", role="supports").source_id
            for n in range(count)
        ]
        start = time.perf_counter()
    while Source.objects.filter(pk__in=ids, state="fetched").count() < count:
        if time.perf_counter() - start > 600:
            raise RuntimeError("sources not fetched in 600 s")
        time.sleep(0.05)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--pool", default="threadsx2/pf2")
    parser.add_argument("--no-sources", action="store_true")
    args = parser.parse_args()

    from tests.sources.workers import (
        Worker,
        forget_queue,
        publishing_to,
        worker_env,
    )

    media = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    server, base = start_server(args.delay)
    database_url = bench_fetch.create_database()
    # The default queue, on a Redis database of the bench's own: the workers send tasks
    # themselves (an entry's import sends its fetch), and a worker sends to the default
    # queue whatever queue it consumes. Emptied before and after.
    queue = "celery"
    workers: list[Worker] = []
    try:
        env = worker_env(
            database_url=database_url,
            broker_url=REDIS_URL,
            media_root=str(media),
            FETCH_LEASE_SECONDS="120",
            CONN_MAX_AGE="60",
            INTAKE_FEED_MAX_ENTRIES=str(args.entries),
            **bench_fetch._deployed_env(),
        )
        import redis

        forget_queue(redis.Redis.from_url(REDIS_URL), queue)
        print(f"database {bench_fetch.DB_NAME}: migrating…", flush=True)
        import subprocess

        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        os.environ.update(env)
        import django

        django.setup()
        import logging

        logging.getLogger("httpx").setLevel(logging.WARNING)
        load = os.getloadavg()
        print(f"load average {load[0]:.2f} on {os.cpu_count()} CPUs", flush=True)

        spec, _, options = args.pool.partition("/")
        pool, _, count = spec.partition("x")
        processes = int(count or 1)
        extra: tuple[str, ...] = ()
        if options:
            extra = ("--prefetch-multiplier", str(int(options.removeprefix("pf"))))
        workers = [
            Worker(
                env,
                media / f"worker-{n}.log",
                queue=queue,
                pool=pool,
                concurrency=max(1, args.concurrency // processes),
                extra=extra,
            )
            for n in range(processes)
        ]
        for worker in workers:
            worker.start(ready_timeout=120)
        ceiling_urls = [f"{base}/ceiling/{n}" for n in range(args.entries)]
        with publishing_to(REDIS_URL, queue):
            import_feed(base, "warmup", args.concurrency * 2)
            ceiling = bench_fetch.measure_ceiling(ceiling_urls, args.concurrency)
            elapsed, imported, polled = import_feed(base, "run", args.entries)
            sources_elapsed = None
            if not args.no_sources:
                sources_elapsed = fetch_sources(base, "run", args.entries)
            ceiling_after = bench_fetch.measure_ceiling(ceiling_urls, args.concurrency)
    finally:
        for worker in workers:
            worker.stop()
        server.shutdown()
        try:
            import redis

            forget_queue(redis.Redis.from_url(REDIS_URL), queue)
        except Exception as error:
            print(f"(could not delete the bench queue: {error})")
        bench_fetch.drop_database()
        shutil.rmtree(media, ignore_errors=True)

    rate = imported / elapsed
    ceiling_median = (ceiling + ceiling_after) / 2
    print()
    print(
        f"{args.entries} feed entries, each page answered after {args.delay * 1000:.0f} ms, "
        f"concurrency {args.concurrency}, workers {args.pool}, {os.cpu_count()} CPUs"
    )
    print(
        f"asyncio ceiling (bench_fetch.measure_ceiling): {ceiling:.1f} before, "
        f"{ceiling_after:.1f} after (mean {ceiling_median:.1f} URLs/s)"
    )
    print(
        f"feed import: {imported} articles in {elapsed:.1f} s = {rate:.1f} articles/s, "
        f"ratio to the ceiling {rate / ceiling_median:.2f} (the poll itself: {polled:.1f} s)"
    )
    if sources_elapsed is not None:
        sources_rate = args.entries / sources_elapsed
        print(
            f"plain source fetches (citations): {sources_rate:.1f} URLs/s, ratio to the "
            f"ceiling {sources_rate / ceiling_median:.2f}; import / fetch "
            f"{rate / sources_rate:.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
