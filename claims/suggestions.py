"""Reads for splitting an article: claim suggestions and "already checked?".

Suggestions come from the pure ``claims.attribution``; this module feeds it the desk's
known speakers and the spans that are already claims or were dismissed.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from rapidfuzz import fuzz, process

from . import attribution
from .models import Article, Claim, DismissedSuggestion, Speaker
from .selectors import claims_published

SIMILAR_LIMIT = 5
SIMILAR_MIN_SCORE = 0.3
_FALLBACK_POOL = 2000


def known_speakers() -> list[attribution.KnownSpeaker]:
    return [
        attribution.KnownSpeaker(
            id=speaker.pk,
            name=speaker.name,
            aliases=tuple(speaker.aliases or ()),
            is_organization=speaker.kind == Speaker.Kind.ORGANIZATION,
            gender=speaker.pronoun,
        )
        for speaker in Speaker.objects.only("pk", "name", "aliases", "kind", "pronoun")
    ]


def article_suggestions(*, article: Article) -> list[attribution.Suggestion]:
    """Candidate claims not yet made or dismissed on this article."""
    taken = list(article.claims.values_list("start", "end"))
    taken += list(DismissedSuggestion.objects.filter(article=article).values_list("start", "end"))
    return attribution.suggest_claims(
        article.text,
        language=article.language.split("-")[0],
        speakers=known_speakers(),
        existing_spans=taken,
    )


@dataclass(frozen=True)
class SimilarClaim:
    claim: Claim
    score: float


def _published_with_verdicts() -> QuerySet[Claim]:
    return claims_published(include_retracted=False).select_related(
        "speaker", "verdict", "verdict__rating"
    )


def claims_similar(*, text: str, limit: int = SIMILAR_LIMIT) -> list[SimilarClaim]:
    """Published claims worded like ``text``: trigram similarity on PostgreSQL."""
    text = (text or "").strip()
    if len(text) < 4:
        return []
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramWordSimilarity

        rows = (
            _published_with_verdicts()
            .annotate(similarity=TrigramWordSimilarity(text, "claim"))
            .filter(similarity__gte=SIMILAR_MIN_SCORE)
            .order_by("-similarity", "-published_at")[:limit]
        )
        return [SimilarClaim(claim=row, score=float(row.similarity)) for row in rows]
    # Plain fallback for the embedded default: fuzzy matching over the newest claims.
    pool = list(_published_with_verdicts().order_by("-published_at")[:_FALLBACK_POOL])
    matches = process.extract(
        text, [c.claim for c in pool], scorer=fuzz.token_set_ratio, limit=limit
    )
    return [
        SimilarClaim(claim=pool[index], score=score / 100)
        for _choice, score, index in matches
        if score / 100 >= SIMILAR_MIN_SCORE + 0.2
    ]
