"""Cached public pages answered before the middleware stack, even before Django's handler.

``PublicPageMiddleware`` comes first in ``MIDDLEWARE`` and keeps the answer of every
public page served in the current generation (``publishing.frontcache``): the same
status, headers and body the full stack sent. The next request for it is answered by the
front door (``factcheck.front``, a WSGI layer before Django's handler, which this
middleware registers ``answer_environ`` with) or, where the door is not used (the test
client, ``runserver``), by the middleware itself: no database query, no cache round trip
within ``PUBLIC_CACHE_LOCAL_SECONDS`` and none of the other middleware. A revalidation
gets the full stack's 304 the same way.

Only requests whose answer cannot depend on anything but the URL, the language and the
scheme are answered here: GET on the pages cached whole (``views.cached_page``), a valid
host, no redirect to HTTPS due, and no cookie but the language and CSRF cookies (a staff
session goes through the stack). Everything else goes through unchanged, and so does
everything when ``PUBLIC_CACHE_LOCAL_SECONDS`` is 0 (every request asks the shared cache).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.translation import get_language_from_request

from factcheck import front

from . import caching, frontcache

# The pages cached whole (views.cached_page); the feed and the archive are not.
PREFIXES = ("/fact-checks/", "/speakers/", "/methodology/")

copies = frontcache.Copies(max_items=300, max_bytes=2 * 1024 * 1024)


def _cookies_allowed(request: HttpRequest) -> bool:
    allowed = {settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
    return set(request.COOKIES) <= allowed


def page_key(request: HttpRequest) -> str | None:
    """The key of this request's answer, or None when the full stack must answer it."""
    if request.method != "GET" or not settings.PUBLIC_CACHE_LOCAL_SECONDS:
        return None
    if not request.path.startswith(PREFIXES):
        return None
    if "HTTP_COOKIE" in request.META and not _cookies_allowed(request):
        return None
    secure = request.is_secure()
    if settings.SECURE_SSL_REDIRECT and not secure:
        return None  # SecurityMiddleware redirects (or exempts): let it
    try:
        request.get_host()
    except DisallowedHost:
        return None
    language = get_language_from_request(request)
    return f"{language}|{int(secure)}|{request.get_full_path()}"


decisions = frontcache.Decisions(page_key)


def _conditional(request: HttpRequest, kept: frontcache.Kept) -> bool | None:
    """Exactly the view's rules (``cached_page``): ETag and Last-Modified, 304 or 412."""
    response = get_conditional_response(request, etag=kept.etag, last_modified=kept.last_modified)
    if response is None:
        return False
    return True if response.status_code == 304 else None


def answer_environ(environ: dict[str, Any]) -> frontcache.Answer | None:
    """The front door's answerer (``factcheck.front``): a kept page for this environ."""
    if environ.get("REQUEST_METHOD") != "GET" or not settings.PUBLIC_CACHE_LOCAL_SECONDS:
        return None
    if not environ.get("PATH_INFO", "").startswith(PREFIXES):
        return None
    environ[frontcache.TRIED] = True
    request = frontcache.EnvironRequest(environ)
    key = decisions.key(environ)
    gen = caching.generation_local() if key is not None else None
    if key is None or gen is None:
        return None
    kept = frontcache.find(copies, key, gen, request, _conditional)
    return None if kept is None else frontcache.wsgi(kept, environ)


class PublicPageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        front.register("public pages", answer_environ)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        key = page_key(request)
        if key is None:
            return self.get_response(request)
        if not frontcache.tried_in_front(request):
            gen = caching.generation_local()
            if gen is not None:
                answered = frontcache.answer(copies, key, gen, request, _conditional)
                if answered is not None:
                    return answered
        response = self.get_response(request)
        frontcache.keep(copies, key, request, response)
        return response
