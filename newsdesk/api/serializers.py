"""Input and output of the desk API.

Input serializers check shape and types only; the services decide what is allowed
(spans, transitions, permissions) and raise domain errors the exception handler maps.
Output serializers declare the schema; ``*_data`` functions build the data.
"""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from claims import links
from claims.attribution import SpeakerResolution
from claims.comments import COMMENT_MAX
from claims.errors import InvalidInput
from claims.models import (
    LANGUAGE_RE,
    Article,
    Claim,
    Comment,
    Correction,
    Speaker,
    partial_date_validator,
)
from claims.services import MAX_ARTICLE_CHARS
from claims.text import clean_text
from intake.importing import import_reason_text
from partners.api.serializers import CorrectionSerializer, correction_data, iso
from sources.models import Citation, Snapshot, Source

MAX_ID = 2**63 - 1


def _id_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def _version_field(*, required: bool) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=required,
        allow_null=not required,
        help_text=(
            "The claim version you based this on (optimistic locking): a stale one is a 409."
        ),
    )


# --- Input ------------------------------------------------------------------------------------


class Input(serializers.Serializer):
    """JSON input with the schema's types: DRF would turn ``0`` into ``"0"`` for a string
    field and ``"7"`` into ``7`` for an integer one; here either is a 400. Text follows the
    desk's text rule (``claims.text``): a refused character is a 400 naming the field, and
    newlines arrive normalised."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, dict):
            errors = {}
            cleaned = dict(data)
            for name, field in self.fields.items():
                value = data.get(name)
                if value is None or field.read_only:
                    continue
                if isinstance(field, serializers.CharField | serializers.ChoiceField):
                    if not isinstance(value, str):
                        errors[name] = [_("Not a string.")]
                        continue
                    try:
                        cleaned[name] = clean_text(value, field=name)
                    except InvalidInput as error:
                        errors[name] = [error.message]
                elif isinstance(field, serializers.IntegerField):
                    whole = isinstance(value, float) and value.is_integer()
                    if isinstance(value, bool) or not (isinstance(value, int) or whole):
                        errors[name] = [_("Not an integer.")]
            if errors:
                raise serializers.ValidationError(errors)
            data = cleaned
        return super().to_internal_value(data)


class ArticleCreateInput(Input):
    title = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text="Defaults to the first sentence.",
    )
    text = serializers.CharField(
        max_length=MAX_ARTICLE_CHARS,
        trim_whitespace=False,
        help_text="The article text; claims anchor to its character offsets.",
    )
    language = serializers.RegexField(LANGUAGE_RE, max_length=35, required=False, default="de")
    outlet = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    url = serializers.URLField(max_length=2048, required=False, allow_blank=True, default="")
    published_on = serializers.CharField(
        max_length=10,
        required=False,
        allow_blank=True,
        default="",
        validators=[partial_date_validator],
        help_text="As precise as known: 2022, 2022-01 or 2022-01-07 (a day of the calendar).",
    )


class ArticleImportInput(Input):
    url = serializers.CharField(
        max_length=2048,
        help_text=(
            "Add the article at this address: fetched in the background (202 with "
            '"import_state": "importing"); an article the desk has already answers 200.'
        ),
    )


class ArticleCreateOrImportInput(serializers.Serializer):
    """For the schema only: the body is either a pasted article or ``{"url"}``."""

    title = serializers.CharField(max_length=300, required=False, allow_blank=True)
    text = serializers.CharField(
        required=False,
        help_text="The article text (pasted article); without it, `url` is imported.",
    )
    language = serializers.CharField(required=False)
    outlet = serializers.CharField(required=False, allow_blank=True)
    url = serializers.CharField(
        max_length=2048,
        required=False,
        allow_blank=True,
        help_text=(
            "With `text`: where the article was published. Alone: the article is fetched "
            'from it in the background (202, "import_state": "importing").'
        ),
    )
    published_on = serializers.CharField(required=False, allow_blank=True)


class ClaimCreateInput(Input):
    article = _id_field(help_text="The article's id.")
    start = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    end = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    speaker = _id_field(required=False, allow_null=True, help_text="A speaker's id.")
    speaker_name = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Instead of `speaker`: an existing speaker's name, or a new speaker.",
    )
    attribution = serializers.ChoiceField(
        choices=Claim.Attribution.choices, required=False, default=Claim.Attribution.DIRECT
    )
    claim = serializers.CharField(max_length=500, help_text="Neutral and short (< 75 characters).")
    stated_on = serializers.CharField(
        max_length=10,
        required=False,
        allow_blank=True,
        default="",
        validators=[partial_date_validator],
        help_text="As precise as known: 2022, 2022-01 or 2022-01-07 (a day of the calendar).",
    )
    quote = serializers.CharField(
        required=False,
        trim_whitespace=False,
        max_length=MAX_ARTICLE_CHARS,
        help_text="The text you selected; refused if the article text there differs.",
    )

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        has_id = data.get("speaker") is not None
        has_name = bool((data.get("speaker_name") or "").strip())
        if has_id == has_name:
            raise serializers.ValidationError(
                {"speaker": [_("Give either speaker (an id) or speaker_name, not both.")]}
                if has_id
                else {"speaker": [_("Give speaker (an id) or speaker_name.")]}
            )
        if data["end"] <= data["start"]:
            raise serializers.ValidationError({"end": [_("end must be greater than start.")]})
        return data


class VerdictInput(Input):
    rating = serializers.SlugField(
        max_length=50, allow_null=True, help_text="A rating slug of the default scale, or null."
    )
    headline = serializers.CharField(max_length=200, allow_blank=True)
    summary = serializers.CharField(max_length=20_000, allow_blank=True)
    explanation = serializers.CharField(max_length=200_000, allow_blank=True)
    version = _version_field(required=True)


class TransitionInput(Input):
    version = _version_field(required=False)


class PublishInput(TransitionInput):
    acknowledge_sources = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        default="",
        help_text=(
            "Why to publish although a cited source is failed, blocked, dead or pending "
            "(kept in the claim's history). Without it such a claim answers 409 "
            "`sources_unresolved`."
        ),
    )


class RequestChangesInput(TransitionInput):
    note = serializers.CharField(
        max_length=COMMENT_MAX,
        help_text="What should be changed: kept whole in the claim's conversation.",
    )


class CommentInput(Input):
    text = serializers.CharField(
        max_length=COMMENT_MAX,
        help_text="The comment (internal). `@username` notifies that colleague.",
    )


class CitationInput(Input):
    url = serializers.CharField(max_length=2048)
    role = serializers.ChoiceField(choices=Citation.Role.choices)
    passage = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class CorrectInput(Input):
    note = serializers.CharField(max_length=5000, help_text="The public correction note.")
    acknowledge_sources = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        default="",
        help_text="As for publishing: why to correct although a kept source is unresolved.",
    )
    version = _version_field(required=True)
    rating = serializers.SlugField(max_length=50, required=False)
    headline = serializers.CharField(max_length=200, required=False, allow_blank=True)
    summary = serializers.CharField(max_length=20_000, required=False, allow_blank=True)
    explanation = serializers.CharField(max_length=200_000, required=False, allow_blank=True)
    add_sources = CitationInput(
        many=True,
        required=False,
        max_length=20,
        help_text="Sources to cite from now on (url, role, passage).",
    )
    remove_sources = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        required=False,
        max_length=100,
        help_text="Ids of the claim's citations to drop.",
    )


class RetractInput(TransitionInput):
    reason = serializers.CharField(max_length=5000, help_text="The public reason.")


# --- Output -----------------------------------------------------------------------------------


class DeskArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    outlet = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)
    language = serializers.CharField()
    published_on = serializers.CharField(allow_blank=True)
    claim_count = serializers.IntegerField()
    import_state = serializers.ChoiceField(
        choices=Article.ImportState.choices,
        help_text="`importing` while an article added by its URL is fetched; then "
        "`imported`, or `failed` with `import_reason`.",
    )
    import_reason = serializers.CharField(
        allow_blank=True, help_text="Why the import failed, in the request's language."
    )
    duplicate_of = serializers.IntegerField(
        allow_null=True,
        help_text="A failed import of an article the desk has already: that article's id.",
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def to_representation(self, article: Article) -> dict[str, Any]:
        return article_data(article)


class DeskArticleDetailSerializer(DeskArticleSerializer):
    text = serializers.CharField()

    def to_representation(self, article: Article) -> dict[str, Any]:
        return {**article_data(article), "text": article.text}


def _duplicate_of(article: Article) -> int | None:
    if article.import_state != Article.ImportState.FAILED:
        return None
    record = getattr(article, "import_record", None)
    return record.duplicate_of_id if record is not None else None


def article_data(article: Article) -> dict[str, Any]:
    return {
        "id": article.pk,
        "title": article.title,
        "outlet": article.outlet,
        "url": article.url,
        "language": article.language,
        "published_on": article.published_on,
        "claim_count": getattr(article, "claim_count", 0),
        "import_state": article.import_state,
        "import_reason": import_reason_text(article),
        "duplicate_of": _duplicate_of(article),
        "created_at": iso(article.created_at),
        "updated_at": iso(article.updated_at),
    }


class SuggestionSpeakerSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="Null: not a known speaker.")
    name = serializers.CharField()


class SuggestionSerializer(serializers.Serializer):
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    quote = serializers.CharField()
    speaker = SuggestionSpeakerSerializer(allow_null=True)
    attribution = serializers.ChoiceField(choices=Claim.Attribution.choices)
    confidence = serializers.FloatField()
    cue = serializers.CharField(
        allow_blank=True,
        help_text=(
            "What the suggestion was found by: the speech verb or marker as the text has it "
            '("sagte", "warf … vor", "according to", "laut"), ":" for a name and a colon, '
            'or, for a statement going on without an attribution of its own, "quotation" '
            'or "Konjunktiv".'
        ),
    )
    speaker_resolution = serializers.ChoiceField(
        choices=[(r.value, r.value) for r in SpeakerResolution],
        help_text=(
            "How the speaker was found: named in the sentence, an alias or other form of a "
            "name, a role noun, a pronoun, the statement before (previous), or none."
        ),
    )


class SuggestionListSerializer(serializers.Serializer):
    results = SuggestionSerializer(many=True)


def suggestion_data(suggestion: Any) -> dict[str, Any]:
    """One suggested claim, the same for the desk API and the split view."""
    speaker = suggestion.speaker
    return {
        "start": suggestion.start,
        "end": suggestion.end,
        "quote": suggestion.quote,
        "speaker": {"id": speaker.id, "name": speaker.name} if speaker else None,
        "attribution": str(suggestion.attribution),
        "confidence": round(float(suggestion.confidence), 3),
        "cue": suggestion.cue,
        "speaker_resolution": str(suggestion.speaker_resolution),
    }


class DeskSpeakerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.SlugField()


class DeskVerdictSerializer(serializers.Serializer):
    rating = serializers.SlugField(allow_null=True)
    headline = serializers.CharField(allow_blank=True)
    summary = serializers.CharField(allow_blank=True)
    explanation = serializers.CharField(allow_blank=True)
    author = serializers.IntegerField(allow_null=True)
    reviewer = serializers.IntegerField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()


class DeskSourceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    state = serializers.ChoiceField(choices=Source.State.choices)


class DeskCitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.ChoiceField(choices=Citation.Role.choices)
    passage = serializers.CharField(allow_blank=True)
    source = DeskSourceRefSerializer()

    def to_representation(self, citation: Citation) -> dict[str, Any]:
        return citation_data(citation)


def citation_data(citation: Citation) -> dict[str, Any]:
    source = citation.source
    return {
        "id": citation.pk,
        "role": citation.role,
        "passage": citation.passage,
        "source": {"id": source.pk, "url": source.url, "state": source.state},
    }


class DeskClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Claim.Status.choices)
    version = serializers.IntegerField()
    article = serializers.IntegerField(help_text="The article's id.")
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    quote = serializers.CharField()
    prefix = serializers.CharField(allow_blank=True)
    suffix = serializers.CharField(allow_blank=True)
    anchor_status = serializers.ChoiceField(choices=Claim.Anchor.choices)
    speaker = DeskSpeakerSerializer()
    attribution = serializers.ChoiceField(choices=Claim.Attribution.choices)
    claim = serializers.CharField()
    slug = serializers.SlugField()
    stated_on = serializers.CharField(allow_blank=True)
    assignee = serializers.IntegerField(allow_null=True)
    url = serializers.URLField(allow_null=True, help_text="The public page, once public.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)
    retracted_at = serializers.DateTimeField(allow_null=True)
    retraction_reason = serializers.CharField(allow_blank=True)
    verdict = DeskVerdictSerializer(allow_null=True)

    def to_representation(self, claim: Claim) -> dict[str, Any]:
        return claim_summary_data(claim)


class DeskClaimDetailSerializer(DeskClaimSerializer):
    citations = DeskCitationSerializer(many=True)
    corrections = CorrectionSerializer(many=True)

    def to_representation(self, claim: Claim) -> dict[str, Any]:
        return desk_claim_data(claim)


class PublishResultSerializer(DeskClaimDetailSerializer):
    warnings = serializers.ListField(
        child=serializers.CharField(),
        help_text="What ClaimReview consumers would show badly (too long, rating in claim).",
    )


def claim_summary_data(claim: Claim) -> dict[str, Any]:
    """A claim for desk lists; ``claim`` from ``selectors.desk_claims``."""
    verdict = getattr(claim, "verdict", None)
    return {
        "id": claim.pk,
        "status": claim.status,
        "version": claim.version,
        "article": claim.article_id,
        "start": claim.start,
        "end": claim.end,
        "quote": claim.exact,
        "prefix": claim.prefix,
        "suffix": claim.suffix,
        "anchor_status": claim.anchor_status,
        "speaker": {"id": claim.speaker.pk, "name": claim.speaker.name, "slug": claim.speaker.slug},
        "attribution": claim.attribution,
        "claim": claim.claim,
        "slug": claim.slug,
        "stated_on": claim.stated_on,
        "assignee": claim.assignee_id,
        "url": links.claim_url(claim) if claim.is_public else None,
        "created_at": iso(claim.created_at),
        "updated_at": iso(claim.updated_at),
        "published_at": iso(claim.published_at),
        "retracted_at": iso(claim.retracted_at),
        "retraction_reason": claim.retraction_reason,
        "verdict": {
            "rating": verdict.rating.slug if verdict.rating_id else None,
            "headline": verdict.headline,
            "summary": verdict.summary,
            "explanation": verdict.explanation,
            "author": verdict.author_id,
            "reviewer": verdict.reviewer_id,
            "published_at": iso(verdict.published_at),
            "updated_at": iso(verdict.updated_at),
        }
        if verdict is not None
        else None,
    }


def desk_claim_data(claim: Claim) -> dict[str, Any]:
    """A claim with citations and corrections; ``claim`` from ``selectors.desk_claim``."""
    corrections: list[Correction] = list(claim.corrections.all())
    return {
        **claim_summary_data(claim),
        "citations": [citation_data(c) for c in claim.citations.all()],
        "corrections": [correction_data(c) for c in corrections],
    }


def desk_evidence_url(snapshot: Snapshot, part: str) -> str | None:
    """The desk's download of a snapshot's evidence file, or None without that file."""
    if not getattr(snapshot, part):
        return None
    return links.public_url(
        reverse("api:desk:snapshot-evidence", kwargs={"pk": snapshot.pk, "part": part})
    )


def snapshot_data(s: Snapshot) -> dict[str, Any]:
    return {
        "id": s.pk,
        "fetched_at": iso(s.fetched_at),
        "status_code": s.status_code,
        "final_url": s.final_url,
        "title": s.title,
        "content_type": s.content_type,
        "sha256": s.sha256,
        "text_sha256": s.text_sha256,
        "warc_url": desk_evidence_url(s, "warc"),
        "warc_sha256": s.warc_sha256 or None,
        "screenshot_url": desk_evidence_url(s, "screenshot"),
        "pdf_url": desk_evidence_url(s, "pdf"),
        "browser_reason": s.browser_reason,
        "blocked_requests": s.blocked_requests or [],
    }


class CommentSerializer(serializers.Serializer):
    """A comment of a claim's conversation: internal, for the desk only."""

    id = serializers.IntegerField()
    author = serializers.CharField(allow_null=True, help_text="The author's username.")
    kind = serializers.ChoiceField(choices=Comment.Kind.choices)
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


