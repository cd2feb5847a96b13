"""Sources, citations and snapshots.

A **Source** is one normalised URL, fetched once and shared by every claim citing it.
Its row is the truth about the fetch (state, attempts, next attempt, lease); the Celery
broker only carries reminders. A **Citation** ties a claim's verdict to a source with a
role. A **Snapshot** is what one fetch captured; re-checks add snapshots.

Every change of state goes through ``sources.services`` (what the desk asks for) or
``sources.engine`` (fetching, leases, the sweep, re-checks).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from claims.models import Claim

MAX_URL_LENGTH = 2048


class Source(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        FETCHING = "fetching", _("Fetching")
        FETCHED = "fetched", _("Fetched")
        FAILED = "failed", _("Failed")
        BLOCKED = "blocked", _("Blocked")

    url = models.CharField(
        _("URL"), max_length=MAX_URL_LENGTH, help_text=_("As first entered by the desk.")
    )
    normalised_url = models.CharField(
        _("normalised URL"),
        max_length=MAX_URL_LENGTH,
        help_text=_("The source's identity: one source per normalised URL."),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State, default=State.PENDING, db_index=True
    )
    # Attempts of the current fetch (or re-check) cycle; taking the lease increments it.
    attempts = models.IntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    lease_token = models.CharField(_("lease token"), max_length=32, blank=True)
    lease_expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True)
    reason = models.TextField(
        _("reason"), blank=True, help_text=_("Why the last fetch failed or what it noticed.")
    )
    is_changed = models.BooleanField(_("text changed"), default=False)
    is_dead = models.BooleanField(_("dead link"), default=False)
    is_redirected = models.BooleanField(_("redirected elsewhere"), default=False)
    flagged_at = models.DateTimeField(_("flagged at"), null=True, blank=True)
    last_fetched_at = models.DateTimeField(_("last fetched at"), null=True, blank=True)
    recheck_due_at = models.DateTimeField(_("re-check due at"), null=True, blank=True)
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

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="source_state_next_attempt"),
            models.Index(fields=["state", "lease_expires_at"], name="source_state_lease"),
            models.Index(fields=["state", "recheck_due_at"], name="source_state_recheck"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["normalised_url"], name="source_normalised_url_unique"),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "fetching", "fetched", "failed", "blocked"]),
                name="source_state_valid",
            ),
            models.CheckConstraint(condition=Q(attempts__gte=0), name="source_attempts_gte_0"),
            models.CheckConstraint(condition=~Q(url=""), name="source_url_not_empty"),
            models.CheckConstraint(
                condition=~Q(normalised_url=""), name="source_normalised_url_not_empty"
            ),
            # A row being fetched always says by whom (token) and until when (expiry).
            models.CheckConstraint(
                condition=~Q(state="fetching")
                | (Q(lease_expires_at__isnull=False) & ~Q(lease_token="")),
                name="source_fetching_has_lease",
            ),
        ]

    def __str__(self) -> str:
        return self.url

    @property
    def is_flagged(self) -> bool:
        return self.is_changed or self.is_dead or self.is_redirected

    def flag_labels(self) -> list[str]:
        labels = []
        if self.is_changed:
            labels.append(str(_("text changed")))
        if self.is_dead:
            labels.append(str(_("dead link")))
        if self.is_redirected:
            labels.append(str(_("redirected elsewhere")))
        return labels


class Citation(models.Model):
    class Role(models.TextChoices):
        SUPPORTS = "supports", _("Supports the verdict")
        REFUTES = "refutes", _("Refutes the claim")
        CONTEXT = "context", _("Context")
        ORIGIN = "origin", _("Origin of the claim")

    # A citation belongs to the claim's verdict; the claim is its anchor (one verdict each).
    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="citations"
    )
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="citations"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.SUPPORTS)
    passage = models.TextField(_("quoted passage"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
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
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        ordering = ["claim", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "source", "role"], name="citation_unique_claim_source_role"
            ),
            models.CheckConstraint(
                condition=Q(role__in=["supports", "refutes", "context", "origin"]),
                name="citation_role_valid",
            ),
        ]

    def __str__(self) -> str:
        url = self.source.url if self.source_id else ""
        return f"{self.get_role_display()}: {url}"


def snapshot_upload_to(instance: "Snapshot", filename: str) -> str:
    """Bodies are stored by content: identical bodies share one file."""
    digest = instance.sha256
    return f"snapshots/{digest[:2]}/{digest[2:4]}/{digest}"


def evidence_upload_to(instance: "Snapshot", filename: str) -> str:
    """Evidence files are stored by content too (``sources.evidence`` names them)."""
    return f"evidence/{filename}"


class Snapshot(models.Model):
    class Kind(models.TextChoices):
        HTML = "html", _("HTML page")
        PDF = "pdf", _("PDF")
        TEXT = "text", _("Text")
        OTHER = "other", _("Other (metadata only)")
        ERROR = "error", _("No response")

    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.CASCADE, related_name="snapshots"
    )
    fetched_at = models.DateTimeField(_("fetched at"), db_index=True)
    # Null when there was no HTTP response (a name that no longer resolves).
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    final_url = models.CharField(_("final URL"), max_length=MAX_URL_LENGTH, blank=True)
    redirects = models.JSONField(
        _("redirect chain"), default=list, blank=True, help_text=_("[{url, status}] in order.")
    )
    headers = models.JSONField(_("selected headers"), default=dict, blank=True)
    content_type = models.CharField(_("content type"), max_length=200, blank=True)
    charset = models.CharField(_("charset"), max_length=40, blank=True)
    body = models.FileField(_("body"), upload_to=snapshot_upload_to, max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    title = models.CharField(_("title"), max_length=500, blank=True)
    text = models.TextField(_("extracted text"), blank=True)
    published_on = models.CharField(
        _("publication date"), max_length=10, blank=True, help_text=_("ISO date, if found.")
    )
    language = models.CharField(_("language"), max_length=35, blank=True)
    sha256 = models.CharField(_("sha256 of the body"), max_length=64, blank=True)
    text_sha256 = models.CharField(_("sha256 of the text"), max_length=64, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.OTHER)
    reason = models.TextField(_("reason"), blank=True)
    # Evidence (sources.evidence): the fetch as a WARC file, the page as Chromium rendered
    # it. Empty when that part is turned off or failed; ``browser_reason`` says why.
    warc = models.FileField(_("WARC"), upload_to=evidence_upload_to, max_length=200, blank=True)
    warc_sha256 = models.CharField(_("sha256 of the WARC"), max_length=64, blank=True)
    screenshot = models.FileField(
        _("screenshot"), upload_to=evidence_upload_to, max_length=200, blank=True
    )
    screenshot_sha256 = models.CharField(_("sha256 of the screenshot"), max_length=64, blank=True)
    pdf = models.FileField(_("PDF print"), upload_to=evidence_upload_to, max_length=200, blank=True)
    pdf_sha256 = models.CharField(_("sha256 of the PDF print"), max_length=64, blank=True)
    browser_reason = models.TextField(_("browser note"), blank=True)
    blocked_requests = models.JSONField(
        _("blocked requests"),
        default=list,
        blank=True,
        help_text=_("Requests of the rendered page that were refused: [{url, reason}]."),
    )

    class Meta:
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        ordering = ["-fetched_at", "-id"]
        get_latest_by = ["fetched_at", "id"]
        indexes = [
            models.Index(fields=["source", "-fetched_at", "-id"], name="snapshot_source_latest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["html", "pdf", "text", "other", "error"]),
                name="snapshot_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status_code__isnull=True)
                | Q(status_code__gte=100, status_code__lte=599),
                name="snapshot_status_code_range",
            ),
        ]

    def __str__(self) -> str:
        status = self.status_code if self.status_code is not None else "–"
        return f"{self.source_id} @ {self.fetched_at:%Y-%m-%d %H:%M} ({status})"

    @property
    def is_ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def fingerprint(self) -> str:
        """What a re-check compares: the text's hash, or the body's for non-text types."""
        return self.text_sha256 or self.sha256
