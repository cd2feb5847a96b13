"""The one e-mail a tipster gets: the verdict's link, when a matching claim goes public.

``intake.receivers`` hears a claim published or corrected and sends
``intake.tasks.tips_notify_task`` by name; the task calls :func:`tips_notify`, which finds
the tips waiting for a verdict that this claim answers:

- the tip's inbox entry was matched to it when the tip came in (``matched_claim``), or the
  desk made the claim from it (``claim``);
- or, for tips that came in before the check existed, the tip's text matches the claim
  now (``intake.matching.published_matches``, asked about a bounded number of candidates).

A new tip that repeats a check already published is told at once
(``intake.tasks.tip_notify_task``, sent after the tip's commit by ``intake.tips``).

Each tip is mailed at most once (compare-and-set on ``notified_at``; a redelivered task or
a later correction sends nothing again), in the tip's language, with a signed link to
unsubscribe. The address is erased as the mail is sent: the desk needs it no longer.
"""

from typing import Final

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from claims import links
from claims.models import Claim
from claims.selectors import claims_published

from .matching import published_matches
from .models import InboxItem, Tip
from .tips import match_language, tip_inbox_matched, unsubscribe_token

#: The ``name=`` of ``intake.tasks.tips_notify_task``.
NOTIFY_TASK: Final = "intake.tasks.tips_notify_task"
#: The events after which tipsters are told (a retraction tells nobody anything new).
NOTIFY_EVENTS: Final = ("published", "corrected")
#: Waiting tips asked about a newly public claim at most (each is one matcher query), the
#: least similarity of their text to the check's words on PostgreSQL (a loose pre-filter:
#: the matcher decides), and how many matches of a tip's text are looked through.
REMATCH_LIMIT: Final = 100
REMATCH_MIN_SIMILARITY: Final = 0.3
REMATCH_CANDIDATES: Final = 10


def enqueue_notify(claim_id: int) -> None:
    """Send the task (call after the commit: the receivers of ``public_change`` run then)."""
    current_app.tasks[NOTIFY_TASK].delay(claim_id)


def _waiting() -> Q:
    return Q(notified_at__isnull=True, unsubscribed_at__isnull=True) & ~Q(email="")


def _unmatched_in_inbox() -> Q:
    return Q(inbox_item__state=InboxItem.State.OPEN, inbox_item__matched_claim__isnull=True)


def _rematch_candidates(tips: QuerySet[Tip], claim: Claim) -> QuerySet[Tip]:
    """The tips worth asking the matcher about: on PostgreSQL those whose text has the
    check's words in it (trigram word similarity, one query), elsewhere the newest; either
    way a bounded number, so a publication costs a bounded time."""
    with_text = tips.exclude(text="").only("pk", "text", "language", "channel", "email")
    if connection.vendor != "postgresql":
        return with_text.order_by("-created_at")[:REMATCH_LIMIT]
    from django.contrib.postgres.search import TrigramWordSimilarity

    similarity = Greatest(
        TrigramWordSimilarity(claim.claim, "text"), TrigramWordSimilarity(claim.exact, "text")
    )
    return (
        with_text.annotate(similarity=similarity)
        .filter(similarity__gte=REMATCH_MIN_SIMILARITY)
        .order_by("-similarity", "-created_at")[:REMATCH_LIMIT]
    )


def tips_answered_by(claim: Claim) -> list[int]:
    """Ids of the tips with an address, not yet told, that the newly public ``claim``
    answers. Tips that came in before the check and match it now are re-matched: their
    open inbox entries say "already checked" from now on (``tip_inbox_matched``)."""
    linked = set(
        Tip.objects.filter(_waiting())
        .filter(Q(inbox_item__matched_claim_id=claim.pk) | Q(inbox_item__claim_id=claim.pk))
        .values_list("pk", flat=True)
    )
    others = Tip.objects.filter(_waiting() | _unmatched_in_inbox()).exclude(pk__in=linked)
    for tip in _rematch_candidates(others, claim):
        matches = published_matches(
            tip.text, language=match_language(tip), limit=REMATCH_CANDIDATES
        )
        match = next((m for m in matches if m.claim.pk == claim.pk), None)
        if match is None:
            continue
        tip_inbox_matched(tip=tip, match=match)
        if tip.email:  # erased once told or unsubscribed: an address means it waits
            linked.add(tip.pk)
    return sorted(linked)


