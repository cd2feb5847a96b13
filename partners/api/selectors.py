"""Reads of the partner API, with their query shape.

Partner reads start from ``claims.selectors.claims_published()``: a draft cannot leak.
A partner claims page costs a fixed number of queries whatever its size: the page
(claim, speaker, article, verdict, rating, scale in one join), its corrections, and its
citations with their source and archived copy (one query, the copy's fields as
subqueries).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery

from claims.models import Appearance, Claim, Correction, Rating, Speaker
from claims.selectors import claims_published, claims_search, language_q
from sources.models import Citation, Snapshot


@dataclass(frozen=True)
class ClaimFilters:
    q: str = ""
    speaker: str = ""  # speaker slug
    rating: str = ""  # rating slug
    language: str = ""  # article language; "de" also matches "de-AT"
    updated_since: datetime | None = None  # strictly after


def partner_claims(filters: ClaimFilters) -> QuerySet[Claim]:
    """Public claims (published and retracted) matching ``filters``; unordered, bare."""
    queryset = claims_published()
    if filters.speaker:
        queryset = queryset.filter(speaker__slug=filters.speaker)
    if filters.rating:
        queryset = queryset.filter(verdict__rating__slug=filters.rating)
    if filters.language:
        queryset = queryset.filter(language_q(filters.language))
    if filters.updated_since is not None:
        queryset = queryset.filter(updated_at__gt=filters.updated_since)
    if filters.q:
        queryset = claims_search(queryset, filters.q)
    return queryset


def claims_stamp(queryset: QuerySet[Claim]) -> tuple[int, datetime | None]:
    """(count, newest update) of a claims queryset: one cheap aggregate, for ETags."""
    row = queryset.order_by().aggregate(count=Count("pk"), newest=Max("updated_at"))
    return row["count"], row["newest"]


def _archived_copy(field: str) -> Subquery:
    """A field of the latest 2xx snapshot of the citation's source (what readers get)."""
    return Subquery(
        Snapshot.objects.filter(
            source_id=OuterRef("source_id"), status_code__gte=200, status_code__lt=300
        )
        .order_by("-fetched_at", "-pk")
        .values(field)[:1]
    )


def public_citations() -> QuerySet[Citation]:
    """Citations with their source and archived copy (``copy_*``), in one query."""
    return (
        Citation.objects.select_related("source")
        .only("claim", "role", "order", "source__url")
        .annotate(
            copy_id=_archived_copy("pk"),
            copy_title=_archived_copy("title"),
            copy_sha256=_archived_copy("sha256"),
            copy_fetched_at=_archived_copy("fetched_at"),
        )
        .order_by("order", "pk")
    )


def with_partner_relations(queryset: QuerySet[Claim]) -> QuerySet[Claim]:
    """Everything a partner claim needs: 3 queries for any page size."""
    return (
        queryset.select_related(
            "speaker", "article", "verdict", "verdict__rating", "verdict__rating__scale"
        )
        .defer("search_vector", "article__text")
        .prefetch_related(
            Prefetch("corrections", queryset=Correction.objects.order_by("created_at", "pk")),
            Prefetch("citations", queryset=public_citations()),
            Prefetch("appearances", queryset=Appearance.objects.order_by("created_at", "pk")),
        )
    )


def partner_claim_stamp(claim_id: int) -> tuple[int, datetime] | None:
    """(version, updated_at) of a public claim, or None: the cheap check behind an ETag."""
    return claims_published().filter(pk=claim_id).values_list("version", "updated_at").first()


def partner_claim(claim_id: int) -> Claim | None:
    return with_partner_relations(claims_published().filter(pk=claim_id)).first()


def claimreview_feed() -> QuerySet[Claim]:
    """Published (not retracted) claims for the ClaimReview DataFeed, newest update first."""
    return (
        claims_published(include_retracted=False)
        .select_related(
            "speaker", "article", "verdict", "verdict__rating", "verdict__rating__scale"
        )
        .defer("search_vector", "article__text")
        .filter(verdict__rating__isnull=False)
        .prefetch_related(
            Prefetch("appearances", queryset=Appearance.objects.order_by("created_at", "pk"))
        )
        .order_by("-updated_at", "-pk")
    )


def partner_speakers() -> QuerySet[Speaker]:
    """Speakers with at least one public claim, with the count (one query)."""
    public = Q(claims__in=claims_published())
    return (
        Speaker.objects.filter(public)
        .annotate(public_claims=Count("claims", filter=public, distinct=True))
        .order_by("slug")
    )


def partner_ratings() -> QuerySet[Rating]:
    return Rating.objects.select_related("scale").order_by("scale__slug", "-value", "pk")
