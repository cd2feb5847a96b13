"""Output of the partner API.

The serializer classes declare the fields (they are the OpenAPI schema); the data is
built by hand-written functions (``claim_data`` …), because a page of 100 claims with
nested objects is noticeably slower through DRF's generic field machinery. The tests
validate real responses against the schema, so the two cannot drift apart.
"""

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from claims import links
from claims.models import Appearance, Claim, Correction, Rating, Speaker
from publishing import claimreview
from sources.models import Citation

# A partner only ever sees these two (the schema's PublicStatusEnum).
PUBLIC_STATUS_CHOICES = [("published", "published"), ("retracted", "retracted")]


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with ``Z`` (one format everywhere in the API)."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": True,
        "nullable": True,
        "description": "A schema.org ClaimReview (JSON-LD); null for a retracted verdict.",
    }
)
class ClaimReviewField(serializers.JSONField):
    pass


class SpeakerRefSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.SlugField()
    description = serializers.CharField(allow_blank=True)


class ArticleRefSerializer(serializers.Serializer):
    title = serializers.CharField()
    outlet = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True, help_text="The article's address; may be empty.")
    published_on = serializers.CharField(
        allow_blank=True,
        help_text="As precise as known: 2022, 2022-01 or 2022-01-07; may be empty.",
    )


class RatingRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    label = serializers.CharField(help_text="In the claim's language.")
    value = serializers.IntegerField()
    best = serializers.IntegerField()
    worst = serializers.IntegerField()


class VerdictSerializer(serializers.Serializer):
    rating = RatingRefSerializer()
    headline = serializers.CharField(allow_blank=True)
    summary = serializers.CharField(allow_blank=True)
    published_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()


class SourceRefSerializer(serializers.Serializer):
    url = serializers.CharField(help_text="The source's address as the desk cited it.")
    title = serializers.CharField(allow_blank=True)
    role = serializers.ChoiceField(choices=Citation.Role.choices)
    snapshot_url = serializers.URLField(
        allow_null=True,
        help_text="Our archived copy (the latest 2xx fetch); null until there is one.",
    )
    sha256 = serializers.CharField(allow_null=True, help_text="SHA-256 of the archived body.")
    fetched_at = serializers.DateTimeField(allow_null=True)


class CorrectionSerializer(serializers.Serializer):
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


def correction_data(correction: Correction) -> dict[str, Any]:
    """A public correction note, the same in the partner and the desk API."""
    return {"note": correction.note, "created_at": iso(correction.created_at)}


class AppearanceSerializer(serializers.Serializer):
    url = serializers.CharField(allow_blank=True)
    title = serializers.CharField(allow_blank=True)
    outlet = serializers.CharField(allow_blank=True)
    appeared_on = serializers.CharField(allow_blank=True, help_text="Partial date; may be empty.")
    recorded_at = serializers.DateTimeField()


def appearance_data(appearance: Appearance) -> dict[str, Any]:
    """Another article the claim appeared in, recorded without a new verdict."""
    return {
        "url": appearance.url,
        "title": appearance.title,
        "outlet": appearance.outlet,
        "appeared_on": appearance.appeared_on,
        "recorded_at": iso(appearance.created_at),
    }


class RetractionSerializer(serializers.Serializer):
    reason = serializers.CharField()
    retracted_at = serializers.DateTimeField()


class PartnerClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField(help_text="The public verdict page.")
    claim = serializers.CharField(help_text="The claim as the desk words it.")
    quote = serializers.CharField(help_text="The exact words in the article.")
    speaker = SpeakerRefSerializer()
    attribution = serializers.ChoiceField(choices=Claim.Attribution.choices)
    language = serializers.CharField(help_text="BCP 47, the article's language.")
    stated_on = serializers.CharField(allow_blank=True, help_text="Partial date; may be empty.")
    article = ArticleRefSerializer()
    verdict = VerdictSerializer()
    sources = SourceRefSerializer(many=True)
    corrections = CorrectionSerializer(many=True)
    appearances = AppearanceSerializer(
        many=True,
        help_text="Other articles the claim appeared in, recorded without a new verdict "
        "(each moves `updated_at`).",
    )
    claim_review = ClaimReviewField(allow_null=True)
    status = serializers.ChoiceField(
        choices=PUBLIC_STATUS_CHOICES,
        help_text="`retracted`: take the verdict down.",
    )
    published_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField(
        help_text="Changes with every public change; sync with `updated_since`."
    )
    retraction = RetractionSerializer(allow_null=True)

    def to_representation(self, instance: Claim) -> dict[str, Any]:
        return claim_data(instance)


def rating_ref(rating: Rating | None, language: str) -> dict[str, Any] | None:
    if rating is None:
        return None
    return {
        "slug": rating.slug,
        "label": rating.label_for(language),
        "value": rating.value,
        "best": rating.scale.best_value,
        "worst": rating.scale.worst_value,
    }


def _sources(claim: Claim) -> list[dict[str, Any]]:
    """From ``selectors.public_citations`` (prefetched ``citations`` with ``copy_*``)."""
    return [
        {
            "url": citation.source.url,
            "title": citation.copy_title or "",
            "role": citation.role,
            "snapshot_url": links.snapshot_url(citation.copy_id) if citation.copy_id else None,
            "sha256": citation.copy_sha256 or None,
            "fetched_at": iso(citation.copy_fetched_at),
        }
        for citation in claim.citations.all()
    ]


