"""A production-like desk on this machine for the end-to-end test.

PostgreSQL (a fresh database of its own), Redis (db 11: the broker, db 10: the cache), a
real ``celery -A factcheck worker`` and gunicorn with the production settings (DEBUG off,
static files collected and served by WhiteNoise), all on 127.0.0.1. The processes run
with one environment, as a deployment would; only plain HTTP and insecure cookies differ
(localhost has no TLS).

Nothing here uses pytest-django's test database: the web and worker processes are
separate, so they need committed rows in a database they can open by name.

    with desk_stack(tmp_path) as stack:
        stack.url                       # http://127.0.0.1:PORT
        stack.manage("create_desk_user", "anna", "--role", "fact-checker", "--password", "…")
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN_URL = os.environ.get("E2E_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
BROKER_URL = os.environ.get("E2E_BROKER_URL", "redis://127.0.0.1:6379/11")
CACHE_URL = os.environ.get("E2E_CACHE_URL", "redis://127.0.0.1:6379/10")

# Variables of the calling environment that must not leak into the desk's processes:
# the test run's own database and broker, pytest's settings, a developer's overrides.
_INHERITED_PREFIXES = ("FACTCHECK_", "FETCH_", "CELERY_", "SECURE_", "DJANGO_", "PYTEST")
_INHERITED_NAMES = {
    "DATABASE_URL",
    "TEST_DATABASE_URL",
    "REDIS_URL",
    "TEST_REDIS_URL",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "LANGUAGE_CODE",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
}

# No proxy from the environment: every request of the test goes to loopback directly.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class StackError(RuntimeError):
    """The stack could not be started; the message carries the processes' log tails."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unavailable() -> str | None:
    """Why the stack cannot run here (PostgreSQL or Redis down), or None."""
    import psycopg
    import redis

    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            pass
    except psycopg.Error as error:
        return f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {error}"
    for url in (BROKER_URL, CACHE_URL):
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        try:
            client.ping()
        except redis.RedisError as error:
            return f"Redis is not reachable at {url}: {error}"
        finally:
            client.close()
    return None


def http_get(
    url: str, *, headers: dict[str, str] | None = None, timeout: float = 15
) -> tuple[int, dict[str, str], bytes]:
    """GET without any proxy; (status, headers, body), also for 4xx/5xx answers."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_until(
    condition: Callable[[], object], *, timeout: float, every: float = 0.25, what: str = ""
) -> object:
    """Poll until ``condition()`` is truthy; its value, or TimeoutError after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up after {timeout:.0f} s waiting for {what or condition}")
        time.sleep(every)


@contextlib.contextmanager
def fresh_database(name: str) -> Iterator[str]:
    """An empty PostgreSQL database ``name`` (dropped first if left over); dropped afterwards."""
    import psycopg

    if not name.startswith("factcheck_e2e"):
        raise ValueError("the end-to-end test only creates databases named factcheck_e2e*")

    def drop() -> None:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        drop()


def _flush_redis() -> None:
    import redis

    for url in (BROKER_URL, CACHE_URL):
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        try:
            client.flushdb()  # our own databases (10 and 11) only, never FLUSHALL
        finally:
            client.close()


def production_env(*, database_url: str, base_url: str, var_dir: Path) -> dict[str, str]:
    """The environment of every desk process: production settings, loopback only."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in _INHERITED_NAMES and not key.startswith(_INHERITED_PREFIXES)
    }
    env.update(
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        DEBUG="false",
        SECRET_KEY="e2e-" + "s3cr3t-" * 8,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain HTTP on localhost: no TLS redirect, no HSTS, cookies without Secure.
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=BROKER_URL,
        REDIS_URL=CACHE_URL,
        # The sources are served by a test server on loopback.
        FETCH_ALLOW_NETWORKS="127.0.0.0/8",
        # No browser snapshots here: their own tests (tests/sources/test_browser.py,
        # tests/e2e/test_evidence.py) keep Chromium's requests on 127.0.0.1.
        SNAPSHOT_BROWSER="false",
        FACTCHECK_VAR_DIR=str(var_dir),
        MEDIA_ROOT=str(var_dir / "media"),
        STATIC_ROOT=str(var_dir / "static"),
        FACTCHECK_ORG_NAME="Faktencheck E2E",
        FACTCHECK_ORG_URL=base_url + "/",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def tail(self, chars: int = 4000) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"--- {self.name} ({self.log}) ---\n{text[-chars:]}"

    def check_alive(self) -> None:
        if self.popen.poll() is not None:
            raise StackError(f"{self.name} exited with {self.popen.returncode}\n{self.tail()}")


@contextlib.contextmanager
def _process(name: str, args: list[str], env: dict[str, str], log: Path) -> Iterator[Process]:
    """A subprocess in its own process group; SIGTERM (then SIGKILL) to the group at the end."""
    with open(log, "ab") as out:
        popen = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield Process(name, popen, log)
    finally:
        if popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(popen.pid, signal.SIGTERM)
            try:
                popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(popen.pid, signal.SIGKILL)
                popen.wait(timeout=10)


@dataclass
class Stack:
    url: str
    env: dict[str, str]
    var_dir: Path
    processes: list[Process] = field(default_factory=list)

    def manage(self, *args: str, timeout: float = 120) -> str:
        """``python manage.py …`` with the stack's environment; its output."""
        return _manage(self.env, *args, timeout=timeout)

    def logs(self) -> str:
        return "\n".join(process.tail() for process in self.processes)

    def check_alive(self) -> None:
        for process in self.processes:
            process.check_alive()


