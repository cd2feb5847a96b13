"""The search index of public claims: a stored, weighted PostgreSQL text vector.

Recomputed after every announced public change (``publishing.receivers``); read by
``claims.selectors.claims_search`` (the public index and the partner API's ``q``).
"""

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import Value

from claims.models import Claim, Verdict


def search_config(language: str) -> str:
    """The PostgreSQL text-search configuration for an article language (BCP 47)."""
    base = (language or "").split("-")[0].lower()
    return {"de": "german", "en": "english"}.get(base, "simple")


def claim_update_search_vector(claim_id: int) -> None:
    """(Re)compute the stored search vector of a claim (PostgreSQL; a no-op elsewhere).

    Call after every change to public text: ``publishing.receivers`` does on every
    announced public change (publish, correction, retraction, sources). Uses ``update()``, so ``updated_at`` and the history stay
    untouched: this is an index, not a change partners should sync.
    """
    if connection.vendor != "postgresql":
        return
    claim = (
        Claim.objects.select_related("article", "speaker", "verdict")
        .only(
            "claim",
            "exact",
            "article__language",
            "article__title",
            "speaker__name",
            "verdict__headline",
            "verdict__summary",
            "verdict__explanation",
        )
        .filter(pk=claim_id)
        .first()
    )
    if claim is None:
        return
    try:
        verdict: Verdict | None = claim.verdict
    except Verdict.DoesNotExist:
        verdict = None
    config = search_config(claim.article.language)
    weighted = (
        ("A", [claim.claim, verdict.headline if verdict else ""]),
        ("B", [claim.exact, claim.speaker.name]),
        ("C", [verdict.summary if verdict else "", claim.article.title]),
        ("D", [verdict.explanation if verdict else ""]),
    )
    vector = None
    for weight, parts in weighted:
        part = SearchVector(Value(" ".join(p for p in parts if p)), config=config, weight=weight)
        vector = part if vector is None else vector + part
    Claim.objects.filter(pk=claim_id).update(search_vector=vector)
