"""Reads of the desk API, with their query shape (staff only: drafts included)."""

from django.db.models import Count, Prefetch, QuerySet

from claims.models import Article, Claim, Correction
from sources.models import Citation, Source
from sources.selectors import source_detail


def desk_articles() -> QuerySet[Article]:
    # The import record (and the article it duplicates) say why a failed import failed.
    return (
        Article.objects.defer("text")
        .select_related("import_record__duplicate_of")
        .annotate(claim_count=Count("claims"))
    )


def desk_article(article_id: int) -> Article | None:
    return (
        Article.objects.select_related("import_record__duplicate_of")
        .annotate(claim_count=Count("claims"))
        .filter(pk=article_id)
        .first()
    )


def desk_claims(*, status: str = "", article_id: int | None = None) -> QuerySet[Claim]:
    queryset = Claim.objects.select_related("speaker", "verdict", "verdict__rating").defer(
        "search_vector"
    )
    if status:
        queryset = queryset.filter(status=status)
    if article_id is not None:
        queryset = queryset.filter(article_id=article_id)
    return queryset


def desk_claim(claim_id: int) -> Claim | None:
    return (
        desk_claims()
        .prefetch_related(
            Prefetch("corrections", queryset=Correction.objects.order_by("created_at", "pk")),
            Prefetch(
                "citations",
                queryset=Citation.objects.select_related("source").order_by("order", "pk"),
            ),
        )
        .filter(pk=claim_id)
        .first()
    )


def desk_citation(citation_id: int) -> Citation:
    return Citation.objects.select_related("source").get(pk=citation_id)


def desk_source(source_id: int) -> Source | None:
    return source_detail(source_id)
