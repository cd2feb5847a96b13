"""The only outbound HTTP in the project: an SSRF-safe, bounded fetcher.

Pure package (no Django): settings arrive as a :class:`FetchPolicy`. Import it as
``from sources import fetching`` and use the names below (``fetching.fetch``,
``fetching.FetchError``…); the modules are its insides:

- ``errors``: the :class:`FetchError` hierarchy and :func:`is_transient_status`;
- ``urls``: URL syntax, numeric host forms, :func:`normalise_url`;
- ``policy``: :class:`FetchPolicy`, the address, name and port rules, :func:`validate_url`,
  and the checked destination of a hop;
- ``resolving``: one DNS lookup per hop, with a timeout;
- ``transport``: connections pinned to checked addresses (``open_socket`` is the only
  place that dials), deadline-capped sockets, TLS;
- ``decoding``: content codings and the size caps;
- ``client``: :func:`fetch`, the request/redirect loop, :class:`FetchResult`.

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
  addresses and names, ``localhost`` and special-use names, ports other than 80/443
  (explicit tables first; ``is_global`` only as the last net, see ``policy``).
* ``policy.allow_networks`` exempts addresses from the address, port and name rules
  (tests, intranets). A host is exempt only if *all* its addresses are allowed.
  Cloud-metadata names are refused even then.
* Environment proxies are never consulted (we open the socket ourselves).
* Bounded: DNS + connect, read between chunks, and a total deadline enforced on every
  socket operation (a server dripping bytes cannot stretch it); at most
  ``max_redirects``; at most ``max_bytes`` of raw and of decoded body.

Non-2xx responses are results, not errors: the caller decides (see
:func:`is_transient_status`). ``fetch(record=True)`` also keeps each hop's bytes as they
crossed the socket (:class:`Exchange`), for the WARC archive (``sources.warc``).
"""

from .client import KEPT_HEADERS, FetchResult, Redirect, fetch
from .errors import (
    BadResponse,
    BlockedDestination,
    ConnectError,
    FetchError,
    FetchTimeout,
    InvalidURL,
    TooLarge,
    TooManyRedirects,
    is_transient_status,
)
from .exchange import Exchange
from .policy import ALLOWED_PORTS, FetchPolicy, check_address, validate_url
from .urls import MAX_URL_LENGTH, normalise_url

__all__ = [
    "ALLOWED_PORTS",
    "KEPT_HEADERS",
    "MAX_URL_LENGTH",
    "BadResponse",
    "BlockedDestination",
    "ConnectError",
    "Exchange",
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
