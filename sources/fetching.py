"""The only outbound HTTP in the project: an SSRF-safe, bounded fetcher.

Pure module (no Django): settings arrive as a :class:`FetchPolicy`.

What it guarantees (DESIGN.md, "Source fetching"):

* Only ``http``/``https``; no userinfo; URLs over 2048 characters, with control or
  whitespace characters, backslashes, percent-encoded host names or bracketed hosts
  that are not IPv6 literals are refused as :class:`InvalidURL`.
* Numeric host forms that browsers and libc accept (``127.1``, ``2130706433``,
  ``0x7f000001``, ``0177.0.0.1``) are parsed here (WHATWG/inet_aton semantics) into
  the address they denote and checked; they never reach a resolver.
* The host is resolved **once**; **every** address is checked; the socket is then
  connected to one of those checked addresses (no second lookup), with the original
  host name in the ``Host`` header and, for https, in SNI and certificate
  verification. The same happens again for each redirect.
* Refused (:class:`BlockedDestination`): loopback, private, shared, link-local,
  multicast, reserved, unspecified, broadcast, documentation and benchmarking ranges,
  IPv4-mapped/-compatible, 6to4, NAT64 and Teredo forms of those, cloud-metadata
  addresses and names, ``localhost`` and special-use names, ports other than 80/443.
  ``ipaddress.is_private``/``is_global`` are wrong for some ranges before Python
  3.12.4 (these machines run 3.12.1), so explicit tables come first and ``is_global``
  is only the last net.
* ``policy.allow_networks`` exempts addresses from the address, port and name rules
  (tests, intranets). A host is exempt only if *all* its addresses are allowed.
  Cloud-metadata names are refused even then.
* Environment proxies are never consulted (we open the socket ourselves).
* Bounded: DNS + connect, read between chunks, and a total deadline enforced on every
  socket operation (a server dripping bytes cannot stretch it); at most
  ``max_redirects``; at most ``max_bytes`` of raw and of decoded body.

Non-2xx responses are results, not errors: the caller decides (see
:func:`is_transient_status`).
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
import unicodedata
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final
from urllib.parse import quote, unquote_plus, urljoin

import idna
import urllib3.exceptions
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.response import HTTPResponse
from urllib3.util.ssl_ import create_urllib3_context

try:  # Optional: only Brotli >= 1.2 can bound its output (decompression bombs).
    import brotli as _brotli  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the environment
    _brotli = None

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[IPAddress]]

__all__ = [
    "BadResponse",
    "BlockedDestination",
    "ConnectError",
    "FetchError",
    "FetchPolicy",
    "FetchResult",
    "FetchTimeout",
    "InvalidURL",
    "Redirect",
    "TooLarge",
    "TooManyRedirects",
    "check_address",
    "fetch",
    "is_transient_status",
    "normalise_url",
    "validate_url",
]

MAX_URL_LENGTH: Final = 2048
ALLOWED_PORTS: Final = frozenset({80, 443})
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}
_REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})
_TRANSIENT_STATUSES: Final = frozenset({408, 425, 429, 500, 502, 503, 504})
_CHUNK: Final = 64 * 1024
_MAX_CONTENT_CODINGS: Final = 3

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


# --------------------------------------------------------------------------- errors


class FetchError(Exception):
    """Base of all fetch failures. ``transient`` tells the task whether to retry."""

    transient: bool = False

    def __init__(self, reason: str, *, url: str | None = None, transient: bool | None = None):
        super().__init__(reason)
        self.reason = reason
        self.url = url
        if transient is not None:
            self.transient = transient

    def __str__(self) -> str:
        return self.reason


class InvalidURL(FetchError):
    """Malformed URL, wrong scheme, userinfo, too long, control characters…"""


class BlockedDestination(FetchError):
    """Refused by the SSRF rules (address, name or port). No packet was sent."""


class FetchTimeout(FetchError):
    """DNS, connect, read or total deadline exceeded."""

    transient = True


class ConnectError(FetchError):
    """DNS failure, refused/reset connection, TLS failure.

    Transient by default. Permanent (``transient=False`` on the instance) when DNS
    says the name does not exist (NXDOMAIN / no addresses) or the TLS certificate
    does not verify: retrying within minutes will not change either, and the reason
    is recorded for a human.
    """

    transient = True


class TooLarge(FetchError):
    """Body (raw or decoded) over ``max_bytes``, or announced as such."""


class TooManyRedirects(FetchError):
    """More than ``max_redirects`` redirects."""


class BadResponse(FetchError):
    """Malformed response: bad status line or headers, undecodable content coding."""


def is_transient_status(code: int) -> bool:
    """Statuses worth retrying later with backoff (429, 5xx gateway errors, …)."""
    return code in _TRANSIENT_STATUSES


# --------------------------------------------------------------------------- policy & result


def _coerce_network(value: object) -> IPNetwork:
    if isinstance(value, ipaddress.IPv4Network | ipaddress.IPv6Network):
        return value
    if isinstance(value, str):
        try:
            return ipaddress.ip_network(value.strip(), strict=True)
        except ValueError as exc:
            raise ValueError(f"Invalid network {value!r} in the fetch allow-list: {exc}") from exc
    raise TypeError(f"allow_networks must hold networks or CIDR strings, not {value!r}")


@dataclass(frozen=True)
class FetchPolicy:
    """Everything configurable about fetching; built from settings by the caller."""

    # Exempt from the address, port and name rules (tests: 127.0.0.0/8; intranets).
    allow_networks: tuple[IPNetwork, ...] = ()
    connect_timeout: float = 5.0  # DNS + TCP connect + TLS handshake, per hop
    read_timeout: float = 10.0  # longest silence between two chunks
    total_deadline: float = 30.0  # whole fetch incl. redirects
    max_redirects: int = 5
    max_bytes: int = 10 * 1024 * 1024  # raw body and decoded body
    user_agent: str = "FactcheckDesk/1.0 (+source archiver)"
    # Extra PEM CA bundle trusted on top of the system store (private CA, tests).
    ca_certs: str | None = None

    def __post_init__(self) -> None:
        networks = tuple(_coerce_network(n) for n in self.allow_networks)
        object.__setattr__(self, "allow_networks", networks)
        for name in ("connect_timeout", "read_timeout", "total_deadline"):
            if not getattr(self, name) > 0:
                raise ValueError(f"FetchPolicy.{name} must be positive")
        if self.max_redirects < 0:
            raise ValueError("FetchPolicy.max_redirects must not be negative")
        if self.max_bytes <= 0:
            raise ValueError("FetchPolicy.max_bytes must be positive")
        if not self.user_agent or any(c in self.user_agent for c in "\r\n\0"):
            raise ValueError("FetchPolicy.user_agent must be a non-empty single line")

    @classmethod
    def from_cidrs(cls, cidrs: str | Sequence[str], **kw: Any) -> FetchPolicy:
        """``"127.0.0.0/8, ::1/128"`` (the ``FETCH_ALLOW_NETWORKS`` format) or a list.

        Raises ``ValueError`` on a bad CIDR, including one with host bits set
        (``10.0.0.1/8``), since that is most likely a typo in a security setting.
        """
        items = cidrs.split(",") if isinstance(cidrs, str) else list(cidrs)
        networks = tuple(_coerce_network(item) for item in items if item.strip())
        return cls(allow_networks=networks, **kw)

    def allows(self, ip: IPAddress) -> bool:
        ip = _without_scope(ip)
        return any(ip.version == net.version and ip in net for net in self.allow_networks)


@dataclass(frozen=True)
class Redirect:
    url: str  # the URL that answered with the redirect
    status_code: int


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


# --------------------------------------------------------------------------- URL parsing

_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_ASCII_BAD_RE = re.compile(r"[\x00-\x20\x7f\\]")
_LABEL_RE = re.compile(r"[a-z0-9_\-]{1,63}")
_ZONE_RE = re.compile(r"[A-Za-z0-9._~\-]+")
_DIGITS_RE = re.compile(r"[0-9]+")
_ESCAPE_RE = re.compile(r"%[0-9a-fA-F]{2}")
_TOKEN_RE = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z\-]+")  # RFC 9110 token
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~"
# Unicode categories refused anywhere in a URL: controls, format (bidi overrides,
# zero-width), separators, surrogates, private use, unassigned.
_BAD_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Cs", "Co", "Cn"})


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # ASCII, lower-case; IPv6 without brackets; numeric IPv4 as dotted quad
    ip: IPAddress | None  # set when the host is an address literal (any numeric form)
    zone: str | None  # IPv6 zone identifier, if any
    port: int
    path: str  # percent-encoded, never empty
    query: str | None  # percent-encoded, without "?"

    @property
    def name(self) -> str:
        """Host name for rules, Host header, SNI: without the trailing dot."""
        return self.host.rstrip(".")

    @property
    def default_port(self) -> bool:
        return self.port == _DEFAULT_PORTS[self.scheme]

    def host_for_url(self, *, name: bool = False) -> str:
        host = self.name if name else self.host
        if self.ip is not None and self.ip.version == 6:
            return f"[{host}%25{self.zone}]" if self.zone else f"[{host}]"
        return host

    @property
    def host_header(self) -> str:
        # Zone identifiers never get here: they are refused before connecting.
        host = self.host_for_url(name=True)
        return host if self.default_port else f"{host}:{self.port}"

    @property
    def request_target(self) -> str:
        return self.path if self.query is None else f"{self.path}?{self.query}"

    @property
    def origin(self) -> tuple[str, str, int]:
        return (self.scheme, self.name, self.port)

    def url(self) -> str:
        port = "" if self.default_port else f":{self.port}"
        return f"{self.scheme}://{self.host_for_url()}{port}{self.request_target}"


def _check_characters(url: str) -> None:
    if url.isascii():
        match = _ASCII_BAD_RE.search(url)
        if match:
            char = match.group()
            if char == "\\":
                raise InvalidURL("The URL contains a backslash.", url=url)
            raise InvalidURL(
                f"The URL contains a control or whitespace character ({char!r}).", url=url
            )
        return
    for char in url:
        if char == "\\":
            raise InvalidURL("The URL contains a backslash.", url=url)
        if ord(char) <= 0x20 or unicodedata.category(char) in _BAD_CATEGORIES:
            raise InvalidURL(
                f"The URL contains a control, invisible or whitespace character ({char!r}).",
                url=url,
            )


def _ipv4_number(part: str) -> int | None:
    """One part of a WHATWG/inet_aton IPv4 address: decimal, 0x-hex or 0-octal."""
    if not part:
        return None
    radix, digits = 10, "0123456789"
    if part[:2] in ("0x", "0X"):
        radix, digits, part = 16, "0123456789abcdefABCDEF", part[2:]
    elif len(part) > 1 and part[0] == "0":
        radix, digits, part = 8, "01234567", part[1:]
    if not part:
        return 0
    if any(c not in digits for c in part):
        return None
    return int(part, radix)


def _ends_in_number(host: str) -> bool:
    """WHATWG "ends in a number": such a host is an IPv4 address or invalid."""
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    last = parts[-1]
    return bool(_DIGITS_RE.fullmatch(last)) or _ipv4_number(last) is not None


def _parse_ipv4(host: str, url: str) -> ipaddress.IPv4Address:
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    numbers = [_ipv4_number(p) for p in parts]
    if len(parts) > 4 or None in numbers:
        raise InvalidURL(f"The host {host!r} looks numeric but is not an IPv4 address.", url=url)
    values = [n for n in numbers if n is not None]
    if any(n > 255 for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        raise InvalidURL(f"The host {host!r} is an out-of-range IPv4 address.", url=url)
    value = values[-1] + sum(n << (8 * (3 - i)) for i, n in enumerate(values[:-1]))
    return ipaddress.IPv4Address(value)


def _parse_ipv6_literal(literal: str, url: str) -> tuple[ipaddress.IPv6Address, str | None]:
    if literal[:1] in ("v", "V"):
        raise InvalidURL("IPvFuture host literals are not supported.", url=url)
    zone = None
    if "%" in literal:
        literal, _, zone = literal.partition("%")
        # RFC 6874: the "%" before a zone identifier is itself percent-encoded.
        if not zone.startswith("25") or not _ZONE_RE.fullmatch(zone[2:]):
            raise InvalidURL("The IPv6 zone identifier is malformed.", url=url)
        zone = zone[2:]
    try:
        address = ipaddress.IPv6Address(literal)
    except ValueError:
        raise InvalidURL(
            f"The bracketed host [{literal}] is not an IPv6 address.", url=url
        ) from None
    return address, zone


def _canonical_host(host: str, url: str) -> tuple[str, IPAddress | None]:
    if not host:
        raise InvalidURL("The URL has no host.", url=url)
    if "%" in host:
        # Browsers percent-decode host names; a second decoder is an SSRF bypass.
        raise InvalidURL("The host name is percent-encoded.", url=url)
    if not host.isascii():
        try:  # UTS 46 maps full-width digits, ideographic full stops, case…
            host = idna.uts46_remap(host, std3_rules=False, transitional=False)
        except idna.IDNAError as exc:
            raise InvalidURL(f"The host name is not a valid IDN: {exc}", url=url) from None
    host = host.lower()
    if _ends_in_number(host):
        ip = _parse_ipv4(host, url)
        return str(ip), ip
    labels = host.split(".")
    trailing_dot = len(labels) > 1 and labels[-1] == ""
    if trailing_dot:
        labels.pop()
    encoded = []
    for label in labels:
        if label.isascii():
            if not _LABEL_RE.fullmatch(label):
                raise InvalidURL(f"The host name {host!r} is malformed.", url=url)
            encoded.append(label)
            continue
        try:
            encoded.append(idna.alabel(label).decode("ascii"))
        except idna.IDNAError as exc:
            raise InvalidURL(f"The host name is not a valid IDN: {exc}", url=url) from None
    ascii_host = ".".join(encoded)
    if len(ascii_host) > 253 or any(len(label) > 63 for label in encoded):
        raise InvalidURL("The host name is too long.", url=url)
    return ascii_host + ("." if trailing_dot else ""), None


def _parse_port(text: str | None, scheme: str, url: str) -> int:
    if not text:  # absent or empty ("http://host:/") means the default
        return _DEFAULT_PORTS[scheme]
    if not _DIGITS_RE.fullmatch(text) or len(text) > 5 or not 0 < int(text) <= 65535:
        raise InvalidURL(f"The port {text!r} is not valid.", url=url)
    return int(text)


def _requote(text: str) -> str:
    # Percent-encode what may not travel raw (non-ASCII, quotes…); keep existing escapes.
    return quote(text, safe=_URL_SAFE)


def _parse_url(url: str) -> _Target:
    if not isinstance(url, str):
        raise InvalidURL("The URL must be a string.")
    if not url:
        raise InvalidURL("The URL is empty.", url=url)
    if len(url) > MAX_URL_LENGTH:
        raise InvalidURL(f"The URL is longer than {MAX_URL_LENGTH} characters.", url=url)
    _check_characters(url)
    match = _SCHEME_RE.match(url)
    if not match:
        raise InvalidURL("The URL has no scheme; only http and https can be fetched.", url=url)
    scheme = match.group(1).lower()
    if scheme not in _DEFAULT_PORTS:
        raise InvalidURL(
            f"The scheme {scheme!r} is not allowed; only http and https can be fetched.", url=url
        )
    rest = url[match.end() :]
    if not rest.startswith("//"):
        raise InvalidURL(f"The URL must start with {scheme}://.", url=url)
    rest = rest[2:]
    cut = min((i for i in (rest.find(c) for c in "/?#") if i != -1), default=len(rest))
    authority, tail = rest[:cut], rest[cut:]
    if "@" in authority:
        raise InvalidURL("User names and passwords in URLs are not allowed.", url=url)

    zone = None
    ip: IPAddress | None
    if authority.startswith("["):
        close = authority.find("]")
        if close == -1:
            raise InvalidURL("The bracketed host is not closed.", url=url)
        after = authority[close + 1 :]
        if after and not after.startswith(":"):
            raise InvalidURL("Unexpected characters after the bracketed host.", url=url)
        ip, zone = _parse_ipv6_literal(authority[1:close], url)
        host = str(ip)
        port_text = after[1:] if after else None
    else:
        if authority.count(":") > 1:
            raise InvalidURL("IPv6 addresses in URLs must be in brackets.", url=url)
        raw_host, colon, port_text = authority.partition(":")
        if not colon:
            port_text = None
        host, ip = _canonical_host(raw_host, url)
    port = _parse_port(port_text, scheme, url)

    tail = tail.partition("#")[0]
    path, question, query = tail.partition("?")
    return _Target(
        scheme=scheme,
        host=host,
        ip=ip,
        zone=zone,
        port=port,
        path=_requote(path) or "/",
        query=_requote(query) if question else None,
    )


# --------------------------------------------------------------------------- address rules

_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network

# First match wins; labels read "The address X is <label> and refused."
_IPV4_RULES: Final[tuple[tuple[ipaddress.IPv4Network, str], ...]] = (
    (_V4("169.254.169.254/32"), "a cloud metadata endpoint"),  # AWS, GCP, Azure, OCI…
    (_V4("100.100.100.200/32"), "a cloud metadata endpoint"),  # Alibaba
    (_V4("192.0.0.192/32"), "a cloud metadata endpoint"),  # Oracle (legacy)
    (_V4("0.0.0.0/8"), "unspecified ('this network', reaches the local host)"),
    (_V4("10.0.0.0/8"), "private"),
    (_V4("172.16.0.0/12"), "private"),
    (_V4("192.168.0.0/16"), "private"),
    (_V4("100.64.0.0/10"), "in the shared address space 100.64.0.0/10 (carrier-grade NAT)"),
    (_V4("127.0.0.0/8"), "loopback"),
    (_V4("169.254.0.0/16"), "link-local"),
    (_V4("192.0.0.0/24"), "reserved for IETF protocol assignments"),
    (_V4("192.0.2.0/24"), "reserved for documentation"),
    (_V4("198.51.100.0/24"), "reserved for documentation"),
    (_V4("203.0.113.0/24"), "reserved for documentation"),
    (_V4("192.88.99.0/24"), "a 6to4 relay anycast address"),
    (_V4("198.18.0.0/15"), "reserved for benchmarking"),
    (_V4("224.0.0.0/4"), "multicast"),
    (_V4("255.255.255.255/32"), "broadcast"),
    (_V4("240.0.0.0/4"), "reserved"),
)

_IPV6_RULES: Final[tuple[tuple[ipaddress.IPv6Network, str], ...]] = (
    (_V6("fd00:ec2::254/128"), "a cloud metadata endpoint"),  # AWS IMDS over IPv6
    (_V6("::/128"), "unspecified"),
    (_V6("::1/128"), "loopback"),
    (_V6("::ffff:0:0:0/96"), "an IPv4-translated (SIIT) address"),
    (_V6("64:ff9b:1::/48"), "a local-use NAT64 address"),
    (_V6("100::/64"), "discard-only"),
    (_V6("2001:db8::/32"), "reserved for documentation"),
    (_V6("3fff::/20"), "reserved for documentation"),
    (_V6("2001::/23"), "reserved for IETF protocol assignments"),
    (_V6("fc00::/7"), "unique local (private)"),
    (_V6("fe80::/10"), "link-local"),
    (_V6("fec0::/10"), "site-local (deprecated, private)"),
    (_V6("ff00::/8"), "multicast"),
)
_IPV4_COMPATIBLE: Final = _V6("::/96")
_NAT64: Final = _V6("64:ff9b::/96")


def _without_scope(ip: IPAddress) -> IPAddress:
    if isinstance(ip, ipaddress.IPv6Address) and ip.scope_id:
        return ipaddress.IPv6Address(int(ip))
    return ip


def _ipv4_problem(ip: ipaddress.IPv4Address) -> str | None:
    for network, label in _IPV4_RULES:
        if ip in network:
            return label
    # Last net only: is_global is not reliable before 3.12.4 (see module docstring).
    if not ip.is_global or ip.is_multicast or ip.is_reserved:
        return "not globally routable"
    return None


def _embedded(kind: str, v4: ipaddress.IPv4Address, *, always: bool) -> str | None:
    problem = _ipv4_problem(v4)
    if problem:
        return f"{kind} for {v4} ({problem})"
    return f"{kind} (for {v4})" if always else None


def _ipv6_problem(ip: ipaddress.IPv6Address) -> str | None:
    ip = ipaddress.IPv6Address(int(ip))  # the zone never changes what an address is
    # Forms that wrap an IPv4 address: unwrap and judge the IPv4 address.
    if ip.ipv4_mapped is not None:
        # A socket to ::ffff:a.b.c.d talks IPv4 to a.b.c.d; no public site needs it.
        return _embedded("an IPv4-mapped address", ip.ipv4_mapped, always=True)
    if ip.teredo is not None:
        server, client = ip.teredo
        for v4 in (client, server):
            problem = _embedded("a Teredo address", v4, always=False)
            if problem:
                return problem
        return "a Teredo address"
    if ip in _NAT64:  # DNS64 networks synthesise these for every IPv4-only site
        return _embedded(
            "a NAT64 address", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF), always=False
        )
    if ip.sixtofour is not None:
        return _embedded("a 6to4 address", ip.sixtofour, always=False)
    for network, label in _IPV6_RULES:
        if ip in network:
            return label
    if ip in _IPV4_COMPATIBLE:  # ::a.b.c.d (deprecated); :: and ::1 matched above
        return _embedded(
            "an IPv4-compatible address", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF), always=True
        )
    if not ip.is_global or ip.is_multicast or ip.is_reserved:
        return "not globally routable"
    return None


def _address_problem(ip: IPAddress) -> str | None:
    if isinstance(ip, ipaddress.IPv4Address):
        return _ipv4_problem(ip)
    return _ipv6_problem(ip)


def check_address(ip: IPAddress, policy: FetchPolicy, *, host: str | None = None) -> None:
    """Raise :class:`BlockedDestination` unless ``ip`` may be connected to."""
    if policy.allows(ip):
        return
    problem = _address_problem(ip)
    of_host = f" of {host}" if host and host != str(_without_scope(ip)) else ""
    if problem:
        raise BlockedDestination(f"The address {ip}{of_host} is {problem} and refused.")
    if isinstance(ip, ipaddress.IPv6Address) and ip.scope_id:
        raise BlockedDestination(f"The address {ip}{of_host} has a zone identifier and is refused.")


# --------------------------------------------------------------------------- name rules

# Refused by name even when allow_networks would cover their addresses.
_METADATA_NAMES: Final = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "metadata.azure.com",
        "instance-data",
        "instance-data.ec2.internal",
    }
)
# Special-use domains that never name a public web site (RFC 6761, 6762, 7686, 8375,
# ICANN's .internal). ".localhost" is handled on its own (see _localhost_addresses).
_SPECIAL_SUFFIXES: Final = ("local", "internal", "localdomain", "home.arpa", "onion")
_LOOPBACKS: Final = (ipaddress.IPv4Address("127.0.0.1"), ipaddress.IPv6Address("::1"))


def _is_localhost(name: str) -> bool:
    return name == "localhost" or name.endswith(".localhost")


def _name_problem(name: str) -> str | None:
    if _is_localhost(name):
        return "a name for this machine"
    for suffix in _SPECIAL_SUFFIXES:
        if name == suffix or name.endswith("." + suffix):
            return f"in the special-use domain .{suffix}"
    if "." not in name:  # resolved through search domains: internal by construction
        return "a single-label name"
    return None


def _check_name(target: _Target, url: str) -> None:
    problem = _name_problem(target.name)
    if problem:
        raise BlockedDestination(f"The host name {target.name} is {problem} and refused.", url=url)


def _check_port(target: _Target, url: str) -> None:
    if target.port not in ALLOWED_PORTS:
        raise BlockedDestination(
            f"The port {target.port} is refused; only ports 80 and 443 may be fetched.", url=url
        )


def validate_url(url: str, policy: FetchPolicy | None = None) -> str:
    """Check what can be checked without DNS; return ``url`` unchanged.

    Without a policy: syntax, scheme, userinfo, length, characters, port syntax.
    With a policy, also the destination rules that need no lookup: an address
    literal is checked (address and port), a host name against the name rules and
    the port rule — the latter only when ``allow_networks`` is empty, because an
    allowed network could still exempt the name once resolved.
    :func:`fetch` always applies everything, so this is only an early answer.
    """
    target = _parse_url(url)
    if policy is None:
        return url
    if target.ip is not None:
        _check_literal(target, policy, url)
    elif target.name in _METADATA_NAMES:
        _refuse_metadata_name(target, url)
    elif _is_localhost(target.name):
        _localhost_addresses(target, policy, url)
    elif not policy.allow_networks:
        _check_name(target, url)
        _check_port(target, url)
    return url


def _check_literal(target: _Target, policy: FetchPolicy, url: str) -> None:
    assert target.ip is not None
    try:
        check_address(target.ip, policy)
    except BlockedDestination as exc:
        exc.url = url
        raise
    if target.zone:
        raise BlockedDestination(
            f"The address {target.ip}%{target.zone} has a zone identifier and is refused.",
            url=url,
        )
    if not policy.allows(target.ip):
        _check_port(target, url)


def _refuse_metadata_name(target: _Target, url: str) -> None:
    raise BlockedDestination(
        f"The host name {target.name} is a cloud metadata service and refused.", url=url
    )


def _localhost_addresses(target: _Target, policy: FetchPolicy, url: str) -> list[IPAddress]:
    # Never asked of DNS (RFC 6761 §6.3): "localhost" means the loopback addresses,
    # usable only where the policy allows them (tests with 127.0.0.0/8).
    allowed = [ip for ip in _LOOPBACKS if policy.allows(ip)]
    if not allowed:
        _check_name(target, url)
    return allowed


# --------------------------------------------------------------------------- normalisation

_TRACKING_PARAMS: Final = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "igshid", "yclid", "mc_eid"}
)


def _is_tracking_param(part: str) -> bool:
    key = unquote_plus(part.partition("=")[0]).lower()
    return key.startswith("utm_") or key in _TRACKING_PARAMS


def normalise_url(url: str) -> str:
    """The identity of a source URL, for de-duplication (raises :class:`InvalidURL`).

    Lower-case scheme and host, IDNA host, numeric IPv4 forms as dotted quads, IPv6
    compressed, default port dropped, fragment dropped, ``utm_*`` and click-id
    parameters removed (others kept in order), empty path → ``/``, non-ASCII
    percent-encoded and escapes upper-cased. No destination rules: a blocked URL
    still has an identity.
    """
    target = _parse_url(url)
    port = "" if target.default_port else f":{target.port}"
    path = _ESCAPE_RE.sub(lambda m: m.group().upper(), target.path)
    query = ""
    if target.query:
        kept = [p for p in target.query.split("&") if p and not _is_tracking_param(p)]
        if kept:
            query = "?" + _ESCAPE_RE.sub(lambda m: m.group().upper(), "&".join(kept))
    return f"{target.scheme}://{target.host_for_url()}{port}{path}{query}"


# --------------------------------------------------------------------------- resolution


def _system_resolve(host: str, port: int, timeout: float) -> list[IPAddress]:
    """getaddrinfo bounded by ``timeout`` (it has no timeout of its own).

    The lookup runs in a daemon thread; on timeout the thread is abandoned and
    finishes on its own.
    """
    done = threading.Event()
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except UnicodeError as exc:
            # IDNA refuses the name (e.g. a label over 63 characters): no lookup happened.
            outcome.append(InvalidURL(f"The host name cannot be looked up: {exc}"))
        except Exception as exc:  # handed to the caller, which re-raises it
            outcome.append(exc)
        finally:
            done.set()

    threading.Thread(target=run, name=f"fetching-dns-{host}", daemon=True).start()
    if not done.wait(timeout):
        raise TimeoutError(f"DNS lookup of {host} timed out")
    if isinstance(outcome[0], Exception):
        raise outcome[0]
    addresses: list[IPAddress] = []
    for family, _type, _proto, _canon, sockaddr in outcome[0]:
        if family in (socket.AF_INET, socket.AF_INET6):
            addresses.append(ipaddress.ip_address(str(sockaddr[0]).partition("%")[0]))
    return addresses


_NXDOMAIN_ERRORS: Final = frozenset(
    getattr(socket, name) for name in ("EAI_NONAME", "EAI_NODATA") if hasattr(socket, name)
)


def _resolve(
    target: _Target, resolver: Resolver | None, timeout: float, url: str
) -> list[IPAddress]:
    try:
        if resolver is None:
            found = _system_resolve(target.host, target.port, timeout)
        else:
            found = list(resolver(target.host, target.port))
    except TimeoutError:
        raise FetchTimeout(
            f"Looking up {target.name} took longer than {timeout:.3g} s.", url=url
        ) from None
    except OSError as exc:
        permanent = isinstance(exc, socket.gaierror) and exc.errno in _NXDOMAIN_ERRORS
        raise ConnectError(
            f"The host name {target.name} could not be resolved ({exc}).",
            url=url,
            transient=not permanent,
        ) from exc
    addresses: list[IPAddress] = []
    for address in found:
        ip = ipaddress.ip_address(str(address)) if isinstance(address, str) else address
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise ConnectError(
            f"The host name {target.name} has no addresses.", url=url, transient=False
        )
    return addresses


def _destination(
    target: _Target, policy: FetchPolicy, resolver: Resolver | None, url: str, deadline: float
) -> list[IPAddress]:
    """The checked addresses to connect to, or raise before any packet is sent."""
    if target.ip is not None:
        _check_literal(target, policy, url)
        return [target.ip]
    if target.name in _METADATA_NAMES:
        _refuse_metadata_name(target, url)
    if _is_localhost(target.name):
        addresses = _localhost_addresses(target, policy, url)
    else:
        if not policy.allow_networks:  # nothing can be exempt: refuse before DNS
            _check_name(target, url)
            _check_port(target, url)
        budget = min(policy.connect_timeout, deadline - time.monotonic())
        if budget <= 0:
            raise FetchTimeout("The total deadline passed before the lookup.", url=url)
        addresses = _resolve(target, resolver, budget, url)
    if all(policy.allows(ip) for ip in addresses):
        return addresses
    _check_name(target, url)
    _check_port(target, url)
    for ip in addresses:  # every address: a mixed answer is refused as a whole
        try:
            check_address(ip, policy, host=target.name)
        except BlockedDestination as exc:
            exc.url = url
            raise
    return addresses


# --------------------------------------------------------------------------- sockets


class _DeadlineMixin:
    """Before every socket operation, cap its timeout by the fetch's deadline.

    http.client loops over many ``recv`` calls for one status line or header block;
    capping each call by the *remaining* total time is what keeps a server dripping
    one byte at a time from stretching the deadline.
    """

    _fetch_deadline: float | None = None
    _fetch_read_timeout: float = 0.0

    def arm(self, deadline: float, read_timeout: float) -> None:
        self._fetch_deadline = deadline
        self._fetch_read_timeout = read_timeout

    def _bound(self) -> None:
        if self._fetch_deadline is None:
            return
        remaining = self._fetch_deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("total fetch deadline exceeded")
        self.settimeout(min(self._fetch_read_timeout, remaining))  # type: ignore[attr-defined]

    def recv(self, *args: Any, **kwargs: Any) -> Any:
        self._bound()
        return super().recv(*args, **kwargs)  # type: ignore[misc]

    def recv_into(self, *args: Any, **kwargs: Any) -> Any:
        self._bound()
        return super().recv_into(*args, **kwargs)  # type: ignore[misc]

    def send(self, *args: Any, **kwargs: Any) -> Any:
        self._bound()
        return super().send(*args, **kwargs)  # type: ignore[misc]

    def sendall(self, *args: Any, **kwargs: Any) -> Any:
        self._bound()
        return super().sendall(*args, **kwargs)  # type: ignore[misc]


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


def _open_socket(ip: IPAddress, port: int, timeout: float) -> socket.socket:
    """Connect a TCP socket to an already checked address: the only place we dial.

    Tests replace this seam to prove that refused destinations never get here.
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
    peer_address: str = ""
    port: int

    def _new_conn(self) -> socket.socket:
        last_error: OSError | None = None
        for ip in self._fetch_addresses:
            remaining = self._fetch_connect_deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                sock = _open_socket(ip, self.port, remaining)
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


