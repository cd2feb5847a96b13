"""The public site's reads: the index, a verdict page, speaker pages, feed and sitemap.

Every one starts from ``claims.selectors.claims_published()`` (through
``claims_public_list``): drafts cannot leak by accident.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from claims.models import Appearance, Claim, Correction, Speaker, SpeakerRedirect
from claims.selectors import claims_public_list, claims_published, claims_search, language_q
from sources.selectors import public_sources_for_claim


@dataclass(frozen=True)
class PublicFilters:
    q: str = ""
    rating: str = ""  # rating slug
    speaker: str = ""  # speaker slug
    language: str = ""  # article language, e.g. "de" (also matches "de-AT")
    published_from: date | None = None
    published_to: date | None = None


def claims_public_search(filters: PublicFilters) -> QuerySet[Claim]:
    """The index: public claims, newest first (best match first when searching)."""
    queryset = claims_public_list().order_by("-published_at", "-id")
    if filters.rating:
        queryset = queryset.filter(verdict__rating__slug=filters.rating)
    if filters.speaker:
        queryset = queryset.filter(speaker__slug=filters.speaker)
    if filters.language:
        queryset = queryset.filter(language_q(filters.language))
    if filters.published_from:
        queryset = queryset.filter(published_at__date__gte=filters.published_from)
    if filters.published_to:
        queryset = queryset.filter(published_at__date__lte=filters.published_to)
    if filters.q:
        queryset = claims_search(queryset, filters.q, ranked=True)
    return queryset


def claim_public_stamp(*, slug: str) -> tuple[int, int, datetime] | None:
    """(id, version, updated_at) of a public claim: the cheap check behind its ETag."""
    return claims_published().filter(slug=slug).values_list("pk", "version", "updated_at").first()


def claim_public_detail(*, slug: str) -> Claim | None:
    return (
        claims_public_list()
        .prefetch_related(
            Prefetch("corrections", queryset=Correction.objects.order_by("created_at", "id")),
            Prefetch("appearances", queryset=Appearance.objects.order_by("created_at", "id")),
        )
        .filter(slug=slug)
        .first()
    )


def claim_public_sources(claim: Claim) -> list[dict[str, Any]]:
    """The sources cited by a public claim's verdict, for its page.

    Each item: ``url``, ``title``, ``role``, ``role_label``, ``passage``, ``archive_url``
    and ``fetched_at`` (a datetime or None); one query whatever the count.
    """
    return public_sources_for_claim(claim)


def claims_for_feed(*, limit: int = 50) -> QuerySet[Claim]:
    """Newest changes first; retracted claims stay in so subscribers learn of them."""
    return claims_public_list().order_by("-updated_at", "-id")[:limit]


def claims_for_sitemap() -> QuerySet[Claim]:
    """Published claims only: a retracted page stays up but is not offered for indexing."""
    return claims_published(include_retracted=False).order_by("-published_at", "-id")


def speakers_public() -> QuerySet[Speaker]:
    """Speakers with at least one public claim, with the count."""
    return (
        Speaker.objects.filter(claims__in=claims_published())
        .annotate(public_claims=Count("claims", filter=Q(claims__in=claims_published())))
        .distinct()
        .order_by("name")
    )


def speaker_public(*, slug: str) -> Speaker | None:
    return speakers_public().filter(slug=slug).first()


def speaker_redirect_target(*, slug: str) -> Speaker | None:
    """The speaker a merged speaker's old address now belongs to (None: no such address)."""
    found = SpeakerRedirect.objects.select_related("speaker").filter(old_slug=slug).first()
    return found.speaker if found is not None else None


def speaker_public_claims(speaker: Speaker, *, limit: int = 200) -> QuerySet[Claim]:
    return claims_public_list().filter(speaker=speaker).order_by("-published_at", "-id")[:limit]


def languages_public() -> list[str]:
    return list(
        claims_published()
        .order_by("article__language")
        .values_list("article__language", flat=True)
        .distinct()
    )
