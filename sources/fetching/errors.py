"""The fetch errors: a small hierarchy, so that the task can tell transient from permanent.

Every failure of :func:`~sources.fetching.fetch` is a :class:`FetchError`; ``transient``
says whether retrying later can help (a timeout) or not (a refused destination). The
instances pickle (Celery carries exceptions across processes).
"""

from __future__ import annotations

from typing import Final

from .exchange import Exchange

_TRANSIENT_STATUSES: Final = frozenset({408, 425, 429, 500, 502, 503, 504})


class FetchError(Exception):
    """Base of all fetch failures. ``transient`` tells the task whether to retry."""

    transient: bool = False
    # What was exchanged before the failure (``fetch(record=True)``), for the archive.
    exchanges: tuple[Exchange, ...] = ()

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
