"""Repeated partner reads answered before the middleware stack, for one cache round trip.

A partner polling ``/api/v1/claims/?…``, ``/api/v1/claims/<id>/`` or the DataFeed gets,
while nothing changed, the same bytes each time. ``PartnerReadMiddleware`` comes first in
``MIDDLEWARE``; it keeps the whole response the stack sent (``publishing.frontcache``:
status, headers and body, or the DataFeed's file) and answers the next such request with
it: in the front door before Django's handler (``factcheck.front``, which it registers
``answer_environ`` with) or, where the door is not used (the test client, ``runserver``),
itself. Either way it checks, without waiting for Redis (``factcheck.mirror``):

- the partner keys' generation: the key must have been verified by this process in the
  current one (``keycache``), so a revoked key is refused on its next request;
- the public generation: the kept response must belong to it (a publication anywhere
  shows on the next request, on every machine);
- the per-key throttle's count for this window (the same counter ``PartnerRateThrottle``
  keeps, counted in the background; a request the estimate puts over the limit goes
  through the stack, counted once, exactly, for its 429).

The two generations are this process's copies, which every change waits for (or which
the process no longer trusts: it then asks Redis, in one pipelined round trip that counts
and reads both). Nothing is rendered, no query runs (but ``last_used_at``, written at most
once a minute).
A request the middleware cannot answer goes through unchanged and, when its view marked
the response as replayable, the response is kept for the next one. Only plain requests
are answered here: GET with ``Authorization: Api-Key …``, no cookie, no ``Range``, an
``Accept`` that DRF answers with plain JSON, a valid host and no HTTPS redirect due.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import get_language_from_request
from rest_framework.settings import api_settings

from factcheck import front
from factcheck.cache import count_and_get_many
from factcheck.mirror import mirror, tally
from partners import services as partner_services
from publishing import caching, frontcache

from . import keycache
from .datafeed import accepts_gzip
from .throttling import COUNTED, PartnerRateThrottle, key_window
from .views import etag_matches

ROUTE = re.compile(r"/api/v1/(?:claims/(?:[0-9]{1,18}/)?|claimreview/)")
# What DRF's content negotiation answers with plain application/json (no parameters).
PLAIN_JSON = {"", "*/*", "application/json"}
SCOPE = "partner"  # PartnerView.throttle_scope

copies = frontcache.Copies(max_items=100, max_bytes=4 * 1024 * 1024)


def request_key(request: HttpRequest) -> str | None:
    """The key of this request's answer, or None when the stack must answer it."""
    if request.method != "GET" or not ROUTE.fullmatch(request.path):
        return None
    meta = request.META
    if meta.get("HTTP_COOKIE") or "HTTP_RANGE" in meta:
        return None
    if meta.get("HTTP_ACCEPT", "").strip() not in PLAIN_JSON:
        return None
    secure = request.is_secure()
    if settings.SECURE_SSL_REDIRECT and not secure:
        return None
    try:
        request.get_host()
    except DisallowedHost:
        return None
    language = get_language_from_request(request)
    packed = int(request.path.endswith("/claimreview/") and accepts_gzip(request))
    return f"{language}|{int(secure)}|{packed}|{request.get_full_path()}"


decisions = frontcache.Decisions(request_key)


def _api_key(request: HttpRequest) -> str | None:
    # As PartnerKeyAuthentication reads it; only a key it verified is ever recognised.
    parts = request.META.get("HTTP_AUTHORIZATION", "").split()
    if len(parts) != 2 or parts[0].lower() != "api-key":
        return None
    return parts[1]


def _conditional(request: HttpRequest, kept: frontcache.Kept) -> bool:
    return etag_matches(request, kept.etag)  # the views' rule: If-None-Match only


@functools.lru_cache(maxsize=8)
def _parse(rate: str) -> tuple[int, int]:
    return PartnerRateThrottle().parse_rate(rate)


def _rate() -> tuple[int, int] | None:
    rate = api_settings.DEFAULT_THROTTLE_RATES.get(SCOPE)
    return None if rate is None else _parse(rate)


