"""Intake: articles added by URL, watched outlets, the inbox, tips.

Everything here is staff-only data: no public page, feed, partner read or webhook shows a
feed, an inbox item or a tip. What reaches the public goes through ``claims`` services.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from claims.models import Article, Claim, Speaker


class Failure(models.TextChoices):
    """Why an article import failed."""

    BLOCKED = "blocked", _("address refused")
    FETCH = "fetch", _("not fetched")
    HTTP = "http", _("error page")
    NOT_ARTICLE = "not_article", _("no article text")
    DUPLICATE = "duplicate", _("already in the desk")


class ArticleImport(models.Model):
    """The background import of one article added by its URL (by hand or from a feed).

    The article row exists from the start (``import_state`` "importing"); this row keeps
    the fetch's evidence: the source that was fetched and the snapshot of the page as
    published (sha256, fetched_at) that the article's words were taken from.
    """

    Failure = Failure

    article = models.OneToOneField(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="import_record"
    )
    url = models.CharField(_("URL asked for"), max_length=2048)
    source = models.ForeignKey(
        "sources.Source",
        verbose_name=_("fetched as source"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    snapshot = models.ForeignKey(
        "sources.Snapshot",
        verbose_name=_("snapshot of the page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    feed_entry = models.OneToOneField(
        "intake.FeedEntry",
        verbose_name=_("feed entry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="article_import",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Why it failed, as a code and the fetcher's technical reason: said in the reader's
    # language at display time (``intake.importing.import_reason_text``).
    failure = models.CharField(
        _("why it failed"), max_length=12, choices=Failure, blank=True, default=""
    )
    detail = models.TextField(_("technical reason"), blank=True)
    # The page is an article the desk has already (same canonical URL or same text).
    duplicate_of = models.ForeignKey(
        Article,
        verbose_name=_("already in the desk as"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author = models.CharField(_("author"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("article import")
        verbose_name_plural = _("article imports")

    def __str__(self) -> str:
        return self.url


class Feed(models.Model):
    """A watched outlet: an RSS or Atom feed polled by Celery beat."""

    class State(models.TextChoices):
        ACTIVE = "active", _("active")
        PAUSED = "paused", _("paused")

    name = models.CharField(_("name"), max_length=200)
    url = models.CharField(_("feed URL"), max_length=2048, unique=True)
    outlet = models.CharField(_("outlet"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=35, blank=True, help_text=_("Leave empty to detect it.")
    )
    interval_minutes = models.PositiveIntegerField(_("polling interval (minutes)"), default=30)
    max_entries = models.PositiveIntegerField(
        _("new entries per poll at most"),
        null=True,
        blank=True,
        help_text=_("Empty: the INTAKE_FEED_MAX_ENTRIES setting."),
    )
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.ACTIVE)
    etag = models.CharField(_("ETag"), max_length=500, blank=True)
    last_modified = models.CharField(_("Last-Modified"), max_length=100, blank=True)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    last_reason = models.TextField(_("last problem"), blank=True)
    last_polled_at = models.DateTimeField(_("last polled at"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last polled successfully at"), null=True, blank=True)
    next_poll_at = models.DateTimeField(_("next poll at"), null=True, blank=True, db_index=True)
    paused_reason = models.TextField(_("why it was paused"), blank=True)
    # The poll fetching this feed (its token) and until when it may: a poll holds no row
    # lock while it waits on the network (intake.feeds).
    poll_token = models.CharField(max_length=32, blank=True, editable=False)
    poll_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("watched feed")
        verbose_name_plural = _("watched feeds")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class FeedEntry(models.Model):
    """One entry seen in a feed; deduplicated by GUID within the feed."""

    class State(models.TextChoices):
        NEW = "new", _("new")
        IMPORTING = "importing", _("importing")
        IMPORTED = "imported", _("imported")
        DUPLICATE = "duplicate", _("already in the desk")
        SKIPPED = "skipped", _("skipped")
        FAILED = "failed", _("failed")

    feed = models.ForeignKey(
        Feed, verbose_name=_("feed"), on_delete=models.CASCADE, related_name="entries"
    )
    guid = models.CharField(_("GUID"), max_length=2048)
    url = models.CharField(_("URL"), max_length=2048, blank=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.NEW)
    reason = models.TextField(_("reason"), blank=True)
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feed_entries",
    )
    seen_at = models.DateTimeField(_("first seen at"), auto_now_add=True)

    class Meta:
        verbose_name = _("feed entry")
        verbose_name_plural = _("feed entries")
        ordering = ["-seen_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["feed", "guid"], name="feed_entry_guid_once"),
        ]

    def __str__(self) -> str:
        return self.title or self.url or self.guid


class Tip(models.Model):
    """A claim sent in by a reader (public form) or a partner (API). Never public."""

    class Channel(models.TextChoices):
        FORM = "form", _("public form")
        PARTNER = "partner", _("partner API")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel)
    text = models.TextField(_("claim"), blank=True)
    url = models.CharField(_("link"), max_length=2048, blank=True)
    email = models.EmailField(_("e-mail for the verdict"), blank=True)
    language = models.CharField(_("language"), max_length=35, blank=True)
    partner_name = models.CharField(_("partner"), max_length=200, blank=True)
    # Set when the tipster has been sent the verdict's link, or asked not to be.
    notified_at = models.DateTimeField(_("tipster told at"), null=True, blank=True)
    notified_claim = models.ForeignKey(
        Claim,
        verbose_name=_("verdict sent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text="") | ~Q(url=""), name="tip_has_text_or_link"),
        ]

    def __str__(self) -> str:
        return (self.text or self.url)[:80]


class InboxItem(models.Model):
    """One entry of the inbox: a suggested attributed claim in an imported article, or a
    tip; ranked by the check-worthiness score (``intake.worthiness``), whose parts are kept
    as reason codes so each row can say why it ranks where it does."""

    class Kind(models.TextChoices):
        SUGGESTION = "suggestion", _("suggestion")
        TIP = "tip", _("tip")

    class State(models.TextChoices):
        OPEN = "open", _("open")
        ACCEPTED = "accepted", _("accepted")
        DISMISSED = "dismissed", _("dismissed")
        APPEARANCE = "appearance", _("recorded as an appearance")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.SUGGESTION)
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="inbox_items",
    )
    tip = models.OneToOneField(
        Tip,
        verbose_name=_("tip"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="inbox_item",
    )
    start = models.PositiveIntegerField(_("start"), null=True, blank=True)
    end = models.PositiveIntegerField(_("end"), null=True, blank=True)
    quote = models.TextField(_("quote"))
    speaker_name = models.CharField(_("speaker"), max_length=200, blank=True)
    speaker = models.ForeignKey(
        Speaker,
        verbose_name=_("known speaker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    attribution = models.CharField(_("attribution"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=35, blank=True, db_index=True)
    outlet = models.CharField(_("outlet"), max_length=200, blank=True, db_index=True)
    score = models.FloatField(_("check-worthiness"), default=0.0)
    reasons = models.JSONField(_("why"), default=list, blank=True)
    matched_claim = models.ForeignKey(
        Claim,
        verbose_name=_("already checked as"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    match_score = models.FloatField(_("match score"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State, default=State.OPEN, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    claim = models.ForeignKey(
        Claim,
        verbose_name=_("claim made"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("added at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("inbox item")
        verbose_name_plural = _("inbox")
        ordering = ["-score", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "-score", "-created_at"], name="inbox_open_ranked"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "start", "end"],
                condition=Q(kind="suggestion"),
                name="inbox_suggestion_once",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="suggestion", article__isnull=False) | Q(kind="tip", tip__isnull=False)
                ),
                name="inbox_item_has_origin",
            ),
        ]

    def __str__(self) -> str:
        return self.quote[:80]
