"""The schema.org ClaimReview of a published verdict, built in one place.

Pure: a function of objects that are already loaded (the claim with its verdict, rating,
scale, speaker and article; see ``selectors.claims_public_list``) and of settings passed
in. The verdict page's JSON-LD, the partner API and the DataFeed all call
``claim_review``, so they never disagree.

A retracted verdict must not be advertised with its rating: callers leave it out (the
verdict page does) or mark it; this function describes the verdict as it stands.
"""

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from claims.models import Appearance, Claim, Speaker

# Characters that could end a <script> element or open an HTML comment inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    """Drop keys whose value is empty, so consumers never see ``"url": ""``."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def _claimant(speaker: Speaker) -> dict[str, Any]:
    kind = "Organization" if speaker.kind == Speaker.Kind.ORGANIZATION else "Person"
    return _compact(
        {
            "@type": kind,
            "name": speaker.name,
            "description": speaker.description,
            "sameAs": speaker.wikidata_url,
        }
    )


def _creative_work(
    url: str, headline: str, outlet: str, published: Any, language: str | None = None
) -> dict[str, Any]:
    publisher = _compact({"@type": "Organization", "name": outlet})
    return _compact(
        {
            "@type": "CreativeWork",
            "url": url,
            "headline": headline,
            "publisher": publisher if "name" in publisher else None,
            "datePublished": published,
            "inLanguage": language,
        }
    )


def _appearance(claim: Claim) -> dict[str, Any]:
    article = claim.article
    return _creative_work(
        article.url, article.title, article.outlet, article.published_on, article.language
    )


def _recorded_appearance(appearance: Appearance) -> dict[str, Any]:
    return _creative_work(
        appearance.url, appearance.title, appearance.outlet, appearance.appeared_on
    )


ORIGIN_ROLE = "origin"  # sources.models.Citation.Role.ORIGIN: "origin of the claim"


def origin_of(sources: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The first cited source with the role "origin of the claim" (``url``, ``title``), from
    the loaded list of a claim's public sources; None when none is cited so."""
    return next((s for s in sources if s.get("role") == ORIGIN_ROLE and s.get("url")), None)


def _first_appearance(origin: Mapping[str, Any]) -> dict[str, Any]:
    return _compact(
        {"@type": "CreativeWork", "url": origin["url"], "headline": origin.get("title") or None}
    )


def claim_review(
    claim: Claim,
    *,
    org_name: str,
    org_url: str,
    page_url: str,
    origin: Mapping[str, Any] | None = None,
    appearances: Iterable[Appearance] = (),
) -> dict[str, Any]:
    """The ClaimReview of ``claim``'s verdict, as a JSON-ready dict.

    ``claim`` must come with ``verdict__rating__scale``, ``speaker`` and ``article``
    loaded; a claim without a rated verdict has no review and raises ``ValueError``.
    ``origin`` (``url``, ``title``: see ``origin_of``) is the source cited as the origin
    of the claim: the claim's ``firstAppearance``; without one, the quoted article.
    ``appearances`` (``claim.appearances``, loaded) are the other articles the claim was
    recorded in without a new verdict: ``itemReviewed.appearance`` is then a list, the
    quoted article first; without any it stays the quoted article alone.
    """
    verdict = getattr(claim, "verdict", None)
    rating = verdict.rating if verdict is not None else None
    if rating is None:
        raise ValueError(f"claim {claim.pk} has no rated verdict")
    language = claim.article.language
    label = rating.label_for(language)
    appearance = _appearance(claim)
    recorded = [_recorded_appearance(item) for item in appearances]
    appearance_value: Any = [appearance, *recorded] if recorded else appearance
    return _compact(
        {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": page_url,
            "name": verdict.headline,
            "claimReviewed": claim.claim,
            "reviewRating": _compact(
                {
                    "@type": "Rating",
                    "ratingValue": rating.value,
                    "bestRating": rating.scale.best_value,
                    "worstRating": rating.scale.worst_value,
                    "alternateName": label,
                    "name": label,
                    "ratingExplanation": verdict.summary,
                }
            ),
            "author": _compact({"@type": "Organization", "name": org_name, "url": org_url}),
            "datePublished": _iso(verdict.published_at or claim.published_at),
            "dateModified": _iso(claim.updated_at),
            "inLanguage": language,
            "itemReviewed": _compact(
                {
                    "@type": "Claim",
                    "author": _claimant(claim.speaker),
                    "datePublished": claim.stated_on,
                    "appearance": appearance_value,
                    "firstAppearance": _first_appearance(origin) if origin else appearance,
                }
            ),
        }
    )


def to_script_json(data: dict[str, Any]) -> str:
    """JSON for the inside of a ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\\u003C`` etc., as in Django's ``json_script``, so no
    text (``</script>``, ``<!--``) can end the element or start a comment; the JSON value
    is unchanged for any parser.
    """
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