class _PinnedHTTPConnection(_PinnedConnectionMixin, HTTPConnection):
    pass


class _PinnedHTTPSConnection(_PinnedConnectionMixin, HTTPSConnection):
    pass


# --------------------------------------------------------------------------- body decoding


class _ZlibDecoder:
    """gzip (incl. multi-member) or deflate (zlib-wrapped or raw), output in bounded pieces."""

    def __init__(self, coding: str) -> None:
        self._coding = coding
        self._obj: Any = None
        self._pending = b""
        self._done = False
        if coding == "gzip":
            self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def _start_deflate(self, data: bytes) -> None:
        # RFC 9110 says zlib-wrapped; many servers send raw deflate.
        wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
        self._obj = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._done:
            return
        if self._obj is None:
            data = self._pending + data
            if len(data) < 2:
                self._pending = data
                return
            self._start_deflate(data)
        if self._obj.eof and data:
            data = self._next_member(data)
        while data is not None:
            piece = self._obj.decompress(data, _CHUNK)
            if piece:
                yield piece
            if self._obj.eof:
                data = self._next_member(self._obj.unused_data) if self._obj.unused_data else None
                continue
            data = self._obj.unconsumed_tail
            if not data and len(piece) < _CHUNK:
                return

    def _next_member(self, data: bytes) -> bytes | None:
        """After a finished stream: another gzip member, or trailing garbage (ignored)."""
        if self._coding == "gzip" and data.startswith(b"\x1f\x8b"):
            self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
            return data
        self._done = True  # browsers ignore bytes after the end of the stream too
        return None

    def flush(self) -> Iterator[bytes]:
        # A truncated stream yields what it has, like browsers; nothing is pending
        # here because feed() drains the decompressor's output.
        return iter(())


