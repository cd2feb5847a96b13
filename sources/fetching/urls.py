"""URL syntax: a URL parsed into the parts the fetcher dials, and its normalised identity.

No destination rules here (see ``policy``): this module only says what a URL *is*.
Numeric host forms that browsers and libc accept (``127.1``, ``2130706433``,
``0x7f000001``, ``0177.0.0.1``) are parsed here (WHATWG/inet_aton semantics) into the
address they denote, so that the rules judge that address and no resolver ever sees them.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote, unquote_plus

import idna

from .errors import InvalidURL

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_URL_LENGTH: Final = 2048
DEFAULT_PORTS: Final = {"http": 80, "https": 443}

_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_ASCII_BAD_RE = re.compile(r"[\x00-\x20\x7f\\]")
_LABEL_RE = re.compile(r"[a-z0-9_\-]{1,63}")
_ZONE_RE = re.compile(r"[A-Za-z0-9._~\-]+")
_DIGITS_RE = re.compile(r"[0-9]+")
_ESCAPE_RE = re.compile(r"%[0-9a-fA-F]{2}")
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~"
# Unicode categories refused anywhere in a URL: controls, format (bidi overrides,
# zero-width), separators, surrogates, private use, unassigned.
_BAD_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Cs", "Co", "Cn"})


@dataclass(frozen=True)
class Target:
    """A URL taken apart: what the destination rules judge and what the fetcher dials."""

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
        return self.port == DEFAULT_PORTS[self.scheme]

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
        return DEFAULT_PORTS[scheme]
    if not _DIGITS_RE.fullmatch(text) or len(text) > 5 or not 0 < int(text) <= 65535:
        raise InvalidURL(f"The port {text!r} is not valid.", url=url)
    return int(text)


def _requote(text: str) -> str:
    # Percent-encode what may not travel raw (non-ASCII, quotes…); keep existing escapes.
    return quote(text, safe=_URL_SAFE)


def parse_url(url: str) -> Target:
    """Parse ``url`` (syntax only) or raise :class:`InvalidURL` saying what is wrong."""
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
    if scheme not in DEFAULT_PORTS:
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
    return Target(
        scheme=scheme,
        host=host,
        ip=ip,
        zone=zone,
        port=port,
        path=_requote(path) or "/",
        query=_requote(query) if question else None,
    )


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
    target = parse_url(url)
    port = "" if target.default_port else f":{target.port}"
    path = _ESCAPE_RE.sub(lambda m: m.group().upper(), target.path)
    query = ""
    if target.query:
        kept = [p for p in target.query.split("&") if p and not _is_tracking_param(p)]
        if kept:
            query = "?" + _ESCAPE_RE.sub(lambda m: m.group().upper(), "&".join(kept))
    return f"{target.scheme}://{target.host_for_url()}{port}{path}{query}"