def _mail_language(tip: Tip) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    primary = (tip.language or "").split("-")[0].lower()
    return primary if primary in codes else settings.LANGUAGE_CODE


def _message(tip: Tip, claim: Claim, address: str, language: str) -> EmailMessage:
    verdict = getattr(claim, "verdict", None)
    rating = verdict.rating if verdict is not None else None
    unsubscribe = links.public_url(
        reverse("intake:tip-unsubscribe", kwargs={"token": unsubscribe_token(tip)})
    )
    org = settings.FACTCHECK_ORG_NAME
    # Only the desk's words: the tip's own text is never echoed, so the form cannot be
    # used to send someone else a text of one's choosing.
    lines = [
        _("Hello,"),
        "",
        _("You sent us a claim to check. We have checked it:"),
        "",
        claim.claim,
        "",
    ]
    if rating is not None:
        lines.append(_("Our rating: %(rating)s") % {"rating": rating.label_for(language)})
    if verdict is not None and verdict.headline:
        lines.append(verdict.headline)
    lines += [
        "",
        _("The whole fact-check: %(url)s") % {"url": links.claim_url(claim)},
        "",
        _(
            "Thank you for sending it. This is the only e-mail about your tip; we have now "
            "deleted your e-mail address."
        ),
        "",
        _("No more e-mails about your tips: %(url)s") % {"url": unsubscribe},
        "",
        org,
    ]
    return EmailMessage(
        subject=_("[%(org)s] We checked the claim you sent us") % {"org": org},
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )


def tip_notify(*, tip_id: int, claim: Claim) -> str:
    """Mail one tip's verdict link, once. Returns what happened (for the logs)."""
    tip = Tip.objects.filter(pk=tip_id).filter(_waiting()).first()
    if tip is None:
        return "done before"
    address = tip.email
    claimed = (
        Tip.objects.filter(pk=tip.pk, email=address)
        .filter(_waiting())
        .update(notified_at=timezone.now(), notified_claim=claim, email="")
    )
    if not claimed:
        return "done before"
    language = _mail_language(tip)
    try:
        with translation.override(language):
            _message(tip, claim, address, language).send()
    except BaseException:
        # Not sent: the tip waits again (the address with it) for the next announcement.
        Tip.objects.filter(pk=tip.pk).update(notified_at=None, notified_claim=None, email=address)
        raise
    return "sent"


def tip_notify_matched(tip_id: int) -> str:
    """Mail a new tip that repeats a published check the link to that check, once."""
    tip = Tip.objects.select_related("inbox_item").filter(pk=tip_id).first()
    item = getattr(tip, "inbox_item", None) if tip is not None else None
    if item is None or item.matched_claim_id is None:
        return "no match"
    claim = (
        claims_published(include_retracted=False)
        .select_related("verdict", "verdict__rating")
        .filter(pk=item.matched_claim_id)
        .first()
    )
    if claim is None:
        return "not public"
    return tip_notify(tip_id=tip_id, claim=claim)


def tips_notify(claim_id: int) -> dict[str, int]:
    """Tell every tipster waiting for ``claim_id``'s verdict (only while it is public)."""
    claim = (
        claims_published(include_retracted=False)
        .select_related("verdict", "verdict__rating")
        .filter(pk=claim_id)
        .first()
    )
    outcome: dict[str, int] = {}
    if claim is None:
        return outcome
    for tip_id in tips_answered_by(claim):
        result = tip_notify(tip_id=tip_id, claim=claim)
        outcome[result] = outcome.get(result, 0) + 1
    return outcome