class _BrotliDecoder:
    def __init__(self) -> None:
        assert _brotli is not None
        self._obj = _brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        piece = self._obj.process(data, output_buffer_limit=_CHUNK)
        while True:
            if piece:
                yield piece
            if self._obj.can_accept_more_data():
                return
            piece = self._obj.process(b"", output_buffer_limit=_CHUNK)

    def flush(self) -> Iterator[bytes]:
        return iter(())


_HAS_BROTLI: Final = _brotli is not None and hasattr(_brotli.Decompressor, "can_accept_more_data")
_ACCEPT_ENCODING: Final = "gzip, deflate, br" if _HAS_BROTLI else "gzip, deflate"


def _decoders(content_encoding: str | None, url: str) -> list[Any]:
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if len(codings) > _MAX_CONTENT_CODINGS:
        raise BadResponse(f"Too many content codings ({content_encoding}).", url=url)
    decoders: list[Any] = []
    for coding in reversed(codings):  # the last applied is removed first
        if coding in ("gzip", "x-gzip"):
            decoders.append(_ZlibDecoder("gzip"))
        elif coding == "deflate":
            decoders.append(_ZlibDecoder("deflate"))
        elif coding == "br" and _HAS_BROTLI:
            decoders.append(_BrotliDecoder())
        else:
            raise BadResponse(f"The content coding {coding!r} is not supported.", url=url)
    return decoders


