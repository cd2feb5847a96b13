"""The desk held against the physical limit: the same bytes from a trivial WSGI app.

    .venv/bin/python bench/bench_limit.py [--reuse] [--seconds 10] [--rounds 2] [--quick]

All on this machine, loopback only (PostgreSQL 127.0.0.1:5432, Redis dbs 12 and 15, wrk):

1. databases ``factcheck_perf_bench`` (100 000 published claims, ``seed_bench``) and
   ``factcheck_perf_bench_1k`` (1 000, a copy taken while seeding). With ``--reuse`` they
   are kept between runs and used again when they hold what they should (seeding 100 000
   claims takes about four minutes); ``migrate`` runs either way. ``--quick``: 2 000 and
   1 000 claims, 1 round of 3 s (a smoke run);
2. the DataFeed file of the large desk is built as the worker would (``datafeed_build``),
   timed;
3. gunicorn with the production settings (2 sync workers; the partner throttle still
   counts every request, its limit out of reach) on each database, and the **trivial
   app** (``bench/trivial_app.py``) under the same gunicorn settings, serving the very
   status, headers and body the desk sent for each URL (captured from the desk first),
   the desk's 304 for a request with ``If-None-Match``, and the DataFeed's bytes as a
   static file (sendfile);
4. wrk ``-t2 -c16 -d10s`` after 1 s of warm-up, desk and trivial app taking turns, the
   order reversed every other round; the best round's req/s counts: the partner list
   (``page_size=100``, the same URL again and again), the verdict page and the index page
   (cached), the verdict page's 304; the uncached list (every request a new URL) at
   100 000 against 1 000 claims (p50);
5. the DataFeed: time to the first byte and to the last, desk against the static file of
   the same bytes (sequential requests taking turns, median of 25);
6. memory: the desk's gunicorn workers' RSS, sampled every 0.2 s, and after a mixed run
   (lists of 100 and search, uncached; verdict pages; the DataFeed);
7. scaling out: the repeated partner list and the cached verdict page on one instance of
   one worker against two instances of one worker each (separate processes sharing only
   PostgreSQL and Redis), wrk on both at once.

Prints every figure with its baseline, the ratio, the target and OK or MISSED.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402
from bench.bench_web import RssSampler, Scripts, machine, published_slugs  # noqa: E402

LARGE_DB = os.environ.get("BENCH_LIMIT_DATABASE", "factcheck_perf_bench")
SMALL, LARGE = 1_000, 100_000
REDIS_LARGE = "redis://127.0.0.1:6379/12"
REDIS_SMALL = "redis://127.0.0.1:6379/15"
LIST = "/api/v1/claims/?page_size=100"
SEARCH = "/api/v1/claims/?page_size=100&q=Inflation"
FEED = "/api/v1/claimreview/"
STATIC_FEED = "/static/feed.json"
STATIC_FEED_HEADERS = "/static/feed-with-the-desk-s-headers.json"
WORKERS, CONNECTIONS, THREADS = 2, 16, 2
THROTTLE_RATE = "1000000/second"
RSS_LIMIT_MB = 120.0
FEED_SAMPLES = 25  # DataFeed requests per side: a first byte is a fraction of a millisecond
_SKIP_HEADERS = {"date", "server", "connection", "transfer-encoding", "keep-alive"}


# --------------------------------------------------------------------------- processes


@dataclass
class Instance:
    name: str
    process: subprocess.Popen
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_rss_mb(self) -> list[float]:
        return harness.Server(self.process, self.port).worker_rss_mb()


@contextlib.contextmanager
def gunicorn(
    name: str, app: str, env: dict[str, str], *, workers: int = WORKERS, ready: str = "/health/"
) -> Iterator[Instance]:
    port = harness.free_port()
    process = subprocess.Popen(
        [
            harness.PYTHON, "-m", "gunicorn", app,
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", "1",
            "--log-level", "warning", "--timeout", "120",
        ],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    instance = Instance(name, process, port)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status, _headers, _body = get(instance.url + ready)
                if status < 500:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit(f"{name}: gunicorn did not come up")
            time.sleep(0.3)
        yield instance
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, list, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with _OPENER.open(request, timeout=300) as response:
            return response.status, response.getheaders(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, list(error.headers.items()), error.read()


def flush(*urls: str) -> None:
    import redis

    for url in urls:
        redis.Redis.from_url(url).flushdb()


# --------------------------------------------------------------------------- databases


def _url(name: str) -> str:
    return harness.PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def _published(name: str) -> int | None:
    import psycopg

    try:
        with psycopg.connect(_url(name), connect_timeout=3) as conn:
            row = conn.execute(
                "SELECT count(*) FROM claims_claim WHERE status = 'published'"
            ).fetchone()
            return int(row[0])
    except psycopg.Error:
        return None


def databases(big: str, large: int, small: int, *, reuse: bool) -> tuple[str, str, float]:
    """The URLs of the large and the small database; seconds spent seeding."""
    import psycopg

    little = f"{big}_1k"
    if reuse and _published(big) == large and _published(little) == small:
        harness.log(f"reusing {big} ({large:,}) and {little} ({small:,})")
        for name in (big, little):
            harness.manage(harness.production_env(_url(name)), "migrate", "--noinput", "-v", "0")
        return _url(big), _url(little), 0.0
    started = time.monotonic()
    with psycopg.connect(harness.PG_ADMIN_URL, autocommit=True) as conn:
        for name in (big, little):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{big}"')
    env = harness.production_env(_url(big))
    harness.manage(env, "migrate", "--noinput", "-v", "0")
    harness.log(f"seeding {small:,} claims")
    harness.manage(env, "seed_bench", "--claims", str(small))
    time.sleep(1.1)  # seed_bench names its slugs after the second it starts in
    with psycopg.connect(harness.PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{little}" TEMPLATE "{big}"')
    harness.log(f"seeding {large - small:,} claims more")
    harness.manage(env, "seed_bench", "--claims", str(large - small))
    for name in (big, little):
        with psycopg.connect(_url(name), autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE)")
    return _url(big), _url(little), time.monotonic() - started


def environment(database_url: str, redis_url: str, var: Path) -> dict[str, str]:
    env = harness.production_env(
        database_url, PARTNER_THROTTLE_RATE=THROTTLE_RATE, FACTCHECK_VAR_DIR=str(var)
    )
    env["REDIS_URL"] = redis_url
    return env


# --------------------------------------------------------------------------- measuring


def capture(desk: Instance, trivial_dir: Path, requests: dict[str, dict[str, str]]) -> None:
    """Store the desk's answers (status, headers, body) for the trivial app."""
    index: dict = {"responses": {}, "files": {}}
    for number, (path, headers) in enumerate(requests.items()):
        get(desk.url + path, headers)  # warm: cached, kept in front
        status, response_headers, body = get(desk.url + path, headers)
        if status != 200:
            raise SystemExit(f"{path}: {status} {body[:300]!r}")
        etag = dict((k.lower(), v) for k, v in response_headers).get("etag", "")
        for key, (code, got_headers, got_body) in {
            path: (status, response_headers, body),
            f"304 {path}": get(desk.url + path, {**headers, "If-None-Match": etag}),
        }.items():
            name = f"body-{number}-{code}"
            (trivial_dir / name).write_bytes(got_body)
            reason = "OK" if code == 200 else "Not Modified"
            index["responses"][key] = {
                "status": f"{code} {reason}",
                "headers": [(k, v) for k, v in got_headers if k.lower() not in _SKIP_HEADERS],
                "body": name,
            }
    (trivial_dir / "index.json").write_text(json.dumps(index))


