"""Articles, speakers, claims, rating scales, verdicts and corrections.

Models hold fields, constraints and tiny per-row helpers; every change of state goes
through ``claims.services``.
"""

import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.urls import reverse
from django.utils.deconstruct import deconstructible
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

PARTIAL_DATE_RE = r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"


@deconstructible
class PartialDateValidator(RegexValidator):
    """A date as precise as known (2022, 2022-01, 2022-01-07); a full date must be a day
    of the calendar (not 2022-02-30), or it would reach the ClaimReview as it is."""

    regex = PARTIAL_DATE_RE
    message = _("Use a date such as 2022, 2022-01 or 2022-01-07.")

    def __call__(self, value: str) -> None:
        super().__call__(value)
        if len(value) == len("2022-01-07"):
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                raise ValidationError(
                    _(
                        "%(value)s is not a day of the calendar; give a real date, or only "
                        "the year and month (such as 2022-02)."
                    ),
                    code="impossible_date",
                    params={"value": value},
                ) from None


partial_date_validator = PartialDateValidator()
WIKIDATA_RE = r"^Q[1-9][0-9]*$"
wikidata_validator = RegexValidator(WIKIDATA_RE, _("A Wikidata id looks like Q42."))
LANGUAGE_RE = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
language_validator = RegexValidator(
    LANGUAGE_RE, _("Use a BCP 47 language tag such as de or en-GB.")
)


def _partial_date_q(field: str) -> Q:
    return Q(**{field: ""}) | Q(**{f"{field}__regex": PARTIAL_DATE_RE})


