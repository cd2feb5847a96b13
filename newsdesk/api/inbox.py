"""``/api/v1/desk/inbox/``: the inbox of check-worthy claims, ranked, and its actions.

Reads through ``intake.inbox.inbox_items`` (a fixed number of queries per page); actions
through the ``intake.inbox`` services with ``request.user``.
"""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from claims import links
from intake import inbox
from intake.models import InboxItem
from intake.worthiness import reason_sentences
from partners.api.filters import PageQuery, parse_query
from partners.api.pagination import DeskCursorPagination
from partners.api.schema import errors

from .views import DeskView


class InboxPagination(DeskCursorPagination):
    ordering = ("-score", "-id")


class InboxQuery(PageQuery):
    outlet = serializers.CharField(required=False, max_length=200)
    speaker = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    language = serializers.RegexField(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$", required=False)
    kind = serializers.ChoiceField(choices=InboxItem.Kind.choices, required=False)
    state = serializers.ChoiceField(choices=InboxItem.State.choices, required=False)
    assignee = serializers.IntegerField(
        required=False, min_value=0, max_value=2**63 - 1, help_text="A user id; 0: nobody."
    )
    date_from = serializers.DateField(required=False, help_text="Added on or after (YYYY-MM-DD).")
    date_to = serializers.DateField(required=False, help_text="Added on or before (YYYY-MM-DD).")


class AlreadyCheckedSerializer(serializers.Serializer):
    claim = serializers.IntegerField(help_text="The published claim's id.")
    rating = serializers.CharField(allow_null=True)
    headline = serializers.CharField(allow_blank=True)
    url = serializers.URLField(help_text="The public verdict page.")


class InboxItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=InboxItem.Kind.choices)
    state = serializers.ChoiceField(choices=InboxItem.State.choices)
    article = serializers.IntegerField(allow_null=True)
    start = serializers.IntegerField(allow_null=True)
    end = serializers.IntegerField(allow_null=True)
    quote = serializers.CharField()
    speaker = serializers.CharField(allow_blank=True, help_text="The speaker's name.")
    speaker_id = serializers.IntegerField(allow_null=True, help_text="A known speaker's id.")
    outlet = serializers.CharField(allow_blank=True)
    language = serializers.CharField(allow_blank=True)
    score = serializers.FloatField(help_text="Check-worthiness: higher ranks first.")
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="Why it ranks so, in the request's language."
    )
    reason_codes = serializers.ListField(child=serializers.CharField())
    already_checked = AlreadyCheckedSerializer(allow_null=True)
    assignee = serializers.CharField(allow_null=True, help_text="User name.")
    split_url = serializers.CharField(allow_blank=True, help_text="The split view, prefilled.")
    created_at = serializers.DateTimeField()


def already_checked_data(item: InboxItem) -> dict[str, Any] | None:
    claim = inbox.already_checked(item)
    if claim is None:
        return None
    verdict = getattr(claim, "verdict", None)
    rating = verdict.rating if verdict is not None else None
    return {
        "claim": claim.pk,
        "rating": rating.label if rating is not None else None,
        "headline": verdict.headline if verdict is not None else "",
        "url": links.claim_url(claim),
    }


def inbox_item_data(item: InboxItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "kind": item.kind,
        "state": item.state,
        "article": item.article_id,
        "start": item.start,
        "end": item.end,
        "quote": item.quote,
        "speaker": item.speaker.name if item.speaker is not None else item.speaker_name,
        "speaker_id": item.speaker_id,
        "outlet": item.outlet,
        "language": item.language,
        "score": item.score,
        "reasons": reason_sentences(item.reasons or []),
        "reason_codes": list(item.reasons or []),
        "already_checked": already_checked_data(item),
        "assignee": item.assignee.get_username() if item.assignee is not None else None,
        "split_url": inbox.split_url(item),
        "created_at": item.created_at.isoformat(),
    }


def inbox_filters(query: dict[str, Any]) -> inbox.InboxFilters:
    return inbox.InboxFilters(
        state=query.get("state", InboxItem.State.OPEN),
        outlet=query.get("outlet", ""),
        speaker=query.get("speaker"),
        language=query.get("language", ""),
        kind=query.get("kind", ""),
        assignee=query.get("assignee"),
        date_from=query.get("date_from"),
        date_to=query.get("date_to"),
    )


ITEM_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The inbox item's id.")
ACTION_ERRORS = errors(400, 401, 403, 404, 415, 429)


def _item(pk: int) -> InboxItem:
    item = InboxItem.objects.filter(pk=pk).first()
    if item is None:
        raise NotFound(_("There is no inbox item with this id."))
    return item


def _fresh(pk: int) -> dict[str, Any]:
    return inbox_item_data(inbox.inbox_items(inbox.InboxFilters(state="")).get(pk=pk))


class InboxListView(DeskView):
    required_permissions = {"GET": [inbox.VIEW_PERMISSION]}
    pagination_class = InboxPagination

    @extend_schema(
        operation_id="desk_inbox_list",
        summary="The inbox: suggested claims, best first",
        description=(
            "Open items unless `state` says otherwise, ranked by the check-worthiness score "
            '(see the fact-checker\'s guide, "The inbox"); `reasons` are the rules that '
            "fired, as sentences; `already_checked` names a published check it repeats."
        ),
        parameters=[InboxQuery],
        responses={200: InboxItemSerializer(many=True), **errors(400, 401, 403, 429)},
    )
    def get(self, request: Request) -> Response:
        query = parse_query(InboxQuery, request).validated_data
        page = self.paginate_queryset(inbox.inbox_items(inbox_filters(query)))
        return self.get_paginated_response([inbox_item_data(item) for item in page])


class InboxDismissView(DeskView):
    required_permissions = {"POST": [inbox.CHANGE_PERMISSION]}

    @extend_schema(
        operation_id="desk_inbox_dismiss",
        summary="Dismiss an inbox item (not suggested again in the split view)",
        parameters=[ITEM_ID],
        request=None,
        responses={200: InboxItemSerializer, **ACTION_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        inbox.inbox_dismiss(item=_item(pk), user=self.user)
        return Response(_fresh(pk))


class AssignInput(serializers.Serializer):
    assignee = serializers.IntegerField(
        allow_null=True, min_value=1, help_text="A staff user's id; null: nobody."
    )


class InboxAssignView(DeskView):
    required_permissions = {"POST": [inbox.CHANGE_PERMISSION]}

    @extend_schema(
        operation_id="desk_inbox_assign",
        summary="Assign an inbox item to a member of the staff",
        parameters=[ITEM_ID],
        request=AssignInput,
        responses={200: InboxItemSerializer, **ACTION_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = self.input(AssignInput)
        assignee = None
        if data["assignee"] is not None:
            assignee = inbox.staff_user(data["assignee"])
            if assignee is None:
                raise serializers.ValidationError(
                    {"assignee": [_("No active staff user with this id.")]}
                )
        inbox.inbox_assign(item=_item(pk), user=self.user, assignee=assignee)
        return Response(_fresh(pk))


class InboxAppearanceView(DeskView):
    required_permissions = {"POST": [inbox.CHANGE_PERMISSION, "claims.add_appearance"]}

    @extend_schema(
        operation_id="desk_inbox_appearance",
        summary="Record the item as another appearance of the check it repeats",
        description="No new verdict: the published claim gains an appearance (public).",
        parameters=[ITEM_ID],
        request=None,
        responses={200: InboxItemSerializer, **ACTION_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        inbox.inbox_record_appearance(item=_item(pk), user=self.user)
        return Response(_fresh(pk))
