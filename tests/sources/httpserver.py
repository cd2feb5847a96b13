"""A small threaded HTTP(S) server on loopback for tests, and a connection counter.

Reusable by any test that needs something to fetch::

    from tests.sources.httpserver import LocalHTTPServer, static, redirect_to

    with LocalHTTPServer() as server:  # 127.0.0.1, random port
        server.respond("/page", body=b"<html>…</html>")
        server.route("/moved", redirect_to("/page", status=301))
        server.route("/custom", lambda ex: ex.respond(418, b"teapot"))
        url = server.url("/page")          # http://127.0.0.1:PORT/page
        ...
        server.requests[-1].headers["user-agent"]

Fetching from it needs ``FETCH_ALLOW_NETWORKS=127.0.0.0/8`` (or
``FetchPolicy.from_cidrs("127.0.0.0/8")``): the SSRF rules refuse loopback otherwise.

The server never resolves names (``HTTPServer.server_bind`` would call
``socket.getfqdn``; it is overridden), so it sends nothing off the machine.
"""

from __future__ import annotations

import http.server
import socket
import socketserver
import ssl
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Exchange",
    "LocalHTTPServer",
    "RecordedRequest",
    "TCPListener",
    "drip",
    "raw",
    "redirect_to",
    "silent",
    "static",
    "stream",
]

_CLIENT_GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, ssl.SSLError)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    target: str  # request target as sent: path and query
    path: str  # without the query
    headers: dict[str, str]  # lower-case names; the last value wins
    body: bytes
    client: tuple[Any, ...]


class Exchange:
    """What a route handler gets: the request and ways to answer it."""

    def __init__(self, handler: _Handler, request: RecordedRequest) -> None:
        self._handler = handler
        self.request = request
        self.server: LocalHTTPServer = handler.server.owner  # type: ignore[attr-defined]

    def respond(
        self,
        status: int = 200,
        body: bytes = b"",
        *,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        content_type: str | None = "text/html; charset=utf-8",
    ) -> None:
        """A complete response with Content-Length."""
        items = list(headers.items() if isinstance(headers, Mapping) else headers)
        names = {k.lower() for k, _ in items}
        if content_type and "content-type" not in names:
            items.append(("Content-Type", content_type))
        if "content-length" not in names:
            items.append(("Content-Length", str(len(body))))
        self.start(status, items)
        if self.request.method != "HEAD":
            self.write(body)

    def start(self, status: int, headers: Iterable[tuple[str, str]] = ()) -> None:
        """Status line and headers only; no length is added (close-delimited body)."""
        self._handler.send_response(status)
        for name, value in headers:
            self._handler.send_header(name, value)
        self._handler.end_headers()

    def write(self, data: bytes) -> bool:
        """Send bytes; False once the client has gone away."""
        try:
            self._handler.wfile.write(data)
            self._handler.wfile.flush()
        except _CLIENT_GONE:
            return False
        return True

    def wait(self, seconds: float) -> bool:
        """Sleep; False if the server is stopping meanwhile."""
        return not self.server.stopping.wait(seconds)


Handler = Callable[[Exchange], None]


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "LocalTestServer/1.0"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _dispatch(self) -> None:
        self.close_connection = True  # one request per connection keeps handlers simple
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = RecordedRequest(
            method=self.command,
            target=self.path,
            path=self.path.partition("?")[0],
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            client=tuple(self.client_address),
        )
        owner: LocalHTTPServer = self.server.owner  # type: ignore[attr-defined]
        owner._record(request)
        handler = owner.handler_for(request.path)
        exchange = Exchange(self, request)
        try:
            handler(exchange)
        except _CLIENT_GONE:
            pass
        except Exception as exc:  # a bug in a test handler: surface it in the test
            owner.errors.append(exc)
            raise

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _dispatch


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, owner: LocalHTTPServer, address: tuple[str, int]) -> None:
        self.owner = owner
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls socket.getfqdn(), a DNS query: skip it.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]

    def process_request(self, request: Any, client_address: Any) -> None:
        self.owner._count_connection()
        super().process_request(request, client_address)

    def finish_request(self, request: Any, client_address: Any) -> None:
        tls = self.owner.tls
        if tls is None:
            super().finish_request(request, client_address)
            return
        request.settimeout(5)
        try:
            wrapped = tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return  # the client refused our certificate, or went away
        try:
            wrapped.settimeout(None)
            super().finish_request(wrapped, client_address)
        finally:
            wrapped.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], _CLIENT_GONE):
            return
        super().handle_error(request, client_address)


