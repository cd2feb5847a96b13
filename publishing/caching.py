"""Caching of the public pages: a generation number, fragment caching and validators.

Design:

- One **generation** number is part of every cache key and every ETag of the public
  pages. ``bump_generation`` (by ``publishing.receivers`` after a publish,
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
  built in; ``page_lookup`` reads both in one round trip, so a hit or a 304 costs one
  cache read and no database query. Each process also keeps the pages it served and
  trusts the generation it read for ``PUBLIC_CACHE_LOCAL_SECONDS`` (1 s by default): a hit
  within that second costs no round trip at all, and a publication shows on every
  process within that second (at once on the one that published).
- Every key holds the active language, and the views send ``Vary: Cookie,
  Accept-Language``, so a German page is never served to an English reader.

Call ``generation()`` before reading the database for a page: ``bump_generation`` runs
after the commit, so whoever sees the new generation also sees the new data.
"""

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language
from redis.exceptions import RedisError

from factcheck.mirror import mirror

logger = logging.getLogger(__name__)
# What a cache that cannot be reached raises (Redis down, refused, timed out).
CACHE_ERRORS = (RedisError, OSError)

GENERATION_KEY = "claims:public:generation"
PUBLIC_CACHE_SECONDS = 300
# Copied into the processes that answer repeated partner reads (partners.api.middleware).
mirror.watch(GENERATION_KEY)
# Bump when the shape of the cached content changes, so a deploy never serves old shapes.
CONTENT_SCHEMA = 2


def _fresh_generation() -> int:
    # Microseconds since the epoch: unique across restarts and cache flushes.
    return time.time_ns() // 1000


def _unavailable(error: Exception) -> None:
    # Readers still get their pages, built per request: correct, only slower.
    logger.warning("cache unavailable, serving without it: %s", error)


def generation() -> int:
    """The current generation (starting a new one if the cache lost it).

    Without a reachable cache every call is a new generation: nothing is served from a
    cache and no ETag matches, but every page is right.
    """
    try:
        value = cache.get(GENERATION_KEY)
        if value is None:
            if cache.add(GENERATION_KEY, _fresh_generation(), PUBLIC_CACHE_SECONDS):
                mirror.changed(wait=False)  # a new number for the same content
            value = cache.get(GENERATION_KEY)
    except CACHE_ERRORS as error:
        _unavailable(error)
        value = None
    if value is None:  # a cache that stores nothing (DummyCache) or none at all
        value = _fresh_generation()
    return int(value)


