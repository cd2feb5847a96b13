"""Every read used by pages and APIs, with its query shape.

Public reads start from ``claims_published()``: drafts cannot leak by accident.
"""

from django.db.models import Count, Prefetch, Q, QuerySet

from .models import Article, Claim, Correction, Rating, RatingScale, Speaker

PUBLIC_STATUSES = (Claim.Status.PUBLISHED, Claim.Status.RETRACTED)


def claims_published(*, include_retracted: bool = True) -> QuerySet[Claim]:
    """The only door to claims for the public: published (and retracted) claims."""
    statuses = PUBLIC_STATUSES if include_retracted else (Claim.Status.PUBLISHED,)
    return Claim.objects.filter(status__in=statuses, published_at__isnull=False)


def claims_public_list() -> QuerySet[Claim]:
    return claims_published().select_related(
        "speaker", "article", "verdict", "verdict__rating", "verdict__rating__scale"
    )


def claim_public_detail(*, slug: str) -> Claim | None:
    return (
        claims_public_list()
        .prefetch_related(
            Prefetch("corrections", queryset=Correction.objects.order_by("created_at"))
        )
        .filter(slug=slug)
        .first()
    )


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


def rating_scale_default() -> RatingScale | None:
    return (
        RatingScale.objects.filter(is_default=True)
        .prefetch_related(Prefetch("ratings", queryset=Rating.objects.order_by("-value")))
        .first()
    )


def article_with_claims(*, article_id: int) -> Article | None:
    return (
        Article.objects.prefetch_related(
            Prefetch(
                "claims",
                queryset=Claim.objects.select_related("speaker", "verdict__rating").order_by(
                    "start"
                ),
            )
        )
        .filter(pk=article_id)
        .first()
    )
