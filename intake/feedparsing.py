"""Reading an RSS or Atom feed from the bytes the fetcher got: its entries, or why not.

Pure: bytes in, values out; no database, no network. feedparser only ever gets the bytes
(in a file object), never a URL, so it cannot fetch anything itself. Hostile input:

* XML entity declarations (``<!ENTITY``: "billion laughs", external entities) are refused
  before any parser sees the document; a feed has no use for them.
* The size is bounded by the fetch (``INTAKE_FEED_MAX_BYTES``): a larger body never
  arrives here whole.
* A body that is not a feed (HTML, JSON, garbage) has no feed version and no entries: a
  :class:`NotAFeed` with the reason.
"""

from __future__ import annotations

import calendar
import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser

from claims.text import drop_refused

# At most this many entries are read from one feed (more is not a news feed).
MAX_ENTRIES = 1000


class NotAFeed(Exception):
    """The bytes are not a usable feed; ``kind`` says why ("entities", "not_feed")."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(detail or kind)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class Entry:
    guid: str
    url: str
    title: str
    published_at: datetime | None


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    entries: tuple[Entry, ...]


def _text(value: Any, limit: int) -> str:
    return drop_refused(" ".join(str(value or "").split()))[:limit]


def _when(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
            except (OverflowError, TypeError, ValueError):
                continue
    return None


def _entry(raw: Any) -> Entry | None:
    url = _text(raw.get("link"), 2048)
    title = _text(raw.get("title"), 500)
    guid = _text(raw.get("id") or raw.get("guid"), 2048) or url
    if not guid:
        if not title:
            return None
        guid = "title:" + hashlib.sha256(title.encode()).hexdigest()
    return Entry(guid=guid, url=url, title=title, published_at=_when(raw))


def parse_feed(body: bytes, *, url: str = "", content_type: str = "") -> ParsedFeed:
    """The feed in ``body``; raises :class:`NotAFeed`."""
    if b"<!ENTITY" in body:
        raise NotAFeed("entities")
    headers = {"content-location": url} if url else {}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(
        io.BytesIO(body),
        response_headers=headers,
        resolve_relative_uris=True,
        sanitize_html=True,
    )
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise NotAFeed("not_feed", str(problem or "")[:300])
    entries: list[Entry] = []
    seen: set[str] = set()
    for raw in parsed.entries[:MAX_ENTRIES]:
        entry = _entry(raw)
        if entry is None or entry.guid in seen:
            continue
        seen.add(entry.guid)
        entries.append(entry)
    return ParsedFeed(title=_text(parsed.feed.get("title"), 200), entries=tuple(entries))