class LocalHTTPServer:
    """Threaded HTTP/1.1 server on loopback with per-path handlers.

    ``host`` is ``"127.0.0.1"`` (default) or ``"::1"``; ``tls`` an ``SSLContext``
    (``ssl.PROTOCOL_TLS_SERVER`` with a certificate loaded) makes it HTTPS. Unknown
    paths answer 404. Each connection carries one request.

    Attributes for assertions: ``requests`` (``RecordedRequest`` in arrival order),
    ``connections`` (accepted TCP connections), ``sni_names`` (server names the
    TLS clients asked for), ``errors`` (exceptions raised by handlers).
    """

    def __init__(self, host: str = "127.0.0.1", *, tls: ssl.SSLContext | None = None) -> None:
        self.host = host
        self.tls = tls
        self.requests: list[RecordedRequest] = []
        self.connections = 0
        self.sni_names: list[str | None] = []
        self.errors: list[BaseException] = []
        self.stopping = threading.Event()
        self._routes: dict[str, Handler] = {}
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        if tls is not None:
            tls.sni_callback = self._sni

    # -- lifecycle
    def start(self) -> LocalHTTPServer:
        self._server = _Server(self, (self.host, 0))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> LocalHTTPServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses
    @property
    def port(self) -> int:
        assert self._server is not None, "start() the server first"
        return int(self._server.server_address[1])

    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"

    def url(self, path: str = "/", *, host: str | None = None) -> str:
        """Absolute URL for ``path``; ``host`` replaces the address (e.g. a test name)."""
        if host is None:
            return self.base_url + path
        return f"{self.scheme}://{host}:{self.port}{path}"

    # -- routes
    def route(self, path: str, handler: Handler) -> None:
        self._routes[path] = handler

    def respond(
        self,
        path: str,
        status: int = 200,
        body: bytes = b"",
        *,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        content_type: str | None = "text/html; charset=utf-8",
    ) -> None:
        self.route(path, static(status, body, headers=headers, content_type=content_type))

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.route(path, redirect_to(location, status))

    def handler_for(self, path: str) -> Handler:
        return self._routes.get(path, static(404, b"not found", content_type="text/plain"))

    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == path]

    # -- bookkeeping (called from server threads)
    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _count_connection(self) -> None:
        with self._lock:
            self.connections += 1

    def _sni(self, sslobj: Any, name: str | None, context: Any) -> None:
        self.sni_names.append(name)


# --------------------------------------------------------------------------- handlers


def static(
    status: int = 200,
    body: bytes = b"",
    *,
    headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
    content_type: str | None = "text/html; charset=utf-8",
) -> Handler:
    """Always the same complete response."""
    items = list(headers.items() if isinstance(headers, Mapping) else headers)

    def handler(ex: Exchange) -> None:
        ex.respond(status, body, headers=items, content_type=content_type)

    return handler


def redirect_to(location: str, status: int = 302) -> Handler:
    return static(status, b"", headers={"Location": location}, content_type=None)


