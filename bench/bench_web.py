"""Web performance: the partner API and the public pages, against baselines in the same run.

    .venv/bin/python bench/bench_web.py [--claims 100000] [--quick] [--profile]

All on this machine, loopback only (PostgreSQL 127.0.0.1:5432, Redis db 12, wrk):

1. creates ``factcheck_bench_web`` (harness.bench_database), a partner key, and seeds it
   with ``manage.py seed_bench`` (published claims with verdict, speaker and 3 cited
   sources with snapshots each) in steps: 100 claims, copied to ``…_100`` (CREATE DATABASE
   … TEMPLATE), then 1 000, copied to ``…_1k``, then ``--claims`` (100 000); ``VACUUM
   ANALYZE`` after each step (the steady state autovacuum keeps). Dropped at the end
   unless ``--keep``;
2. starts one gunicorn per database (2 sync workers each; the production settings of
   harness.production_env plus ``FACTCHECK_BENCH_VIEWS=true``, which mounts
   bench/baseline.py, and ``PARTNER_THROTTLE_RATE`` out of reach so the load is not
   answered with 429s; the throttle still counts every request in Redis). Sizes are
   measured taking turns, in the same minutes: other work on the machine then weighs on
   both sides of a ratio alike;
3. DataFeed (``/api/v1/claimreview/``, every published claim) at 100 and at 1 000 claims:
   median of sequential requests with Redis flushed before each (the body is cached under
   its ETag); its queries counted in a subprocess (CaptureQueriesContext);
4. the partner list, a page of 100, at 1 000 and at the large size, under wrk (2 threads,
   8 connections): the baseline ``/bench/claims/`` (same queries, same ``claim_data``,
   same bytes, plain Django), the API *uncached* (a wrk Lua script adds
   ``_bench=<unique>`` to every request: a parameter the API ignores but that is part of
   its ETag, so every request is a miss that builds and stores the page, as a partner's
   first request of a page) and *cached* (the same URL again and again, as a partner
   polling it); at the large size also full-text search (``q=Inflation``, about 10 % of
   the claims match);
5. at the large size, the verdict page: cached (one slug, warm) against ``/bench/hello/``
   (hello world behind the same middleware), uncached (wrk cycles through thousands of
   slugs, each rendered once in a fresh generation), a 304 (``If-None-Match``) against a
   static file served by WhiteNoise;
6. EXPLAIN (ANALYZE, BUFFERS) of every SELECT of an uncached list and search request at
   the large size (captured from real requests), flagging "Seq Scan on claims_claim";
7. the gunicorn workers' RSS, sampled all along: the peak.

Each wrk measurement runs ``--rounds`` times (2), the measurements taking turns (the
order reversed every other round); the best round's p50 counts. Also prints in-process
medians (Django's test Client, sequential: service time without queueing). Prints every
figure with its baseline, the ratio, the target and OK or MISSED; exits 0 even when a
target is missed (it is a measurement). ``--quick``: 2 000 claims, 1 round of 3 s, for a
smoke run of about three minutes. ``--profile``: pyinstrument profiles of the slow paths
(``pip install pyinstrument``). The Celery worker's memory (under 250 MB while fetching 200
sources) is measured by bench/bench_fetch.py.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

DB_NAME = os.environ.get("BENCH_WEB_DATABASE_NAME", "factcheck_bench_web")
FEED_SMALL, SMALL = 100, 1_000
QUICK_CLAIMS = 2_000
LIST = "/api/v1/claims/?page_size=100"
BASELINE = "/bench/claims/?page_size=100"
SEARCH = "/api/v1/claims/?page_size=100&q=Inflation"
FEED = "/api/v1/claimreview/"
HELLO = "/bench/hello/"
WORKERS, THREADS, CONNECTIONS = 2, 2, 8
# The throttle still runs (an INCR in Redis per request); only its limit is out of reach.
THROTTLE_RATE = "1000000/second"
UNCACHED_SLUGS = 8_000
RSS_LIMIT_MB = 150.0

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, no proxy


# --------------------------------------------------------------------------- helpers


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, Any, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with _OPENER.open(request, timeout=120) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:  # 304 and 4xx/5xx arrive here
        return error.code, error.headers, error.read()


def machine() -> dict[str, str]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    postgres = "?"
    try:
        import psycopg

        with psycopg.connect(harness.PG_ADMIN_URL) as conn:
            postgres = conn.execute("SHOW server_version").fetchone()[0]
    except Exception as error:  # only for the header line
        postgres = f"? ({error.__class__.__name__})"
    import django

    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "memory": f"{mem_kib / 1024 / 1024:.1f} GiB",
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgres": postgres,
        "kernel": platform.release(),
        "load": f"{os.getloadavg()[0]:.2f}",
    }


class RssSampler:
    """Samples the gunicorn workers' RSS every 0.2 s; the peak per phase and overall."""

    def __init__(self, servers: list[harness.Server]) -> None:
        self.servers = servers
        self.phase = "start"
        self.peaks: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            for value in (v for server in self.servers for v in server.worker_rss_mb()):
                self.peaks[self.phase] = max(self.peaks.get(self.phase, 0.0), value)

    @property
    def peak(self) -> float:
        return max(self.peaks.values(), default=0.0)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class Scripts:
    """wrk Lua scripts, written to a temporary directory."""

    def __init__(self, directory: str) -> None:
        self.dir = Path(directory)

    def _write(self, text: str) -> str:
        path = self.dir / f"{uuid.uuid4().hex}.lua"
        path.write_text(text)
        return str(path)

    def vary(self, path: str) -> str:
        """Every request of every thread gets its own ``_bench`` value: a cache miss each."""
        nonce = uuid.uuid4().hex[:12]
        return self._write(
            f"""
threads_started = 0
function setup(thread)
  threads_started = threads_started + 1
  thread:set("tid", threads_started)
end
local n = 0
function request()
  n = n + 1
  return wrk.format(nil, "{path}&_bench={nonce}-" .. tid .. "-" .. n)
end
"""
        )

    def cycle(self, paths: list[str]) -> str:
        """Thread t of T requests paths t, t+T, t+2T, …: no path twice while they last."""
        table = ",\n".join(json.dumps(p) for p in paths)
        return self._write(
            f"""
paths = {{
{table}
}}
threads_started = 0
function setup(thread)
  threads_started = threads_started + 1
  thread:set("tid", threads_started)
end
local n = 0
function request()
  local index = (n * {THREADS} + tid - 1) % #paths + 1
  n = n + 1
  return wrk.format(nil, paths[index])
end
"""
        )


