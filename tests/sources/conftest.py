"""Fixtures for fetching tests: a local HTTP(S) server, a policy that may reach it,
a connection counter, and a guard that keeps every connection on loopback."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from sources.fetching import FetchPolicy
from tests.helpers.network import NonLoopbackConnection, is_loopback
from tests.sources.httpserver import LocalHTTPServer, TCPListener
from tests.sources.tls import TLSFiles, tls_files_make


@pytest.fixture
def http_server() -> Iterator[LocalHTTPServer]:
    """A started ``LocalHTTPServer`` on 127.0.0.1 (random port)."""
    with LocalHTTPServer() as server:
        yield server
    assert not server.errors, f"test server handlers raised: {server.errors!r}"


@pytest.fixture
def local_policy() -> FetchPolicy:
    """May reach 127.0.0.0/8; short timeouts so failing cases stay fast."""
    return FetchPolicy.from_cidrs(
        "127.0.0.0/8", connect_timeout=1.0, read_timeout=1.0, total_deadline=3.0
    )


@pytest.fixture
def tcp_listener() -> Iterator[TCPListener]:
    with TCPListener(also_ipv6=True) as listener:
        yield listener


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Refuse (and record) any TCP connection or DNS lookup that is not loopback.

    The test fails at teardown if anything tried. Yields the list of violations.
    """
    violations: list[str] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address[0]):
            violations.append(f"connect to {address!r}")
            raise NonLoopbackConnection(f"connection to {address!r} attempted")

    def connect(self: socket.socket, address: Any) -> None:
        check(self, address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check(self, address)
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not is_loopback(host):
            violations.append(f"getaddrinfo({host!r})")
            raise NonLoopbackConnection(f"DNS lookup of {host!r} attempted")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield violations
    assert not violations, f"non-loopback network use: {violations}"


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TLSFiles:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make test certificates")
    return tls_files_make(openssl, tmp_path_factory.mktemp("tls"))


# --------------------------------------------------------------------------- sources app


@pytest.fixture
def sources_env(settings, tmp_path: Path):
    """Settings for service/task/admin/view tests: loopback allowed, files under tmp.

    Small attempt budget and a normal lease; tests change them where they need to.
    """
    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.FETCH_MAX_ATTEMPTS = 3
    settings.FETCH_LEASE_SECONDS = 120
    settings.FETCH_RETRY_MAX_DELAY = 3600
    settings.SOURCE_RECHECK_DAYS = 7.0
    settings.FACTCHECK_ORG_URL = "https://desk.example/"
    settings.LANGUAGE_CODE = "en"  # reasons are stored in the desk's language
    # No broker: tasks run in-process after the commit, whatever the environment says.
    from factcheck.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    # Messages are asserted in English (the desk's default language is German).
    try:
        with translation.override("en"):
            yield settings
    finally:
        app.conf.task_always_eager = eager
