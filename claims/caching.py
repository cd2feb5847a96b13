"""Caching of the public pages: a generation number, fragment caching and validators.

Design:

- One **generation** number is part of every cache key and every ETag of the public
  pages. ``bump_generation`` (called from ``workflow.public_change`` after a publish,
  correction or retraction commits) makes every cached page and every ETag obsolete at
  once; nothing has to know which pages showed the claim (index pages, search results,
  speaker pages, the feed).
- The generation key expires after ``PUBLIC_CACHE_SECONDS``; a new one starts from the
  clock, never from a number used before (a flushed Redis does not bring back old
  ETags). So changes that do not go through the workflow (a speaker renamed, a rating
  label edited) are public after at most that long, in the page cache and for ETags.
- The public pages are cached **whole**: nothing on them depends on the reader (no CSRF
  token, no CSP nonce: the JSON-LD is a data block, which a CSP does not govern). A cached
  page is stored under a key *without* the generation, next to the generation it was
  built in; ``generation_and`` reads both in one round trip, so a hit or a 304 costs one
  cache read and no database query.
- Every key holds the active language, and the views send ``Vary: Cookie,
  Accept-Language``, so a German page is never served to an English reader.

Call ``generation()`` before reading the database for a page: ``bump_generation`` runs
after the commit, so whoever sees the new generation also sees the new data.
"""

import hashlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.core.cache import cache
from django.utils.translation import get_language

GENERATION_KEY = "claims:public:generation"
PUBLIC_CACHE_SECONDS = 300
# Bump when the shape of the cached content changes, so a deploy never serves old shapes.
CONTENT_SCHEMA = 2


def _fresh_generation() -> int:
    # Microseconds since the epoch: unique across restarts and cache flushes.
    return time.time_ns() // 1000


def generation() -> int:
    """The current generation (starting a new one if the cache lost it)."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, _fresh_generation(), PUBLIC_CACHE_SECONDS)
        value = cache.get(GENERATION_KEY)
        if value is None:  # A cache that stores nothing (DummyCache): always fresh.
            value = _fresh_generation()
    return int(value)


def bump_generation() -> int:
    """Make every cached public page and every ETag obsolete."""
    value = max(_fresh_generation(), generation() + 1)
    cache.set(GENERATION_KEY, value, PUBLIC_CACHE_SECONDS)
    return value


def generation_time(value: int) -> datetime:
    """When a generation started (the Last-Modified of pages that depend only on it)."""
    return datetime.fromtimestamp(value // 1_000_000, tz=UTC)


def digest(*parts: Any) -> str:
    """A short, stable digest of ``parts`` for cache keys and ETags."""
    raw = "\x1f".join(str(part) for part in parts)
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def page_key(kind: str, *parts: Any) -> str:
    """The cache key of a whole page: kind, language and ``parts`` (not the generation).

    The value is stored with the generation it was built in (see ``generation_and``).
    """
    return f"claims:page:{kind}:{CONTENT_SCHEMA}:{get_language()}:{digest(*parts)}"


def generation_and(key: str) -> tuple[int, Any]:
    """The current generation and the value under ``key``, in one cache round trip."""
    found = cache.get_many([GENERATION_KEY, key])
    gen = found.get(GENERATION_KEY)
    if gen is None:
        return generation(), None
    return int(gen), found.get(key)


def store(key: str, value: Any) -> None:
    cache.set(key, value, PUBLIC_CACHE_SECONDS)


def etag(kind: str, *parts: Any, gen: int) -> str:
    """A strong ETag for a page: it changes with the generation, language and ``parts``."""
    return digest(kind, CONTENT_SCHEMA, gen, get_language(), *parts)


def cached(key: str, build: Callable[[], Any]) -> Any:
    """The value under ``key``, built and stored if missing (``build`` must not give None)."""
    value = cache.get(key)
    if value is None:
        value = build()
        store(key, value)
    return value