@dataclass
class Run:
    """One wrk measurement: ``script`` makes a fresh Lua script for each run."""

    server: harness.Server
    path: str
    headers: dict[str, str] | None = None
    script: Callable[[], str] | None = None
    flush: bool = True  # flush Redis first: a fresh generation, valid for 300 s
    prepare: Callable[[], dict[str, str]] | None = None  # more headers, after the flush
    warm: bool = True


@dataclass
class Bench:
    key: str
    seconds: int
    rounds: int
    scripts: Scripts
    rss: RssSampler
    history: dict[str, list[harness.Load]] = field(default_factory=dict)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Api-Key {self.key}"}

    def _wrk(self, run: Run, headers: dict[str, str], seconds: int) -> harness.Load:
        return harness.wrk(
            run.server.url + run.path,
            seconds=seconds,
            connections=CONNECTIONS,
            threads=THREADS,
            headers=headers,
            script=run.script() if run.script else None,
            timeout="20s",
        )

    def measure(self, runs: dict[str, Run]) -> dict[str, harness.Load]:
        """Each run ``rounds`` times, taking turns (the order reversed every other round,
        so a drift in the machine's other load weighs on all alike); the best p50 counts."""
        best: dict[str, harness.Load] = {}
        names = list(runs)
        for number in range(self.rounds):
            for name in names if number % 2 == 0 else reversed(names):
                run = runs[name]
                self.rss.phase = name
                if run.flush:
                    harness.flush_cache()
                headers = {**(run.headers or {}), **(run.prepare() if run.prepare else {})}
                if run.warm:  # imports, connections, the first (uncached) render
                    self._wrk(run, headers, 1)
                load = self._wrk(run, headers, self.seconds)
                # wrk stops with requests still queued at gunicorn: let them finish first.
                time.sleep(min(3.0, load.p99_ms / 1000) + 0.2)
                harness.log(f"{name:<34} {load}")
                self.history.setdefault(name, []).append(load)
                if name not in best or load.p50_ms < best[name].p50_ms:
                    best[name] = load
        harness.flush_cache()
        return best


