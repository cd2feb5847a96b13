"""Request body limits, applied before anything reads a body.

The admin and the desk API take articles of up to ``MAX_ARTICLE_CHARS`` characters. The
most bytes one character can take in a request body is 12: as JSON with every character
escaped (an astral character as a ``\\uXXXX\\uXXXX`` pair, which is what ``json.dumps``
sends by default) or as a form (an astral character's four UTF-8 bytes, each
percent-encoded). So the largest valid article is ``12 * MAX_ARTICLE_CHARS`` bytes (60
MiB) plus its other fields, and ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (64 MiB by default; see
``factcheck/settings.py``) admits every valid article however it is encoded — a body
that large is refused by the article's own limit, with a message, not by the server.
Everywhere else (public pages, the partner API, the language switch) nothing large is
posted, and Django's default of 2.5 MiB stays the limit.

An oversized body is a 413 that names the limit: JSON in the API's error shape under
``/api/``, a short page elsewhere. It is refused by its ``Content-Length``, before a byte
of it is read. A chunked body (no ``Content-Length``) cannot be read by a WSGI
application at all (Django would see an empty body), so it is a 411 instead of being
silently taken for nothing.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from partners.api.exceptions import error_body, is_api_path, too_large_body

# Django's default DATA_UPLOAD_MAX_MEMORY_SIZE, for the paths that take no articles.
OTHER_BODY_LIMIT = 2_621_440
# Where staff work with articles: the admin (and its split view) and the desk API.
STAFF_PREFIXES = ("/admin/", "/api/v1/desk/")


def body_limit(request: HttpRequest) -> int:
    """The most bytes a request body to this path may have."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if request.path_info.startswith(STAFF_PREFIXES):
        return limit
    return min(limit, OTHER_BODY_LIMIT)


def _page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    html = render_to_string("request_refused.html", {"title": title, "message": message})
    return HttpResponse(html, status=status)


def _too_large(request: HttpRequest, limit: int) -> HttpResponse:
    if is_api_path(request):
        return JsonResponse(too_large_body(limit), status=413)
    message = _("The request body is too large: at most %(limit)s bytes.") % {"limit": f"{limit:,}"}
    return _page(request, 413, _("Request too large"), message)


def _length_required(request: HttpRequest) -> HttpResponse:
    message = _("Send the request body with a Content-Length header; chunked bodies are not read.")
    if is_api_path(request):
        return JsonResponse(error_body("length_required", message), status=411)
    return _page(request, 411, _("Length required"), message)


class RequestBodyLimitMiddleware:
    """Refuse a body over :func:`body_limit` (413) or one without a length (411)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        chunked = "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and isinstance(request, WSGIRequest):
            return _length_required(request)
        try:
            length = int(meta.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads a malformed length as no body, and so does this
        limit = body_limit(request)
        if length > limit:
            return _too_large(request, limit)
        return self.get_response(request)
