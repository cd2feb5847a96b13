"""Name resolution: a host name looked up **once**, with a timeout.

What this returns is what the destination rules check and what the transport dials; no
second lookup happens anywhere (a second answer could differ: DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable
from typing import Any, Final

from .errors import ConnectError, FetchTimeout, InvalidURL
from .urls import IPAddress, Target

#: Replaces DNS (tests): ``resolver(host, port)`` returns the addresses of ``host``.
Resolver = Callable[[str, int], list[IPAddress]]


def system_resolve(host: str, port: int, timeout: float) -> list[IPAddress]:
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


def resolve(target: Target, resolver: Resolver | None, timeout: float, url: str) -> list[IPAddress]:
    """The distinct addresses of ``target``'s host, or a :class:`FetchError` saying why not.

    A name that does not exist or has no addresses is permanent; other failures are
    transient.
    """
    try:
        if resolver is None:
            found = system_resolve(target.host, target.port, timeout)
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