@dataclass
class Site:
    """A bench database with its gunicorn."""

    claims: int
    database_url: str
    env: dict[str, str]
    server: harness.Server | None = None

    @property
    def label(self) -> str:
        return f"@{self.claims:,}"

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url


def environment(database_url: str) -> dict[str, str]:
    return harness.production_env(
        database_url, FACTCHECK_BENCH_VIEWS="true", PARTNER_THROTTLE_RATE=THROTTLE_RATE
    )


# --------------------------------------------------------------------------- database


def _admin():
    import psycopg

    return psycopg.connect(harness.PG_ADMIN_URL, autocommit=True)


@contextlib.contextmanager
def copied_database(template: str, name: str, *, keep: bool) -> Iterator[str]:
    """A copy of ``template`` (nobody may be connected to it), dropped unless ``keep``."""
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield harness.PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        if not keep:
            with _admin() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(env: dict[str, str], database_url: str, count: int) -> float:
    harness.log(f"seeding {count:,} claims")
    started = time.monotonic()
    harness.manage(env, "seed_bench", "--claims", str(count))
    vacuum(database_url)
    time.sleep(1.1)  # seed_bench names its slugs after the second it starts in
    return time.monotonic() - started


def vacuum(database_url: str) -> None:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")


def published_slugs(database_url: str, limit: int) -> list[str]:
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT slug FROM claims_claim WHERE status = 'published' ORDER BY id DESC LIMIT %s",
            (limit,),
        ).fetchall()
    return [row[0] for row in rows]


