"""The pinned transport: connections that dial checked addresses, never a name.

A connection made here opens its socket to one of the addresses that ``policy`` checked
(``open_socket`` is the only place that dials); the original host name travels only in
the ``Host`` header and, for https, in SNI and certificate verification. Environment
proxies are never consulted: we open the socket ourselves. Every socket operation is
capped by the fetch's total deadline.

A connection can also keep a copy of the bytes it exchanged (``record``): what went out
and what came in, as they crossed the socket (after TLS, before any HTTP parsing or
content decoding), for the WARC archive. Recording only observes: it changes nothing
about where or how we connect.
"""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.util.ssl_ import create_urllib3_context

from .errors import ConnectError, FetchTimeout
from .urls import IPAddress


class _DeadlineMixin:
    """Before every socket operation, cap its timeout by the fetch's deadline.

    http.client loops over many ``recv`` calls for one status line or header block;
    capping each call by the *remaining* total time is what keeps a server dripping
    one byte at a time from stretching the deadline.

    Once ``record(limit)`` is called, the bytes sent and received are kept too (up to
    ``limit`` bytes each way; ``overflowed`` tells whether more crossed).
    """

    _fetch_deadline: float | None = None
    _fetch_read_timeout: float = 0.0
    wire_out: bytearray | None = None
    wire_in: bytearray | None = None
    overflowed: bool = False
    _wire_limit: int = 0
    _in_sendall: bool = False

    def arm(self, deadline: float, read_timeout: float) -> None:
        self._fetch_deadline = deadline
        self._fetch_read_timeout = read_timeout

    def record(self, limit: int) -> None:
        self.wire_out, self.wire_in, self._wire_limit = bytearray(), bytearray(), limit

    def _keep(self, wire: bytearray | None, data: Any) -> None:
        if wire is None:
            return
        room = self._wire_limit - len(wire)
        if len(data) > room:
            self.overflowed = True
            data = data[: max(room, 0)]
        wire += data

    def _bound(self) -> None:
        if self._fetch_deadline is None:
            return
        remaining = self._fetch_deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("total fetch deadline exceeded")
        self.settimeout(min(self._fetch_read_timeout, remaining))  # type: ignore[attr-defined]

    def recv(self, *args: Any, **kwargs: Any) -> Any:
        self._bound()
        data = super().recv(*args, **kwargs)  # type: ignore[misc]
        self._keep(self.wire_in, data)
        return data

    def recv_into(self, buffer: Any, *args: Any, **kwargs: Any) -> Any:
        self._bound()
        count = super().recv_into(buffer, *args, **kwargs)  # type: ignore[misc]
        if count and self.wire_in is not None:
            self._keep(self.wire_in, memoryview(buffer)[:count])
        return count

    def send(self, data: Any, *args: Any, **kwargs: Any) -> Any:
        self._bound()
        count = super().send(data, *args, **kwargs)  # type: ignore[misc]
        if not self._in_sendall:  # SSLSocket.sendall sends through send(): kept once
            self._keep(self.wire_out, memoryview(data)[:count])
        return count

    def sendall(self, data: Any, *args: Any, **kwargs: Any) -> Any:
        self._bound()
        self._in_sendall = True
        try:
            result = super().sendall(data, *args, **kwargs)  # type: ignore[misc]
        finally:
            self._in_sendall = False
        self._keep(self.wire_out, memoryview(data))
        return result


class _DeadlineSocket(_DeadlineMixin, socket.socket):
    pass


class _DeadlineSSLSocket(_DeadlineMixin, ssl.SSLSocket):
    pass


@lru_cache(maxsize=8)
def _ssl_context(ca_certs: str | None) -> ssl.SSLContext:
    context = create_urllib3_context(cert_reqs=ssl.CERT_REQUIRED)
    context.load_default_certs()
    if ca_certs:
        context.load_verify_locations(cafile=ca_certs)
    context.check_hostname = True
    context.sslsocket_class = _DeadlineSSLSocket
    return context