def add_static_file(
    trivial_dir: Path, path: str, source: Path, headers: list | None = None
) -> None:
    """Serve ``source`` at ``path``: with Content-Type and Content-Length, or ``headers``."""
    index = json.loads((trivial_dir / "index.json").read_text())
    if not (trivial_dir / "feed.json").exists():
        shutil.copyfile(source, trivial_dir / "feed.json")
    index["files"][path] = (
        "feed.json" if headers is None else {"name": "feed.json", "headers": headers}
    )
    (trivial_dir / "index.json").write_text(json.dumps(index))


def wrk(url: str, seconds: int, headers=None, script=None, connections=CONNECTIONS):
    harness.wrk(
        url, seconds=1, connections=connections, threads=THREADS, headers=headers, script=script
    )
    return harness.wrk(
        url, seconds=seconds, connections=connections, threads=THREADS,
        headers=headers, script=script, timeout="30s",
    )  # fmt: skip


def taking_turns(runs: dict, rounds: int, seconds: int, rss: RssSampler) -> dict:
    best: dict = {}
    names = list(runs)
    for number in range(rounds):
        for name in names if number % 2 == 0 else reversed(names):
            url, headers, script = runs[name]
            rss.phase = name
            load = wrk(url, seconds, headers, script() if script else None)
            time.sleep(min(3.0, load.p99_ms / 1000) + 0.3)
            harness.log(f"{name:<40} {load}")
            best.setdefault(name, []).append(load)
    return best