def comment_data(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "author": comment.author.get_username() if comment.author is not None else None,
        "kind": comment.kind,
        "text": comment.text,
        "created_at": serializers.DateTimeField().to_representation(comment.created_at),
    }


class SnapshotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    fetched_at = serializers.DateTimeField()
    status_code = serializers.IntegerField(allow_null=True, help_text="Null: no response.")
    final_url = serializers.CharField(allow_blank=True)
    title = serializers.CharField(allow_blank=True)
    content_type = serializers.CharField(allow_blank=True)
    sha256 = serializers.CharField(allow_blank=True)
    text_sha256 = serializers.CharField(allow_blank=True)
    warc_url = serializers.URLField(
        allow_null=True,
        help_text="The WARC file of the fetch (staff only); null when WARC files are off.",
    )
    warc_sha256 = serializers.CharField(allow_null=True)
    screenshot_url = serializers.URLField(
        allow_null=True,
        help_text="PNG of the rendered page (staff only); null when off or failed, "
        "see browser_reason.",
    )
    pdf_url = serializers.URLField(
        allow_null=True, help_text="PDF print; null like the screenshot."
    )
    browser_reason = serializers.CharField(
        allow_blank=True, help_text="Why there is no screenshot or PDF, or what to know about them."
    )
    blocked_requests = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()),
        help_text="Requests of the rendered page that were refused: [{url, reason}].",
    )


class DeskSourceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    state = serializers.ChoiceField(choices=Source.State.choices)
    reason = serializers.CharField(allow_blank=True)
    snapshots = SnapshotSerializer(many=True)

    def to_representation(self, source: Source) -> dict[str, Any]:
        snapshots: list[Snapshot] = list(source.snapshots.all())
        return {
            "id": source.pk,
            "url": source.url,
            "state": source.state,
            "reason": source.reason,
            "snapshots": [snapshot_data(s) for s in snapshots],
        }


def speaker_ref(speaker: Speaker) -> dict[str, Any]:
    return {"id": speaker.pk, "name": speaker.name, "slug": speaker.slug}