def open_socket(ip: IPAddress, port: int, timeout: float) -> socket.socket:
    """Connect a TCP socket to an already checked address: the only place we dial.

    Tests replace this seam (here, where ``_new_conn`` looks it up) to prove that refused
    destinations never get here.
    """
    family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
    sock = _DeadlineSocket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(timeout)
        sock.connect((str(ip), port))
    except BaseException:
        sock.close()
        raise
    return sock


class _PinnedConnectionMixin:
    """A urllib3 connection that dials the checked addresses, never a name."""

    _fetch_addresses: Sequence[IPAddress] = ()
    _fetch_connect_deadline: float = 0.0
    _fetch_url: str = ""
    peer_address: str = ""  # the checked address we talked to, once connected
    port: int
    _recording: _DeadlineMixin | None = None

    def pin(self, addresses: Sequence[IPAddress], *, connect_deadline: float, url: str) -> None:
        """Dial only ``addresses`` (checked already), in order, until ``connect_deadline``."""
        self._fetch_addresses = addresses
        self._fetch_connect_deadline = connect_deadline
        self._fetch_url = url

    def arm(self, deadline: float, read_timeout: float) -> None:
        """Once connected: cap every further socket operation by the total ``deadline``."""
        self._deadline_socket().arm(deadline, read_timeout)

    def record(self, limit: int) -> None:
        """Once connected: keep the bytes exchanged from now on, up to ``limit`` each way."""
        # Held here: http.client drops ``self.sock`` as soon as a response says it will
        # close the connection, before its body has been read.
        self._recording = self._deadline_socket()
        self._recording.record(limit)

    def wire(self) -> tuple[bytes, bytes, bool]:
        """(bytes sent, bytes received, whether more crossed than the limit) so far."""
        sock = self._recording
        if sock is None or sock.wire_in is None:
            return b"", b"", False
        return bytes(sock.wire_out or b""), bytes(sock.wire_in), sock.overflowed

    def _deadline_socket(self) -> _DeadlineMixin:
        sock = self.sock  # type: ignore[attr-defined]
        assert isinstance(sock, _DeadlineMixin)
        return sock

    def _new_conn(self) -> socket.socket:
        last_error: OSError | None = None
        for ip in self._fetch_addresses:
            remaining = self._fetch_connect_deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                sock = open_socket(ip, self.port, remaining)
            except OSError as exc:  # TimeoutError included: try the next address
                last_error = exc
                continue
            self.peer_address = str(ip)
            return sock
        if last_error is None or isinstance(last_error, TimeoutError):
            raise FetchTimeout(
                f"Connecting to {self._fetch_url} took too long.", url=self._fetch_url
            )
        raise ConnectError(f"Could not connect: {last_error}.", url=self._fetch_url)


class PinnedHTTPConnection(_PinnedConnectionMixin, HTTPConnection):
    pass


class PinnedHTTPSConnection(_PinnedConnectionMixin, HTTPSConnection):
    pass


def pinned_connection(
    scheme: str,
    addresses: Sequence[IPAddress],
    port: int,
    *,
    server_name: str,
    read_timeout: float,
    connect_deadline: float,
    ca_certs: str | None,
    url: str,
) -> PinnedHTTPConnection | PinnedHTTPSConnection:
    """An unconnected connection to ``addresses``; for https, verified for ``server_name``."""
    conn: PinnedHTTPConnection | PinnedHTTPSConnection
    if scheme == "https":
        conn = PinnedHTTPSConnection(
            str(addresses[0]),
            port,
            timeout=read_timeout,
            server_hostname=server_name,
            ssl_context=_ssl_context(ca_certs),
        )
    else:
        conn = PinnedHTTPConnection(str(addresses[0]), port, timeout=read_timeout)
    conn.pin(addresses, connect_deadline=connect_deadline, url=url)
    return conn
