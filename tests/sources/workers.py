"""Real ``celery -A factcheck worker`` subprocesses for the integration tests and the
benchmark: started in their own process group, killed (-9) or stopped by that id."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def worker_env(
    *, database_url: str, broker_url: str, media_root: str, **overrides: str
) -> dict[str, str]:
    """The environment of a worker: same database and storage as the caller, loopback only."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "CELERY_BROKER_URL", "DATABASE_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        PYTHONPATH=str(ROOT),
        DEBUG="true",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=broker_url,
        MEDIA_ROOT=media_root,
        FETCH_ALLOW_NETWORKS="127.0.0.0/8",
        CONN_MAX_AGE="0",
        LANGUAGE_CODE="en",
        LOG_LEVEL="INFO",
        # Browser snapshots only where a test (or the bench) asks for them.
        SNAPSHOT_BROWSER="false",
    )
    env.update(overrides)
    return env


def unique_queue(prefix: str) -> str:
    """A queue of our own: another process consuming the same Redis database (someone
    else's worker) can then never take our messages, nor we theirs."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@contextmanager
def publishing_to(broker_url: str, queue: str) -> Iterator[object]:
    """Make this process's Celery app publish to ``queue`` on ``broker_url`` (not eager)."""
    from factcheck.celery import app

    keys = ("broker_url", "task_always_eager", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(broker_url=broker_url, task_always_eager=False, task_default_queue=queue)
    _forget_connections(app)
    try:
        yield app
    finally:
        app.conf.update(saved)
        _forget_connections(app)


def forget_queue(client, queue: str) -> None:
    """Remove a queue of ours from Redis: its messages, its bindings, and the unacked
    messages a killed worker left for it (kombu would restore them into the queue)."""
    import json

    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    for tag, raw in client.hgetall("unacked").items():
        try:
            routing_key = json.loads(raw)[2]
        except (ValueError, IndexError, TypeError):
            continue
        if routing_key == queue:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


def _forget_connections(app) -> None:
    """Drop pools and routing made for the previous configuration."""
    import kombu.pools

    kombu.pools.reset()
    app._pool = None
    app.__dict__.pop("amqp", None)  # a cached_property: queues and router are rebuilt


class Worker:
    def __init__(
        self,
        env: dict[str, str],
        log: Path,
        *,
        queue: str = "celery",
        pool: str = "threads",
        concurrency: int = 4,
        extra: tuple[str, ...] = (),
    ) -> None:
        self.queue = queue
        self.env = env
        self.log = log
        self.pool = pool
        self.concurrency = concurrency
        self.extra = extra
        self.process: subprocess.Popen[bytes] | None = None
        self._log_file = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, *, ready_timeout: float = 60.0) -> Worker:
        self._log_file = open(self.log, "ab")  # noqa: SIM115 - closed in stop()
        offset = self.log.stat().st_size
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "factcheck",
                "worker",
                "--pool",
                self.pool,
                "--concurrency",
                str(self.concurrency),
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--queues",
                self.queue,
                "--hostname",
                f"itest-{uuid.uuid4().hex[:8]}@%h",
                *self.extra,
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill -9 takes the pool along
        )
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker exited early:\n{self.output()[-3000:]}")
            with open(self.log, "rb") as handle:
                handle.seek(offset)
                if b" ready." in handle.read():
                    return self
            time.sleep(0.1)
        output = self.output()[-3000:]
        self.stop()  # never leave a worker behind that nobody will stop
        raise TimeoutError(f"the worker did not get ready:\n{output}")

    def rss_kib(self) -> int:
        """Resident memory of the worker and its pool processes (VmRSS from /proc)."""
        return sum(_rss_kib(pid) for pid in process_tree(self.pid))

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the worker and its pool processes."""
        return sum(_cpu_seconds(pid) for pid in process_tree(self.pid))

    def kill(self) -> None:
        """kill -9 of the worker and its pool: no shutdown, no acks, messages in flight."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self._close_log()

    def stop(self, timeout: float = 15.0) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
            except ProcessLookupError:
                pass
        self._close_log()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def _close_log(self) -> None:
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None


def process_tree(root: int) -> list[int]:
    pids, queue = [], [root]
    while queue:
        pid = queue.pop()
        pids.append(pid)
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            queue.extend(int(child) for child in children)
    return pids


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(values) - idle) / tick, sum(values) / tick


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def wait_for(
    condition: Callable[[], bool],
    *,
    timeout: float,
    every: float = 0.1,
    meanwhile: Callable[[], object] | None = None,
    meanwhile_every: float = 1.0,
) -> bool:
    """Poll ``condition``; call ``meanwhile`` (e.g. the sweep, as beat would) periodically."""
    deadline = time.monotonic() + timeout
    next_meanwhile = time.monotonic() + meanwhile_every
    while time.monotonic() < deadline:
        if condition():
            return True
        if meanwhile is not None and time.monotonic() >= next_meanwhile:
            meanwhile()
            next_meanwhile = time.monotonic() + meanwhile_every
        time.sleep(every)
    return condition()
