"""Partners: API keys and webhook endpoints with their delivery log.

The tables were created by the ``claims`` app and kept their names when the models moved
here (``db_table``; the move is a state-only migration), so existing keys keep working.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey

from claims.models import Claim


class PartnerKey(AbstractAPIKey):
    """A partner's API key (``Authorization: Api-Key <prefix>.<secret>``).

    Only a hash of the key is stored (the library's SHA-512 of a 32-character random
    secret); the key itself is shown once, by ``create_partner_key`` or the admin.
    ``revoked`` is the active flag: revoking takes effect on the next request, since any
    save of a key makes every process verify it again (``partners.api.keycache``).
    """

    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta(AbstractAPIKey.Meta):
        db_table = "claims_partnerkey"
        # The library's Meta uses plain strings, so mypy infers ``str`` for these; Django
        # takes lazy translations here as anywhere.
        verbose_name = _("partner API key")  # type: ignore[assignment]
        verbose_name_plural = _("partner API keys")  # type: ignore[assignment]

    @property
    def is_active(self) -> bool:
        return not self.revoked and not self.has_expired


WEBHOOK_EVENTS = ("published", "corrected", "retracted")


def _all_webhook_events() -> list[str]:
    return list(WEBHOOK_EVENTS)


def _webhook_secret() -> str:
    return secrets.token_urlsafe(32)


def _validate_webhook_events(value: object) -> None:
    if not isinstance(value, list) or not value or not set(value) <= set(WEBHOOK_EVENTS):
        raise ValidationError(
            _("Choose one or more of: %(events)s.") % {"events": ", ".join(WEBHOOK_EVENTS)}
        )


class Webhook(models.Model):
    """A partner's endpoint that is told when a verdict is published, corrected or retracted."""

    partner_key = models.ForeignKey(
        PartnerKey,
        verbose_name=_("partner key"),
        on_delete=models.CASCADE,
        related_name="webhooks",
    )
    url = models.URLField(_("URL"), max_length=2048)
    # Kept in clear: it signs every delivery (HMAC-SHA256). Shared with the partner once.
    secret = models.CharField(_("signing secret"), max_length=100, default=_webhook_secret)
    active = models.BooleanField(_("active"), default=True)
    events = models.JSONField(
        _("events"),
        default=_all_webhook_events,
        validators=[_validate_webhook_events],
        help_text=_("A list of: published, corrected, retracted."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "claims_webhook"
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(url=""), name="webhook_url_not_empty"),
            models.CheckConstraint(condition=~Q(secret=""), name="webhook_secret_not_empty"),
        ]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one webhook: the body that is (re)sent, and how it went."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    webhook = models.ForeignKey(
        Webhook, verbose_name=_("webhook"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=20)
    claim = models.ForeignKey(
        Claim,
        verbose_name=_("claim"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Fixed when the event happens, so every attempt sends the same body.
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        db_table = "claims_webhookdelivery"
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(event__in=WEBHOOK_EVENTS), name="webhookdelivery_event_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "succeeded", "failed"]),
                name="webhookdelivery_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook_id} ({self.status})"
