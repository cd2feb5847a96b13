"""Evidence of every fetch: throughput with the WARC file on against off, and with the
browser snapshot (screenshot and PDF), through real Celery workers.

    .venv/bin/python bench/bench_evidence.py [--urls 200] [--delay 0.2] [--concurrency 16]
                                             [--turns 3] [--browser-urls 60]

``--turns 0`` runs only the screenshots (2.).

All on this machine, loopback only, with ``bench/bench_fetch.py``'s pieces: its own
PostgreSQL database (dropped at the end), the threaded test server answering every URL
after ``--delay`` seconds with an article page, workers as deployed (``DEBUG=false``).

1. **WARC off against on**, the deployed topology (two thread-pool workers of
   ``concurrency/2`` threads, prefetch 2), browser off in both. The two take turns
   ``--turns`` times (off, on, off, on, …), each with fresh workers; the figure is the
   median of the per-turn ratios on/off. Target: ≥ 0.9.
2. **With screenshots** (WARC on, ``SNAPSHOT_BROWSER=true``): one worker process of
   ``concurrency/2`` threads with its one browser, on ``--browser-urls`` URLs. Reports
   sources per second and the worker's peak memory: the worker with its Chromium
   processes (the whole process tree), as PSS (shared pages divided among the processes
   that share them, from /proc/PID/smaps_rollup) and as summed VmRSS (which counts
   Chromium's shared pages once per process). Target: under 400 MB. The browser is the
   worker's default (``SNAPSHOT_CHROMIUM_PATH``: Debian's chromium-headless-shell where
   installed); set ``SNAPSHOT_CHROMIUM_PATH=/usr/bin/chromium`` to measure the full build.

Every source must end ``fetched`` with its snapshot and extracted text (bench_fetch's
check); in mode 2 every snapshot must also have its screenshot, PDF and WARC.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import bench_fetch  # noqa: E402

WARC_TARGET = 0.9
MEMORY_TARGET_MB = 400.0
CONFIG = "threadsx2/pf2"  # docker-compose.yml's worker
BROWSER_CONFIG = "threads/pf2"  # one process: one browser

_peaks: dict[str, float] = {"pss": 0.0, "rss": 0.0, "own": 0.0}
# PSS (MiB) per kind of process at the moment of the peak: which part is how big.
_peak_parts: dict[str, tuple[int, float, float]] = {}
_browsers: set[str] = set()  # the snapshot browser's program (SNAPSHOT_CHROMIUM_PATH)


def _pss_kib(pid: int) -> int:
    return _rollup(pid).get("Pss", 0)


def _rollup(pid: int) -> dict[str, int]:
    """/proc/PID/smaps_rollup as {field: KiB} (empty when the process is gone)."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]
    except OSError:
        return {}
    return {line.split(":")[0]: int(line.split()[1]) for line in lines if line.endswith("kB")}


def _kind(pid: int, root: int) -> str:
    """What a process of the worker's tree is, from its command line."""
    if pid == root:
        return "Python worker"
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "gone"
    line = b" ".join(argv).decode(errors="replace")
    if "node" in argv[0].decode(errors="replace").rsplit("/", 1)[-1] or "run-driver" in line:
        return "Playwright node driver"
    if "--type=" not in line:
        if "chrom" in argv[0].decode(errors="replace"):
            _browsers.add(argv[0].decode(errors="replace"))
        return (
            "Chromium browser process"
            if "chrom" in argv[0].decode(errors="replace")
            else ("other: " + argv[0].decode(errors="replace")[:40])
        )
    for flag, name in (
        ("--type=renderer", "renderer"),
        ("--type=zygote", "zygote"),
        ("--type=gpu-process", "GPU"),
        ("sub-type=network.", "network service"),
        ("sub-type=storage.", "storage service"),
        ("sub-type=printing.", "PDF printing service"),
        ("--type=utility", "other utility"),
        ("crashpad", "crashpad"),
    ):
        if flag in line:
            return name
    if "chrom" in argv[0].decode(errors="replace"):
        return "Chromium browser process"
    return "other: " + argv[0].decode(errors="replace")[:40]


