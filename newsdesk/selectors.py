"""The reads of the desk's own pages: My desk (the admin's start page) and the counts in
the admin's header. Each makes a fixed number of queries whatever the desk's size
(pinned in ``tests/newsdesk/test_my_desk.py``).
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from claims.models import Claim, Comment
from claims.typing import DeskUser
from sources.models import Citation, Source
from sources.selectors import sources_flagged_q

from .models import Notification

#: How many claims each list of My desk shows (the counts say how many there are).
DESK_LIST_SIZE = 10

#: What a cited source shows that the author should look at: failed, blocked or not yet
#: fetched, or (``sources_flagged_q``) changed, dead or redirected since it was cited.
SOURCE_STATES_TO_WATCH = (Source.State.PENDING, Source.State.FAILED, Source.State.BLOCKED)


def _sources_to_watch() -> Exists:
    return Exists(
        Citation.objects.filter(claim=OuterRef("pk")).filter(
            sources_flagged_q("source__") | Q(source__state__in=SOURCE_STATES_TO_WATCH)
        )
    )


def _mine_q(user: DeskUser) -> Q:
    return Q(created_by=user) | Q(assignee=user)


def _claims() -> QuerySet[Claim]:
    return Claim.objects.select_related("speaker", "assignee").defer(
        "search_vector", "article__text"
    )


def _open_request_note() -> Subquery:
    return Subquery(
        Comment.objects.filter(
            claim=OuterRef("pk"),
            kind=Comment.Kind.CHANGES_REQUESTED,
            resolved_at__isnull=True,
        )
        .order_by("-created_at", "-id")
        .values("text")[:1]
    )


@dataclass
class MyDesk:
    """What My desk shows one user; lists are cut at ``DESK_LIST_SIZE``."""

    by_status: dict[str, int]
    waiting_for_review: list[Claim] = field(default_factory=list)
    changes_requested: list[Claim] = field(default_factory=list)
    sources_to_check: list[Claim] = field(default_factory=list)
    recently_published: list[Claim] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    is_editor: bool = False

    @property
    def statuses(self) -> list[dict[str, Any]]:
        return [
            {"value": value, "label": label, "count": self.by_status.get(value, 0)}
            for value, label in Claim.Status.choices
        ]


def _waiting_for(user: DeskUser) -> Q:
    """In review and not the editor's own: four eyes refuses the claims they created or
    whose verdict they wrote (the full check, edits in the history, runs when they
    publish)."""
    return Q(status=Claim.Status.IN_REVIEW) & ~Q(created_by=user) & ~Q(verdict__author=user)


def _open_request() -> Exists:
    return Exists(
        Comment.objects.filter(
            claim=OuterRef("pk"), kind=Comment.Kind.CHANGES_REQUESTED, resolved_at__isnull=True
        )
    )


def _changes_requested(user: DeskUser) -> Q:
    return _mine_q(user) & Q(status=Claim.Status.DRAFT) & Q(_open_request())


def _to_check(user: DeskUser) -> Q:
    return _mine_q(user) & ~Q(status=Claim.Status.RETRACTED) & Q(_sources_to_watch())


def my_desk(user: DeskUser) -> MyDesk:
    """The start page of ``user``: one query for every count, one per list (four for an
    editor, three for a fact-checker), whatever the number of claims."""
    is_editor = user.has_perm("claims.publish_claim")
    counted: dict[str, Any] = {
        f"status_{value}": Count("pk", filter=_mine_q(user) & Q(status=value))
        for value in Claim.Status.values
    }
    counted["changes_requested"] = Count("pk", filter=_changes_requested(user))
    counted["sources_to_check"] = Count("pk", filter=_to_check(user))
    if is_editor:
        counted["waiting_for_review"] = Count("pk", filter=_waiting_for(user))
    totals = Claim.objects.aggregate(**counted)
    desk = MyDesk(
        by_status={v: totals.pop(f"status_{v}") for v in Claim.Status.values},
        counts=totals,
        is_editor=is_editor,
    )
    n = DESK_LIST_SIZE
    if is_editor:
        desk.waiting_for_review = list(
            _claims().filter(_waiting_for(user)).order_by("updated_at", "id")[:n]
        )
    desk.changes_requested = list(
        _claims()
        .filter(_changes_requested(user))
        .annotate(request_note=_open_request_note())
        .order_by("-updated_at", "-id")[:n]
    )
    desk.sources_to_check = list(
        _claims().filter(_to_check(user)).order_by("-updated_at", "-id")[:n]
    )
    desk.recently_published = list(
        _claims().filter(status=Claim.Status.PUBLISHED).order_by("-published_at", "-id")[:n]
    )
    return desk


def desk_header_counts(user: DeskUser) -> dict[str, int]:
    """The counts in the admin's header (two queries): unread notifications, and what waits
    for ``user``: their claims sent back, and (editors) claims in review they may take."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    counted: dict[str, Any] = {"changes_requested": Count("pk", filter=_changes_requested(user))}
    if user.has_perm("claims.publish_claim"):
        counted["waiting_for_review"] = Count("pk", filter=_waiting_for(user))
    # Only open claims can wait for anyone: the status index keeps this small.
    waiting = Claim.objects.filter(
        status__in=[Claim.Status.DRAFT, Claim.Status.IN_REVIEW]
    ).aggregate(**counted)
    return {"unread": unread, "to_do": sum(waiting.values())}
