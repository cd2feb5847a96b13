"""The loopback rule shared by the suite-wide guard (tests/conftest.py) and the stricter,
recording one of the fetching tests (tests/sources/conftest.py)."""

import ipaddress
from typing import Any

_LOOPBACK_NAMES = {"localhost", "localhost.", "ip6-localhost"}


class NonLoopbackConnection(AssertionError):
    """Raised instead of letting a packet leave the machine."""


def is_loopback(host: Any) -> bool:
    """Is ``host`` (an address, a name, bytes or None as given to socket calls) loopback?

    ``None`` (getaddrinfo's "this machine") and the names /etc/hosts maps to loopback
    count as loopback; any other name does not, since resolving it could leave.
    """
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host is None or str(host).lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(str(host).partition("%")[0]).is_loopback
    except ValueError:
        return False


def browser_request_check(url: str) -> str | None:
    """For ``sources.browser.REQUEST_CHECKS`` in tests: refuse any request of a rendered page
    whose host is not a loopback address literal, before the policy or any lookup."""
    from urllib.parse import urlsplit

    try:
        host = urlsplit(url).hostname or ""
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    return None if loopback else "Tests load nothing but loopback."
