"""Every read used by pages and APIs, with its query shape.

Public reads start from ``claims_published()``: drafts cannot leak by accident.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Case, F, Field, Model, Prefetch, Q, QuerySet, When

from .models import Article, Claim, Rating, RatingScale, Speaker, Verdict
from .speaker_names import NamedSpeaker, SpeakerMatch, speaker_resolve, speakers_closest

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


def speakers_named(*, exclude_id: int | None = None) -> list[NamedSpeaker]:
    """Every speaker's id, name and aliases (one query), for name comparison."""
    rows = Speaker.objects.order_by("pk").values_list("pk", "name", "aliases")
    if exclude_id is not None:
        rows = rows.exclude(pk=exclude_id)
    return [
        NamedSpeaker(pk, name, tuple(a for a in aliases or [] if isinstance(a, str)))
        for pk, name, aliases in rows
    ]


def speaker_for_name(name: str) -> tuple[Speaker, SpeakerMatch] | None:
    """The existing speaker a typed name means (its name or an alias in any case, accents
    folded, or a near-identical spelling), with how it matched; None if no one."""
    match = speaker_resolve(name, speakers_named())
    if match is None:
        return None
    speaker = Speaker.objects.filter(pk=match.id).first()
    return (speaker, match) if speaker is not None else None


def speakers_closest_to(name: str, *, limit: int = 5) -> list[SpeakerMatch]:
    """The existing speakers nearest a typed name, best first."""
    return speakers_closest(name, speakers_named(), limit=limit)


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


def article_public_statuses(*, article_id: int) -> set[str]:
    """The public statuses (published, retracted) among the claims that quote the article:
    what decides who may change it and how (``services.article_update``)."""
    return set(
        Claim.objects.filter(article_id=article_id, status__in=PUBLIC_STATUSES)
        .order_by()
        .values_list("status", flat=True)
        .distinct()
    )


def article_with_claims(*, article_id: int) -> Article | None:
    return (
        Article.objects.prefetch_related(
            Prefetch(
                "claims",
                queryset=Claim.objects.select_related(
                    "speaker", "verdict__rating", "assignee"
                ).order_by("start"),
            )
        )
        .filter(pk=article_id)
        .first()
    )


# --- The desk -------------------------------------------------------------------------------

CONFLICT_FIELDS: dict[type[Model], tuple[str, ...]] = {
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


def _tracked_field(model: type[Model], field_name: str) -> "Field[Any, Any]":
    field = model._meta.get_field(field_name)
    # History records and diffs hold the model's own columns, never a reverse relation.
    assert isinstance(field, Field)
    return field


def _display(model: type[Model], field_name: str, values: set[Any]) -> dict[Any, str]:
    field = _tracked_field(model, field_name)
    related_model = field.related_model
    if field.is_relation and related_model is not None:
        # The default manager is ``objects`` on these models (no custom managers).
        related = related_model._default_manager.in_bulk([v for v in values if v is not None])
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
    rows: list[tuple[type[Model], Any]] = []
    model: type[Model]
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
                field=str(_tracked_field(model, change.field).verbose_name),
                old=names.get(change.old, "" if change.old is None else str(change.old)),
                new=names.get(change.new, "" if change.new is None else str(change.new)),
                who=str(record.history_user or ""),
                when=record.history_date,
            )
        )
    return changes