def timed_get(port: int, path: str, headers: dict[str, str]) -> tuple[float, float, int]:
    """(time to the first byte, to the last byte, bytes) of one request on a new connection."""
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    buffer = bytearray(1 << 20)
    with socket.create_connection(("127.0.0.1", port)) as sock:
        started = time.perf_counter()
        sock.sendall(request)
        received = sock.recv_into(buffer)
        first = time.perf_counter()
        if not buffer.startswith(b"HTTP/1.1 200"):
            raise SystemExit(f"{path}: {bytes(buffer[:200])!r}")
        while count := sock.recv_into(buffer):
            received += count
        last = time.perf_counter()
    return (first - started) * 1000, (last - started) * 1000, received


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reuse", action="store_true", help="keep and reuse the databases")
    parser.add_argument("--seconds", type=int, default=None, help="per wrk measurement (10)")
    parser.add_argument("--rounds", type=int, default=None, help="taking turns (2)")
    parser.add_argument("--quick", action="store_true", help="2 000 claims, 1 round of 3 s")
    args = parser.parse_args()
    seconds = args.seconds or (3 if args.quick else 10)
    rounds = args.rounds or (1 if args.quick else 2)
    large = 2_000 if args.quick else LARGE
    info = machine()
    load_start = os.getloadavg()
    harness.ensure_wrk()
    name = f"{LARGE_DB}_quick" if args.quick else LARGE_DB
    big_url, small_url, seeding = databases(name, large, SMALL, reuse=args.reuse)
    work = Path(tempfile.mkdtemp(prefix="bench-limit-"))
    var = ROOT / "var" / "bench-limit"
    env_big = environment(big_url, REDIS_LARGE, var)
    env_small = environment(small_url, REDIS_SMALL, var)
    flush(REDIS_LARGE, REDIS_SMALL)
    key = harness.manage(env_big, "create_partner_key", "bench-limit").strip().splitlines()[-1]
    key_small = harness.manage(env_small, "create_partner_key", "bench-limit").splitlines()[-1]
    harness.manage(env_big, "collectstatic", "--noinput", "-v", "0")
    harness.log("building the DataFeed file of the large desk")
    started = time.monotonic()
    built = json.loads(
        harness.manage(
            env_big,
            "shell",
            "-c",
            "import json, dataclasses; from partners.api.datafeed import datafeed_build; "
            "print(json.dumps(dataclasses.asdict(datafeed_build())))",
        )
        .strip()
        .splitlines()[-1]
    )
    build_seconds = time.monotonic() - started
    auth = {"Authorization": f"Api-Key {key}"}
    slugs = published_slugs(big_url, 2001)
    verdict = f"/fact-checks/{slugs[0]}/"
    results: dict[str, str] = {}
    lines: list[str] = []

    def ratio(name: str, value: float, base: float, target: str, ok: bool | None) -> None:
        verdict_text = "(info)" if ok is None else ("OK" if ok else "MISSED")
        lines.append(
            f"{name:<58} {value:10.2f} / {base:10.2f} = {value / base:5.2f}  "
            f"target {target:<7} {verdict_text}"
        )

    with contextlib.ExitStack() as stack:
        desk = stack.enter_context(gunicorn("desk@large", "factcheck.wsgi:application", env_big))
        desk_small = stack.enter_context(
            gunicorn("desk@1k", "factcheck.wsgi:application", env_small)
        )
        trivial_dir = work / "trivial"
        trivial_dir.mkdir()
        capture(desk, trivial_dir, {LIST: auth, verdict: {}, "/fact-checks/": {}})
        add_static_file(trivial_dir, STATIC_FEED, var / "media" / built["name"])
        feed_headers = [
            (k, v) for k, v in get(desk.url + FEED, auth)[1] if k.lower() not in _SKIP_HEADERS
        ]
        add_static_file(
            trivial_dir, STATIC_FEED_HEADERS, var / "media" / built["name"], feed_headers
        )
        trivial = stack.enter_context(
            gunicorn(
                "trivial",
                "bench.trivial_app:application",
                {**env_big, "BENCH_TRIVIAL_DIR": str(trivial_dir)},
                ready=STATIC_FEED,
            )
        )
        rss = stack.enter_context(RssSampler([harness.Server(desk.process, desk.port)]))
        scripts = Scripts(str(work))

        # -- 4. Repeated requests against the limit ------------------------------------
        etag = dict((k.lower(), v) for k, v in get(desk.url + verdict)[1])["etag"]
        pairs = {
            "list": (LIST, auth),
            "verdict": (verdict, {}),
            "index": ("/fact-checks/", {}),
            "verdict 304": (verdict, {"If-None-Match": etag}),
        }
        runs = {}
        for name, (path, headers) in pairs.items():
            runs[f"desk {name}"] = (desk.url + path, headers, None)
            runs[f"trivial {name}"] = (trivial.url + path, headers, None)
        loads = taking_turns(runs, rounds, seconds, rss)
        rps = {name: max(load.rps for load in runs_) for name, runs_ in loads.items()}
        targets = {"list": 0.35, "verdict": 0.7, "index": 0.7, "verdict 304": 0.7}
        for name, target in targets.items():
            ratio(
                f"{name}: desk req/s / trivial app req/s (same bytes)",
                rps[f"desk {name}"],
                rps[f"trivial {name}"],
                f">= {target}",
                rps[f"desk {name}"] >= target * rps[f"trivial {name}"],
            )
        sizes = {name: len(get(desk.url + p, h)[2]) for name, (p, h) in pairs.items()}

        # -- The uncached list, 100 000 against 1 000 -----------------------------------
        auth_small = {"Authorization": f"Api-Key {key_small}"}
        uncached = {
            "list uncached @large": (desk.url + LIST, auth, lambda: scripts.vary(LIST)),
            "list uncached @1k": (desk_small.url + LIST, auth_small, lambda: scripts.vary(LIST)),
        }
        loads |= taking_turns(uncached, rounds, seconds, rss)
        p50 = {name: min(load.p50_ms for load in runs_) for name, runs_ in loads.items()}
        ratio(
            f"list uncached p50: @{large:,} / @{SMALL:,}",
            p50["list uncached @large"],
            p50["list uncached @1k"],
            "<= 1.2",
            p50["list uncached @large"] <= 1.2 * p50["list uncached @1k"],
        )

        # -- 5. The DataFeed against a static file of the same bytes ----------------------
        rss.phase = "datafeed"
        feed_sides = {
            "desk": (desk.port, FEED, auth),
            "static": (trivial.port, STATIC_FEED, {}),
            # The same file with the desk's 13 response headers: do headers cost time?
            "static+": (trivial.port, STATIC_FEED_HEADERS, {}),
        }
        feed_times: dict[str, list[tuple[float, float, int]]] = {side: [] for side in feed_sides}
        for _ in range(2 * WORKERS):  # each worker keeps it in front (the first: the stack)
            timed_get(desk.port, FEED, auth)
        for number in range(FEED_SAMPLES):
            for side in list(feed_sides) if number % 2 == 0 else reversed(feed_sides):
                feed_times[side].append(timed_get(*feed_sides[side]))
        medians = {
            side: (
                statistics.median(t[0] for t in times),
                statistics.median(t[1] for t in times),
                times[0][2],
            )
            for side, times in feed_times.items()
        }
        ratio(
            f"DataFeed @{large:,}: time to first byte, desk / static file (ms)",
            medians["desk"][0],
            medians["static"][0],
            "<= 1.5",
            medians["desk"][0] <= 1.5 * medians["static"][0],
        )
        ratio(
            f"DataFeed @{large:,}: full transfer, desk / static file (ms)",
            medians["desk"][1],
            medians["static"][1],
            "<= 1.2",
            medians["desk"][1] <= 1.2 * medians["static"][1],
        )
        ratio(
            "DataFeed: first byte, static file with the desk's headers / with 2 (ms)",
            medians["static+"][0],
            medians["static"][0],
            "",
            None,
        )

        # -- 6. A mixed run; memory after it ---------------------------------------------
        mixed = {
            "mixed: list uncached": (desk.url + LIST, auth, lambda: scripts.vary(LIST)),
            "mixed: search uncached": (desk.url + SEARCH, auth, lambda: scripts.vary(SEARCH)),
            "mixed: verdict pages": (
                desk.url + verdict,
                {},
                lambda: scripts.cycle([f"/fact-checks/{s}/" for s in slugs[1:]]),
            ),
        }
        taking_turns(mixed, 1, seconds, rss)
        rss.phase = "mixed: DataFeed"
        for _ in range(3):
            timed_get(desk.port, FEED, auth)
        time.sleep(1.0)
        after = max(desk.worker_rss_mb())
        ratio(
            "web worker RSS after the mixed run, MB / limit",
            after,
            RSS_LIMIT_MB,
            "< 1",
            after < RSS_LIMIT_MB,
        )
        ratio("web worker RSS peak over the run, MB / limit", rss.peak, RSS_LIMIT_MB, "", None)

    # -- 7. One instance against two (one worker each) -----------------------------------
    scaling: dict[str, dict[str, float]] = {}

    def instance_env(own: Path) -> dict[str, str]:
        """Files of its own, as on another machine; the collected static files are the
        same build on every machine."""
        return {**environment(big_url, REDIS_LARGE, own), "STATIC_ROOT": str(var / "static")}

    with contextlib.ExitStack() as stack:
        one = stack.enter_context(
            gunicorn(
                "A",
                "factcheck.wsgi:application",
                instance_env(var / "a"),
                workers=1,
            )
        )
        two = stack.enter_context(
            gunicorn(
                "B",
                "factcheck.wsgi:application",
                instance_env(var / "b"),
                workers=1,
            )
        )
        for name, (path, headers) in {"list": (LIST, auth), "verdict": (verdict, {})}.items():
            single = wrk(one.url + path, seconds, headers).rps
            both: list[float] = []

            def load(instance: Instance, path=path, headers=headers, both=both) -> None:
                both.append(wrk(instance.url + path, seconds, headers, connections=8).rps)

            threads = [threading.Thread(target=load, args=(i,)) for i in (one, two)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            scaling[name] = {"one": single, "two": sum(both)}
            ratio(
                f"{name}: req/s, 2 instances / 1 instance (1 worker each)",
                sum(both),
                single,
                "",
                None,
            )

    load_end = os.getloadavg()
    print()
    print("== bench_limit ==")
    print(f"command: .venv/bin/python {' '.join(sys.argv)}")
    print(
        f"date: {info['date']}; machine: {info['cpus']} CPUs ({info['cpu']}), {info['memory']}; "
        f"Python {info['python']}, Django {info['django']}, PostgreSQL {info['postgres']}"
    )
    print(
        f"load average (1, 5, 15 min): {' '.join(f'{x:.2f}' for x in load_start)} at the start, "
        f"{' '.join(f'{x:.2f}' for x in load_end)} at the end"
    )
    print(
        f"claims: {large:,} and {SMALL:,}; seeding {seeding:.0f} s"
        f"{' (reused)' if not seeding else ''}; DataFeed file: {built['size']:,} bytes "
        f"({built['gzip_size']:,} gzip), built in {build_seconds:.1f} s"
    )
    print(
        f"gunicorn {WORKERS} sync workers; wrk -t{THREADS} -c{CONNECTIONS} -d{seconds}s after "
        f"1 s of warm-up, {rounds} round(s) taking turns; response sizes: {sizes}"
    )
    print()
    for name, runs_ in loads.items():
        print(f"{name:<28} " + " | ".join(str(load) for load in runs_))
    for side, (ttfb, total, size) in medians.items():
        print(
            f"DataFeed {side:<7} first byte {ttfb:8.2f} ms, last byte {total:9.1f} ms, {size:,} bytes"
        )
    print(f"RSS peak per phase, MB: {', '.join(f'{k} {v:.0f}' for k, v in rss.peaks.items())}")
    print(f"scaling (req/s): {scaling}")
    print()
    print("-- Targets --")
    print("\n".join(lines))
    results["date"] = datetime.now(UTC).isoformat()
    return 0


if __name__ == "__main__":
    sys.exit(main())
