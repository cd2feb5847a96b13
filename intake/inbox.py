"""The inbox: suggested attributed claims across imported articles, ranked and explained.

Computation (``inbox_compute_article``, run by ``intake.tasks.inbox_compute_article``
after ``intake.signals.article_imported``): the article's suggestions
(``claims.suggestions.article_suggestions``), each matched against published checks
(``intake.matching``) and scored (``intake.worthiness``), stored once per
(article, start, end): computing again updates open items and leaves decided ones alone.

Reads: ``inbox_items`` (ranked, filtered; a fixed number of queries for any page).
Actions: ``inbox_accept``, ``inbox_dismiss``, ``inbox_assign``, ``inbox_record_appearance``;
each checks the permission and records who decided and when.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from claims import services as claim_services
from claims.errors import InvalidInput, NotAllowed
from claims.guards import require_permission
from claims.models import Appearance, Article, Claim, Speaker
from claims.suggestions import article_suggestions
from claims.typing import DeskUser

from . import matching, worthiness
from .models import InboxItem

VIEW_PERMISSION = "intake.view_inboxitem"
CHANGE_PERMISSION = "intake.change_inboxitem"


# --- Computing ------------------------------------------------------------------------------


def _prominent_speakers(speaker_ids: set[int]) -> set[int]:
    """The known speakers among ``speaker_ids`` that are prominent (two queries)."""
    if not speaker_ids:
        return set()
    public = set(
        Claim.objects.filter(
            speaker_id__in=speaker_ids,
            status__in=[Claim.Status.PUBLISHED, Claim.Status.RETRACTED],
        ).values_list("speaker_id", flat=True)
    )
    many = {
        row["speaker_id"]
        for row in Claim.objects.filter(speaker_id__in=speaker_ids)
        .values("speaker_id")
        .annotate(n=Count("id"))
        .filter(n__gte=worthiness.PROMINENT_CLAIMS)
    }
    return public | many


@transaction.atomic
def inbox_compute_article(*, article: Article) -> list[InboxItem]:
    """Store (or refresh) the inbox items of an imported article; returns its open items."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.import_state != Article.ImportState.IMPORTED or not article.text:
        return []
    found = article_suggestions(article=article)
    speaker_ids = {s.speaker.id for s in found if s.speaker is not None and s.speaker.id}
    speakers = Speaker.objects.in_bulk(speaker_ids)
    prominent = _prominent_speakers(set(speakers))
    existing = {(item.start, item.end): item for item in article.inbox_items.all()}
    language = article.language
    kept = []
    for suggestion in found:
        speaker = (
            speakers.get(suggestion.speaker.id)
            if suggestion.speaker is not None and suggestion.speaker.id
            else None
        )
        match = matching.published_match(suggestion.quote, language=language)
        assessment = worthiness.assess(
            suggestion.quote,
            language=language,
            speaker=speaker,
            attribution=str(suggestion.attribution),
            match=match,
            prominent=speaker is not None and speaker.pk in prominent,
        )
        values: dict[str, Any] = {
            "quote": suggestion.quote,
            "speaker_name": suggestion.speaker.name if suggestion.speaker else "",
            "speaker": speaker,
            "attribution": str(suggestion.attribution),
            "language": language,
            "outlet": article.outlet,
            "score": assessment.score,
            "reasons": assessment.reasons,
            "matched_claim": match.claim if match else None,
            "match_score": match.score if match else None,
        }
        item = existing.get((suggestion.start, suggestion.end))
        if item is None:
            item = InboxItem.objects.create(
                kind=InboxItem.Kind.SUGGESTION,
                article=article,
                start=suggestion.start,
                end=suggestion.end,
                **values,
            )
        elif item.state == InboxItem.State.OPEN:
            for field, value in values.items():
                setattr(item, field, value)
            item.save(update_fields=list(values))
        kept.append(item)
    return [item for item in kept if item.state == InboxItem.State.OPEN]


# --- Reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxFilters:
    state: str = InboxItem.State.OPEN
    outlet: str = ""
    speaker: int | None = None
    language: str = ""
    kind: str = ""
    assignee: int | None = None  # a user id; 0: nobody
    date_from: date | None = None
    date_to: date | None = None


def inbox_items(filters: InboxFilters | None = None) -> QuerySet[InboxItem]:
    """Inbox items, best first, with what a row shows in the same query (one query; the
    matched check's verdict, rating, article and speaker are joined)."""
    filters = filters or InboxFilters()
    rows = InboxItem.objects.select_related(
        "article",
        "speaker",
        "assignee",
        "tip",
        "matched_claim",
        "matched_claim__verdict",
        "matched_claim__verdict__rating",
    ).defer("article__text", "matched_claim__search_vector", "tip__email")
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.outlet:
        rows = rows.filter(outlet=filters.outlet)
    if filters.speaker:
        rows = rows.filter(speaker_id=filters.speaker)
    if filters.language:
        base = filters.language.split("-")[0]
        rows = rows.filter(Q(language=base) | Q(language__startswith=f"{base}-"))
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.assignee is not None:
        rows = (
            rows.filter(assignee__isnull=True)
            if filters.assignee == 0
            else rows.filter(assignee_id=filters.assignee)
        )
    if filters.date_from:
        rows = rows.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(created_at__date__lte=filters.date_to)
    return rows.order_by("-score", "-created_at", "-id")


def inbox_outlets() -> list[str]:
    return list(
        InboxItem.objects.exclude(outlet="").values_list("outlet", flat=True).distinct()[:200]
    )


def inbox_speakers() -> list[tuple[int, str]]:
    """The known speakers of the inbox's items, by name: the speaker filter's choices."""
    return list(
        Speaker.objects.filter(pk__in=InboxItem.objects.values("speaker_id"))
        .order_by("name")
        .values_list("pk", "name")[:500]
    )


