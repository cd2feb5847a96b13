"""The fetch loop: one request per hop on a pinned connection, redirects re-checked.

For each hop :func:`fetch` parses the URL, gets the checked addresses from
``policy.destination`` (resolved once, every address checked), sends the request on a
fresh pinned connection (``transport``), reads the body through ``decoding`` and, for a
redirect, starts over with the new URL: every redirect is checked like the first URL.
Bounded by the connect and read timeouts, a total deadline on every socket operation,
``max_redirects`` and ``max_bytes``.

Non-2xx responses are results, not errors: the caller decides (see
:func:`~sources.fetching.is_transient_status`).

With ``record=True`` every hop's bytes are kept as they crossed the socket
(:class:`Exchange`: the request as sent, the response as received, before de-chunking
and content decoding, a redirect's short body included), on the result and, when the
fetch fails after a response began, on the error (``FetchError.exchanges``), marked
truncated where the size cap, the deadline or the server cut it short.
"""

from __future__ import annotations

import contextlib
import http.client
import re
import ssl
import sys
import time
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import urljoin

import urllib3.exceptions
from urllib3.response import HTTPResponse

from .decoding import ACCEPT_ENCODING, CHUNK, Body, parse_content_type
from .errors import BadResponse, ConnectError, FetchError, FetchTimeout, TooLarge, TooManyRedirects
from .exchange import Exchange
from .policy import FetchPolicy, destination
from .resolving import Resolver
from .transport import pinned_connection
from .urls import IPAddress, Target, parse_url

_REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})
_DIGITS_RE = re.compile(r"[0-9]+")
_TOKEN_RE = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z\-]+")  # RFC 9110 token

# Response headers worth keeping as snapshot metadata.
KEPT_HEADERS: Final = (
    "content-type",
    "content-length",
    "last-modified",
    "etag",
    "date",
    "content-language",
    "server",
    "location",
    "retry-after",
    "x-robots-tag",
    "content-disposition",
)

# Request headers the fetcher owns; a caller passing one is a programming error.
_RESERVED_REQUEST_HEADERS: Final = frozenset(
    {
        "host",
        "user-agent",
        "accept-encoding",
        "content-length",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "te",
        "trailer",
        "upgrade",
        "proxy-authorization",
        "proxy-connection",
    }
)
# Credentials a caller may pass; dropped when a redirect leaves the origin.
_CREDENTIAL_HEADERS: Final = frozenset({"authorization", "cookie"})


@dataclass(frozen=True)
class Redirect:
    url: str  # the URL that answered with the redirect
    status_code: int


# A redirect's body is read (for a whole record) up to this size and for this long.
_REDIRECT_BODY_LIMIT: Final = 64 * 1024
_REDIRECT_BODY_SECONDS: Final = 2.0
# Room for the status line and headers on top of the body cap, when recording.
_HEAD_ROOM: Final = 256 * 1024


@dataclass(frozen=True)
class FetchResult:
    url: str  # as requested
    final_url: str  # after redirects
    status_code: int
    redirects: tuple[Redirect, ...]
    headers: dict[str, str]  # lower-case names; only KEPT_HEADERS
    content_type: str  # media type, lower-case, no parameters; "" if none
    charset: str | None  # from the Content-Type header only
    body: bytes  # decoded (gzip/deflate/br removed), at most max_bytes
    elapsed: float
    peer_address: str = field(default="", compare=False)  # the checked IP we talked to
    # Every hop as exchanged, redirects first; only with ``fetch(record=True)``.
    exchanges: tuple[Exchange, ...] = field(default=(), compare=False, repr=False)


def _request_headers(
    target: Target, policy: FetchPolicy, extra: Mapping[str, str] | None
) -> dict[str, str]:
    headers = {
        "Host": target.host_header,
        "User-Agent": policy.user_agent,
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,"
        "application/pdf;q=0.9,*/*;q=0.8",
        "Accept-Encoding": ACCEPT_ENCODING,
        "Connection": "close",
    }
    for name, value in (extra or {}).items():
        if name.lower() in _RESERVED_REQUEST_HEADERS or name.lower().startswith("proxy-"):
            raise ValueError(f"The header {name!r} is set by the fetcher.")
        if not _TOKEN_RE.fullmatch(name) or any(c in value for c in "\r\n\0"):
            raise ValueError(f"The header {name!r} is malformed.")
        headers[name] = value
    return headers


def _timeout(url: str, deadline: float, policy: FetchPolicy, what: str) -> FetchTimeout:
    if time.monotonic() >= deadline - 0.005:
        return FetchTimeout(
            f"Fetching {url} took longer than the total deadline of {policy.total_deadline:g} s.",
            url=url,
        )
    return FetchTimeout(f"{what} took longer than {policy.read_timeout:g} s.", url=url)


@dataclass
class _Hop:
    status: int
    headers: Any
    body: bytes
    peer: str


def _truncation(error: FetchError) -> str:
    if isinstance(error, TooLarge):
        return "length"
    if isinstance(error, FetchTimeout):
        return "time"
    if isinstance(error, ConnectError):
        return "disconnect"
    return "unspecified"


