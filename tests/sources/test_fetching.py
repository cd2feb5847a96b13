"""sources/fetching/: SSRF rules, bounds, redirects, decoding, and the URL helpers.

Network rule for this file: traffic only to loopback. ``loopback_only`` (conftest)
refuses and records any other connection or DNS lookup; refused destinations are
additionally proven to stop *before* dialling (``transport.open_socket`` seam, a loopback
listener that counts connections).
"""

from __future__ import annotations

import functools
import gzip
import ipaddress
import os
import pickle
import socket
import subprocess
import sys
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from sources import fetching
from sources.fetching import (
    BadResponse,
    BlockedDestination,
    ConnectError,
    FetchError,
    FetchPolicy,
    FetchTimeout,
    InvalidURL,
    Redirect,
    TooLarge,
    TooManyRedirects,
    check_address,
    fetch,
    is_transient_status,
    normalise_url,
    resolving,
    transport,
    validate_url,
)
from tests.sources.httpserver import (
    Exchange,
    LocalHTTPServer,
    TCPListener,
    drip,
    raw,
    redirect_to,
    silent,
    stream,
)

pytestmark = pytest.mark.usefixtures("loopback_only")

MB = 1024 * 1024
PUBLIC_V4 = "93.184.216.34"
PUBLIC_V6 = "2606:2800:220:1:248:1893:25c8:1946"
STRICT = FetchPolicy(connect_timeout=1, read_timeout=1, total_deadline=3)
# A non-empty allow-list that covers none of the hostile targets: exercises the
# "resolve first, then refuse" path instead of the refusals done before DNS.
UNRELATED_ALLOW = FetchPolicy.from_cidrs(
    "192.0.2.0/24", connect_timeout=1, read_timeout=1, total_deadline=3
)
REPO = Path(__file__).resolve().parents[2]


class ResolverSpy:
    """Injected resolver: answers from a table, records every question."""

    def __init__(
        self, answers: dict[str, Sequence[str]] | None = None, default: Sequence[str] = (PUBLIC_V4,)
    ):
        self.answers = answers or {}
        self.default = default
        self.calls: list[tuple[str, int]] = []

    def __call__(self, host: str, port: int) -> list[Any]:
        self.calls.append((host, port))
        found = self.answers.get(host.rstrip("."), self.default)
        return [ipaddress.ip_address(a) for a in found]


