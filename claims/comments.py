"""The desk's conversation about a claim and who works on it: comments, mentions,
requests for changes and assignment.

All of it is internal: nothing here is read by a public page, a feed, the partner API
or a webhook (those start from ``claims.selectors.claims_published`` and never join
comments). What the staff should hear about is announced after the commit
(``claims.signals.desk_event``); the desk turns it into notifications.
"""

import re

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import InvalidInput, NotAllowed
from .guards import full_clean, lock_claim
from .history import set_change_reason
from .models import Claim, Comment
from .signals import announce_desk_event_on_commit
from .text import clean_text
from .typing import DeskUser

#: ``@name``: a username as Django allows it (letters, digits and @.+-_), not preceded by
#: a word character (an e-mail address is no mention); a trailing dot ends a sentence.
MENTION_RE = re.compile(r"(?<![\w@.+-])@([\w.@+-]*[\w@+-])")

COMMENT_MAX = 10_000


def mentioned_usernames(text: str) -> list[str]:
    """The usernames ``@mentioned`` in ``text``, in order, each once."""
    seen: dict[str, None] = {}
    for match in MENTION_RE.finditer(text):
        seen.setdefault(match.group(1), None)
    return list(seen)


def may_discuss(user: DeskUser | None) -> bool:
    """Staff who may view claims may read and write their conversation."""
    return (
        user is not None and user.is_active and user.is_staff and user.has_perm("claims.view_claim")
    )


def _clean_comment(text: str) -> str:
    text = clean_text(text or "", field="text").strip()
    if not text:
        raise InvalidInput(_("A comment needs some text."))
    if len(text) > COMMENT_MAX:
        raise InvalidInput(
            _("A comment is at most %(max)d characters long.") % {"max": COMMENT_MAX}
        )
    return text


def _mentioned_staff(text: str, author: DeskUser) -> tuple[int, ...]:
    names = mentioned_usernames(text)
    if not names:
        return ()
    users = (
        get_user_model()
        .objects.filter(username__in=names, is_active=True, is_staff=True)
        .exclude(pk=author.pk)
    )
    return tuple(users.values_list("pk", flat=True))


@transaction.atomic
def comment_add(*, claim: Claim, user: DeskUser, text: str) -> Comment:
    """Add ``user``'s comment to ``claim``'s conversation; ``@username`` mentions staff,
    who are notified."""
    if not may_discuss(user):
        raise NotAllowed(_("Only the desk's staff can discuss claims."))
    text = _clean_comment(text)
    comment = Comment(claim=claim, author=user, text=text)
    full_clean(comment)
    comment.save()
    announce_desk_event_on_commit(
        claim.pk,
        "commented",
        actor_id=user.pk,
        user_ids=_mentioned_staff(text, user),
        text=text,
    )
    return comment


def change_request_add(*, claim: Claim, user: DeskUser | None, note: str) -> Comment:
    """Keep an editor's request for changes whole, as a comment of its own kind; call
    inside the workflow's transaction (the claim is locked)."""
    comment = Comment(claim=claim, author=user, kind=Comment.Kind.CHANGES_REQUESTED, text=note)
    full_clean(comment)
    comment.save()
    return comment


def change_requests_resolve(*, claim: Claim) -> int:
    """The author sent the claim back to review: its open requests are answered."""
    return Comment.objects.filter(
        claim=claim, kind=Comment.Kind.CHANGES_REQUESTED, resolved_at__isnull=True
    ).update(resolved_at=timezone.now())


@transaction.atomic
def claim_assign(*, claim: Claim, user: DeskUser | None, assignee: DeskUser | None) -> Claim:
    """Give ``claim`` to ``assignee`` (None: to nobody); the new assignee is notified.

    Fact-checkers and editors who may change claims may assign them, to active staff only.
    Assigning to the current assignee changes nothing.
    """
    if user is not None and not user.has_perm("claims.change_claim"):
        raise NotAllowed(_("You may not assign claims."))
    if assignee is not None and not (assignee.is_active and assignee.is_staff):
        raise InvalidInput(_("Claims are assigned to active staff only."))
    claim = lock_claim(claim)
    new_id = assignee.pk if assignee is not None else None
    if claim.assignee_id == new_id:
        return claim
    claim.assignee = assignee
    set_change_reason(claim, "assigned")
    # No version bump: who works on a claim is no change of what it says.
    claim.save(update_fields=["assignee", "updated_at"])
    if assignee is not None and (user is None or assignee.pk != user.pk):
        announce_desk_event_on_commit(
            claim.pk, "assigned", actor_id=user.pk if user else None, user_ids=(assignee.pk,)
        )
    return claim


def claim_comments(claim: Claim) -> QuerySet[Comment]:
    """The claim's conversation, oldest first, with its authors (one query)."""
    return Comment.objects.filter(claim=claim).select_related("author").order_by("created_at", "id")


def open_change_request(claim: Claim) -> Comment | None:
    """The editor's request the author has not answered yet (shown above the claim)."""
    if claim.status != Claim.Status.DRAFT:
        return None
    return (
        Comment.objects.filter(
            claim=claim, kind=Comment.Kind.CHANGES_REQUESTED, resolved_at__isnull=True
        )
        .select_related("author")
        .order_by("-created_at", "-id")
        .first()
    )


def open_change_requests_for_article(article_id: int) -> list[Comment]:
    """The unanswered requests for changes of an article's claims, newest first, with
    their claims and authors (one query; the split view shows them above the text)."""
    return list(
        Comment.objects.filter(
            claim__article_id=article_id,
            claim__status=Claim.Status.DRAFT,
            kind=Comment.Kind.CHANGES_REQUESTED,
            resolved_at__isnull=True,
        )
        .select_related("author", "claim")
        .order_by("-created_at", "-id")
    )