def claim_data(claim: Claim) -> dict[str, Any]:
    """A claim as partners get it; ``claim`` from ``selectors.with_partner_relations``."""
    article, speaker = claim.article, claim.speaker
    verdict = getattr(claim, "verdict", None)
    url = links.claim_url(claim)
    published = claim.status == Claim.Status.PUBLISHED
    has_rating = verdict is not None and verdict.rating_id is not None
    sources = _sources(claim)
    appearances = list(claim.appearances.all())
    return {
        "id": claim.pk,
        "url": url,
        "claim": claim.claim,
        "quote": claim.exact,
        "speaker": {
            "name": speaker.name,
            "slug": speaker.slug,
            "description": speaker.description,
        },
        "attribution": claim.attribution,
        "language": article.language,
        "stated_on": claim.stated_on,
        "article": {
            "title": article.title,
            "outlet": article.outlet,
            "url": article.url,
            "published_on": article.published_on,
        },
        "verdict": {
            "rating": rating_ref(verdict.rating, article.language),
            "headline": verdict.headline,
            "summary": verdict.summary,
            "published_at": iso(verdict.published_at),
            "updated_at": iso(verdict.updated_at),
        }
        if verdict is not None
        else None,
        "sources": sources,
        "corrections": [correction_data(c) for c in claim.corrections.all()],
        "appearances": [appearance_data(a) for a in appearances],
        # A retracted verdict is not advertised with its rating (see publishing.claimreview).
        "claim_review": claimreview.claim_review(
            claim,
            org_name=settings.FACTCHECK_ORG_NAME,
            org_url=links.org_url(),
            page_url=url,
            origin=claimreview.origin_of(sources),
            appearances=appearances,
        )
        if published and has_rating
        else None,
        "status": claim.status,
        "published_at": iso(claim.published_at),
        "updated_at": iso(claim.updated_at),
        "retraction": {"reason": claim.retraction_reason, "retracted_at": iso(claim.retracted_at)}
        if claim.status == Claim.Status.RETRACTED
        else None,
    }


class PartnerSpeakerSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.SlugField()
    description = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=Speaker.Kind.choices)
    wikidata_id = serializers.CharField(allow_blank=True)
    url = serializers.URLField(help_text="The public speaker page.")
    claims = serializers.IntegerField(help_text="Number of public claims.")

    def to_representation(self, speaker: Speaker) -> dict[str, Any]:
        return {
            "name": speaker.name,
            "slug": speaker.slug,
            "description": speaker.description,
            "kind": speaker.kind,
            "wikidata_id": speaker.wikidata_id,
            "url": links.speaker_url(speaker),
            "claims": speaker.public_claims,
        }


class LanguagesSerializer(serializers.Serializer):
    de = serializers.CharField()
    en = serializers.CharField()


class PartnerRatingSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    scale = serializers.SlugField()
    default_scale = serializers.BooleanField()
    value = serializers.IntegerField()
    best = serializers.IntegerField()
    worst = serializers.IntegerField()
    labels = LanguagesSerializer()
    definitions = LanguagesSerializer()
    symbol = serializers.CharField(allow_blank=True)
    colour = serializers.CharField()

    def to_representation(self, rating: Rating) -> dict[str, Any]:
        scale = rating.scale
        return {
            "slug": rating.slug,
            "scale": scale.slug,
            "default_scale": scale.is_default,
            "value": rating.value,
            "best": scale.best_value,
            "worst": scale.worst_value,
            "labels": {"de": rating.label_de, "en": rating.label_en},
            "definitions": {"de": rating.definition_de, "en": rating.definition_en},
            "symbol": rating.symbol,
            "colour": rating.colour,
        }


class RatingListSerializer(serializers.Serializer):
    results = PartnerRatingSerializer(many=True)


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "object", "additionalProperties": True},
        "description": "schema.org ClaimReview objects, as on the verdict pages.",
    }
)
class ClaimReviewListField(serializers.JSONField):
    pass


class DataFeedSerializer(serializers.Serializer):
    """A schema.org DataFeed (JSON-LD); the keys start with ``@``, hence ``get_fields``."""

    def get_fields(self):
        return {
            "@context": serializers.CharField(),
            "@type": serializers.CharField(),
            "name": serializers.CharField(),
            "dateModified": serializers.DateTimeField(allow_null=True),
            "dataFeedElement": ClaimReviewListField(),
        }


def _datafeed_head(newest: datetime | None) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "name": f"{settings.FACTCHECK_ORG_NAME}: ClaimReview",
        "dateModified": iso(newest),
    }


def _datafeed_element(claim: Claim) -> dict[str, Any]:
    return claimreview.claim_review(
        claim,
        org_name=settings.FACTCHECK_ORG_NAME,
        org_url=links.org_url(),
        page_url=links.claim_url(claim),
        appearances=claim.appearances.all(),
    )


def datafeed_data(claims: Iterable[Claim], *, newest: datetime | None) -> dict[str, Any]:
    elements = [_datafeed_element(claim) for claim in claims]
    return {**_datafeed_head(newest), "dataFeedElement": elements}


def datafeed_stream(claims: Iterable[Claim], *, newest: datetime | None) -> Iterator[bytes]:
    """The same JSON as ``datafeed_data`` rendered by DRF, written item by item.

    For feeds too large to hold (or cache) whole: memory stays that of one item.
    """
    renderer = JSONRenderer()

    def render(value: Any) -> bytes:
        return renderer.render(value)

    yield render(_datafeed_head(newest))[:-1] + b',"dataFeedElement":['
    for number, claim in enumerate(claims):
        yield (b"," if number else b"") + render(_datafeed_element(claim))
    yield b"]}"