@pytest.fixture
def no_dial(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Replace the only dialling seam with one that records and refuses."""
    calls: list[tuple[str, int]] = []

    def refuse(ip: Any, port: int, timeout: float) -> Any:
        calls.append((str(ip), port))
        raise AssertionError(f"dialled {ip}:{port}")

    monkeypatch.setattr(transport, "open_socket", refuse)  # where _new_conn looks it up
    return calls


@pytest.fixture
def dials(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Record where the fetcher dials (and let it)."""
    calls: list[tuple[str, int]] = []
    real = transport.open_socket

    def spy(ip: Any, port: int, timeout: float) -> Any:
        calls.append((str(ip), port))
        return real(ip, port, timeout)

    monkeypatch.setattr(transport, "open_socket", spy)
    return calls


def test_no_dial_replaces_the_seam_the_fetcher_really_dials_through(
    http_server: LocalHTTPServer, local_policy: FetchPolicy, no_dial: list[tuple[str, int]]
) -> None:
    """The SSRF tests prove "no connection was attempted" with ``no_dial``: that proof
    holds only if ``no_dial`` replaces the seam where the transport looks it up. An
    allowed destination shows that it does: the dial reaches the replacement."""
    with pytest.raises(AssertionError, match="dialled"):
        fetch(http_server.url("/"), policy=local_policy)
    assert no_dial == [("127.0.0.1", http_server.port)]
    assert http_server.requests == []


def case(url: str, error: type[FetchError], *answers: str, id: str) -> Any:
    return pytest.param(url, error, answers or (PUBLIC_V4,), id=id)


# --------------------------------------------------------------------------- hostile URLs

HOSTILE = [
    # Loopback literal: the classic.
    case("http://127.0.0.1/", BlockedDestination, id="loopback"),
    # The name of this machine, refused by name (never asked of DNS).
    case("http://localhost/", BlockedDestination, id="localhost"),
    # Upper case and the FQDN dot must not slip past a string comparison.
    case("http://LOCALHOST./", BlockedDestination, id="LOCALHOST-dot"),
    # Any *.localhost name is this machine too (RFC 6761).
    case("http://app.localhost/", BlockedDestination, id="sub-localhost"),
    # inet_aton short form: "127.1" is 127.0.0.1.
    case("http://127.1/", BlockedDestination, id="short-127.1"),
    # One decimal number for the whole address.
    case("http://2130706433/", BlockedDestination, id="decimal"),
    # Octal first part.
    case("http://0177.0.0.1/", BlockedDestination, id="octal"),
    # Hex, whole and per part.
    case("http://0x7f000001/", BlockedDestination, id="hex"),
    case("http://0x7f.1/", BlockedDestination, id="hex-short"),
    # Full-width digits and dots: IDNA maps them to ASCII, as browsers do.
    case("http://\uff11\uff12\uff17.\uff10.\uff10.\uff11/", BlockedDestination, id="fullwidth"),
    # Unspecified: a connect() to 0.0.0.0 reaches the local host on Linux.
    case("http://0.0.0.0/", BlockedDestination, id="unspecified-v4"),
    # IPv6 loopback and unspecified.
    case("http://[::1]/", BlockedDestination, id="loopback-v6"),
    case("http://[::]/", BlockedDestination, id="unspecified-v6"),
    # IPv4-mapped IPv6 wrapping loopback and the metadata address, both spellings.
    case("http://[::ffff:127.0.0.1]/", BlockedDestination, id="mapped-loopback"),
    case("http://[::ffff:169.254.169.254]/", BlockedDestination, id="mapped-metadata"),
    case("http://[::ffff:7f00:1]/", BlockedDestination, id="mapped-hex"),
    # IPv4-compatible (deprecated) form.
    case("http://[::127.0.0.1]/", BlockedDestination, id="compatible"),
    # 6to4 prefix embedding 127.0.0.1.
    case("http://[2002:7f00:1::]/", BlockedDestination, id="6to4-loopback"),
    # NAT64 well-known prefix embedding loopback and metadata.
    case("http://[64:ff9b::7f00:1]/", BlockedDestination, id="nat64-loopback"),
    case("http://[64:ff9b::a9fe:a9fe]/", BlockedDestination, id="nat64-metadata"),
    # Local-use NAT64 prefix (RFC 8215).
    case("http://[64:ff9b:1::a00:1]/", BlockedDestination, id="nat64-local-use"),
    # Teredo whose (obfuscated) client address is 10.0.0.1.
    case("http://[2001:0:5db8:d822::f5ff:fffe]/", BlockedDestination, id="teredo-private"),
    # Link-local with a zone identifier.
    case("http://[fe80::1%25eth0]/", BlockedDestination, id="link-local-zone"),
    # Unique local (the IPv6 "private" range).
    case("http://[fd00::1]/", BlockedDestination, id="ula"),
    # AWS metadata over IPv6.
    case("http://[fd00:ec2::254]/", BlockedDestination, id="metadata-v6"),
    # Cloud metadata: address and names.
    case("http://169.254.169.254/latest/meta-data/", BlockedDestination, id="metadata-v4"),
    case("http://metadata.google.internal/computeMetadata/v1/", BlockedDestination, id="gcp"),
    case("http://metadata/", BlockedDestination, id="metadata-short"),
    case("http://100.100.100.200/", BlockedDestination, id="alibaba-metadata"),
    # Shared address space (carrier-grade NAT).
    case("http://100.64.0.1/", BlockedDestination, id="cgnat"),
    # Multicast, v4 and v6 (3.12.1's is_global says True for these).
    case("http://224.0.0.1/", BlockedDestination, id="multicast-v4"),
    case("http://[ff02::1]/", BlockedDestination, id="multicast-v6"),
    # Limited broadcast.
    case("http://255.255.255.255/", BlockedDestination, id="broadcast"),
    # RFC 1918.
    case("http://10.0.0.1/", BlockedDestination, id="rfc1918-10"),
    case("http://172.16.0.1/", BlockedDestination, id="rfc1918-172"),
    case("http://192.168.1.1/", BlockedDestination, id="rfc1918-192"),
    # Benchmarking, IETF assignments, reserved class E.
    case("http://198.18.0.1/", BlockedDestination, id="benchmarking"),
    case("http://192.0.0.8/", BlockedDestination, id="ietf-192.0.0"),
    case("http://240.0.0.1/", BlockedDestination, id="class-e"),
    # Special-use and single-label names: internal by construction.
    case("http://router.internal/", BlockedDestination, id="dot-internal"),
    case("http://printer.local/", BlockedDestination, id="mdns"),
    case("http://intranet/", BlockedDestination, id="single-label"),
    # Userinfo: the host is what follows "@", so refuse userinfo altogether.
    case("http://good.example@127.0.0.1/", InvalidURL, id="userinfo"),
    case("http://good.example:80@127.0.0.1/", InvalidURL, id="userinfo-port"),
    # The "@" is inside the fragment: the host is 127.0.0.1.
    case("http://127.0.0.1#@good.example/", BlockedDestination, id="fragment-at"),
    # Browsers read "\" as "/": a parser differential, refused.
    case("http://127.0.0.1\\@good.example/", InvalidURL, id="backslash"),
    # Brackets must hold an IPv6 literal, not a name or an IPv4 address.
    case("http://[evil.example]/", InvalidURL, id="bracketed-name"),
    case("http://[127.0.0.1]/", InvalidURL, id="bracketed-v4"),
    # Unbracketed IPv6.
    case("http://::1/", InvalidURL, id="unbracketed-v6"),
    # NUL and CR/LF (header injection), space and tab.
    case("http://good.example/\x00", InvalidURL, id="nul-path"),
    case("http://good.example\x00.127.0.0.1/", InvalidURL, id="nul-host"),
    case("http://good.example/\r\nHost: 127.0.0.1", InvalidURL, id="crlf"),
    case("http://good.example /", InvalidURL, id="space"),
    case("http://good.example/\u202eevil", InvalidURL, id="bidi-override"),
    # Percent-encoded host: a second decoder would see 127.0.0.1.
    case("http://%31%32%37.0.0.1/", InvalidURL, id="percent-host"),
    # Numeric-looking hosts that are not addresses.
    case("http://256.256.256.256/", InvalidURL, id="octet-overflow"),
    case("http://1.2.3.4.5/", InvalidURL, id="five-parts"),
    case("http://good.123/", InvalidURL, id="ends-in-number"),
    # Other schemes, including the SSRF favourites.
    case("file:///etc/passwd", InvalidURL, id="file"),
    case("gopher://127.0.0.1:70/_SET%20x", InvalidURL, id="gopher"),
    case("ftp://ftp.example.org/", InvalidURL, id="ftp"),
    case("data:text/html,<script>alert(1)</script>", InvalidURL, id="data"),
    case("javascript:alert(1)", InvalidURL, id="javascript"),
    case("dict://127.0.0.1:11211/stats", InvalidURL, id="dict"),
    case("http:127.0.0.1/", InvalidURL, id="no-slashes"),
    case("http:///127.0.0.1/", InvalidURL, id="empty-authority"),
    # Ports other than 80/443 on a public address: refused before connecting.
    case("http://good.example:8080/", BlockedDestination, id="port-8080"),
    case("https://good.example:22/", BlockedDestination, id="port-ssh"),
    case(f"http://{PUBLIC_V4}:6379/", BlockedDestination, id="port-literal"),
    case("http://good.example:99999/", InvalidURL, id="port-range"),
    case("http://good.example:0/", InvalidURL, id="port-zero"),
    # A name with one public and one private address: every address is checked.
    case("http://mixed.example/", BlockedDestination, PUBLIC_V4, "10.0.0.1", id="mixed"),
    case("http://mixed.example/", BlockedDestination, "10.0.0.1", PUBLIC_V4, id="mixed-rev"),
    # Names whose DNS answer is internal (rebinding, mapped, ULA, metadata).
    case("http://rebind.example/", BlockedDestination, "127.0.0.1", id="dns-loopback"),
    case("http://mapped.example/", BlockedDestination, "::ffff:169.254.169.254", id="dns-mapped"),
    case("http://ula.example/", BlockedDestination, "fd12:3456::1", id="dns-ula"),
    case("http://imds.example/", BlockedDestination, "169.254.169.254", id="dns-metadata"),
    # Too long.
    case("http://good.example/" + "a" * 2100, InvalidURL, id="too-long"),
]


@pytest.mark.parametrize("policy", [STRICT, UNRELATED_ALLOW], ids=["strict", "unrelated-allow"])
@pytest.mark.parametrize(("url", "error", "answers"), HOSTILE)
def test_hostile_url_is_refused_before_any_connection(
    url: str,
    error: type[FetchError],
    answers: Sequence[str],
    policy: FetchPolicy,
    no_dial: list[tuple[str, int]],
) -> None:
    resolver = ResolverSpy(default=answers)
    with pytest.raises(error) as info:
        fetch(url, policy=policy, resolver=resolver)
    assert no_dial == []
    assert info.value.reason and not info.value.transient
    if not policy.allow_networks and answers == (PUBLIC_V4,):
        # With nothing exempt, literals, names and ports are refused before any DNS
        # question; only the cases about DNS answers need one.
        assert resolver.calls == []


def test_mixed_answer_names_the_private_address() -> None:
    resolver = ResolverSpy({"intranet.example": [PUBLIC_V4, "10.0.0.5"]})
    with pytest.raises(BlockedDestination) as info:
        fetch("http://intranet.example/", policy=STRICT, resolver=resolver)
    assert info.value.reason == "The address 10.0.0.5 of intranet.example is private and refused."
    assert info.value.url == "http://intranet.example/"


LOOPBACK_FORMS = [
    "http://127.0.0.1:{port}/",
    "http://localhost:{port}/",
    "http://LOCALHOST.:{port}/",
    "http://127.1:{port}/",
    "http://2130706433:{port}/",
    "http://0x7f000001:{port}/",
    "http://0177.0.0.1:{port}/",
    "http://0x7f.1:{port}/",
    "http://0.0.0.0:{port}/",
    "http://[::1]:{port}/",
    "http://[::ffff:127.0.0.1]:{port}/",
    "http://[::127.0.0.1]:{port}/",
    "http://good.example@127.0.0.1:{port}/",
    "http://127.0.0.1:{port}#@good.example/",
    "http://rebind.example:{port}/",
    "https://127.0.0.1:{port}/",
]


@pytest.mark.parametrize("form", LOOPBACK_FORMS)
def test_loopback_listener_never_sees_a_connection(form: str, tcp_listener: TCPListener) -> None:
    # Real sockets this time: a listener on the very port, counting connections.
    url = form.format(port=tcp_listener.port)
    resolver = ResolverSpy(default=("127.0.0.1",))
    with pytest.raises((BlockedDestination, InvalidURL)):
        fetch(url, policy=STRICT, resolver=resolver)
    assert tcp_listener.settle() == 0


def test_loopback_listener_does_count_a_connection(tcp_listener: TCPListener) -> None:
    # The control for the test above: an allowed fetch does reach the listener
    # (which hangs up at once), so "0 connections" there means something.
    policy = FetchPolicy.from_cidrs("127.0.0.0/8", read_timeout=1, total_deadline=3)
    with pytest.raises(ConnectError):
        fetch(tcp_listener.url(), policy=policy)
    assert tcp_listener.settle() == 1


REFUSED_REDIRECTS = [
    # Private address.
    ("http://10.0.0.1/", BlockedDestination),
    # Metadata, literal and by name.
    ("http://169.254.169.254/latest/meta-data/", BlockedDestination),
    ("http://metadata.google.internal/", BlockedDestination),
    # IPv6 loopback is not in the allowed 127.0.0.0/8.
    ("http://[::1]:{port}/", BlockedDestination),
    # Mapped and hex forms of a private address.
    ("http://[::ffff:10.0.0.1]/", BlockedDestination),
    ("http://0x0a000001/", BlockedDestination),
    # Special-use name (resolved, then refused: the answer is not exempt).
    ("http://router.internal/", BlockedDestination),
    # Public name on a non-web port.
    ("http://public.example:8080/", BlockedDestination),
    # Scheme changes.
    ("file:///etc/passwd", InvalidURL),
    ("gopher://127.0.0.1:{port}/_x", InvalidURL),
    # Userinfo inside a Location.
    ("http://u:p@127.0.0.1:{port}/", InvalidURL),
]


@pytest.mark.parametrize(("location", "error"), REFUSED_REDIRECTS)
def test_redirect_to_refused_destination_stops_before_connecting(
    location: str,
    error: type[FetchError],
    http_server: LocalHTTPServer,
    local_policy: FetchPolicy,
    dials: list[tuple[str, int]],
) -> None:
    http_server.redirect("/go", location.format(port=http_server.port))
    with pytest.raises(error):
        fetch(http_server.url("/go"), policy=local_policy, resolver=ResolverSpy())
    assert len(http_server.requests) == 1
    assert dials == [("127.0.0.1", http_server.port)]


def test_localhost_is_allowed_when_the_policy_covers_loopback(
    http_server: LocalHTTPServer, local_policy: FetchPolicy
) -> None:
    # Documented choice: "localhost" means 127.0.0.1/::1 without asking DNS, and is
    # refused by name unless allow_networks covers those addresses (tests do).
    http_server.redirect("/go", http_server.url("/ok", host="localhost"))
    http_server.respond("/ok", body=b"ok")
    result = fetch(http_server.url("/go"), policy=local_policy)
    assert (result.status_code, result.body) == (200, b"ok")
    assert http_server.requests[1].headers["host"] == f"localhost:{http_server.port}"


# --------------------------------------------------------------------------- basic fetching


def test_fetch_html_page(http_server: LocalHTTPServer, local_policy: FetchPolicy) -> None:
    page = b"<html><head><title>Kasachstan</title></head><body>Unruhen</body></html>"
    http_server.respond(
        "/article",
        body=page,
        headers={
            "ETag": '"v1"',
            "Last-Modified": "Wed, 05 Jan 2022 10:00:00 GMT",
            "X-Secret": "no",
        },
        content_type="text/html; charset=UTF-8",
    )
    result = fetch(http_server.url("/article?id=1#top"), policy=local_policy)

    assert result.status_code == 200
    assert result.body == page
    assert (result.content_type, result.charset) == ("text/html", "utf-8")
    assert result.url == http_server.url("/article?id=1#top")
    assert result.final_url == result.url and result.redirects == ()
    assert result.headers["etag"] == '"v1"'
    assert result.headers["content-length"] == str(len(page))
    assert "x-secret" not in result.headers and "X-Secret" not in result.headers
    assert result.elapsed > 0
    assert result.peer_address == "127.0.0.1"
    request = http_server.requests[0]
    assert request.target == "/article?id=1"  # origin-form, no fragment


def test_request_headers(http_server: LocalHTTPServer, local_policy: FetchPolicy) -> None:
    http_server.respond("/", body=b"hi")
    fetch(http_server.url("/"), policy=local_policy, headers={"Accept-Language": "de"})
    headers = http_server.requests[0].headers
    assert headers["user-agent"] == "FactcheckDesk/1.0 (+source archiver)"
    assert headers["host"] == f"127.0.0.1:{http_server.port}"
    assert headers["accept-encoding"].startswith("gzip, deflate")
    assert headers["accept-language"] == "de"


def test_custom_user_agent_from_policy(
    http_server: LocalHTTPServer, local_policy: FetchPolicy
) -> None:
    http_server.respond("/", body=b"hi")
    fetch(http_server.url("/"), policy=replace(local_policy, user_agent="Desk-Test/2"))
    assert http_server.requests[0].headers["user-agent"] == "Desk-Test/2"


@pytest.mark.parametrize(
    "name", ["Host", "user-agent", "Accept-Encoding", "Transfer-Encoding", "Proxy-Authorization"]
)
def test_headers_owned_by_the_fetcher_cannot_be_overridden(name: str, no_dial: list[Any]) -> None:
    with pytest.raises(ValueError, match="set by the fetcher"):
        fetch(f"http://{PUBLIC_V4}/", policy=STRICT, headers={name: "x"})
    assert no_dial == []


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Injected": "a\r\nHost: 127.0.0.1"},  # header injection through a value
        {"Bad Name": "x"},  # not a token
        {"X-Nul": "a\0b"},
    ],
)
def test_malformed_caller_headers_are_refused(headers: dict[str, str], no_dial: list[Any]) -> None:
    with pytest.raises(ValueError, match="malformed"):
        fetch(f"http://{PUBLIC_V4}/", policy=STRICT, headers=headers)
    assert no_dial == []


