"""Repeat claims: does a text say what a published check already checked?

Interface (fixed; other modules build on it):

    published_match(text, *, language="") -> Match | None
    published_matches(text, *, language="", limit=5) -> list[Match]

Only published claims are ever candidates (``claims.selectors.claims_published`` without
retracted ones): a draft is never offered as "already checked".

On PostgreSQL, in the text's language (``publishing.search.search_config``: german,
english, else simple), two measures are combined for each candidate:

- **words**: the text's lexemes (stemmed, stop words removed: ``to_tsvector``) against
  the candidate's wording (``Claim.claim``) and its quote (``Claim.exact``): the share of
  the shorter side's lexemes found in the other (overlap coefficient), the better of the
  two. Candidates are found through the stored, GIN-indexed ``search_vector`` (weights A
  and B: wording, headline, quote, speaker) with any of the lexemes, or by trigrams;
- **letters**: pg_trgm's ``word_similarity`` of the wording or the quote in the text
  (the better of the two), which forgives inflections and compounds the stemmer misses.

``score = WORDS_WEIGHT * words + (1 - WORDS_WEIGHT) * letters``; a match needs
``score >= MATCH_THRESHOLD``. Both were tuned on ``bench/data/matching_pairs.json``
(``bench/bench_matching.py`` reports precision and recall; the figures are in
``bench/README.md``).

On the embedded SQLite default: rapidfuzz's ``token_set_ratio`` against wording and
quote over the newest published claims, with its own threshold.
"""

from dataclasses import dataclass

import regex
from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import F, FloatField, Func, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest
from rapidfuzz import fuzz

from claims.models import Claim
from claims.selectors import claims_published, language_q
from publishing.search import search_config

MATCH_THRESHOLD = 0.5
WORDS_WEIGHT = 0.6
#: Candidates looked at in full (the best by trigram similarity and word rank).
CANDIDATES = 40
#: Trigram similarity that makes a claim a candidate even without a shared lexeme.
CANDIDATE_TRIGRAMS = 0.3
#: Fewer lexemes on the shorter side than this: the word measure is scaled down (two
#: shared words in a two-word claim are not a match).
MIN_LEXEMES = 4

FALLBACK_THRESHOLD = 0.72
_FALLBACK_POOL = 2000
_LEXEME = regex.compile(r"'((?:[^']|'')+)'")


@dataclass(frozen=True)
class Match:
    claim: Claim
    score: float  # 0..1


def _candidates(language: str) -> QuerySet[Claim]:
    rows = claims_published(include_retracted=False).select_related(
        "article", "speaker", "verdict", "verdict__rating"
    )
    base = (language or "").split("-")[0].lower()
    if base:
        rows = rows.filter(language_q(base))
    return rows


def _lexemes(vector: str | None) -> set[str]:
    return {m.replace("''", "'") for m in _LEXEME.findall(vector or "")}


def _words_score(query: set[str], other: set[str]) -> float:
    if not query or not other:
        return 0.0
    shorter = min(len(query), len(other))
    overlap = len(query & other) / shorter
    return overlap * min(1.0, shorter / MIN_LEXEMES)


def _text_lexemes(text: str, config: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector(%s::regconfig, %s)::text", [config, text])
        return _lexemes(cursor.fetchone()[0])


def _tsquery(lexemes: set[str]) -> str:
    # Lexemes are quoted for to_tsquery; weights A and B only (not the explanation).
    return " | ".join("'" + lexeme.replace("'", "''") + "':AB" for lexeme in sorted(lexemes))


def _postgres_matches(text: str, language: str, limit: int) -> list[Match]:
    config = search_config(language)
    lexemes = _text_lexemes(text, config)
    rows = _candidates(language).annotate(
        letters=Greatest(_word_similarity("claim", text), _word_similarity("exact", text)),
        wording_vector=SearchVector("claim", config=config),
        quote_vector=SearchVector("exact", config=config),
    )
    found = Q(letters__gte=CANDIDATE_TRIGRAMS)
    if lexemes:
        found |= Q(
            pk__in=RawSQL(
                "SELECT id FROM claims_claim WHERE search_vector @@ to_tsquery(%s::regconfig, %s)",
                [config, _tsquery(lexemes)],
            )
        )
    scored = []
    for row in rows.filter(found).order_by("-letters", "-published_at")[:CANDIDATES]:
        words = max(
            _words_score(lexemes, _lexemes(row.wording_vector)),
            _words_score(lexemes, _lexemes(row.quote_vector)),
        )
        score = WORDS_WEIGHT * words + (1 - WORDS_WEIGHT) * float(row.letters)
        if score >= MATCH_THRESHOLD:
            scored.append(Match(claim=row, score=round(min(score, 1.0), 3)))
    scored.sort(key=lambda m: (-m.score, -m.claim.pk))
    return scored[:limit]


def _word_similarity(field: str, text: str) -> Func:
    # pg_trgm's word_similarity(field, text): how well the claim's words occur in the text.
    return Func(F(field), Value(text), function="word_similarity", output_field=FloatField())


def _fallback_matches(text: str, language: str, limit: int) -> list[Match]:
    pool = list(_candidates(language).order_by("-published_at")[:_FALLBACK_POOL])
    scored = []
    for row in pool:
        score = (
            max(
                fuzz.token_set_ratio(text, row.claim),
                fuzz.token_set_ratio(text, row.exact),
            )
            / 100
        )
        if score >= FALLBACK_THRESHOLD:
            scored.append(Match(claim=row, score=round(score, 3)))
    scored.sort(key=lambda m: (-m.score, -m.claim.pk))
    return scored[:limit]


def published_matches(text: str, *, language: str = "", limit: int = 5) -> list[Match]:
    """Published checks that ``text`` repeats, best first (score at least the threshold)."""
    text = (text or "").strip()
    if len(text) < 8:
        return []
    if connection.vendor == "postgresql":
        return _postgres_matches(text, language, limit)
    return _fallback_matches(text, language, limit)


def published_match(text: str, *, language: str = "") -> Match | None:
    matches = published_matches(text, language=language, limit=1)
    return matches[0] if matches else None
