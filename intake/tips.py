"""Tips: claims sent in by readers (the public form) and partners (``POST /api/v1/tips/``).

A tip is staff-only data. ``tip_submit`` checks it, stores it and puts it in the inbox,
matched against the published checks (``intake.matching``) and scored
(``intake.worthiness``), in one transaction: a tip is in the inbox or not stored at all.

What a tipster gave is kept no longer than it is needed:

- the e-mail address only until the tipster has been sent the verdict's link or has
  unsubscribed (``intake.tip_emails``): it is erased then;
- the tip itself ``TIPS_RETENTION_DAYS`` days (``tips_purge``, run daily by Celery beat
  and by ``manage.py purge_tips``), with its inbox entry. No client address is stored.

Errors are Django ``ValidationError``s keyed by field, each with a code (``required``,
``too_long``, ``invalid_url``, ``invalid_text``, ``invalid_email``, ``invalid_language``),
which the form shows next to the field and the API returns as a 400 ``invalid``.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Final

from celery import current_app
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.errors import InvalidInput
from claims.models import LANGUAGE_RE
from claims.text import clean_text
from sources.services import source_url_check

from .matching import Match, published_match
from .models import InboxItem, Tip
from .worthiness import assess

#: The ``name=`` of ``intake.tasks.tip_notify_task``: mail a tip that repeats a published
#: check (sent after the tip's commit).
TIP_NOTIFY_TASK: Final = "intake.tasks.tip_notify_task"
# A signed unsubscribe token names one tip; the salt keeps it from being any other token.
UNSUBSCRIBE_SALT = "intake.tips.unsubscribe"
MAX_EMAIL_LENGTH = 254
MAX_PARTNER_NAME_LENGTH = 200


def _clean_text(text: str, *, field: str, label: str, limit: int) -> str:
    try:
        text = clean_text(text or "", field=label).strip()
    except InvalidInput as error:
        raise ValidationError(
            {field: ValidationError(error.message, code="invalid_text")}
        ) from None
    if len(text) > limit:
        raise ValidationError(
            {
                field: ValidationError(
                    _("%(field)s is too long: at most %(limit)d characters (it has %(length)d).")
                    % {"field": label, "limit": limit, "length": len(text)},
                    code="too_long",
                )
            }
        )
    return text


def _clean_url(url: str) -> str:
    url = _clean_text(url, field="url", label=_("The link"), limit=2048)
    if not url:
        return ""
    try:
        url, _normalised = source_url_check(url)  # syntax only: a tip's link is never fetched
    except InvalidInput as error:
        raise ValidationError({"url": ValidationError(error.message, code="invalid_url")}) from None
    return url


def _clean_email(email: str) -> str:
    email = (email or "").strip()
    if not email:
        return ""
    try:
        if len(email) > MAX_EMAIL_LENGTH:
            raise ValidationError("too long")
        clean_text(email, field="email")
        validate_email(email)
    except (ValidationError, InvalidInput):
        raise ValidationError(
            {"email": ValidationError(_("Enter a valid e-mail address."), code="invalid_email")}
        ) from None
    return email


def _clean_language(language: str) -> str:
    language = (language or "").strip()
    if language and not re.fullmatch(LANGUAGE_RE, language):
        raise ValidationError(
            {
                "language": ValidationError(
                    _("Use a BCP 47 language tag such as de or en-GB."), code="invalid_language"
                )
            }
        )
    return language


@transaction.atomic
def tip_submit(
    *,
    text: str = "",
    url: str = "",
    email: str = "",
    language: str = "",
    channel: str,
    partner_name: str = "",
) -> Tip:
    """Store a tip and put it in the inbox, matched and scored; one transaction.

    Raises ``ValidationError`` (by field, with codes) and stores nothing when the tip has
    neither text nor link, is too long, holds a refused character or a malformed link,
    e-mail address or language. The link is checked for its syntax and never fetched.
    """
    if channel not in Tip.Channel.values:
        raise ValueError(f"unknown tip channel {channel!r}")
    errors: dict[str, list[ValidationError]] = {}
    cleaned: dict[str, str] = {}
    limit = settings.TIPS_MAX_LENGTH
    checks = {
        "text": lambda: _clean_text(text, field="text", label=_("The claim"), limit=limit),
        "url": lambda: _clean_url(url),
        "email": lambda: _clean_email(email),
        "language": lambda: _clean_language(language),
    }
    for name, check in checks.items():
        try:
            cleaned[name] = check()
        except ValidationError as error:
            for field, messages in error.error_dict.items():
                errors.setdefault(field, []).extend(messages)
    if not errors and not cleaned["text"] and not cleaned["url"]:
        errors["text"] = [
            ValidationError(
                _("Send the claim's text or a link to where it was made."), code="required"
            )
        ]
    if errors:
        raise ValidationError(errors)

    tip = Tip.objects.create(
        channel=channel,
        text=cleaned["text"],
        url=cleaned["url"],
        email=cleaned["email"],
        language=cleaned["language"],
        partner_name=(partner_name or "")[:MAX_PARTNER_NAME_LENGTH],
    )
    quote = tip.text or tip.url
    # A link alone cannot match a check's wording: only the text is matched.
    match = published_match(tip.text, language=match_language(tip)) if tip.text else None
    assessment = assess(quote, language=tip.language, match=match)
    InboxItem.objects.create(
        kind=InboxItem.Kind.TIP,
        tip=tip,
        quote=quote,
        language=tip.language,
        score=assessment.score,
        reasons=list(assessment.reasons),
        matched_claim=match.claim if match else None,
        match_score=match.score if match else None,
    )
    if match is not None and tip.email:
        # Already checked: the tipster gets the link at once (in the worker), not only
        # when the check is next corrected.
        transaction.on_commit(partial(_enqueue_tip_notify, tip.pk), robust=True)
    return tip


def tip_inbox_matched(*, tip: Tip, match: Match) -> bool:
    """A check published after the tip came in repeats it: the tip's inbox entry, while
    open and not matched yet, says "already checked" from now on (and is scored again).
    Returns whether it changed."""
    item = InboxItem.objects.filter(
        tip=tip, state=InboxItem.State.OPEN, matched_claim__isnull=True
    ).first()
    if item is None:
        return False
    assessment = assess(item.quote, language=item.language, match=match)
    changed = InboxItem.objects.filter(pk=item.pk, matched_claim__isnull=True).update(
        matched_claim=match.claim,
        match_score=match.score,
        score=assessment.score,
        reasons=list(assessment.reasons),
    )
    return bool(changed)


def match_language(tip: Tip) -> str:
    """The language to match a tip's text in: a partner names the claim's language; the
    form knows only the language of the page the reader used (kept for the e-mail), which
    need not be the claim's, so a reader's tip is matched in every language."""
    return tip.language if tip.channel == Tip.Channel.PARTNER else ""


def _enqueue_tip_notify(tip_id: int) -> None:
    current_app.tasks[TIP_NOTIFY_TASK].delay(tip_id)


# --- Unsubscribing --------------------------------------------------------------------------


def unsubscribe_token(tip: Tip) -> str:
    """The signed token of the tip's unsubscribe link (no expiry: the link in a mail must
    keep working; it can do nothing but unsubscribe this one tip)."""
    return signing.dumps({"tip": tip.pk}, salt=UNSUBSCRIBE_SALT, compress=False)


class BadUnsubscribeToken(Exception):
    """The token is not one the desk signed (tampered with, truncated, made up)."""


def tip_from_token(token: str) -> int:
    """The id of the tip a token names; ``BadUnsubscribeToken`` if the signature fails."""
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise BadUnsubscribeToken from None
    if not isinstance(value, dict) or not isinstance(value.get("tip"), int):
        raise BadUnsubscribeToken
    return value["tip"]


@dataclass(frozen=True)
class Unsubscribed:
    found: bool  # False: the tip was deleted meanwhile (nothing to do, nothing kept)
    already: bool  # True: it had been unsubscribed before


def tip_unsubscribe(*, token: str) -> Unsubscribed:
    """Stop every mail about the tip the token names and erase the address; idempotent.

    ``BadUnsubscribeToken`` (and nothing changed) when the signature does not hold.
    """
    tip_id = tip_from_token(token)
    with transaction.atomic():
        tip = Tip.objects.select_for_update().filter(pk=tip_id).first()
        if tip is None:
            return Unsubscribed(found=False, already=False)
        if tip.unsubscribed_at is not None:
            return Unsubscribed(found=True, already=True)
        tip.unsubscribed_at = timezone.now()
        tip.email = ""
        tip.save(update_fields=["unsubscribed_at", "email"])
    return Unsubscribed(found=True, already=False)


# --- Retention ------------------------------------------------------------------------------


def tips_expired(*, days: int | None = None) -> QuerySet[Tip]:
    """Tips received more than ``days`` (default ``TIPS_RETENTION_DAYS``) days ago; none
    when the retention is 0 (kept forever)."""
    days = settings.TIPS_RETENTION_DAYS if days is None else days
    if days <= 0:
        return Tip.objects.none()
    return Tip.objects.filter(created_at__lt=timezone.now() - timedelta(days=days))


def tips_purge(*, days: int | None = None) -> int:
    """Delete the expired tips and their inbox entries; returns how many tips went."""
    with transaction.atomic():
        # The inbox entries go with their tip (InboxItem.tip: on_delete CASCADE).
        _total, per_model = tips_expired(days=days).delete()
    return per_model.get(Tip._meta.label, 0)