def already_checked(item: InboxItem) -> Claim | None:
    """The published check the item repeats, or None (a draft is never offered)."""
    claim = item.matched_claim
    if claim is None or claim.status != Claim.Status.PUBLISHED or claim.published_at is None:
        return None
    return claim


def split_url(item: InboxItem) -> str:
    """The split view with the suggestion selected (``?start=&end=&speaker=``)."""
    if item.article_id is None:
        return ""
    params: dict[str, Any] = {"start": item.start, "end": item.end}
    if item.speaker_id:
        params["speaker"] = item.speaker_id
    elif item.speaker_name:
        params["speaker_name"] = item.speaker_name
    if item.attribution:
        params["attribution"] = item.attribution
    base = reverse("admin:claims_article_split", args=[item.article_id])
    return f"{base}?{urlencode(params)}"


# --- Actions --------------------------------------------------------------------------------


def _require(user: DeskUser | None) -> None:
    require_permission(user, CHANGE_PERMISSION, _("You may not work on the inbox."))


def _lock(item: InboxItem) -> InboxItem:
    return InboxItem.objects.select_for_update().get(pk=item.pk)


def _require_open(item: InboxItem) -> None:
    if item.state != InboxItem.State.OPEN:
        raise InvalidInput(
            _("This item was already decided (%(state)s).") % {"state": item.get_state_display()}
        )


def _decide(item: InboxItem, state: str, user: DeskUser | None) -> None:
    item.state = state
    item.decided_by = user
    item.decided_at = timezone.now()
    item.save(update_fields=["state", "decided_by", "decided_at"])


@transaction.atomic
def inbox_accept(*, item: InboxItem, user: DeskUser | None) -> str:
    """Take the suggestion to the split view: returns its address with the span selected.
    The item is marked accepted (the claim is made in the split view)."""
    _require(user)
    require_permission(user, "claims.add_claim", _("You may not create claims."))
    item = _lock(item)
    _require_open(item)
    if item.kind != InboxItem.Kind.SUGGESTION:
        raise InvalidInput(_("A tip has no article to split; add the article by its URL."))
    _decide(item, InboxItem.State.ACCEPTED, user)
    return split_url(item)


@transaction.atomic
def inbox_dismiss(*, item: InboxItem, user: DeskUser | None) -> InboxItem:
    """Not a claim worth checking: dismissed here and in the split view."""
    _require(user)
    item = _lock(item)
    _require_open(item)
    if item.kind == InboxItem.Kind.SUGGESTION and item.article is not None:
        claim_services.suggestion_dismiss(
            article=item.article, start=item.start or 0, end=item.end or 0, user=user
        )
    _decide(item, InboxItem.State.DISMISSED, user)
    return item


@transaction.atomic
def inbox_assign(*, item: InboxItem, user: DeskUser | None, assignee: Any | None) -> InboxItem:
    """Give the item to a member of the staff (``None``: to nobody)."""
    _require(user)
    item = _lock(item)
    _require_open(item)
    if assignee is not None and not (assignee.is_active and assignee.is_staff):
        raise InvalidInput(_("Assign items to an active member of the staff."))
    item.assignee = assignee
    item.save(update_fields=["assignee"])
    return item


def inbox_span_decided(
    *, article: Article, start: int, end: int, user: DeskUser | None, claim: Claim | None = None
) -> int:
    """The split view decided a span (a claim made of it, or dismissed): the inbox item of
    that span, if open, follows (accepted with its claim, or dismissed). Returns how many
    items changed (0 or 1). The split view's own permission checks came first."""
    rows = InboxItem.objects.filter(
        kind=InboxItem.Kind.SUGGESTION, article=article, start=start, end=end
    )
    if claim is not None:
        rows.filter(claim__isnull=True).update(claim=claim)
        state = InboxItem.State.ACCEPTED
    else:
        state = InboxItem.State.DISMISSED
    return rows.filter(state=InboxItem.State.OPEN).update(
        state=state, decided_by=user, decided_at=timezone.now()
    )


def staff_user(user_id: Any) -> Any | None:
    """The active staff user with ``user_id`` or None (for the assign actions)."""
    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        return None
    return get_user_model().objects.filter(pk=pk, is_active=True, is_staff=True).first()


@transaction.atomic
def inbox_record_appearance(*, item: InboxItem, user: DeskUser | None) -> Appearance:
    """Record the item's article as another appearance of the check it repeats, without
    a new verdict (``claims.services.claim_appearance_add``)."""
    _require(user)
    item = _lock(item)
    _require_open(item)
    claim = already_checked(item)
    if claim is None:
        raise InvalidInput(_("This item does not repeat a published check."))
    if item.article is None:
        tip = item.tip
        url = tip.url if tip is not None else ""
        if not url:
            raise InvalidInput(_("A tip without a link cannot be recorded as an appearance."))
        appearance = claim_services.claim_appearance_add(
            claim=claim, user=user, url=url, quote=item.quote
        )
    else:
        appearance = claim_services.claim_appearance_add(
            claim=claim, user=user, article=item.article, quote=item.quote
        )
    item.claim = claim
    item.save(update_fields=["claim"])
    _decide(item, InboxItem.State.APPEARANCE, user)
    return appearance


__all__ = [
    "CHANGE_PERMISSION",
    "VIEW_PERMISSION",
    "InboxFilters",
    "NotAllowed",
    "already_checked",
    "inbox_accept",
    "inbox_assign",
    "inbox_compute_article",
    "inbox_dismiss",
    "inbox_items",
    "inbox_outlets",
    "inbox_record_appearance",
    "inbox_span_decided",
    "split_url",
]