def probe(env: dict[str, str], kind: str, **params: Any) -> dict[str, Any]:
    """Run ``kind`` in a subprocess with Django set up on the bench database of ``env``."""
    command = [harness.PYTHON, __file__, "--probe", kind, "--probe-args", json.dumps(params)]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"probe {kind} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    if result.stderr.strip():
        sys.stderr.write(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- measurements


def feed_timing(bench: Bench, sites: list[Site], rounds: int) -> dict[int, dict[str, Any]]:
    """Median time of uncached DataFeed requests (Redis flushed before each), taking turns."""
    bench.rss.phase = "datafeed"
    times: dict[int, list[float]] = {site.claims: [] for site in sites}
    out: dict[int, dict[str, Any]] = {}
    for site in sites:
        fetch(site.url + FEED, bench.auth)  # warm-up
    for _ in range(rounds):
        for site in sites:
            harness.flush_cache()
            started = time.perf_counter()
            status, _headers, body = fetch(site.url + FEED, bench.auth)
            times[site.claims].append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise SystemExit(f"DataFeed answered {status}: {body[:500]!r}")
            out[site.claims] = {
                "bytes": len(body),
                "items": len(json.loads(body)["dataFeedElement"]),
            }
    for size, values in times.items():
        out[size]["ms"] = statistics.median(values)
    return out


def check_same_bytes(bench: Bench, site: Site) -> dict[str, Any]:
    """The baseline and the API return the same first page (but for the path in ``next``)."""
    harness.flush_cache()
    api_status, _h, api = fetch(site.url + LIST, bench.auth)
    base_status, _h, base = fetch(site.url + BASELINE)
    if api_status != 200 or base_status != 200:
        raise SystemExit(
            f"the list answered {api_status} (API) and {base_status} (baseline):\n"
            f"{api[:1000]!r}\n{base[:1000]!r}"
        )
    normalised = base.replace(b"/bench/claims/?", b"/api/v1/claims/?", 1)
    return {
        "same": normalised == api,
        "api_bytes": len(api),
        "baseline_bytes": len(base),
    }


def list_runs(bench: Bench, site: Site, *, search: bool) -> dict[str, Run]:
    vary, server, auth = bench.scripts.vary, site.server, bench.auth
    runs = {
        f"{site.label} baseline": Run(server, BASELINE, script=lambda: vary(BASELINE)),
        f"{site.label} uncached": Run(server, LIST, headers=auth, script=lambda: vary(LIST)),
        f"{site.label} cached": Run(server, LIST, headers=auth),
    }
    if search:
        runs[f"{site.label} search_uncached"] = Run(
            server, SEARCH, headers=auth, script=lambda: vary(SEARCH)
        )
        runs[f"{site.label} search_cached"] = Run(server, SEARCH, headers=auth)
    return runs


def static_path() -> str:
    manifest = ROOT / "var" / "bench" / "static" / "staticfiles.json"
    name = "claims/public.css"
    with contextlib.suppress(OSError, ValueError, KeyError):
        name = json.loads(manifest.read_text())["paths"].get(name, name)
    return f"/static/{name}"


def page_runs(bench: Bench, site: Site) -> tuple[dict[str, Run], int]:
    slugs = published_slugs(site.database_url, UNCACHED_SLUGS + 1)
    page = f"/fact-checks/{slugs[0]}/"

    def revalidate() -> dict[str, str]:
        """The page's ETag in the current generation (just flushed), checked to give 304."""
        status, headers, _body = fetch(site.url + page)
        etag = headers.get("ETag") or ""
        again, _h, _b = fetch(site.url + page, {"If-None-Match": etag})
        if status != 200 or again != 304:
            raise SystemExit(f"verdict page: {status}, revalidation {again} (want 200, 304)")
        return {"If-None-Match": etag}

    paths = [f"/fact-checks/{slug}/" for slug in slugs[1:]]
    server, label = site.server, site.label
    runs = {
        f"{label} hello": Run(server, HELLO),
        f"{label} verdict_cached": Run(server, page),
        f"{label} verdict_304": Run(server, page, prepare=revalidate),
        f"{label} static": Run(server, static_path()),
        # Each request a slug not rendered in this generation (flushed just before).
        f"{label} verdict_uncached": Run(
            server, paths[0], script=lambda: bench.scripts.cycle(paths), warm=False
        ),
    }
    return runs, len(paths)


# --------------------------------------------------------------------------- probes (child)


def _classify(sql: str) -> str:
    if '"claims_partnerkey"' in sql.split(" WHERE ")[0]:
        return "partner key"
    if sql.startswith("SELECT COUNT("):
        return "stamp (count, newest)"
    if 'FROM "claims_claim"' in sql:
        return "page"
    if 'FROM "claims_correction"' in sql:
        return "corrections (prefetch)"
    if 'FROM "sources_citation"' in sql:
        return "citations + copies (prefetch)"
    return "other"


def _probe(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Api-Key {params.get('key', '')}")

    def get(path: str):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code} {response.content[:500]!r}")
        return response

    if kind == "queries":
        counts = {}
        for name, path in (
            ("list, page of 10", "/api/v1/claims/?page_size=10"),
            ("list, page of 100", LIST),
            ("search, page of 100", SEARCH),
            ("datafeed", FEED),
        ):
            cache.clear()
            get(path)  # the partner key's last_used_at is written once, not every request
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                get(path)
            counts[name] = len(queries.captured_queries)
        return {"queries": counts}

    if kind == "explain":
        plans = []
        for request, path in (("list", LIST), ("search", SEARCH)):
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                get(f"{path}&_bench=explain")
            for query in queries.captured_queries:
                sql = query["sql"]
                if not sql.startswith("SELECT"):
                    continue
                with connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                plans.append(
                    {
                        "request": request,
                        "query": _classify(sql),
                        "plan": plan,
                        "seq_scan_claims": "Seq Scan on claims_claim" in plan,
                        "seq_scans": sorted(
                            {
                                line.split("Seq Scan on ", 1)[1].split()[0]
                                for line in plan.splitlines()
                                if "Seq Scan on " in line
                            }
                        ),
                    }
                )
        return {"plans": plans}

    if kind == "timing":
        # Service time without queueing: sequential requests, the median of each.
        anonymous = Client(HTTP_HOST="127.0.0.1")
        slugs, static = params.get("slugs", []), params.get("static", "")
        cache.clear()
        cases: dict[str, tuple[int, Callable[[int], Any]]] = {
            "baseline": (21, lambda i: anonymous.get(BASELINE)),
            "uncached": (21, lambda i: get(f"{LIST}&_bench=timing{i}")),
            "cached": (21, lambda i: get(LIST)),
        }
        if slugs:
            page = f"/fact-checks/{slugs[0]}/"
            etag = anonymous.get(page)["ETag"]
            cases |= {
                "search_uncached": (21, lambda i: get(f"{SEARCH}&_bench=timing{i}")),
                "search_cached": (21, lambda i: get(SEARCH)),
                "hello": (60, lambda i: anonymous.get(HELLO)),
                "static": (60, lambda i: anonymous.get(static)),
                "verdict_cached": (60, lambda i: anonymous.get(page)),
                "verdict_304": (60, lambda i: anonymous.get(page, HTTP_IF_NONE_MATCH=etag)),
                "verdict_uncached": (
                    len(slugs) - 1,
                    lambda i: anonymous.get(f"/fact-checks/{slugs[i + 1]}/"),
                ),
            }
        for name, (_count, call) in cases.items():
            if name != "verdict_uncached":
                call(-1)  # warm (and fill the cache for the cached cases)
        times: dict[str, list[float]] = {name: [] for name in cases}
        for i in range(max(count for count, _call in cases.values())):
            for name, (count, call) in cases.items():  # taking turns, as under wrk
                if i >= count:
                    continue
                started = time.perf_counter()
                response = call(i)
                times[name].append((time.perf_counter() - started) * 1000)
                if response.status_code not in (200, 304):
                    raise SystemExit(f"timing {name}: {response.status_code}")
        return {"timing": {name: statistics.median(values) for name, values in times.items()}}

    if kind == "profile":
        try:
            from pyinstrument import Profiler
        except ImportError:
            return {"profiles": {"(none)": "pyinstrument is not installed: pip install it"}}
        anonymous = Client(HTTP_HOST="127.0.0.1")
        slugs = params["slugs"]
        cache.clear()  # a fresh generation: the slugs are not rendered yet
        out = {}
        cases = {
            "API list, uncached (x20)": lambda i: get(f"{LIST}&_bench=profile{i}"),
            "API search, uncached (x20)": lambda i: get(f"{SEARCH}&_bench=profile{i}"),
            "baseline /bench/claims/ (x20)": lambda i: anonymous.get(BASELINE),
            "verdict page, cached (x20)": lambda i: anonymous.get(f"/fact-checks/{slugs[0]}/"),
            "verdict page, uncached (x20)": lambda i: anonymous.get(
                f"/fact-checks/{slugs[i + 1]}/"
            ),
            "hello world (x20)": lambda i: anonymous.get("/bench/hello/"),
        }
        for name, call in cases.items():
            call(-1)  # warm: imports, connection, a cached verdict page
            profiler = Profiler(interval=0.0005)
            profiler.start()
            for i in range(20):
                call(i)
            profiler.stop()
            out[name] = profiler.output_text(unicode=True, color=False, show_all=False)
        return {"profiles": out}

    raise SystemExit(f"unknown probe {kind}")


# --------------------------------------------------------------------------- report


@dataclass
class Results:
    info: dict[str, str]
    total: int
    seeding: dict[str, float] = field(default_factory=dict)
    same: dict[str, Any] = field(default_factory=dict)
    feeds: dict[int, dict[str, Any]] = field(default_factory=dict)
    queries: dict[int, dict[str, int]] = field(default_factory=dict)
    loads: dict[str, harness.Load] = field(default_factory=dict)
    uncached_slugs: int = 0
    timing: dict[int, dict[str, float]] = field(default_factory=dict)
    plans: list[dict[str, Any]] = field(default_factory=list)
    profiles: dict[str, str] | None = None


def _line(name: str, value: float, baseline: float, target: str, ok: bool | None) -> str:
    """harness.ratio_line; ``ok=None`` for figures shown for information."""
    line = harness.ratio_line(name, value, baseline, target, bool(ok))
    return line.rsplit(" ", 1)[0] + " (info)" if ok is None else line


def targets(r: Results, rss: RssSampler) -> list[str]:
    small, n = f"@{SMALL:,}", f"@{r.total:,}"
    p50 = {name: load.p50_ms for name, load in r.loads.items()}
    rps = {name: load.rps for name, load in r.loads.items()}
    lines = []

    def add(name, value, base, target, limit, higher_is_better=False, info=False):
        ok = value >= limit * base if higher_is_better else value <= limit * base
        lines.append(_line(name, value, base, target, None if info else ok))

    # 1. The uncached API against the plain-Django baseline (same queries, same bytes).
    add(
        f"1. list p50 {n}: API uncached / baseline",
        p50[f"{n} uncached"],
        p50[f"{n} baseline"],
        "<= 1.5",
        1.5,
    )
    add(
        f"   list p50 {n}: API cached / baseline",
        p50[f"{n} cached"],
        p50[f"{n} baseline"],
        "",
        0,
        info=True,
    )
    add(
        f"   list p50 {small}: API uncached / baseline",
        p50[f"{small} uncached"],
        p50[f"{small} baseline"],
        "",
        0,
        info=True,
    )
    # 2. From 1 000 claims to the large size.
    add(
        f"2. list p50 API uncached: {n} / {small}",
        p50[f"{n} uncached"],
        p50[f"{small} uncached"],
        "<= 1.2",
        1.2,
    )
    add(
        f"   list p50 API cached: {n} / {small}",
        p50[f"{n} cached"],
        p50[f"{small} cached"],
        "<= 1.2",
        1.2,
    )
    add(
        f"   list p50 baseline: {n} / {small}",
        p50[f"{n} baseline"],
        p50[f"{small} baseline"],
        "",
        0,
        info=True,
    )
    seq = [p for p in r.plans if p["seq_scan_claims"]]
    lines.append(
        f"{'2. EXPLAIN ' + n + ': plans with Seq Scan on claims_claim':<58} "
        f"{len(seq):>10} of {len(r.plans):<10}{'':>9}  target {'0':<8} {'OK' if not seq else 'MISSED'}"
    )
    # 3. Search against the unfiltered list.
    add(
        f"3. search p50 {n}: uncached / list uncached",
        p50[f"{n} search_uncached"],
        p50[f"{n} uncached"],
        "<= 2",
        2,
    )
    add(
        f"   search p50 {n}: cached / list cached",
        p50[f"{n} search_cached"],
        p50[f"{n} cached"],
        "",
        0,
        info=True,
    )
    # 4. The verdict page.
    add(
        "4. verdict cached req/s / hello world req/s",
        rps[f"{n} verdict_cached"],
        rps[f"{n} hello"],
        ">= 0.8",
        0.8,
        higher_is_better=True,
    )
    add(
        "4. verdict p50: uncached / cached",
        p50[f"{n} verdict_uncached"],
        p50[f"{n} verdict_cached"],
        ">= 5",
        5,
        higher_is_better=True,
    )
    add(
        "4. verdict 304 p50 / static file p50",
        p50[f"{n} verdict_304"],
        p50[f"{n} static"],
        "<= 2",
        2,
    )
    # 5. The DataFeed.
    feed_small, feed_big = r.feeds[FEED_SMALL], r.feeds[SMALL]
    add(
        f"5. DataFeed time: {SMALL:,} / {FEED_SMALL} items",
        feed_big["ms"],
        feed_small["ms"],
        "<= 11",
        11,
    )
    add(
        f"5. DataFeed queries: {SMALL:,} / {FEED_SMALL} items",
        r.queries[SMALL]["datafeed"],
        r.queries[FEED_SMALL]["datafeed"],
        "== 1",
        1,
    )
    add(
        "   list queries: page of 100 / page of 10",
        r.queries[SMALL]["list, page of 100"],
        r.queries[SMALL]["list, page of 10"],
        "== 1",
        1,
    )
    # 6. Memory.
    add("6. gunicorn worker RSS peak MB / limit", rss.peak, RSS_LIMIT_MB, "<= 1", 1)
    return lines


def report(r: Results, args: argparse.Namespace, rss: RssSampler, history: dict) -> None:
    n = f"@{r.total:,}"
    info = r.info
    print()
    print("== bench_web ==")
    print(f"command: .venv/bin/python {' '.join(sys.argv)}")
    print(
        f"date: {info['date']}; machine: {info['cpus']} CPUs ({info['cpu']}), {info['memory']}"
        f" RAM, Linux {info['kernel']}; Python {info['python']}, Django {info['django']}, "
        f"PostgreSQL {info['postgres']}"
    )
    print(
        f"load average (1 min): {info['load']} at the start, {os.getloadavg()[0]:.2f} at the end"
        f"; seeding: {', '.join(f'{k} in {v:.0f} s' for k, v in r.seeding.items())}"
    )
    print(
        f"gunicorn {WORKERS} sync workers per database; wrk -t{THREADS} -c{CONNECTIONS} "
        f"-d{args.seconds}s after 1 s of warm-up, {args.rounds} round(s) taking turns, best p50"
    )
    print()
    print("-- wrk figures: the best round (every round's p50 in brackets) --")
    for name, load in r.loads.items():
        rounds = ", ".join(f"{x.p50_ms:.1f}" for x in history.get(name, []))
        print(f"{name:<28} {load}  ({rounds})")
    print()
    print("-- in-process medians, ms (Django test Client, sequential: no queueing) --")
    names = list(dict.fromkeys(name for timing in r.timing.values() for name in timing))
    print(f"{'':<18}" + "".join(f"{f'@{size:,}':>12}" for size in r.timing))
    for name in names:
        cells = "".join(
            f"{r.timing[size][name]:>12.2f}" if name in r.timing[size] else f"{'':>12}"
            for size in r.timing
        )
        print(f"{name:<18}{cells}")
    print()
    same = r.same
    print(
        f"first page {n}: API {same['api_bytes']:,} bytes, baseline {same['baseline_bytes']:,}: "
        + ("the same bytes but for the path in `next`" if same["same"] else "DIFFERENT BYTES")
    )
    for size in (FEED_SMALL, SMALL):
        feed = r.feeds[size]
        print(
            f"DataFeed @{size:,}: {feed['items']:,} items, {feed['bytes']:,} bytes, median "
            f"{feed['ms']:.1f} ms uncached; queries per request: {r.queries[size]}"
        )
    uncached = r.loads[f"{n} verdict_uncached"].rps * args.seconds
    print(
        f"verdict uncached: about {uncached:.0f} requests per round over {r.uncached_slugs:,} "
        "slugs" + (" (SOME SLUGS CAME TWICE, CACHED)" if uncached > r.uncached_slugs else "")
    )
    peaks = ", ".join(f"{phase} {value:.0f}" for phase, value in rss.peaks.items())
    print(f"gunicorn worker RSS peak per phase, MB: {peaks}")
    print()
    print("-- Targets --")
    print("\n".join(targets(r, rss)))
    print("6. Celery worker RSS while fetching 200 sources: measured by bench/bench_fetch.py")
    print()
    print(f"-- EXPLAIN (ANALYZE, BUFFERS) {n}: every SELECT of one uncached request --")
    for plan in r.plans:
        scans = ", ".join(plan["seq_scans"]) or "none"
        print(f"\n[{plan['request']}] {plan['query']}  (Seq Scan on: {scans})")
        print(plan["plan"])
    if r.profiles:
        print()
        print("-- Profiles (pyinstrument, in-process through Django's test Client) --")
        for name, text in r.profiles.items():
            print(f"\n### {name}\n{text}")


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=None, help="the large size (100 000)")
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_CLAIMS:,} claims, 1 round of 3 s"
    )
    parser.add_argument("--seconds", type=int, default=None, help="per wrk measurement (5)")
    parser.add_argument("--rounds", type=int, default=None, help="of each measurement (2)")
    parser.add_argument("--profile", action="store_true", help="print pyinstrument profiles")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    parser.add_argument("--probe-args", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        print(json.dumps(_probe(args.probe, json.loads(args.probe_args))))
        return 0

    total = args.claims or (QUICK_CLAIMS if args.quick else 100_000)
    args.seconds = args.seconds or (3 if args.quick else 5)
    args.rounds = args.rounds or (1 if args.quick else 2)
    if total <= SMALL:
        raise SystemExit(f"--claims must be more than {SMALL:,}")
    harness.ensure_wrk()
    r = Results(info=machine(), total=total)
    if os.getloadavg()[0] > (os.cpu_count() or 1):
        harness.log(f"the machine is busy (load {os.getloadavg()[0]:.1f}): figures will be noisy")
    harness.flush_cache()
    with contextlib.ExitStack() as stack:
        keep = args.keep
        url = stack.enter_context(harness.bench_database(DB_NAME, keep=keep))
        env = environment(url)
        key = harness.manage(env, "create_partner_key", "bench-web").strip().splitlines()[-1]
        r.seeding[f"{FEED_SMALL}"] = seed(env, url, FEED_SMALL)
        url_feed = stack.enter_context(copied_database(DB_NAME, f"{DB_NAME}_100", keep=keep))
        r.seeding[f"+{SMALL - FEED_SMALL:,}"] = seed(env, url, SMALL - FEED_SMALL)
        url_small = stack.enter_context(copied_database(DB_NAME, f"{DB_NAME}_1k", keep=keep))
        r.seeding[f"+{total - SMALL:,}"] = seed(env, url, total - SMALL)
        sites = {
            FEED_SMALL: Site(FEED_SMALL, url_feed, environment(url_feed)),
            SMALL: Site(SMALL, url_small, environment(url_small)),
            total: Site(total, url, env),
        }
        for site in sites.values():
            site.server = stack.enter_context(harness.gunicorn(site.env, workers=WORKERS))
        rss = stack.enter_context(RssSampler([site.server for site in sites.values()]))
        scripts = Scripts(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-web-")))
        bench = Bench(key, args.seconds, args.rounds, scripts, rss)
        small, large = sites[SMALL], sites[total]

        harness.log("DataFeed and query counts")
        r.feeds = feed_timing(bench, [sites[FEED_SMALL], small], rounds=9)
        for size in (FEED_SMALL, SMALL):
            r.queries[size] = probe(sites[size].env, "queries", key=key)["queries"]
        r.same = check_same_bytes(bench, large)

        harness.log("the partner list (targets 1 to 3)")
        runs = list_runs(bench, small, search=False) | list_runs(bench, large, search=True)
        r.loads |= bench.measure(runs)
        harness.log("the verdict page (target 4)")
        runs, r.uncached_slugs = page_runs(bench, large)
        r.loads |= bench.measure(runs)

        harness.log("in-process medians, EXPLAIN")
        rss.phase = "probes"
        slugs = published_slugs(large.database_url, 41)
        r.timing[SMALL] = probe(small.env, "timing", key=key)["timing"]
        r.timing[total] = probe(large.env, "timing", key=key, slugs=slugs, static=static_path())[
            "timing"
        ]
        r.plans = probe(large.env, "explain", key=key)["plans"]
        if args.profile:
            harness.log("profiling (pyinstrument)")
            r.profiles = probe(large.env, "profile", key=key, slugs=slugs[:30])["profiles"]
    report(r, args, rss, bench.history)
    return 0


if __name__ == "__main__":
    sys.exit(main())