class Article(models.Model):
    class ImportState(models.TextChoices):
        # An article pasted in is imported at once; one added by its URL (intake) is
        # "importing" until the background fetch fills in its text, or "failed" with a reason.
        IMPORTING = "importing", _("importing")
        IMPORTED = "imported", _("imported")
        FAILED = "failed", _("import failed")

    title = models.CharField(_("title"), max_length=300)
    outlet = models.CharField(_("outlet"), max_length=200, blank=True)
    url = models.URLField(_("URL"), max_length=2048, blank=True)
    language = models.CharField(
        _("language"), max_length=35, default="de", validators=[language_validator]
    )
    published_on = models.CharField(
        _("published on"),
        max_length=10,
        blank=True,
        validators=[partial_date_validator],
        help_text=_("As precise as known: 2022, 2022-01 or 2022-01-07."),
    )
    text = models.TextField(_("text"))
    import_state = models.CharField(
        _("import state"),
        max_length=10,
        choices=ImportState,
        default=ImportState.IMPORTED,
        db_index=True,
    )
    import_reason = models.TextField(_("why the import failed"), blank=True)
    # Where the page says it lives (<link rel=canonical>, else the final URL), normalised,
    # and the sha256 of the main text: the same article twice opens the existing one.
    canonical_url = models.CharField(_("canonical URL"), max_length=2048, blank=True, db_index=True)
    text_sha256 = models.CharField(
        _("sha256 of the text"), max_length=64, blank=True, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=_partial_date_q("published_on"), name="article_published_on_partial_date"
            ),
            models.CheckConstraint(
                condition=~Q(text="") | ~Q(import_state="imported"),
                name="article_text_not_empty",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="article_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title


class Speaker(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANIZATION = "organization", _("Organisation")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.PERSON)
    aliases = models.JSONField(
        _("aliases and spelling variants"),
        default=list,
        blank=True,
        help_text=_("Other names and misspellings that refer to this speaker."),
    )
    description = models.CharField(_("role or description"), max_length=300, blank=True)
    pronoun = models.CharField(
        _("pronoun"),
        max_length=1,
        blank=True,
        choices=[("f", _("she / sie")), ("m", _("he / er"))],
        help_text=_("Lets claim suggestions resolve “sagte sie” or “he said” to this speaker."),
    )
    wikidata_id = models.CharField(
        _("Wikidata id"), max_length=20, blank=True, validators=[wikidata_validator]
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="speaker_name_not_empty"),
            models.CheckConstraint(condition=~Q(slug=""), name="speaker_slug_not_empty"),
            models.CheckConstraint(
                condition=Q(wikidata_id="") | Q(wikidata_id__regex=WIKIDATA_RE),
                name="speaker_wikidata_id_format",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("publishing:speaker", kwargs={"slug": self.slug})

    @property
    def wikidata_url(self) -> str:
        return f"https://www.wikidata.org/wiki/{self.wikidata_id}" if self.wikidata_id else ""


class SpeakerRedirect(models.Model):
    """The address of a speaker merged into another: ``/speakers/<old_slug>/`` answers
    301 to the kept speaker's page."""

    old_slug = models.SlugField(_("old slug"), max_length=120, unique=True)
    speaker = models.ForeignKey(
        Speaker, on_delete=models.CASCADE, related_name="redirects", verbose_name=_("speaker")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("speaker redirect")
        verbose_name_plural = _("speaker redirects")

    def __str__(self) -> str:
        return f"{self.old_slug} → {self.speaker_id}"


class RatingScale(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    best_value = models.IntegerField(_("best value"))
    worst_value = models.IntegerField(_("worst value"))
    methodology_de = models.TextField(_("methodology (German)"), blank=True)
    methodology_en = models.TextField(_("methodology (English)"), blank=True)
    is_default = models.BooleanField(_("default scale"), default=False)

    class Meta:
        verbose_name = _("rating scale")
        verbose_name_plural = _("rating scales")
        constraints = [
            models.CheckConstraint(
                condition=~Q(best_value=F("worst_value")),
                name="ratingscale_best_differs_from_worst",
            ),
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_rating_scale"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def methodology(self) -> str:
        return self.methodology_en if get_language() == "en" else self.methodology_de


class Rating(models.Model):
    scale = models.ForeignKey(
        RatingScale, verbose_name=_("scale"), on_delete=models.CASCADE, related_name="ratings"
    )
    slug = models.SlugField(_("slug"), max_length=50)
    label_de = models.CharField(_("label (German)"), max_length=100)
    label_en = models.CharField(_("label (English)"), max_length=100)
    value = models.IntegerField(_("value"))
    definition_de = models.TextField(_("definition (German)"))
    definition_en = models.TextField(_("definition (English)"))
    symbol = models.CharField(
        _("symbol"),
        max_length=8,
        blank=True,
        help_text=_("Shown next to the label so the rating never depends on colour alone."),
    )
    colour = models.CharField(_("colour"), max_length=7, default="#666666")

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["scale", "-value"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "slug"], name="rating_slug_unique_in_scale"),
            models.UniqueConstraint(fields=["scale", "value"], name="rating_value_unique_in_scale"),
            models.CheckConstraint(condition=~Q(slug=""), name="rating_slug_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.value})"

    @property
    def label(self) -> str:
        return self.label_en if get_language() == "en" else self.label_de

    @property
    def definition(self) -> str:
        return self.definition_en if get_language() == "en" else self.definition_de

    def label_for(self, language: str) -> str:
        return self.label_en if language.startswith("en") else self.label_de


class Claim(models.Model):
    class Status(models.TextChoices):
        # Declared in workflow order; ``Claim.STATUS_ORDER`` relies on it.
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        RETRACTED = "retracted", _("Retracted")

    class Attribution(models.TextChoices):
        DIRECT = "direct", _("Direct quote")
        INDIRECT = "indirect", _("Indirect speech")
        PARAPHRASE = "paraphrase", _("Paraphrase")
        REPORTED = "reported", _("Reported by a third party")

    class Anchor(models.TextChoices):
        EXACT = "exact", _("Exact")
        MOVED = "moved", _("Moved")
        FUZZY = "fuzzy", _("Fuzzy match")
        ORPHANED = "orphaned", _("Orphaned")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.PROTECT, related_name="claims"
    )
    speaker = models.ForeignKey(
        Speaker, verbose_name=_("speaker"), on_delete=models.PROTECT, related_name="claims"
    )
    # W3C Web Annotation selectors: TextPositionSelector (start/end, 0-based, end
    # exclusive, in code points) and TextQuoteSelector (exact/prefix/suffix).
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    exact = models.TextField(_("quote"))
    prefix = models.CharField(_("prefix"), max_length=64, blank=True)
    suffix = models.CharField(_("suffix"), max_length=64, blank=True)
    anchor_status = models.CharField(
        _("anchoring"), max_length=10, choices=Anchor, default=Anchor.EXACT
    )
    anchor_score = models.FloatField(_("anchoring score"), default=1.0)
    attribution = models.CharField(
        _("attribution"), max_length=20, choices=Attribution, default=Attribution.DIRECT
    )
    claim = models.CharField(
        _("claim"),
        max_length=500,
        help_text=_("The claim as the desk words it: neutral and short (under 75 characters)."),
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    stated_on = models.CharField(
        _("stated on"), max_length=10, blank=True, validators=[partial_date_validator]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.DRAFT, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_claims",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Optimistic locking: every change to the claim or its verdict increments it.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    published_at = models.DateTimeField(_("first published at"), null=True, blank=True)
    retracted_at = models.DateTimeField(_("retracted at"), null=True, blank=True)
    retraction_reason = models.TextField(_("retraction reason"), blank=True)
    # Full-text search of public claims, in the article's language; kept current by
    # ``publishing.search.claim_update_search_vector`` (after every public change).
    # GIN-indexed on PostgreSQL only (migration 0005); a plain column elsewhere.
    search_vector = SearchVectorField(_("search vector"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["search_vector"])

    STATUS_ORDER = tuple(Status.values)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-updated_at", "-id"]
        permissions = [
            ("review_claim", _("Can review claims and request changes")),
            ("publish_claim", _("Can publish, correct and retract claims")),
        ]
        indexes = [
            models.Index(fields=["status", "updated_at", "id"], name="claim_status_updated"),
            # The public claims in the partner API's order: the page reads it in order and
            # the list's stamp (count, newest) is an index-only scan, never the table.
            models.Index(
                fields=["-updated_at", "-id"],
                name="claim_public_updated",
                condition=Q(status__in=["published", "retracted"], published_at__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="claim_span_not_empty"),
            # The quote is exactly the span's length; the service checks it is the text there.
            models.CheckConstraint(
                condition=Q(end=F("start") + Length("exact")),
                name="claim_exact_matches_span_length",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "in_review", "published", "retracted"]),
                name="claim_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "in_review"]) | Q(published_at__isnull=False),
                name="claim_published_has_published_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="retracted") | Q(retracted_at__isnull=False),
                name="claim_retracted_has_retracted_at",
            ),
            models.CheckConstraint(
                condition=_partial_date_q("stated_on"), name="claim_stated_on_partial_date"
            ),
            models.CheckConstraint(condition=~Q(claim=""), name="claim_wording_not_empty"),
        ]

    def __str__(self) -> str:
        return self.claim

    def get_absolute_url(self) -> str:
        return reverse("publishing:verdict", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.status in (self.Status.PUBLISHED, self.Status.RETRACTED)


class Verdict(models.Model):
    claim = models.OneToOneField(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="verdict"
    )
    rating = models.ForeignKey(
        Rating,
        verbose_name=_("rating"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="verdicts",
    )
    headline = models.CharField(_("headline"), max_length=200, blank=True)
    summary = models.TextField(_("short summary"), blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authored_verdicts",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_verdicts",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("verdict")
        verbose_name_plural = _("verdicts")

    def __str__(self) -> str:
        return self.headline or str(self.claim)


class Correction(models.Model):
    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="corrections"
    )
    note = models.TextField(_("public correction note"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(note=""), name="correction_note_not_empty"),
        ]

    def __str__(self) -> str:
        return self.note[:80]


class DismissedSuggestion(models.Model):
    """A suggested span the desk decided is not a claim; it is not suggested again."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="dismissals"
    )
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    exact = models.TextField(_("quote"))
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dismissed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dismissed_at = models.DateTimeField(_("dismissed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dismissed suggestion")
        verbose_name_plural = _("dismissed suggestions")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "start", "end"], name="dismissal_unique_span"
            ),
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="dismissal_span_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.exact[:80]


class Comment(models.Model):
    """The desk's conversation about a claim: internal only, never on a public output.

    A request for changes is a comment of its own kind, kept whole; it is open (shown
    above the claim) until the author submits the claim again (``resolved_at``).
    """

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.COMMENT)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="comment_text_not_empty"),
        ]
        indexes = [models.Index(fields=["claim", "kind", "resolved_at"], name="comment_open")]

    def __str__(self) -> str:
        return self.text[:80]


class Appearance(models.Model):
    """Another place a checked claim appeared: recorded without a new verdict.

    Public once the claim is public (page, ClaimReview ``itemReviewed.appearance``, partner
    API ``appearances``); recorded only through ``claims.services.claim_appearance_add``,
    which bumps the claim's version and announces the public change.
    """

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="appearances"
    )
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appearances",
    )
    url = models.URLField(_("URL"), max_length=2048, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    outlet = models.CharField(_("outlet"), max_length=200, blank=True)
    appeared_on = models.CharField(
        _("appeared on"), max_length=10, blank=True, validators=[partial_date_validator]
    )
    quote = models.TextField(_("words in this appearance"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("appearance")
        verbose_name_plural = _("appearances")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "article"],
                condition=Q(article__isnull=False),
                name="appearance_once_per_article",
            ),
            models.CheckConstraint(
                condition=_partial_date_q("appeared_on"), name="appearance_partial_date"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url or str(self.article or "")