def test_name_is_resolved_once_and_the_checked_address_is_dialled(
    http_server: LocalHTTPServer,
    local_policy: FetchPolicy,
    dials: list[tuple[str, int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # DNS rebinding: the first answer is loopback (allowed here), later ones are
    # private. Only one question is asked, and the answer checked is the one dialled.
    answers = iter([["127.0.0.1"], ["10.0.0.1"], ["10.0.0.1"]])
    calls: list[tuple[str, int]] = []

    def rebinding(host: str, port: int) -> list[Any]:
        calls.append((host, port))
        return [ipaddress.ip_address(a) for a in next(answers)]

    monkeypatch.setattr(socket, "getaddrinfo", _no_system_dns)
    http_server.respond("/", body=b"news")
    result = fetch(
        http_server.url("/", host="news.example"), policy=local_policy, resolver=rebinding
    )

    assert result.body == b"news"
    assert calls == [("news.example", http_server.port)]
    assert dials == [("127.0.0.1", http_server.port)]
    assert http_server.requests[0].headers["host"] == f"news.example:{http_server.port}"


def _no_system_dns(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("the system resolver must not be used")


def test_trailing_dot_is_kept_for_dns_but_not_for_host(
    http_server: LocalHTTPServer, local_policy: FetchPolicy
) -> None:
    resolver = ResolverSpy({"news.example": ["127.0.0.1"]})
    http_server.respond("/", body=b"ok")
    fetch(http_server.url("/", host="News.Example."), policy=local_policy, resolver=resolver)
    assert resolver.calls == [("news.example.", http_server.port)]
    assert http_server.requests[0].headers["host"] == f"news.example:{http_server.port}"


def test_default_resolver_uses_getaddrinfo_once(
    http_server: LocalHTTPServer, local_policy: FetchPolicy, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, ...]] = []

    def fake_getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        calls.append((host, port))
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    http_server.respond("/", body=b"ok")
    result = fetch(http_server.url("/", host="news.example"), policy=local_policy)
    assert result.body == b"ok"
    assert calls == [("news.example", http_server.port)]


def test_default_resolver_is_bounded_by_the_connect_timeout(
    monkeypatch: pytest.MonkeyPatch, no_dial: list[Any]
) -> None:
    def slow_getaddrinfo(*args: Any, **kwargs: Any) -> list[Any]:
        time.sleep(1.0)
        return []

    monkeypatch.setattr(socket, "getaddrinfo", slow_getaddrinfo)
    policy = FetchPolicy.from_cidrs("127.0.0.0/8", connect_timeout=0.2)
    with pytest.raises(FetchTimeout, match=r"Looking up slow\.example") as info:
        fetch("http://slow.example/", policy=policy)
    assert info.value.transient
    assert no_dial == []


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        # NXDOMAIN: the name does not exist; recorded, not retried.
        (socket.gaierror(socket.EAI_NONAME, "Name or service not known"), False),
        # Temporary resolver failure: retried with backoff.
        (socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution"), True),
        (OSError("resolver socket broke"), True),
    ],
)
def test_dns_failures(error: OSError, transient: bool, no_dial: list[Any]) -> None:
    def failing(host: str, port: int) -> list[Any]:
        raise error

    with pytest.raises(ConnectError) as info:
        fetch("http://gone.example/", policy=STRICT, resolver=failing)
    assert info.value.transient is transient
    assert "gone.example" in info.value.reason


def test_empty_dns_answer_is_permanent(no_dial: list[Any]) -> None:
    with pytest.raises(ConnectError) as info:
        fetch("http://empty.example/", policy=STRICT, resolver=lambda host, port: [])
    assert not info.value.transient


def test_connection_refused_is_transient(local_policy: FetchPolicy) -> None:
    with socket.socket() as sock:  # a port that nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ConnectError) as info:
        fetch(f"http://127.0.0.1:{port}/", policy=local_policy)
    assert info.value.transient


def test_connect_timeout(local_policy: FetchPolicy, monkeypatch: pytest.MonkeyPatch) -> None:
    def hanging(ip: Any, port: int, timeout: float) -> Any:
        raise TimeoutError("timed out")

    monkeypatch.setattr(transport, "open_socket", hanging)
    with pytest.raises(FetchTimeout) as info:
        fetch("http://127.0.0.1:9/", policy=local_policy)
    assert info.value.transient


def test_every_checked_address_is_tried_in_order(
    http_server: LocalHTTPServer, local_policy: FetchPolicy, dials: list[tuple[str, int]]
) -> None:
    # 127.0.0.2 refuses (nothing listens there), 127.0.0.1 answers.
    http_server.respond("/", body=b"second")
    resolver = ResolverSpy({"multi.example": ["127.0.0.2", "127.0.0.1"]})
    result = fetch(
        http_server.url("/", host="multi.example"), policy=local_policy, resolver=resolver
    )
    assert result.body == b"second"
    assert [ip for ip, _ in dials] == ["127.0.0.2", "127.0.0.1"]


def test_proxy_environment_is_ignored(
    http_server: LocalHTTPServer,
    local_policy: FetchPolicy,
    tcp_listener: TCPListener,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    proxy = tcp_listener.url()
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.setenv(name, proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    http_server.respond("/", body=b"direct")

    result = fetch(http_server.url("/"), policy=local_policy)

    assert result.body == b"direct"
    assert http_server.requests[0].target == "/"  # a proxy would get the absolute form
    assert tcp_listener.settle() == 0


def test_head_request_reads_no_body(
    http_server: LocalHTTPServer, local_policy: FetchPolicy
) -> None:
    def huge_head(ex: Exchange) -> None:
        ex.start(200, [("Content-Type", "video/mp4"), ("Content-Length", str(50 * MB))])

    http_server.route("/video", huge_head)
    result = fetch(http_server.url("/video"), policy=local_policy, method="HEAD")
    assert (result.status_code, result.body, result.content_type) == (200, b"", "video/mp4")
    assert http_server.requests[0].method == "HEAD"


# --------------------------------------------------------------------------- statuses & types


@pytest.mark.parametrize(
    ("status", "transient"),
    [(404, False), (410, False), (403, False), (429, True), (500, True), (502, True), (503, True)],
)
def test_error_statuses_are_results(
    status: int, transient: bool, http_server: LocalHTTPServer, local_policy: FetchPolicy
) -> None:
    http_server.respond("/x", status, b"nope", headers={"Retry-After": "120"})
    result = fetch(http_server.url("/x"), policy=local_policy)
    assert result.status_code == status
    assert result.body == b"nope"
    assert result.headers["retry-after"] == "120"
    assert is_transient_status(result.status_code) is transient


@pytest.mark.parametrize(
    ("code", "transient"),
    [
        (200, False), (301, False), (400, False), (401, False), (404, False), (410, False),
        (408, True), (425, True), (429, True), (500, True), (501, False), (502, True),
        (503, True), (504, True), (505, False),
    ],
)  # fmt: skip
def test_is_transient_status(code: int, transient: bool) -> None:
    assert is_transient_status(code) is transient


CYRILLIC = 'Токаев: "террористические группы, подготовленные за рубежом"'


@pytest.mark.parametrize("encoding", ["windows-1251", "koi8-r"])
def test_legacy_cyrillic_page_without_charset_is_returned_as_bytes(
    encoding: str, http_server: LocalHTTPServer, local_policy: FetchPolicy
) -> None:
    # Decoding is extraction's job: the fetcher hands over the exact bytes.
    page = f"<html><head><title>{CYRILLIC}</title></head><body><p>{CYRILLIC}</p></body></html>"
    body = page.encode(encoding)
    http_server.respond("/ru", body=body, content_type="text/html")
    result = fetch(http_server.url("/ru"), policy=local_policy)
    assert result.body == body
    assert (result.content_type, result.charset) == ("text/html", None)


@pytest.mark.parametrize(
    ("header", "content_type", "charset"),
    [
        ("text/html; charset=Windows-1251", "text/html", "windows-1251"),
        ('TEXT/HTML;Charset="KOI8-R"', "text/html", "koi8-r"),
        ("application/xhtml+xml; charset=utf-8; foo=bar", "application/xhtml+xml", "utf-8"),
        ("text/plain; charset=", "text/plain", None),
    ],
)
def test_content_type_and_charset(
    header: str,
    content_type: str,
    charset: str | None,
    http_server: LocalHTTPServer,
    local_policy: FetchPolicy,
) -> None:
    http_server.respond("/", body=b"x", content_type=header)
    result = fetch(http_server.url("/"), policy=local_policy)
    assert (result.content_type, result.charset) == (content_type, charset)


def test_missing_content_type(http_server: LocalHTTPServer, local_policy: FetchPolicy) -> None:
    http_server.respond("/", body=b"x", content_type=None)
    result = fetch(http_server.url("/"), policy=local_policy)
    assert (result.content_type, result.charset) == ("", None)


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
PDF = (
    b"%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type/Pages/Kids[]/Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
)


@pytest.mark.parametrize(
    ("body", "content_type", "extra"),
    [
        (PNG, "image/png", {}),
        (PDF, "application/pdf", {"Content-Disposition": 'inline; filename="bericht.pdf"'}),
    ],
    ids=["png", "pdf"],
)
def test_binary_types_are_kept_with_their_type(
    body: bytes,
    content_type: str,
    extra: dict[str, str],
    http_server: LocalHTTPServer,
    local_policy: FetchPolicy,
) -> None:
    http_server.respond("/file", body=body, content_type=content_type, headers=extra)
    result = fetch(http_server.url("/file"), policy=local_policy)
    assert (result.body, result.content_type) == (body, content_type)
    for name, value in extra.items():
        assert result.headers[name.lower()] == value


# --------------------------------------------------------------------------- redirects


def test_relative_redirects(http_server: LocalHTTPServer, local_policy: FetchPolicy) -> None:
    port = http_server.port
    http_server.redirect("/r/a", "b", 301)  # relative path
    http_server.redirect("/r/b", "../c?x=1", 302)  # dot segments and a query
    http_server.redirect("/c", "/d", 307)  # absolute path
    http_server.redirect("/d", f"//127.0.0.1:{port}/e", 308)  # scheme-relative
    hits: list[str] = []

    def final(ex: Exchange) -> None:  # routes match paths, so look at the query here
        hits.append(ex.request.target)
        if ex.request.target == "/e":
            redirect_to("?q=1", 303)(ex)  # query only
        else:
            ex.respond(200, b"end")

    http_server.route("/e", final)
    result = fetch(http_server.url("/r/a"), policy=local_policy)

    base = http_server.url("")
    assert result.body == b"end"
    assert result.final_url == f"{base}/e?q=1"
    assert result.redirects == (
        Redirect(f"{base}/r/a", 301),
        Redirect(f"{base}/r/b", 302),
        Redirect(f"{base}/c?x=1", 307),
        Redirect(f"{base}/d", 308),
        Redirect(f"{base}/e", 303),
    )
    assert hits == ["/e", "/e?q=1"]


def test_303_turns_post_into_get(http_server: LocalHTTPServer, local_policy: FetchPolicy) -> None:
    http_server.redirect("/form", "/result", 303)
    http_server.respond("/result", body=b"thanks")
    result = fetch(
        http_server.url("/form"),
        policy=local_policy,
        method="POST",
        body=b"a=1",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert result.body == b"thanks"
    first, second = http_server.requests
    assert (first.method, first.body) == ("POST", b"a=1")
    assert (second.method, second.body) == ("GET", b"")
    assert "content-type" not in second.headers and "content-length" not in second.headers


@pytest.mark.parametrize(
    ("status", "method"), [(301, "GET"), (302, "GET"), (307, "POST"), (308, "POST")]
)
def test_post_redirect_methods(
    status: int, method: str, http_server: LocalHTTPServer, local_policy: FetchPolicy
) -> None:
    # 301/302 after POST become GET (what browsers do); 307/308 repeat the POST.
    http_server.redirect("/form", "/result", status)
    http_server.respond("/result", body=b"ok")
    fetch(http_server.url("/form"), policy=local_policy, method="POST", body=b"a=1")
    second = http_server.requests[1]
    assert second.method == method
    assert second.body == (b"a=1" if method == "POST" else b"")


def test_redirect_loop(http_server: LocalHTTPServer, local_policy: FetchPolicy) -> None:
    http_server.redirect("/loop", "/loop")
    with pytest.raises(TooManyRedirects) as info:
        fetch(http_server.url("/loop"), policy=local_policy)
    assert not info.value.transient
    assert len(http_server.requests) == local_policy.max_redirects + 1


@pytest.mark.parametrize(("hops", "ok"), [(5, True), (6, False)])
def test_redirect_limit_is_five(
    hops: int, ok: bool, http_server: LocalHTTPServer, local_policy: FetchPolicy
) -> None:
    for i in range(hops):
        http_server.redirect(f"/{i}", f"/{i + 1}")
    http_server.respond(f"/{hops}", body=b"end")
    if ok:
        assert len(fetch(http_server.url("/0"), policy=local_policy).redirects) == hops
    else:
        with pytest.raises(TooManyRedirects):
            fetch(http_server.url("/0"), policy=local_policy)


def test_redirect_without_location_is_a_result(
    http_server: LocalHTTPServer, local_policy: FetchPolicy
) -> None:
    http_server.respond("/", 302, b"moved somewhere")
    result = fetch(http_server.url("/"), policy=local_policy)
    assert (result.status_code, result.redirects) == (302, ())


def test_credentials_are_dropped_when_a_redirect_leaves_the_origin(
    http_server: LocalHTTPServer, local_policy: FetchPolicy
) -> None:
    http_server.redirect("/a", "/b")  # same origin: kept
    http_server.redirect("/b", http_server.url("/c", host="localhost"))  # other origin
    http_server.respond("/c", body=b"ok")
    fetch(http_server.url("/a"), policy=local_policy, headers={"Authorization": "Bearer s3cret"})
    assert [r.headers.get("authorization") for r in http_server.requests] == [
        "Bearer s3cret",
        "Bearer s3cret",
        None,
    ]


def test_redirect_with_utf8_location(
    http_server: LocalHTTPServer, local_policy: FetchPolicy
) -> None:
    # Raw UTF-8 bytes in the header, as many servers send them.
    http_server.redirect("/old", "/Präsident".encode().decode("latin-1"))
    http_server.respond("/Pr%C3%A4sident", body=b"ok")
    result = fetch(http_server.url("/old"), policy=local_policy)
    assert result.body == b"ok"
    assert http_server.requests[1].target == "/Pr%C3%A4sident"


# --------------------------------------------------------------------------- size caps


def _peak_memory(action: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        action()
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


def _expect(error: type[Exception], action: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        with pytest.raises(error):
            action()

    return run


def test_announced_oversized_body_is_refused_before_reading(
    http_server: LocalHTTPServer, local_policy: FetchPolicy
) -> None:
    http_server.route("/big", stream(50 * MB, framing="length"))
    peak = _peak_memory(
        _expect(TooLarge, lambda: fetch(http_server.url("/big"), policy=local_policy))
    )
    assert peak < 2 * MB


@pytest.mark.parametrize("framing", ["close", "chunked"])
def test_unannounced_oversized_body_stops_at_the_cap(
    framing: str, http_server: LocalHTTPServer, local_policy: FetchPolicy
) -> None:
    http_server.route("/big", stream(50 * MB, framing=framing))
    peak = _peak_memory(
        _expect(TooLarge, lambda: fetch(http_server.url("/big"), policy=local_policy))
    )
    # The cap is 10 MB: what was read is held once, never the 50 MB.
    assert peak < 16 * MB


@pytest.mark.parametrize(("size", "ok"), [(1000, True), (1001, False)])
@pytest.mark.parametrize("framing", ["close", "length", "chunked"])
def test_cap_is_inclusive(
    size: int, ok: bool, framing: str, http_server: LocalHTTPServer, local_policy: FetchPolicy
) -> None:
    http_server.route("/x", stream(size, framing=framing, chunk=300))
    policy = replace(local_policy, max_bytes=1000)
    if ok:
        assert fetch(http_server.url("/x"), policy=policy).body == b"x" * size
    else:
        with pytest.raises(TooLarge):
            fetch(http_server.url("/x"), policy=policy)


@functools.cache
def _bomb(wbits: int, size: int = 64 * MB) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    zeros = bytes(MB)
    return b"".join([compressor.compress(zeros) for _ in range(size // MB)] + [compressor.flush()])


GZIP, ZLIB, RAW_DEFLATE = 31, 15, -15


@pytest.mark.parametrize(
    ("encoding", "wbits"),
    [("gzip", GZIP), ("x-gzip", GZIP), ("deflate", ZLIB), ("deflate", RAW_DEFLATE)],
    ids=["gzip", "x-gzip", "deflate-zlib", "deflate-raw"],
)
def test_compression_bomb_stops_at_the_decoded_cap(
    encoding: str, wbits: int, http_server: LocalHTTPServer, local_policy: FetchPolicy
) -> None:
    bomb = _bomb(wbits)
    assert len(bomb) < 200 * 1024  # 64 MB of zeros in a small body
    http_server.respond("/bomb", body=bomb, headers={"Content-Encoding": encoding})
    holder: list[BaseException] = []

    def run() -> None:
        with pytest.raises(TooLarge) as info:
            fetch(http_server.url("/bomb"), policy=local_policy)
        holder.append(info.value)

    peak = _peak_memory(run)
    assert "decoded" in holder[0].reason
    assert peak < 16 * MB


def test_double_gzip_bomb(http_server: LocalHTTPServer, local_policy: FetchPolicy) -> None:
    twice = gzip.compress(_bomb(GZIP))
    http_server.respond("/bomb", body=twice, headers={"Content-Encoding": "gzip, gzip"})
    with pytest.raises(TooLarge):
        fetch(http_server.url("/bomb"), policy=local_policy)


def test_gzip_bomb_behind_a_redirect(
    http_server: LocalHTTPServer, local_policy: FetchPolicy
) -> None:
    http_server.redirect("/innocent", "/bomb")
    http_server.respond("/bomb", body=_bomb(GZIP), headers={"Content-Encoding": "gzip"})
    with pytest.raises(TooLarge):
        fetch(http_server.url("/innocent"), policy=local_policy)
    assert [r.path for r in http_server.requests] == ["/innocent", "/bomb"]


PAGE = ("<html><body>" + "Die Regierung spricht von Terror. " * 2000 + "</body></html>").encode()


def _deflate(data: bytes, wbits: int) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, wbits)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        ("gzip", gzip.compress(PAGE)),
        ("GZIP", gzip.compress(PAGE)),
        ("deflate", _deflate(PAGE, ZLIB)),
        ("deflate", _deflate(PAGE, RAW_DEFLATE)),
        ("gzip, gzip", gzip.compress(gzip.compress(PAGE))),
        ("identity", PAGE),
        # Two gzip members back to back (what `cat a.gz b.gz` makes).
        ("gzip", gzip.compress(PAGE[:1000]) + gzip.compress(PAGE[1000:])),
        # Junk after the end of the stream is ignored, as browsers do.
        ("gzip", gzip.compress(PAGE) + b"\r\n"),
    ],
    ids=[
        "gzip",
        "upper",
        "deflate-zlib",
        "deflate-raw",
        "double",
        "identity",
        "multi-member",
        "trailing",
    ],
)
def test_compressed_bodies_are_decoded(
    encoding: str, body: bytes, http_server: LocalHTTPServer, local_policy: FetchPolicy
) -> None:
    http_server.respond("/", body=body, headers={"Content-Encoding": encoding})
    assert fetch(http_server.url("/"), policy=local_policy).body == PAGE


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        ("zstd", b"(\xb5/\xfd..."),  # not supported here: refused, not passed on raw
        ("gzip", b"\x1f\x8b\x08\x00garbage-not-deflate" * 10),  # corrupt stream
        ("gzip, gzip, gzip, gzip", b""),  # too many layers
    ],
    ids=["unsupported", "corrupt", "too-many"],
)
def test_undecodable_bodies(
    encoding: str, body: bytes, http_server: LocalHTTPServer, local_policy: FetchPolicy
) -> None:
    http_server.respond("/", body=body, headers={"Content-Encoding": encoding})
    with pytest.raises(BadResponse):
        fetch(http_server.url("/"), policy=local_policy)


# --------------------------------------------------------------------------- time bounds


def test_dripping_body_cannot_stretch_the_total_deadline(http_server: LocalHTTPServer) -> None:
    # A byte every 0.1 s never trips the 1 s read timeout; only the deadline ends it.
    http_server.route("/drip", drip(b"x" * 1000, 0.1))
    policy = FetchPolicy.from_cidrs("127.0.0.0/8", read_timeout=1.0, total_deadline=1.0)
    start = time.monotonic()
    with pytest.raises(FetchTimeout, match="total deadline") as info:
        fetch(http_server.url("/drip"), policy=policy)
    assert info.value.transient
    assert time.monotonic() - start < 3 * policy.total_deadline  # safety bound only


def test_dripping_headers_cannot_stretch_the_total_deadline(http_server: LocalHTTPServer) -> None:
    # Status line and headers one byte at a time: http.client reads them with many
    # recv() calls, each capped by the remaining deadline.
    response = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000 + b"\r\n\r\n"
    http_server.route("/drip", drip(response, 0.1, raw_response=True))
    policy = FetchPolicy.from_cidrs("127.0.0.0/8", read_timeout=1.0, total_deadline=1.0)
    start = time.monotonic()
    with pytest.raises(FetchTimeout, match="total deadline"):
        fetch(http_server.url("/drip"), policy=policy)
    assert time.monotonic() - start < 3 * policy.total_deadline


def test_deadline_covers_redirects(http_server: LocalHTTPServer) -> None:
    def slow_redirect(ex: Exchange) -> None:
        ex.wait(0.4)
        redirect_to("/slow")(ex)

    http_server.route("/slow", slow_redirect)
    policy = FetchPolicy.from_cidrs(
        "127.0.0.0/8", read_timeout=1.0, total_deadline=1.0, max_redirects=50
    )
    with pytest.raises(FetchTimeout):
        fetch(http_server.url("/slow"), policy=policy)
    assert len(http_server.requests) <= 4


def test_silent_server_times_out(http_server: LocalHTTPServer) -> None:
    http_server.route("/silent", silent())
    policy = FetchPolicy.from_cidrs("127.0.0.0/8", read_timeout=0.3, total_deadline=3.0)
    with pytest.raises(FetchTimeout, match=r"longer than 0\.3 s") as info:
        fetch(http_server.url("/silent"), policy=policy)
    assert info.value.transient


def test_server_silent_mid_body_times_out(http_server: LocalHTTPServer) -> None:
    http_server.route(
        "/stall", raw(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhalf", then_wait=5)
    )
    policy = FetchPolicy.from_cidrs("127.0.0.0/8", read_timeout=0.3, total_deadline=3.0)
    with pytest.raises(FetchTimeout, match=r"0\.3 s"):
        fetch(http_server.url("/stall"), policy=policy)


# --------------------------------------------------------------------------- broken servers


@pytest.mark.parametrize(
    ("response", "error", "transient"),
    [
        (b"", ConnectError, True),  # closed without a word
        (b"garbage\r\n\r\n", BadResponse, False),  # not HTTP
        (b"HTTP/1.1 200 OK\r\nX: " + b"a" * 70000 + b"\r\n\r\n", BadResponse, False),  # header line
        (b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", ConnectError, True),  # truncated
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", ConnectError, True),
    ],
    ids=["empty", "not-http", "long-header", "truncated", "bad-chunk"],
)
def test_broken_responses(
    response: bytes,
    error: type[FetchError],
    transient: bool,
    http_server: LocalHTTPServer,
    local_policy: FetchPolicy,
) -> None:
    http_server.route("/", raw(response))
    with pytest.raises(error) as info:
        fetch(http_server.url("/"), policy=local_policy)
    assert info.value.transient is transient


# --------------------------------------------------------------------------- TLS


@pytest.fixture
def https_server(tls_files: Any) -> Any:
    with LocalHTTPServer(tls=tls_files.server_context()) as server:
        yield server


def test_https_verifies_the_name_on_the_checked_address(
    https_server: LocalHTTPServer,
    tls_files: Any,
    local_policy: FetchPolicy,
    dials: list[tuple[str, int]],
) -> None:
    https_server.respond("/", body=b"secure")
    policy = replace(local_policy, ca_certs=str(tls_files.ca))
    resolver = ResolverSpy({"news.example": ["127.0.0.1"]})
    result = fetch(https_server.url("/", host="news.example"), policy=policy, resolver=resolver)
    assert result.body == b"secure"
    assert https_server.sni_names == ["news.example"]  # SNI carries the name, not the IP
    assert https_server.requests[0].headers["host"] == f"news.example:{https_server.port}"
    assert dials == [("127.0.0.1", https_server.port)]


def test_https_to_an_address_literal(
    https_server: LocalHTTPServer, tls_files: Any, local_policy: FetchPolicy
) -> None:
    https_server.respond("/", body=b"ip")
    policy = replace(local_policy, ca_certs=str(tls_files.ca))
    assert fetch(https_server.url("/"), policy=policy).body == b"ip"


def test_https_wrong_name_is_a_permanent_error(
    https_server: LocalHTTPServer, tls_files: Any, local_policy: FetchPolicy
) -> None:
    policy = replace(local_policy, ca_certs=str(tls_files.ca))
    resolver = ResolverSpy({"other.example": ["127.0.0.1"]})
    with pytest.raises(ConnectError, match="certificate") as info:
        fetch(https_server.url("/", host="other.example"), policy=policy, resolver=resolver)
    assert not info.value.transient
    assert https_server.requests == []


def test_https_untrusted_ca_is_a_permanent_error(
    https_server: LocalHTTPServer, local_policy: FetchPolicy
) -> None:
    resolver = ResolverSpy({"news.example": ["127.0.0.1"]})
    with pytest.raises(ConnectError, match="certificate") as info:
        fetch(https_server.url("/", host="news.example"), policy=local_policy, resolver=resolver)
    assert not info.value.transient


# --------------------------------------------------------------------------- IPv6 loopback


def _has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _has_ipv6_loopback(), reason="no IPv6 loopback")
def test_ipv6_literal_when_allowed() -> None:
    with LocalHTTPServer("::1") as server:
        server.respond("/", body=b"v6")
        policy = FetchPolicy.from_cidrs("::1/128", read_timeout=1, total_deadline=3)
        result = fetch(server.url("/"), policy=policy)
        assert (result.body, result.peer_address) == (b"v6", "::1")
        assert server.requests[0].headers["host"] == f"[::1]:{server.port}"
        # ...and refused when only IPv4 loopback is allowed.
        with pytest.raises(BlockedDestination):
            fetch(server.url("/"), policy=FetchPolicy.from_cidrs("127.0.0.0/8"))
        assert len(server.requests) == 1


# --------------------------------------------------------------------------- check_address


@pytest.mark.parametrize(
    "address",
    [
        PUBLIC_V4,
        "1.1.1.1",
        PUBLIC_V6,
        "2a00:1450:4001:82b::200e",
        "64:ff9b::5db8:d822",  # NAT64 (DNS64 networks) of a public address
        "2002:5db8:d822::1",  # 6to4 of a public address
    ],
)
def test_public_addresses_pass(address: str) -> None:
    check_address(ipaddress.ip_address(address), STRICT)


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("127.0.0.1", "loopback"),
        ("10.0.0.5", "private"),
        ("100.64.0.1", "shared address space"),
        ("169.254.169.254", "metadata"),
        ("169.254.1.1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("192.0.2.1", "documentation"),
        ("192.0.0.9", "IETF"),
        ("224.0.0.251", "multicast"),
        ("255.255.255.255", "broadcast"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("::ffff:10.0.0.1", "IPv4-mapped address for 10.0.0.1 (private)"),
        ("::ffff:93.184.216.34", "IPv4-mapped"),  # mapped forms are refused outright
        ("64:ff9b::a9fe:a9fe", "NAT64 address for 169.254.169.254"),
        ("2002:a00:1::", "6to4 address for 10.0.0.1"),
        ("2001:0:5db8:d822::f5ff:fffe", "Teredo address for 10.0.0.1"),
        ("fe80::1%eth0", "link-local"),
        ("fc00::1", "unique local"),
        ("fec0::1", "site-local"),
        ("ff0e::1", "multicast"),
        ("2001:db8::1", "documentation"),
        ("100::1", "discard"),
    ],
)
def test_refused_addresses_say_why(address: str, words: str) -> None:
    with pytest.raises(BlockedDestination, match=words.replace("(", r"\(").replace(")", r"\)")):
        check_address(ipaddress.ip_address(address), STRICT)


def test_allow_networks_exempts_addresses() -> None:
    policy = FetchPolicy.from_cidrs("10.0.0.0/8, fd00::/8")
    check_address(ipaddress.ip_address("10.1.2.3"), policy)
    check_address(ipaddress.ip_address("fd00::1"), policy)
    with pytest.raises(BlockedDestination):
        check_address(ipaddress.ip_address("192.168.0.1"), policy)


def test_check_address_names_the_host() -> None:
    with pytest.raises(BlockedDestination) as info:
        check_address(ipaddress.ip_address("10.0.0.5"), STRICT, host="intranet.example")
    assert str(info.value) == "The address 10.0.0.5 of intranet.example is private and refused."


def test_allowed_network_exempts_from_the_port_rule_only_for_its_addresses(
    no_dial: list[Any],
) -> None:
    policy = FetchPolicy.from_cidrs("10.0.0.0/8")
    # Public address on port 8080: not exempt.
    with pytest.raises(BlockedDestination, match="port 8080"):
        fetch(f"http://{PUBLIC_V4}:8080/", policy=policy)
    # A name with one exempt and one public address: the port rule applies.
    resolver = ResolverSpy({"half.example": ["10.0.0.1", PUBLIC_V4]})
    with pytest.raises(BlockedDestination, match="port 8080"):
        fetch("http://half.example:8080/", policy=policy, resolver=resolver)
    # Metadata names stay refused whatever the allow-list says.
    with pytest.raises(BlockedDestination, match="metadata"):
        fetch("http://metadata.google.internal/", policy=FetchPolicy.from_cidrs("0.0.0.0/0"))
    assert no_dial == []


# --------------------------------------------------------------------------- validate_url


@pytest.mark.parametrize(
    ("url", "error", "answers"), [p for p in HOSTILE if p.values[1] is InvalidURL]
)
def test_validate_url_rejects_malformed_urls_without_a_policy(
    url: str, error: type, answers: Any
) -> None:
    with pytest.raises(InvalidURL):
        validate_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com",
        "HTTPS://Example.COM:443/path?q=1#frag",
        "http://example.com:8080/",  # the port rule needs a policy
        "http://127.0.0.1/",  # so do the address rules
        "https://bücher.example/Präsident",
        "http://[2606:2800:220:1:248:1893:25c8:1946]/",
        "http://example.com:/",  # empty port means the default
    ],
)
def test_validate_url_returns_the_url(url: str) -> None:
    assert validate_url(url) == url


@pytest.mark.parametrize(
    ("url", "policy", "ok"),
    [
        ("http://example.com:8080/", STRICT, False),  # port, no DNS needed
        ("http://example.com:8080/", UNRELATED_ALLOW, True),  # might resolve into 192.0.2/24
        ("http://127.0.0.1:8080/", FetchPolicy.from_cidrs("127.0.0.0/8"), True),
        ("http://127.0.0.1/", STRICT, False),
        ("http://localhost:8000/", FetchPolicy.from_cidrs("127.0.0.0/8"), True),
        ("http://localhost/", STRICT, False),
        ("http://metadata.google.internal/", FetchPolicy.from_cidrs("0.0.0.0/0"), False),
        ("http://intranet/", STRICT, False),
        ("https://example.com/", STRICT, True),
    ],
)
def test_validate_url_with_a_policy(url: str, policy: FetchPolicy, ok: bool) -> None:
    if ok:
        assert validate_url(url, policy) == url
    else:
        with pytest.raises(BlockedDestination):
            validate_url(url, policy)


# --------------------------------------------------------------------------- normalise_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.COM", "http://example.com/"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:443/a", "http://example.com:443/a"),  # not the default for http
        ("https://example.com:8443", "https://example.com:8443/"),
        ("http://example.com/a#section", "http://example.com/a"),
        ("http://example.com/?utm_source=x&utm_medium=y", "http://example.com/"),
        (
            "http://example.com/a?b=2&utm_campaign=z&a=1&fbclid=abc&gclid=def&UTM_Term=t",
            "http://example.com/a?b=2&a=1",
        ),
        ("http://example.com/a?z=1&&y=2&", "http://example.com/a?z=1&y=2"),
        ("http://example.com/?", "http://example.com/"),
        ("http://example.com/a?utm_x", "http://example.com/a"),
        ("https://bücher.example/Präsident", "https://xn--bcher-kva.example/Pr%C3%A4sident"),
        (
            "https://de.wikipedia.org/wiki/Pr%c3%a4sident",
            "https://de.wikipedia.org/wiki/Pr%C3%A4sident",
        ),
        ("http://example.com/a b".replace(" ", "%20"), "http://example.com/a%20b"),
        ("http://127.1:8080/", "http://127.0.0.1:8080/"),
        ("http://0x7f000001/", "http://127.0.0.1/"),
        ("http://[0:0:0:0:0:0:0:1]/", "http://[::1]/"),
        ("http://[2001:DB8::1]:80/", "http://[2001:db8::1]/"),
        ("http://example.com./", "http://example.com./"),  # a different name in DNS terms
        ("http://example.com/a/../b", "http://example.com/a/../b"),  # path kept as sent
        ("http://example.com/a?q=%e2%82%ac", "http://example.com/a?q=%E2%82%AC"),
    ],
)
def test_normalise_url(url: str, expected: str) -> None:
    assert normalise_url(url) == expected


@pytest.mark.parametrize("url", ["ftp://example.com/", "http://user@example.com/", "not a url", ""])
def test_normalise_url_rejects_invalid_urls(url: str) -> None:
    with pytest.raises(InvalidURL):
        normalise_url(url)


# --------------------------------------------------------------------------- FetchPolicy


@pytest.mark.parametrize(
    ("cidrs", "expected"),
    [
        ("127.0.0.0/8,::1/128", ("127.0.0.0/8", "::1/128")),
        (" 10.0.0.0/8 , ", ("10.0.0.0/8",)),
        ("", ()),
        (["192.0.2.1"], ("192.0.2.1/32",)),
        (("fd00::/8", "172.16.0.0/12"), ("fd00::/8", "172.16.0.0/12")),
    ],
)
def test_from_cidrs(cidrs: str | Iterable[str], expected: tuple[str, ...]) -> None:
    policy = FetchPolicy.from_cidrs(cidrs)  # type: ignore[arg-type]
    assert tuple(str(n) for n in policy.allow_networks) == expected


@pytest.mark.parametrize(
    "cidrs", ["not-a-cidr", "10.0.0.1/8", "300.0.0.0/8", "10.0.0.0/33", "127.0.0.0/8;::1/128"]
)
def test_from_cidrs_rejects_bad_input(cidrs: str) -> None:
    with pytest.raises(ValueError):
        FetchPolicy.from_cidrs(cidrs)


def test_from_cidrs_passes_other_settings() -> None:
    policy = FetchPolicy.from_cidrs("127.0.0.0/8", read_timeout=2.0, max_bytes=1000)
    assert (policy.read_timeout, policy.max_bytes, policy.total_deadline) == (2.0, 1000, 30.0)


def test_policy_defaults_follow_the_design() -> None:
    policy = FetchPolicy()
    assert policy.allow_networks == ()
    assert (policy.connect_timeout, policy.read_timeout, policy.total_deadline) == (5.0, 10.0, 30.0)
    assert (policy.max_redirects, policy.max_bytes) == (5, 10 * MB)
    assert policy.user_agent == "FactcheckDesk/1.0 (+source archiver)"


@pytest.mark.parametrize(
    "kw",
    [
        {"read_timeout": 0},
        {"total_deadline": -1},
        {"max_bytes": 0},
        {"max_redirects": -1},
        {"user_agent": "a\r\nb"},
    ],
)
def test_policy_rejects_nonsense(kw: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        FetchPolicy(**kw)


# --------------------------------------------------------------------------- errors & purity


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (InvalidURL("bad"), False),
        (BlockedDestination("blocked"), False),
        (FetchTimeout("slow"), True),
        (ConnectError("reset"), True),
        (ConnectError("nxdomain", transient=False), False),
        (TooLarge("big"), False),
        (TooManyRedirects("loop"), False),
        (BadResponse("garbage"), False),
    ],
)
def test_errors_are_a_hierarchy_that_survives_pickling(error: FetchError, transient: bool) -> None:
    # Celery pickles exceptions across processes; reason, url and transient survive.
    error.url = "http://example.com/"
    copy = pickle.loads(pickle.dumps(error))
    assert isinstance(copy, FetchError) and type(copy) is type(error)
    assert (copy.reason, copy.url, copy.transient) == (error.reason, error.url, transient)
    assert str(copy) == error.reason


def test_module_does_not_import_django() -> None:
    code = "import sys, sources.fetching; print('django' in sys.modules)"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_a_name_idna_refuses_is_an_invalid_url_not_a_crash(monkeypatch):
    # getaddrinfo raises UnicodeError (not OSError) for a label IDNA refuses; stubbed here
    # so that nothing is looked up at all.
    def refuse(host, *args, **kwargs):
        raise UnicodeError("label too long")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    with pytest.raises(fetching.InvalidURL, match="cannot be looked up"):
        resolving.system_resolve("a" * 300 + ".example", 80, 2.0)
