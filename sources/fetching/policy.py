"""Where the fetcher may go: the policy, and the address, name and port rules.

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
* :func:`destination` resolves once and checks **every** address before any packet is
  sent; the transport then dials only those addresses.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from .errors import BlockedDestination, FetchTimeout
from .resolving import Resolver, resolve
from .urls import IPAddress, Target, parse_url

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

ALLOWED_PORTS: Final = frozenset({80, 443})


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


def _check_name(target: Target, url: str) -> None:
    problem = _name_problem(target.name)
    if problem:
        raise BlockedDestination(f"The host name {target.name} is {problem} and refused.", url=url)


def _check_port(target: Target, url: str) -> None:
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
    target = parse_url(url)
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


def _check_literal(target: Target, policy: FetchPolicy, url: str) -> None:
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


def _refuse_metadata_name(target: Target, url: str) -> None:
    raise BlockedDestination(
        f"The host name {target.name} is a cloud metadata service and refused.", url=url
    )


def _localhost_addresses(target: Target, policy: FetchPolicy, url: str) -> list[IPAddress]:
    # Never asked of DNS (RFC 6761 §6.3): "localhost" means the loopback addresses,
    # usable only where the policy allows them (tests with 127.0.0.0/8).
    allowed = [ip for ip in _LOOPBACKS if policy.allows(ip)]
    if not allowed:
        _check_name(target, url)
    return allowed


# --------------------------------------------------------------------------- destination


def destination(
    target: Target, policy: FetchPolicy, resolver: Resolver | None, url: str, deadline: float
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
        addresses = resolve(target, resolver, budget, url)
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
