"""Baseline views for bench/bench_web.py: NOT part of the product.

Mounted under ``/bench/`` only when the environment has ``FACTCHECK_BENCH_VIEWS=true``
(see the end of ``factcheck/urls.py``); production never sets it.

- ``/bench/hello/``: a hello-world ``HttpResponse`` behind the project's middleware: the
  ceiling for any page served by this stack.
- ``/bench/claims/``: the partner claims list done with plain Django. The same queries as
  ``/api/v1/claims/`` (the ``partners.api.selectors`` functions: the ETag's stamp, counted
  once per cache generation and filters as the API does, the page
  with its relations, corrections and citations), the same per-row ``claim_data`` and the
  same cursor ``next`` link, rendered with ``json.dumps`` as DRF's ``JSONRenderer`` does,
  so the first page has the same bytes. No DRF request/response, no authentication,
  throttling, ETag or response cache.
"""

import json
from base64 import b64encode
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.utils.urls import replace_query_param

from partners.api import selectors
from partners.api.pagination import MAX_PAGE_SIZE, ClaimCursorPagination
from partners.api.serializers import claim_data
from partners.api.views import list_stamp

ORDERING = ClaimCursorPagination.ordering  # ("-updated_at", "-id")
DEFAULT_PAGE_SIZE = ClaimCursorPagination.page_size


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"Hello, world", content_type="text/plain")


def _position(claim) -> str:
    return str(claim.updated_at)  # what DRF's CursorPagination puts in a cursor


def _next_link(request: HttpRequest, page: list, following) -> str | None:
    """DRF's CursorPagination.get_next_link for a first page (no cursor given)."""
    if following is None:
        return None
    compare, offset, position = _position(following), 0, None
    for claim in reversed(page):
        position = _position(claim)
        if position != compare:
            break
        compare = position
        offset += 1
    else:  # every item shares the following item's position
        offset, position = len(page), None
    tokens = {}
    if offset:
        tokens["o"] = str(offset)
    if position is not None:
        tokens["p"] = position
    cursor = b64encode(urlencode(tokens, doseq=True).encode("ascii")).decode("ascii")
    return replace_query_param(request.build_absolute_uri(), "cursor", cursor)


def claims(request: HttpRequest) -> HttpResponse:
    try:
        size = min(max(int(request.GET.get("page_size", DEFAULT_PAGE_SIZE)), 1), MAX_PAGE_SIZE)
    except ValueError:
        size = DEFAULT_PAGE_SIZE
    filters = selectors.ClaimFilters(q=request.GET.get("q", "").strip())
    queryset = selectors.partner_claims(filters)
    list_stamp("claims", filters, queryset)  # the API's ETag stamp; its result is not used here
    rows = list(selectors.with_partner_relations(queryset).order_by(*ORDERING)[: size + 1])
    page, following = rows[:size], (rows[size] if len(rows) > size else None)
    data = {
        "next": _next_link(request, page, following),
        "previous": None,
        "results": [claim_data(claim) for claim in page],
    }
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    body = body.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")  # as DRF does
    return HttpResponse(body.encode(), content_type="application/json")


urlpatterns = [
    path("hello/", hello, name="bench-hello"),
    path("claims/", claims, name="bench-claims"),
]
