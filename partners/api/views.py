"""The partner API: read-only, published claims only, per-key throttling, ETags.

Every read starts from ``claims.selectors.claims_published()`` (via ``api.selectors``):
a draft's id answers 404 exactly like a missing id. Validators (ETag) are computed from
one cheap query before anything is serialised; a match is a 304. Bodies are cached
under their ETag, which holds the public-cache generation (``publishing.caching``), so a
publish, correction or retraction makes every cached body obsolete at once.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags, quote_etag
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from publishing import caching, frontcache

from . import datafeed, selectors
from .authentication import PartnerKeyAuthentication, StaffTokenAuthentication
from .filters import ClaimQuery, PageQuery, parse_query
from .pagination import ClaimCursorPagination, SpeakerCursorPagination
from .permissions import IsPartnerOrStaff
from .schema import IF_NONE_MATCH, NOT_MODIFIED, errors
from .serializers import (
    DataFeedSerializer,
    PartnerClaimSerializer,
    PartnerRatingSerializer,
    PartnerSpeakerSerializer,
    RatingListSerializer,
    claim_data,
    datafeed_data,
    datafeed_stream,
)
from .throttling import PartnerRateThrottle

PARTNER_ERRORS = errors(400, 401, 403, 429)
JSON = "application/json"
# A DataFeed of up to this many items is built whole and cached; a larger one is streamed.
DATAFEED_CACHED_ITEMS = 2000
ID_PARAMETER = OpenApiParameter(
    "id", int, OpenApiParameter.PATH, description="The claim's id.", required=True
)


class PartnerView(GenericAPIView):
    """Base of the partner API: key, staff token or staff session; rate per key."""

    authentication_classes = [
        PartnerKeyAuthentication,
        StaffTokenAuthentication,
        SessionAuthentication,
    ]
    permission_classes = [IsPartnerOrStaff]
    throttle_classes = [PartnerRateThrottle]
    throttle_scope = "partner"
    # No OPTIONS metadata (no CORS here): OPTIONS is a 405 with the Allow header.
    metadata_class = None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Authenticated content: browsers may revalidate, shared caches must not store it.
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ["Authorization", "Cookie"])
        return response


def _etag(kind: str, *parts: Any, gen: int | None = None) -> str:
    gen = caching.generation() if gen is None else gen
    return quote_etag(caching.etag(kind, "api-v1", *parts, gen=gen))


def list_stamp(kind: str, filters: Any, queryset) -> tuple[int, tuple[int, Any]]:
    """The generation and (count, newest update) of a list, counted once per generation.

    Counting every public claim on every request would read the whole table; like the
    public pages, a list's stamp holds until the next publish, correction or retraction
    (which start a new generation), or ``PUBLIC_CACHE_SECONDS`` for changes made outside
    the workflow.
    """
    gen = caching.generation()
    key = f"api:v1:{kind}-stamp:{gen}:{caching.digest(filters)}"
    return gen, caching.cached(key, lambda: selectors.claims_stamp(queryset))


def etag_matches(request: HttpRequest | Request, etag: str) -> bool:
    """If-None-Match names ``etag`` (or ``*``): the answer is a 304."""
    header = request.META.get("HTTP_IF_NONE_MATCH", "")
    if not header:
        return False
    tags = parse_etags(header)
    return "*" in tags or etag in tags  # parse_etags drops a W/ prefix


def _conditional(
    request: Request,
    etag: str,
    build: Callable[[], dict[str, Any]],
    *,
    cache_key: str,
    gen: int,
) -> Response | HttpResponse:
    """304 if the client has ``etag``; else the body with it.

    The body is rendered to JSON once per ETag (which holds the generation) and kept as
    bytes in the shared cache; the first middleware keeps the whole response too
    (``partners.api.middleware``), so a repeated request costs one cache round trip.
    """
    if etag_matches(request, etag):
        response: Response | HttpResponse = HttpResponse(status=304)
    elif request.accepted_media_type == JSON:
        body = caching.cached(
            f"api:v1:{cache_key}:json:{etag}", lambda: JSONRenderer().render(build())
        )
        response = HttpResponse(body, content_type=JSON)
    else:  # parameters on the media type (indent=…): DRF renders as asked
        response = Response(build())
    response["ETag"] = etag
    frontcache.mark(request._request, gen=gen, etag=etag)
    return response


def _query_items(request: Request) -> list[tuple[str, str]]:
    return sorted((key, value) for key, values in request.query_params.lists() for value in values)


class ClaimListView(PartnerView):
    pagination_class = ClaimCursorPagination
    serializer_class = PartnerClaimSerializer

    @extend_schema(
        operation_id="claims_list",
        summary="Published claims, newest update first",
        description=(
            "Published and retracted claims with their verdicts, newest update first, "
            "cursor-paginated. Incremental sync: pass `updated_since` = the `updated_at` "
            "of the newest claim you have; retracted claims come back with "
            '`status: "retracted"` (take them down). Send `If-None-Match` with the last '
            "`ETag` to get a 304 when nothing changed."
        ),
        parameters=[ClaimQuery, IF_NONE_MATCH],
        responses={200: PartnerClaimSerializer(many=True), 304: NOT_MODIFIED, **PARTNER_ERRORS},
    )
    def get(self, request: Request) -> Response | HttpResponse:
        query = parse_query(ClaimQuery, request)
        filters = query.filters()
        queryset = selectors.partner_claims(filters)
        gen, (count, newest) = list_stamp("claims", filters, queryset)
        base = request.build_absolute_uri(request.path)
        etag = _etag("claims", count, newest, base, *_query_items(request), gen=gen)

        def build() -> dict[str, Any]:
            paginator = self.paginator
            page = paginator.paginate_queryset(
                selectors.with_partner_relations(queryset), request, view=self
            )
            return paginator.get_paginated_response([claim_data(c) for c in page]).data

        return _conditional(request, etag, build, cache_key="claims", gen=gen)


class ClaimDetailView(PartnerView):
    serializer_class = PartnerClaimSerializer

    @extend_schema(
        operation_id="claims_retrieve",
        summary="One published claim",
        description="404 for an id that is not public (a draft) exactly as for a missing one.",
        parameters=[ID_PARAMETER, IF_NONE_MATCH],
        responses={200: PartnerClaimSerializer, 304: NOT_MODIFIED, **errors(401, 403, 404, 429)},
    )
    def get(self, request: Request, pk: int) -> Response | HttpResponse:
        gen = caching.generation()  # before the stamp: see publishing.caching
        stamp = selectors.partner_claim_stamp(pk)
        if stamp is None:
            raise NotFound()
        etag = _etag("claim", pk, *stamp, gen=gen)

        def build() -> dict[str, Any]:
            claim = selectors.partner_claim(pk)
            if claim is None:  # gone between the two queries
                raise NotFound()
            return claim_data(claim)

        return _conditional(request, etag, build, cache_key="claim", gen=gen)


class SpeakerListView(PartnerView):
    pagination_class = SpeakerCursorPagination
    serializer_class = PartnerSpeakerSerializer

    @extend_schema(
        operation_id="speakers_list",
        summary="Speakers with public claims",
        parameters=[PageQuery],
        responses={200: PartnerSpeakerSerializer(many=True), **PARTNER_ERRORS},
    )
    def get(self, request: Request) -> Response:
        parse_query(PageQuery, request)
        page = self.paginate_queryset(selectors.partner_speakers())
        return self.get_paginated_response(PartnerSpeakerSerializer(page, many=True).data)


class RatingListView(PartnerView):
    serializer_class = RatingListSerializer

    @extend_schema(
        operation_id="ratings_list",
        summary="Rating scales and their ratings",
        description="Every rating, best first within its scale (`default_scale` marks the desk's).",
        responses={200: RatingListSerializer, **errors(401, 403, 429)},
    )
    def get(self, request: Request) -> Response:
        ratings = selectors.partner_ratings()
        return Response({"results": PartnerRatingSerializer(ratings, many=True).data})


class ClaimReviewFeedView(PartnerView):
    serializer_class = DataFeedSerializer

    @extend_schema(
        operation_id="claimreview_feed",
        summary="All published verdicts as a schema.org DataFeed of ClaimReview",
        description=(
            "The same ClaimReview objects as the verdict pages' JSON-LD; retracted verdicts "
            "are left out. Use `If-None-Match` to revalidate. Once the desk has built the "
            "file of its current state (in the background, seconds after a publication), "
            "it is served like a static file: `Accept-Encoding: gzip` gets it compressed, "
            "and a single `Range: bytes=…` gets 206 Partial Content (416 when the range "
            "lies beyond the file), so a large download can be resumed."
        ),
        parameters=[IF_NONE_MATCH],
        responses={200: DataFeedSerializer, 304: NOT_MODIFIED, **errors(401, 403, 429)},
    )
    def get(self, request: Request) -> HttpResponseBase:
        queryset = selectors.claimreview_feed()
        gen, (count, newest) = list_stamp("claimreview", None, queryset)
        built = datafeed.datafeed_current(count, newest)
        if built is not None:  # the file of this state, built in the background
            response = datafeed.serve(request._request, built)
            if response.status_code in (200, 304) and "Range" not in request.headers:
                frontcache.mark(
                    request._request,
                    gen=gen,
                    etag=response["ETag"],
                    file=getattr(response, "datafeed_file", ""),
                )
            return response
        # Not built yet (a new state, a fresh deploy): built here meanwhile, and queued.
        datafeed.datafeed_request_build()
        etag = _etag("claimreview", count, newest, gen=gen)
        if count > DATAFEED_CACHED_ITEMS and not etag_matches(request, etag):
            # Too large to hold or cache whole: written item by item from a server-side
            # cursor, so a worker's memory stays that of one item whatever the desk's size.
            response = StreamingHttpResponse(
                datafeed_stream(queryset.iterator(chunk_size=500), newest=newest),
                content_type="application/json",
            )
            response["ETag"] = etag
            return response
        return _conditional(
            request,
            etag,
            lambda: datafeed_data(list(queryset), newest=newest),
            cache_key="claimreview",
            gen=gen,
        )
