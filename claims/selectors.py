"""Every read used by pages and APIs, with its query shape.

Public reads start from ``claims_published()``: drafts cannot leak by accident.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, When

from .models import Article, Claim, Correction, Rating, RatingScale, Speaker, Verdict

PUBLIC_STATUSES = (Claim.Status.PUBLISHED, Claim.Status.RETRACTED)


def claims_published(*, include_retracted: bool = True) -> QuerySet[Claim]:
    """The only door to claims for the public: published (and retracted) claims."""
    statuses = PUBLIC_STATUSES if include_retracted else (Claim.Status.PUBLISHED,)
    return Claim.objects.filter(status__in=statuses, published_at__isnull=False)


def claims_public_list(*, include_retracted: bool = True) -> QuerySet[Claim]:
    """Public claims with everything a list item or a ClaimReview needs, in one query."""
    return claims_published(include_retracted=include_retracted).select_related(
        "speaker", "article", "verdict", "verdict__rating", "verdict__rating__scale"
    )


@dataclass(frozen=True)
class PublicFilters:
    q: str = ""
    rating: str = ""  # rating slug
    speaker: str = ""  # speaker slug
    language: str = ""  # article language, e.g. "de" (also matches "de-AT")
    published_from: date | None = None
    published_to: date | None = None


def language_q(language: str) -> Q:
    """Claims whose article is in ``language`` ("de" also matches "de-AT")."""
    return Q(article__language=language) | Q(article__language__startswith=f"{language}-")


# The stored vector's configuration per article language (see partners.claim_search_vector).
_SEARCH_CONFIGS = (("de", "german"), ("en", "english"))


def claims_search(queryset: QuerySet[Claim], q: str, *, ranked: bool = False) -> QuerySet[Claim]:
    """Claims matching the words ``q``: full-text on PostgreSQL, substrings elsewhere.

    On PostgreSQL the stored, GIN-indexed ``search_vector`` is matched: each claim's
    vector is in its article's language, so the query is parsed with the same
    configuration per language group, and every arm is a constant query the index can
    answer (the vector holds the speaker's name too). ``ranked`` orders the best match
    first.
    """
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        def query(config: str) -> SearchQuery:
            return SearchQuery(q, config=config, search_type="websearch")

        others = ~Q()
        match = Q()
        rank_arms = []
        for language, config in _SEARCH_CONFIGS:
            group = language_q(language)
            match |= group & Q(search_vector=query(config))
            rank_arms.append(When(group, then=SearchRank(F("search_vector"), query(config))))
            others &= ~group
        match |= others & Q(search_vector=query("simple"))
        queryset = queryset.filter(match)
        if ranked:
            rank = Case(*rank_arms, default=SearchRank(F("search_vector"), query("simple")))
            queryset = queryset.annotate(search_rank=rank).order_by(
                "-search_rank", "-published_at", "-id"
            )
        return queryset
    # The embedded SQLite default: substring search over the same fields.
    match = Q()
    for field in (
        "claim",
        "exact",
        "speaker__name",
        "verdict__headline",
        "verdict__summary",
        "verdict__explanation",
    ):
        match |= Q(**{f"{field}__icontains": q})
    return queryset.filter(match)


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
            Prefetch("corrections", queryset=Correction.objects.order_by("created_at", "id"))
        )
        .filter(slug=slug)
        .first()
    )


def claim_public_sources(claim: Claim) -> list[dict[str, Any]]:
    """The sources cited by a public claim's verdict, for its page.

    Each item: ``url``, ``title``, ``role``, ``role_label``, ``passage``, ``archive_url``
    and ``fetched_at`` (a datetime or None); one query whatever the count.
    """
    from sources.selectors import public_sources_for_claim

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


def speaker_public_claims(speaker: Speaker, *, limit: int = 200) -> QuerySet[Claim]:
    return claims_public_list().filter(speaker=speaker).order_by("-published_at", "-id")[:limit]


def languages_public() -> list[str]:
    return list(
        claims_published()
        .order_by("article__language")
        .values_list("article__language", flat=True)
        .distinct()
    )


def rating_scale_default() -> RatingScale | None:
    return (
        RatingScale.objects.filter(is_default=True)
        .prefetch_related(Prefetch("ratings", queryset=Rating.objects.order_by("-value")))
        .first()
    )


def ratings_default_scale() -> list[Rating]:
    return list(
        Rating.objects.filter(scale__is_default=True).select_related("scale").order_by("-value")
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


# --- The desk -------------------------------------------------------------------------------

CONFLICT_FIELDS = {
    Claim: ("claim", "speaker", "attribution", "stated_on", "assignee", "status"),
    Verdict: ("rating", "headline", "summary", "explanation"),
}


@dataclass(frozen=True)
class FieldChange:
    field: str  # the field's verbose name
    old: str
    new: str
    who: str
    when: datetime


def _display(model: type, field_name: str, values: set[Any]) -> dict[Any, str]:
    field = model._meta.get_field(field_name)
    if field.is_relation:
        related = field.related_model.objects.in_bulk([v for v in values if v is not None])
        return {pk: str(obj) for pk, obj in related.items()}
    if field.choices:
        return {value: str(label) for value, label in field.flatchoices}
    return {}


def claim_changes_since(claim: Claim, version: int) -> list[FieldChange]:
    """What others changed on ``claim`` and its verdict after ``version`` (oldest first).

    Shown with a stale-version conflict, so the user sees what they would have
    overwritten.
    """
    base = (
        claim.history.filter(version__lte=version).order_by("-history_date", "-history_id").first()
    )
    if base is None:
        return []
    rows: list[tuple[type, Any]] = []
    for model, history in (
        (Claim, claim.history.all()),
        (Verdict, Verdict.history.filter(claim_id=claim.pk)),
    ):
        records = list(
            history.select_related("history_user").order_by("history_date", "history_id")
        )
        previous = None
        for record in records:
            if previous is not None and record.history_date > base.history_date:
                delta = record.diff_against(previous, included_fields=list(CONFLICT_FIELDS[model]))
                rows.extend((model, (record, change)) for change in delta.changes)
            previous = record
    changes: list[FieldChange] = []
    for model, (record, change) in sorted(rows, key=lambda row: row[1][0].history_date):
        names = _display(model, change.field, {change.old, change.new})
        changes.append(
            FieldChange(
                field=str(model._meta.get_field(change.field).verbose_name),
                old=names.get(change.old, "" if change.old is None else str(change.old)),
                new=names.get(change.new, "" if change.new is None else str(change.new)),
                who=str(record.history_user or ""),
                when=record.history_date,
            )
        )
    return changes