def _manage(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    try:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as error:
        raise StackError(f"manage.py {' '.join(args)} took longer than {timeout} s") from error
    if result.returncode != 0:
        raise StackError(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result.stdout


def _wait_for_worker(worker: Process, timeout: float) -> None:
    def ready() -> bool:
        worker.check_alive()
        return b" ready." in worker.log.read_bytes()

    try:
        wait_until(ready, timeout=timeout, every=0.2, what="the Celery worker")
    except TimeoutError as error:
        raise StackError(f"{error}\n{worker.tail()}") from error


def _wait_for_web(web: Process, url: str, timeout: float) -> None:
    def answers() -> bool:
        web.check_alive()
        try:
            status, _headers, _body = http_get(f"{url}/admin/login/", timeout=3)
        except OSError:
            return False
        return status == 200

    try:
        wait_until(answers, timeout=timeout, every=0.3, what="gunicorn")
    except TimeoutError as error:
        raise StackError(f"{error}\n{web.tail()}") from error


@contextlib.contextmanager
def _machine_lock(timeout: float) -> Iterator[None]:
    """One stack per machine at a time: the database name and the Redis databases are fixed
    (and the web process publishes to Celery's default queue), so two runs would share them."""
    import fcntl
    import tempfile

    path = Path(tempfile.gettempdir()) / "factcheck-e2e-stack.lock"
    with open(path, "w") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StackError(f"another end-to-end run holds {path}") from None
                time.sleep(1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def desk_stack(workdir: Path, *, database: str = "factcheck_e2e") -> Iterator[Stack]:
    """Migrate a fresh database, collect static files, start the worker and gunicorn."""
    var_dir = workdir / "var"
    var_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with _machine_lock(timeout=300), fresh_database(database) as database_url:
        env = production_env(database_url=database_url, base_url=url, var_dir=var_dir)
        _manage(env, "migrate", "--noinput", "-v", "0", timeout=180)
        _manage(env, "collectstatic", "--noinput", "-v", "0", timeout=120)
        _flush_redis()
        stack = Stack(url=url, env=env, var_dir=var_dir)
        try:
            with (
                _process(
                    "celery worker",
                    [
                        sys.executable, "-m", "celery", "-A", "factcheck", "worker",
                        "--pool", "threads", "--concurrency", "4",
                        "--loglevel", "INFO",
                        "--without-gossip", "--without-mingle", "--without-heartbeat",
                        "--hostname", f"e2e-{port}@%h",
                    ],
                    env,
                    workdir / "worker.log",
                ) as worker,
                _process(
                    "gunicorn",
                    [
                        sys.executable, "-m", "gunicorn", "factcheck.wsgi:application",
                        "--bind", f"127.0.0.1:{port}",
                        "--workers", "2", "--threads", "4",
                        "--timeout", "60", "--graceful-timeout", "5",
                        "--log-level", "warning",
                    ],
                    env,
                    workdir / "gunicorn.log",
                ) as web,
            ):  # fmt: skip
                stack.processes[:] = [worker, web]
                _wait_for_worker(worker, timeout=60)
                _wait_for_web(web, url, timeout=60)
                yield stack
        finally:
            _flush_redis()