def _measure_tree(worker: Any) -> int:
    """Sampled by bench_fetch.run_config for each worker: PSS of that worker's tree.

    The peaks kept are per worker process (the larger one's, with two workers), never the
    sum over workers: the screenshot figure is one worker process with its one browser.
    """
    from tests.sources.workers import _rss_kib, process_tree

    pids = process_tree(worker.pid)
    kinds = {pid: _kind(pid, worker.pid) for pid in pids}  # before a process can go
    rollups = {pid: _rollup(pid) for pid in pids}
    each = {pid: rollup.get("Pss", 0) for pid, rollup in rollups.items()}
    pss = sum(each.values())
    rss = sum(_rss_kib(pid) for pid in pids)
    if pss / 1024 > _peaks["pss"]:
        parts: dict[str, tuple[int, float, float]] = {}
        for pid, kib in each.items():
            count, mib, anon = parts.get(kind := kinds[pid], (0, 0.0, 0.0))
            parts[kind] = (
                count + 1,
                mib + kib / 1024,
                anon + rollups[pid].get("Pss_Anon", 0) / 1024,
            )
        _peak_parts.clear()
        _peak_parts.update(parts)
    _peaks["pss"] = max(_peaks["pss"], pss / 1024)
    _peaks["rss"] = max(_peaks["rss"], rss / 1024)
    _peaks["own"] = max(_peaks["own"], _rss_kib(worker.pid) / 1024)  # the Python process
    return pss