def _drain(conn: Any, response: HTTPResponse, deadline: float, policy: FetchPolicy) -> str:
    """Read a redirect's (short) body so that its record is whole; the truncation, if any.

    Never an error: the redirect is followed whatever happens here.
    """
    seconds = min(policy.read_timeout, _REDIRECT_BODY_SECONDS)
    conn.arm(min(deadline, time.monotonic() + seconds), seconds)
    read = 0
    try:
        while read <= _REDIRECT_BODY_LIMIT:
            chunk = response.read1(CHUNK, decode_content=False)
            if not chunk:
                return ""
            read += len(chunk)
        return "length"
    except (TimeoutError, urllib3.exceptions.ReadTimeoutError):
        return "time"
    except (OSError, urllib3.exceptions.HTTPError, http.client.HTTPException):
        return "disconnect"


def _exchange(
    target: Target,
    addresses: list[IPAddress],
    *,
    method: str,
    body: bytes | None,
    headers: dict[str, str],
    policy: FetchPolicy,
    deadline: float,
    url: str,
    transcript: list[Exchange] | None = None,
) -> _Hop:
    """One request/response on a fresh connection to a checked address.

    With a ``transcript``, the hop's bytes are appended to it, also when it fails after
    the request went out.
    """
    connect_deadline = min(time.monotonic() + policy.connect_timeout, deadline)
    conn = pinned_connection(
        target.scheme,
        addresses,
        target.port,
        server_name=target.name,
        read_timeout=policy.read_timeout,
        connect_deadline=connect_deadline,
        ca_certs=policy.ca_certs,
        url=url,
    )
    response: HTTPResponse | None = None
    started_at = datetime.now(UTC)
    truncated = ""
    kept = False

    def keep() -> None:
        nonlocal kept
        kept = True
        if transcript is None:
            return
        sent, received, overflowed = conn.wire()
        if not sent:
            return
        if truncated == "length" or overflowed:
            # The socket may have read ahead of the cap: the record holds the head and at
            # most the cap's worth of body, as the fetch did.
            head_end = received.find(b"\r\n\r\n")
            if head_end >= 0:
                received = received[: head_end + 4 + policy.max_bytes]
        transcript.append(
            Exchange(
                url=url,
                method=method,
                peer_address=conn.peer_address,
                started_at=started_at,
                request=sent,
                response=received,
                truncated=truncated or ("length" if overflowed else ""),
            )
        )

    try:
        try:
            conn.connect()
        except TimeoutError:
            raise FetchTimeout(
                f"Connecting to {target.name} took too long (TLS handshake).", url=url
            ) from None
        conn.arm(deadline, policy.read_timeout)
        if transcript is not None:
            conn.record(policy.max_bytes + _HEAD_ROOM)
        try:
            conn.request(
                method,
                target.request_target,
                body=body,
                headers=headers,
                preload_content=False,
                decode_content=False,
            )
            response = conn.getresponse()
        except TimeoutError:
            raise _timeout(url, deadline, policy, "Waiting for the response") from None
        content = b""
        is_redirect = response.status in _REDIRECT_STATUSES and response.headers.get("location")
        if not is_redirect and method != "HEAD" and response.status not in (204, 304):
            try:
                content = _read_body(response, policy, deadline, url)
            except FetchError as error:
                truncated = _truncation(error)
                raise
        elif transcript is not None and is_redirect and method != "HEAD":
            truncated = _drain(conn, response, deadline, policy)
        keep()
        return _Hop(response.status, response.headers, content, conn.peer_address)
    except FetchError:
        raise
    except ssl.SSLCertVerificationError as exc:
        raise ConnectError(
            f"The TLS certificate of {target.name} is not valid: {exc.verify_message or exc}.",
            url=url,
            transient=False,
        ) from exc
    except (ssl.SSLError, urllib3.exceptions.SSLError) as exc:
        raise ConnectError(f"TLS with {target.name} failed: {exc}.", url=url) from exc
    except http.client.RemoteDisconnected as exc:
        raise ConnectError(
            f"{target.name} closed the connection without a response.", url=url
        ) from exc
    except (http.client.HTTPException, urllib3.exceptions.HeaderParsingError) as exc:
        raise BadResponse(
            f"The response from {target.name} is malformed: {exc!r}.", url=url
        ) from exc
    except OSError as exc:
        raise ConnectError(f"The connection to {target.name} failed: {exc}.", url=url) from exc
    finally:
        if transcript is not None and not kept:
            # Failed after the request went out: keep what came, marked truncated (in a
            # finally, exc_info is the FetchError on its way out).
            failure = sys.exc_info()[1]
            if isinstance(failure, FetchError) and conn.wire()[1]:
                truncated = truncated or _truncation(failure)
                keep()
        if response is not None:
            response.close()
        conn.close()