def stream(
    total: int,
    *,
    chunk: int = 64 * 1024,
    framing: str = "close",
    headers: Iterable[tuple[str, str]] = (("Content-Type", "application/octet-stream"),),
) -> Handler:
    """``total`` bytes of ``b"x"`` without holding them: ``framing`` is ``"close"``
    (no length, body ends at close), ``"length"`` (Content-Length) or ``"chunked"``."""
    block = b"x" * chunk
    framed = b"%x\r\n%b\r\n" % (len(block), block)

    def handler(ex: Exchange) -> None:
        items = list(headers)
        if framing == "length":
            items.append(("Content-Length", str(total)))
        elif framing == "chunked":
            items.append(("Transfer-Encoding", "chunked"))
        ex.start(200, items)
        sent = 0
        while sent < total and not ex.server.stopping.is_set():
            size = min(chunk, total - sent)
            if framing == "chunked":
                data = framed if size == chunk else b"%x\r\n%b\r\n" % (size, block[:size])
            else:
                data = block if size == chunk else block[:size]
            if not ex.write(data):
                return
            sent += size
        if framing == "chunked":
            ex.write(b"0\r\n\r\n")

    return handler


def drip(
    data: bytes,
    interval: float,
    *,
    headers: Iterable[tuple[str, str]] = (("Content-Type", "text/html"),),
    content_length: int | None = None,
    raw_response: bool = False,
) -> Handler:
    """Send ``data`` one byte every ``interval`` seconds.

    With ``raw_response`` the bytes are the whole response (status line and headers
    dripped too); otherwise headers go out at once, with ``Content-Length`` set to
    ``content_length`` (default: ``len(data)``).
    """

    def handler(ex: Exchange) -> None:
        if not raw_response:
            length = len(data) if content_length is None else content_length
            ex.start(200, [*headers, ("Content-Length", str(length))])
        for byte in data:
            if not ex.write(bytes([byte])) or not ex.wait(interval):
                return

    return handler


def silent() -> Handler:
    """Accept the request and never answer (until the server stops)."""

    def handler(ex: Exchange) -> None:
        ex.wait(3600)

    return handler


def raw(data: bytes, *, then_wait: float = 0.0) -> Handler:
    """Write ``data`` as the whole response (malformed responses), then close."""

    def handler(ex: Exchange) -> None:
        ex.write(data)
        if then_wait:
            ex.wait(then_wait)

    return handler


# --------------------------------------------------------------------------- listener


@dataclass
class TCPListener:
    """Counts TCP connections to a loopback port and closes them at once.

    Proves that something did *not* connect (refused fetches, ignored proxies).
    ``port=0`` picks a free port; ``also_ipv6`` listens on ``::1`` with the same
    port when the machine has IPv6 loopback (``ipv6`` tells whether it worked).
    """

    host: str = "127.0.0.1"
    port: int = 0
    also_ipv6: bool = False
    connections: int = 0
    ipv6: bool = False
    _sockets: list[socket.socket] = field(default_factory=list)
    _threads: list[threading.Thread] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> TCPListener:
        self._listen(socket.AF_INET, self.host)
        if self.also_ipv6:
            try:
                self._listen(socket.AF_INET6, "::1")
                self.ipv6 = True
            except OSError:
                self.ipv6 = False
        return self

    def _listen(self, family: int, host: str) -> None:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, self.port))
        except OSError:
            sock.close()
            raise
        sock.listen(16)
        sock.settimeout(0.05)
        self.port = sock.getsockname()[1]
        self._sockets.append(sock)
        thread = threading.Thread(target=self._accept, args=(sock,), daemon=True)
        thread.start()
        self._threads.append(thread)

    def _accept(self, sock: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def url(self, path: str = "/", *, scheme: str = "http") -> str:
        return f"{scheme}://{self.host}:{self.port}{path}"

    def settle(self, seconds: float = 0.1) -> int:
        """Give a racing connection time to be accepted; return the count."""
        time.sleep(seconds)
        return self.connections

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(2)
        for sock in self._sockets:
            sock.close()

    def __enter__(self) -> TCPListener:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