def _check_evidence(ids: list[int], *, browser: bool) -> tuple[int, int]:
    """(snapshots with a WARC, with screenshot and PDF) among the sources ``ids``."""
    from sources.models import Snapshot

    snapshots = Snapshot.objects.filter(source_id__in=ids)
    with_warc = snapshots.exclude(warc="").exclude(warc_sha256="").count()
    rendered = snapshots.exclude(screenshot="").exclude(pdf="").count()
    return with_warc, rendered


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=int, default=200)
    parser.add_argument("--browser-urls", type=int, default=60)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--turns", type=int, default=3)
    args = parser.parse_args()

    media = Path(tempfile.mkdtemp(prefix="bench-evidence-"))
    server = bench_fetch.start_server(args.delay)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    database_url = bench_fetch.create_database()
    queue = ""
    rows: list[dict[str, Any]] = []
    browser_row: dict[str, Any] = {}
    try:
        from tests.sources.workers import publishing_to, unique_queue, worker_env

        def env_for(warc: bool, browser: bool) -> dict[str, str]:
            return worker_env(
                database_url=database_url,
                broker_url=bench_fetch.REDIS_URL,
                media_root=str(media),
                FETCH_LEASE_SECONDS="120",
                CONN_MAX_AGE="60",
                SNAPSHOT_WARC=str(warc).lower(),
                SNAPSHOT_BROWSER=str(browser).lower(),
                CHROMIUM_PATH=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                **bench_fetch._deployed_env(),
            )

        base_env = env_for(True, False)
        print(f"database {bench_fetch.DB_NAME}: migrating…", flush=True)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=base_env,
            check=True,
        )
        os.environ.update(base_env)
        import django

        django.setup()
        from tests.sources import workers

        workers.Worker.rss_kib = _measure_tree  # type: ignore[method-assign]
        queue = unique_queue("bench-evidence")
        load = os.getloadavg()
        print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)

        def run(
            mode: str,
            config: str,
            env: dict[str, str],
            count: int,
            warmup: int,
            concurrency: int,
        ) -> dict[str, Any]:
            _peaks.update(pss=0.0, rss=0.0, own=0.0)
            _peak_parts.clear()
            tag = f"{mode.replace(' ', '-')}-{len(rows)}-{int(time.time())}"
            urls = [f"{base}/{tag}/{n}" for n in range(count)]
            (result,) = bench_fetch.run_config(
                config,
                urls=urls,
                warmup=[f"{base}/{tag}-warmup/{n}" for n in range(warmup)],
                concurrency=concurrency,
                env=env,
                queue=queue,
                log_dir=media,
                repeat=1,
            )
            from sources.models import Source

            ids = list(
                Source.objects.filter(normalised_url__startswith=f"{base}/{tag}/").values_list(
                    "pk", flat=True
                )
            )
            result.update(
                mode=mode,
                evidence=_check_evidence(ids, browser=mode == "screenshots"),
                pss_peak=_peaks["pss"],
                rss_peak=_peaks["rss"],
                own_peak=_peaks["own"],
                parts=dict(_peak_parts),
            )
            return result

        with publishing_to(bench_fetch.REDIS_URL, queue):
            for turn in range(args.turns):
                for mode, warc in (("warc off", False), ("warc on", True)):
                    result = run(
                        mode,
                        CONFIG,
                        env_for(warc, False),
                        args.urls,
                        args.concurrency * 4,
                        args.concurrency,
                    )
                    result["turn"] = turn + 1
                    rows.append(result)
                    with_warc = result["evidence"][0]
                    print(
                        f"turn {turn + 1} {mode:<9}: {result['throughput']:.1f} sources/s "
                        f"({args.urls} in {result['elapsed']:.2f} s), WARC files {with_warc}, "
                        f"worker CPU {result['worker_cpu_ms']:.1f} ms/source, "
                        f"PSS peak {result['pss_peak']:.0f} MiB (the larger of the 2 worker processes)",
                        flush=True,
                    )
                    if warc:
                        assert with_warc == args.urls, f"{with_warc} WARC files for {args.urls}"
            browser_row = run(
                "screenshots",
                BROWSER_CONFIG,
                env_for(True, True),
                args.browser_urls,
                4,
                args.concurrency // 2,
            )
            with_warc, rendered = browser_row["evidence"]
            print(
                f"screenshots: {browser_row['throughput']:.2f} sources/s "
                f"({args.browser_urls} in {browser_row['elapsed']:.1f} s), "
                f"rendered {rendered}, WARC files {with_warc}, "
                f"worker CPU {browser_row['worker_cpu_ms']:.0f} ms/source, "
                f"peak PSS {browser_row['pss_peak']:.0f} MiB, "
                f"peak summed RSS {browser_row['rss_peak']:.0f} MiB "
                f"({browser_row['processes']} processes); the worker's own Python process "
                f"{browser_row['own_peak']:.0f} MiB RSS",
                flush=True,
            )
            print(f"  snapshot browser: {', '.join(sorted(_browsers))}", flush=True)
            print("  at the peak, PSS by process:", flush=True)
            for kind, (count, mib, anon) in sorted(
                browser_row["parts"].items(), key=lambda item: -item[1][1]
            ):
                print(
                    f"    {kind:<26} x{count}: {mib:6.1f} MiB (anonymous {anon:5.1f} MiB)",
                    flush=True,
                )
            assert (with_warc, rendered) == (args.browser_urls, args.browser_urls)
    finally:
        server.shutdown()
        try:
            import redis

            from tests.sources.workers import forget_queue

            if queue:
                forget_queue(redis.Redis.from_url(bench_fetch.REDIS_URL), queue)
        except Exception as error:
            print(f"(could not delete the bench queue: {error})")
        bench_fetch.drop_database()
        shutil.rmtree(media, ignore_errors=True)

    ratios = []
    for turn in range(1, args.turns + 1):
        off = next(r for r in rows if r["turn"] == turn and r["mode"] == "warc off")
        on = next(r for r in rows if r["turn"] == turn and r["mode"] == "warc on")
        ratios.append(on["throughput"] / off["throughput"])
    mb = browser_row["pss_peak"] * 1.048576
    print()
    print(
        f"{args.urls} URLs (screenshots: {args.browser_urls}), each answered after "
        f"{args.delay * 1000:.0f} ms, concurrency {args.concurrency}, {os.cpu_count()} CPUs"
    )
    if ratios:
        median = statistics.median(ratios)
        print(
            f"WARC on/off: {' '.join(f'{r:.2f}' for r in ratios)} (median {median:.2f}) "
            f"{'OK' if median >= WARC_TARGET else 'MISSED'} (target {WARC_TARGET})"
        )
    print(
        f"with screenshots: {browser_row['throughput']:.2f} sources/s, one worker of "
        f"{args.concurrency // 2} threads with one browser: peak {browser_row['pss_peak']:.0f} MiB "
        f"PSS = {mb:.0f} MB {'OK' if mb < MEMORY_TARGET_MB else 'MISSED'} "
        f"(target < {MEMORY_TARGET_MB:.0f} MB); summed RSS {browser_row['rss_peak']:.0f} MiB; "
        f"the worker's Python process alone {browser_row['own_peak']:.0f} MiB RSS"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
