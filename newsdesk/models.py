"""What the desk keeps for its staff: in-app notifications and each person's settings.

Notifications are internal: no public page, feed, partner endpoint or webhook reads them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from claims.models import Claim


class Notification(models.Model):
    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned to you")
        MENTIONED = "mentioned", _("Mentioned")
        REVIEW_REQUESTED = "review_requested", _("Review requested")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        PUBLISHED = "published", _("Published")
        CORRECTED = "corrected", _("Corrected")
        SOURCES = "sources", _("A cited source failed or changed")
        FEED_PAUSED = "feed_paused", _("A watched feed was paused")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="desk_notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    claim = models.ForeignKey(
        Claim,
        verbose_name=_("claim"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("text"), blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Set by the e-mail task before it sends (compare-and-set): one mail per notification.
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"


class DeskSettings(models.Model):
    """A person's choices on the desk: whether notifications also come by e-mail."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="desk_settings",
    )
    email_notifications = models.BooleanField(_("notifications by e-mail"), default=True)

    class Meta:
        verbose_name = _("my settings")
        verbose_name_plural = _("my settings")

    def __str__(self) -> str:
        return str(self.user)