class _Body:
    """Accumulates raw bytes through the decoder chain, enforcing both caps."""

    def __init__(self, decoders: list[Any], max_bytes: int, url: str) -> None:
        self._decoders = decoders
        self._max = max_bytes
        self._url = url
        self.raw_size = 0
        self.size = 0
        self._parts: list[bytes] = []

    def _through(self, index: int, pieces: Iterator[bytes]) -> None:
        if index == len(self._decoders):
            for piece in pieces:
                self.size += len(piece)
                if self.size > self._max:
                    raise TooLarge(
                        f"The decoded body is larger than {self._max} bytes.", url=self._url
                    )
                self._parts.append(piece)
            return
        decoder = self._decoders[index]
        for piece in pieces:
            self._through(index + 1, decoder.feed(piece))

    def add(self, raw: bytes) -> None:
        self.raw_size += len(raw)
        if self.raw_size > self._max:
            raise TooLarge(f"The body is larger than {self._max} bytes.", url=self._url)
        self._through(0, iter((raw,)))

    def finish(self) -> bytes:
        for index, decoder in enumerate(self._decoders):
            self._through(index + 1, decoder.flush())
        return b"".join(self._parts)


# --------------------------------------------------------------------------- fetch


def _content_type(value: str | None) -> tuple[str, str | None]:
    if not value:
        return "", None
    media, *params = value.split(";")
    charset = None
    for param in params:
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("\"'").lower() or None
    return media.strip().lower(), charset