def find(request: HttpRequest, key: str, api_key: str) -> frontcache.Kept | None:
    """The kept answer, counted and checked; None to let the stack answer."""
    key_digest = keycache.digest(api_key)
    if keycache.known(key_digest) is None:
        return None  # not verified by this process yet: the stack verifies it and counts
    rate = _rate()
    counter = None
    if rate is not None:
        counter = key_window(api_key.partition(".")[0], SCOPE, rate[1], time.time())
    shared = mirror.values()
    if shared is None:  # no trusted copies (no Redis, or the mirror lost it): ask
        shared = _count_and_ask(request, counter, rate)
        if shared is None:
            return None
        counter = None  # counted already
    row = keycache.kept(key_digest, shared.get(keycache.KEYS_GENERATION))
    gen = shared.get(caching.GENERATION_KEY)
    if row is None or gen is None:
        return None  # the stack verifies the key again (or starts a generation) and counts
    kept = frontcache.find(copies, key, int(gen), request, _conditional)
    if kept is None:
        return None
    if counter is not None and rate is not None and not _count_behind(request, counter, rate):
        return None
    _touch(key_digest, row)
    return kept


def _count_and_ask(
    request: HttpRequest, counter: str | None, rate: tuple[int, int] | None
) -> dict[str, Any] | None:
    """The two generations from the cache, and the request counted, in one round trip;
    None when the cache failed or the request is over the limit (the stack answers)."""
    wanted = [keycache.KEYS_GENERATION, caching.GENERATION_KEY]
    try:
        if counter is None or rate is None:
            return cache.get_many(wanted)
        count, found = count_and_get_many(cache, counter, rate[1] + 1, wanted)
    except caching.CACHE_ERRORS:
        return None
    request.META[COUNTED] = (counter, count)  # the throttle must not count it again
    return found if count <= rate[0] else None


def _count_behind(request: HttpRequest, counter: str, rate: tuple[int, int]) -> bool:
    """Count the request, sent once the answer went out (``tally``); False when the
    stack must answer (no Redis, or over the limit by this process's estimate)."""
    limit, duration = rate
    estimate = tally.add(counter, duration + 1)
    if estimate is None:
        return False
    request.META[COUNTED] = (counter, estimate)  # should the stack answer after all
    if estimate > limit:
        # Over the limit by this process's estimate: the stack decides on the exact count,
        # for its 429.
        tally.settle()
        request.META[COUNTED] = (counter, tally.count(counter))
        return False
    return True


_touched: dict[str, float] = {}
TOUCH_EVERY = 10.0  # seconds; last_used_at itself is written at most once a minute


def _touch(key_digest: str, row: Any) -> None:
    """``partner_key_touch``, asked every ``TOUCH_EVERY`` seconds per key, not per request."""
    now = time.monotonic()
    if _touched.get(key_digest, 0.0) <= now:
        if len(_touched) >= keycache.MAX_KEYS:
            _touched.clear()
        _touched[key_digest] = now + TOUCH_EVERY
        partner_services.partner_key_touch(row)


def answer_environ(environ: dict[str, Any]) -> frontcache.Answer | None:
    """The front door's answerer (``factcheck.front``): a kept partner read."""
    if environ.get("REQUEST_METHOD") != "GET" or "HTTP_AUTHORIZATION" not in environ:
        return None
    if not ROUTE.fullmatch(environ.get("PATH_INFO", "")):
        return None
    environ[frontcache.TRIED] = True
    request = frontcache.EnvironRequest(environ)
    key = decisions.key(environ)
    api_key = _api_key(request) if key is not None else None
    if key is None or api_key is None:
        return None
    kept = find(request, key, api_key)
    if kept is None:
        return None
    try:
        return frontcache.wsgi(kept, environ, after=tally.send)
    except OSError:  # the DataFeed file went (a newer build replaced it): the stack knows
        return None


class PartnerReadMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        front.register("partner reads", answer_environ)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        key = request_key(request)
        api_key = _api_key(request) if key is not None else None
        if key is None or api_key is None:
            return self.get_response(request)
        if not frontcache.tried_in_front(request):
            kept = find(request, key, api_key)
            if kept is not None:
                try:
                    return frontcache.replay(kept, after=tally.send)
                except OSError:
                    pass  # the DataFeed file went: the stack answers
        response = self.get_response(request)
        frontcache.keep(copies, key, request, response)
        tally.send()  # a count the stack took over (COUNTED)
        return response
