"""In-app notifications and their e-mail: who hears about what happened to a claim.

Created by the receivers (``newsdesk.receivers``) from what the core announces after its
commit; each notification is mailed by ``newsdesk.tasks.notification_email_task``, sent by
name after the commit, unless the recipient turned e-mail off (``DeskSettings``).
"""

from collections.abc import Iterable
from functools import partial
from typing import Final

from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from claims import links
from claims.models import Claim
from claims.typing import DeskUser

from .models import DeskSettings, Notification

#: The ``name=`` of ``newsdesk.tasks.notification_email_task``.
EMAIL_TASK: Final = "newsdesk.tasks.notification_email_task"


def _enqueue_emails(notification_ids: list[int]) -> None:
    task = current_app.tasks[EMAIL_TASK]
    for notification_id in notification_ids:
        task.delay(notification_id)


def staff_with_permission(permission: str) -> QuerySet:
    """Active staff who hold ``permission`` (directly, by a group, or as superusers)."""
    app_label, codename = permission.split(".")
    perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True) | Q(user_permissions__in=perm) | Q(groups__permissions__in=perm)
        )
        .distinct()
    )


@transaction.atomic
def notify(
    *,
    recipient_ids: Iterable[int],
    kind: str,
    claim: Claim | None,
    actor_id: int | None,
    text: str = "",
) -> list[Notification]:
    """One notification per recipient (never the actor), each mailed after the commit."""
    ids = {pk for pk in recipient_ids if pk is not None and pk != actor_id}
    if not ids:
        return []
    recipients = get_user_model().objects.filter(pk__in=ids, is_active=True, is_staff=True)
    created = Notification.objects.bulk_create(
        Notification(recipient=r, kind=kind, claim=claim, actor_id=actor_id, text=text)
        for r in recipients.order_by("pk")
    )
    transaction.on_commit(partial(_enqueue_emails, [n.pk for n in created]), robust=True)
    return created


def notifications_for(user: DeskUser) -> QuerySet[Notification]:
    """``user``'s notifications, newest first, with what the list shows (one query)."""
    return Notification.objects.filter(recipient=user).select_related("claim", "actor")


def unread_count(user: DeskUser) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_mark_read(*, user: DeskUser, ids: Iterable[int] | None = None) -> int:
    """Mark ``user``'s notifications read (all when ``ids`` is None); returns how many."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def email_enabled(user: DeskUser) -> bool:
    prefs = DeskSettings.objects.filter(user=user).first()
    return prefs is None or prefs.email_notifications


def desk_settings_update(*, user: DeskUser, email_notifications: bool) -> DeskSettings:
    prefs, _created = DeskSettings.objects.update_or_create(
        user=user, defaults={"email_notifications": email_notifications}
    )
    return prefs


def _subject(notification: Notification) -> str:
    what = notification.get_kind_display()
    claim = notification.claim
    if claim is None:
        return f"[{_('Fact-checking desk')}] {what}"
    return f"[{_('Fact-checking desk')}] {what}: {claim.claim[:80]}"


def _body(notification: Notification) -> str:
    lines = [str(notification.get_kind_display())]
    if notification.actor is not None:
        lines.append(_("By %(name)s") % {"name": notification.actor.get_username()})
    if notification.claim is not None:
        lines.append(_("Claim: %(claim)s") % {"claim": notification.claim.claim})
        path = reverse("admin:claims_claim_change", args=[notification.claim_id])
        lines.append(links.public_url(path))
    if notification.text:
        lines += ["", notification.text]
    lines += ["", _("You can turn these e-mails off on your settings page in the desk.")]
    return "\n".join(lines)


def notification_email(notification_id: int) -> str:
    """Mail one notification to its recipient, once; skipped when they turned e-mail off
    or have no address. Returns what happened (for the task's result and the logs)."""
    notification = (
        Notification.objects.select_related("recipient", "claim", "actor")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None:
        return "gone"
    recipient = notification.recipient
    if not recipient.email or not email_enabled(recipient):
        return "off"
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return "sent before"
    with translation.override(settings.LANGUAGE_CODE):
        send_mail(
            _subject(notification),
            _body(notification),
            settings.DEFAULT_FROM_EMAIL,
            [recipient.email],
        )
    return "sent"