def _request_headers(
    target: _Target, policy: FetchPolicy, extra: Mapping[str, str] | None
) -> dict[str, str]:
    headers = {
        "Host": target.host_header,
        "User-Agent": policy.user_agent,
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,"
        "application/pdf;q=0.9,*/*;q=0.8",
        "Accept-Encoding": _ACCEPT_ENCODING,
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


def _exchange(
    target: _Target,
    addresses: list[IPAddress],
    *,
    method: str,
    body: bytes | None,
    headers: dict[str, str],
    policy: FetchPolicy,
    deadline: float,
    url: str,
) -> _Hop:
    """One request/response on a fresh connection to a checked address."""
    connect_deadline = min(time.monotonic() + policy.connect_timeout, deadline)
    conn: HTTPConnection
    if target.scheme == "https":
        conn = _PinnedHTTPSConnection(
            str(addresses[0]),
            target.port,
            timeout=policy.read_timeout,
            server_hostname=target.name,
            ssl_context=_ssl_context(policy.ca_certs),
        )
    else:
        conn = _PinnedHTTPConnection(str(addresses[0]), target.port, timeout=policy.read_timeout)
    conn._fetch_addresses = addresses  # type: ignore[attr-defined]
    conn._fetch_connect_deadline = connect_deadline  # type: ignore[attr-defined]
    conn._fetch_url = url  # type: ignore[attr-defined]
    response: HTTPResponse | None = None
    try:
        try:
            conn.connect()
        except TimeoutError:
            raise FetchTimeout(
                f"Connecting to {target.name} took too long (TLS handshake).", url=url
            ) from None
        assert isinstance(conn.sock, _DeadlineMixin)
        conn.sock.arm(deadline, policy.read_timeout)
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
            content = _read_body(response, policy, deadline, url)
        return _Hop(response.status, response.headers, content, conn.peer_address)  # type: ignore[attr-defined]
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
    body = _Body(_decoders(headers.get("content-encoding"), url), policy.max_bytes, url)
    try:
        while True:
            chunk = response.read1(_CHUNK, decode_content=False)
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


def _redirect_target(current: _Target, location: str, url: str) -> str:
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
) -> FetchResult:
    """Fetch ``url`` under ``policy``; see the module docstring for the rules.

    Returns a :class:`FetchResult` for any HTTP status (non-2xx included); raises a
    :class:`FetchError` subclass otherwise. ``resolver(host, port)`` replaces DNS
    (tests); it is called once per hop and its answer is what gets checked and
    dialled. ``Redirect.url`` is the URL that answered with each redirect.
    """
    start = time.monotonic()
    deadline = start + policy.total_deadline
    method = method.upper()
    if not re.fullmatch(r"[A-Z]+", method):
        raise ValueError(f"Unsupported method {method!r}")
    extra = dict(headers or {})
    current_url = url
    redirects: list[Redirect] = []
    target = _parse_url(url)
    origin = target.origin

    while True:
        addresses = _destination(target, policy, resolver, current_url, deadline)
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
            target = _parse_url(next_url)
            continue

        kept = {name: hop.headers[name] for name in KEPT_HEADERS if name in hop.headers}
        content_type, charset = _content_type(hop.headers.get("content-type"))
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
        )