def bump_generation() -> int:
    """Make every cached public page and every ETag obsolete."""
    value = max(_fresh_generation(), generation() + 1)
    cache.set(GENERATION_KEY, value, PUBLIC_CACHE_SECONDS)
    mirror.changed()  # every process that keeps a copy has it before this returns
    _process.set_gen(value)  # this process sees its own change at once
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

    The value is stored with the generation it was built in (see ``page_lookup``).
    """
    return f"claims:page:{kind}:{CONTENT_SCHEMA}:{get_language()}:{digest(*parts)}"


class _ProcessCopy:
    """This process's copy of the generation (trusted for ``PUBLIC_CACHE_LOCAL_SECONDS``)
    and of the pages most recently served, bounded in number and bytes."""

    # Enough for the pages of a spike (a few hot verdicts, the index) and little against a
    # web worker's memory budget (the first middleware keeps the whole responses as well:
    # publishing.middleware).
    MAX_PAGES = 200
    MAX_BYTES = 2 * 1024 * 1024

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        self.gen: int | None = None
        self.gen_until = 0.0
        self.pages: OrderedDict[str, tuple] = OrderedDict()
        self.bytes = 0

    def fresh_gen(self) -> int | None:
        return self.gen if time.monotonic() < self.gen_until else None

    def set_gen(self, gen: int) -> None:
        seconds = settings.PUBLIC_CACHE_LOCAL_SECONDS
        with self.lock:
            if self.gen != gen:
                self.pages.clear()  # pages of another generation are of no use
                self.bytes = 0
            self.gen, self.gen_until = gen, time.monotonic() + seconds

    def page(self, key: str, gen: int) -> tuple | None:
        with self.lock:
            entry = self.pages.get(key)
            if entry is None or entry[0] != gen:
                return None
            self.pages.move_to_end(key)
            return entry

    def keep(self, key: str, entry: tuple) -> None:
        size = len(entry[-1])
        if not settings.PUBLIC_CACHE_LOCAL_SECONDS or size > self.MAX_BYTES // 8:
            return
        with self.lock:
            old = self.pages.pop(key, None)
            self.bytes -= len(old[-1]) if old else 0
            self.pages[key] = entry
            self.bytes += size
            while len(self.pages) > self.MAX_PAGES or self.bytes > self.MAX_BYTES:
                _key, dropped = self.pages.popitem(last=False)
                self.bytes -= len(dropped[-1])


_process = _ProcessCopy()


def page_lookup(key: str) -> tuple[int, tuple | None]:
    """The current generation and the whole page under ``key`` (``(gen, …, body)``).

    From this process's copy when its generation was read from the cache less than
    ``PUBLIC_CACHE_LOCAL_SECONDS`` ago: a hit then costs no round trip at all, and a
    publication elsewhere shows here within that many seconds (at once in the process
    that published). Otherwise generation and page come in one cache round trip.
    """
    if settings.PUBLIC_CACHE_LOCAL_SECONDS:
        gen = _process.fresh_gen()
        if gen is not None and (entry := _process.page(key, gen)) is not None:
            return gen, entry
    try:
        found = cache.get_many([GENERATION_KEY, key])
    except CACHE_ERRORS as error:
        _unavailable(error)
        return _fresh_generation(), None
    gen = found.get(GENERATION_KEY)
    if gen is None:
        return generation(), None
    gen, entry = int(gen), found.get(key)
    if settings.PUBLIC_CACHE_LOCAL_SECONDS:
        _process.set_gen(gen)
        if entry is not None and entry[0] == gen:
            _process.keep(key, entry)
    return gen, entry


def generation_local() -> int | None:
    """The current generation as this process may trust it, or None when unknown.

    This process's copy while it is fresher than ``PUBLIC_CACHE_LOCAL_SECONDS``; else one
    read of the cache (and the copy refreshed). None when the cache has no generation or
    cannot be reached: the caller then lets the full stack answer (which starts one).
    """
    if settings.PUBLIC_CACHE_LOCAL_SECONDS:
        gen = _process.fresh_gen()
        if gen is not None:
            return gen
    try:
        found = cache.get_many([GENERATION_KEY])
    except CACHE_ERRORS as error:
        _unavailable(error)
        return None
    if GENERATION_KEY not in found:
        return None
    gen = int(found[GENERATION_KEY])
    if settings.PUBLIC_CACHE_LOCAL_SECONDS:
        _process.set_gen(gen)
    return gen


def _store(key: str, value: Any) -> None:
    try:
        cache.set(key, value, PUBLIC_CACHE_SECONDS)
    except CACHE_ERRORS as error:
        _unavailable(error)


def page_store(key: str, entry: tuple) -> None:
    """Keep a whole page, ``(gen, …, body)``, in the cache and in this process."""
    _process.keep(key, entry)
    _store(key, entry)


def etag(kind: str, *parts: Any, gen: int) -> str:
    """A strong ETag for a page: it changes with the generation, language and ``parts``."""
    return digest(kind, CONTENT_SCHEMA, gen, get_language(), *parts)


def cached(key: str, build: Callable[[], Any]) -> Any:
    """The value under ``key``, built and stored if missing (``build`` must not give None)."""
    try:
        value = cache.get(key)
    except CACHE_ERRORS as error:
        _unavailable(error)
        value = None
    if value is None:
        value = build()
        _store(key, value)
    return value
