"""Repeat claims: does a text say what a published check already checked?

Interface (fixed; other modules build on it):

    published_match(text, *, language="") -> Match | None
    published_matches(text, *, language="", limit=5) -> list[Match]

A first version on ``claims.suggestions.claims_similar``; issue 15 replaces the inside
with PostgreSQL full-text search plus trigram similarity in the claim's language (and a
plain fallback on the embedded SQLite default).
"""

from dataclasses import dataclass

from claims.models import Claim
from claims.suggestions import claims_similar

MATCH_THRESHOLD = 0.5


@dataclass(frozen=True)
class Match:
    claim: Claim
    score: float  # 0..1


def published_matches(text: str, *, language: str = "", limit: int = 5) -> list[Match]:
    return [
        Match(claim=found.claim, score=found.score)
        for found in claims_similar(text=text, limit=limit)
        if found.score >= MATCH_THRESHOLD
    ]


def published_match(text: str, *, language: str = "") -> Match | None:
    matches = published_matches(text, language=language, limit=1)
    return matches[0] if matches else None
