"""What one hop exchanged on the wire, as the fetcher keeps it for the archive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Exchange:
    """One hop as it crossed the socket, for the WARC archive.

    ``truncated`` is "" for a whole response, else the WARC-Truncated reason: "length"
    (the size cap), "time" (a timeout or the deadline), "disconnect" (the server went
    away) or "unspecified".
    """

    url: str
    method: str
    peer_address: str
    started_at: datetime  # UTC, when the request was sent
    request: bytes  # request line, headers and body as sent
    response: bytes  # status line, headers and body as received (transfer coding kept)
    truncated: str = ""