def _read_body(response: HTTPResponse, policy: FetchPolicy, deadline: float, url: str) -> bytes:
    headers = response.headers
    transfer = headers.get("transfer-encoding", "").lower()
    announced = headers.get("content-length", "").strip()
    if (
        "chunked" not in transfer
        and _DIGITS_RE.fullmatch(announced)
        and int(announced) > policy.max_bytes
    ):
        raise TooLarge(
            f"The body is announced as {int(announced)} bytes, over the limit of "
            f"{policy.max_bytes}.",
            url=url,
        )
    body = Body(headers.get("content-encoding"), policy.max_bytes, url)
    try:
        while True:
            chunk = response.read1(CHUNK, decode_content=False)
            if not chunk:
                break
            body.add(chunk)
            if time.monotonic() >= deadline:
                raise _timeout(url, deadline, policy, "Reading the body")
        return body.finish()
    except zlib.error as exc:
        raise BadResponse(f"The compressed body could not be decoded: {exc}.", url=url) from exc
    except urllib3.exceptions.ReadTimeoutError:
        raise _timeout(url, deadline, policy, "Waiting for the next part of the body") from None
    except urllib3.exceptions.ProtocolError as exc:
        raise ConnectError(f"The connection broke while reading the body: {exc}.", url=url) from exc
    except (urllib3.exceptions.SSLError, OSError) as exc:
        raise ConnectError(f"The connection broke while reading the body: {exc}.", url=url) from exc


def _redirect_target(current: Target, location: str, url: str) -> str:
    # http.client decodes headers as Latin-1; most servers meant UTF-8.
    with contextlib.suppress(UnicodeError):
        location = location.encode("latin-1").decode("utf-8")
    location = location.strip(" \t")
    if not location:
        raise BadResponse("The redirect has an empty Location header.", url=url)
    return urljoin(current.url(), location)


def fetch(
    url: str,
    *,
    policy: FetchPolicy,
    method: str = "GET",
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    resolver: Resolver | None = None,
    record: bool = False,
) -> FetchResult:
    """Fetch ``url`` under ``policy``; the rules are in the docstring of ``sources.fetching``.

    Returns a :class:`FetchResult` for any HTTP status (non-2xx included); raises a
    :class:`FetchError` subclass otherwise. ``resolver(host, port)`` replaces DNS
    (tests); it is called once per hop and its answer is what gets checked and
    dialled. ``Redirect.url`` is the URL that answered with each redirect.

    ``record``: keep every hop's bytes (``FetchResult.exchanges``; on failure
    ``FetchError.exchanges``), see the module docstring.
    """
    transcript: list[Exchange] | None = [] if record else None
    try:
        return _fetch(url, policy, method, body, headers, resolver, transcript)
    except FetchError as error:
        error.exchanges = tuple(transcript or ())
        raise


def _fetch(
    url: str,
    policy: FetchPolicy,
    method: str,
    body: bytes | None,
    headers: Mapping[str, str] | None,
    resolver: Resolver | None,
    transcript: list[Exchange] | None,
) -> FetchResult:
    start = time.monotonic()
    deadline = start + policy.total_deadline
    method = method.upper()
    if not re.fullmatch(r"[A-Z]+", method):
        raise ValueError(f"Unsupported method {method!r}")
    extra = dict(headers or {})
    current_url = url
    redirects: list[Redirect] = []
    target = parse_url(url)
    origin = target.origin

    while True:
        addresses = destination(target, policy, resolver, current_url, deadline)
        if target.origin != origin:
            extra = {k: v for k, v in extra.items() if k.lower() not in _CREDENTIAL_HEADERS}
        request_headers = _request_headers(target, policy, extra)

        hop = _exchange(
            target,
            addresses,
            method=method,
            body=body,
            headers=request_headers,
            policy=policy,
            deadline=deadline,
            url=current_url,
            transcript=transcript,
        )
        location = hop.headers.get("location")
        if hop.status in _REDIRECT_STATUSES and location:
            if len(redirects) >= policy.max_redirects:
                raise TooManyRedirects(
                    f"More than {policy.max_redirects} redirects (last from {current_url}).",
                    url=current_url,
                )
            redirects.append(Redirect(url=current_url, status_code=hop.status))
            next_url = _redirect_target(target, location, current_url)
            if (hop.status == 303 and method != "HEAD") or (
                hop.status in (301, 302) and method == "POST"
            ):
                method, body = "GET", None  # browsers' behaviour; 307/308 keep both
                extra = {k: v for k, v in extra.items() if k.lower() != "content-type"}
            current_url = next_url
            target = parse_url(next_url)
            continue

        kept = {name: hop.headers[name] for name in KEPT_HEADERS if name in hop.headers}
        content_type, charset = parse_content_type(hop.headers.get("content-type"))
        return FetchResult(
            url=url,
            final_url=current_url,
            status_code=hop.status,
            redirects=tuple(redirects),
            headers=kept,
            content_type=content_type,
            charset=charset,
            body=hop.body,
            elapsed=time.monotonic() - start,
            peer_address=hop.peer,
            exchanges=tuple(transcript or ()),
        )
