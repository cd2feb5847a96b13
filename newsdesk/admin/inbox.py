"""The inbox page: suggested attributed claims across imported articles, best first.

Each row says why it ranks where it does (the reason sentences of ``intake.worthiness``)
and, when it repeats a published check, "already checked: <rating> — <headline>". The
actions are POST forms (CSRF) calling the ``intake.inbox`` services. Reads: a fixed
number of queries for any page size (``intake.inbox.inbox_items``: one joined query).
"""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.dateparse import parse_date
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from claims.errors import DeskError, NotAllowed
from intake import inbox
from intake.models import InboxItem
from intake.worthiness import reason_sentences

from .conversation import staff_users

PAGE_SIZE = 50


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def filters_from(request: HttpRequest) -> inbox.InboxFilters:
    get = request.GET
    state = get.get("state", InboxItem.State.OPEN)
    return inbox.InboxFilters(
        state=state if state in InboxItem.State.values else InboxItem.State.OPEN,
        outlet=get.get("outlet", "")[:200],
        speaker=_int(get.get("speaker")),
        language=get.get("language", "")[:35] if get.get("language") in ("de", "en") else "",
        kind=get.get("kind", "") if get.get("kind") in InboxItem.Kind.values else "",
        assignee=_int(get.get("assignee")),
        date_from=parse_date(get.get("date_from", "") or "") if get.get("date_from") else None,
        date_to=parse_date(get.get("date_to", "") or "") if get.get("date_to") else None,
    )


def _row(item: InboxItem) -> dict[str, Any]:
    checked = inbox.already_checked(item)
    verdict = getattr(checked, "verdict", None) if checked is not None else None
    return {
        "item": item,
        "speaker": item.speaker.name if item.speaker is not None else item.speaker_name,
        "reasons": reason_sentences(item.reasons or []),
        "checked": checked,
        "checked_rating": verdict.rating.label if verdict is not None and verdict.rating else "",
        "checked_headline": verdict.headline if verdict is not None else "",
    }


@admin.register(InboxItem)
class InboxItemAdmin(admin.ModelAdmin):
    """The inbox: its own page instead of the change list; no add, change or delete."""

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.has_perm(inbox.VIEW_PERMISSION)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("", wrap(self.inbox_view), name="intake_inboxitem_changelist"),
            # Items come from imports and tips, never by hand: 403.
            path("add/", wrap(self.add_view), name="intake_inboxitem_add"),
            path(
                "<int:item_id>/<str:action>/",
                wrap(require_POST(self.action_view)),
                name="intake_inboxitem_action",
            ),
        ]

    def inbox_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        filters = filters_from(request)
        page = Paginator(inbox.inbox_items(filters), PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        staff = list(staff_users().only("pk", "username"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": self.model._meta.verbose_name_plural.capitalize(),
            "rows": [_row(item) for item in page.object_list],
            "page": page,
            "query": query.urlencode(),
            "filters": filters,
            "outlets": inbox.inbox_outlets(),
            "speakers": inbox.inbox_speakers(),
            "states": InboxItem.State.choices,
            "kinds": InboxItem.Kind.choices,
            "staff": staff,
            "can_change": request.user.has_perm(inbox.CHANGE_PERMISSION),
            "can_record": request.user.has_perm("claims.add_appearance"),
            "here": request.get_full_path(),
        }
        return TemplateResponse(request, "admin/intake/inbox.html", context)

    def action_view(self, request: HttpRequest, item_id: int, action: str) -> HttpResponse:
        item = get_object_or_404(InboxItem, pk=item_id)
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = ""
        back = back or reverse("admin:intake_inboxitem_changelist")
        try:
            if action == "accept":
                return HttpResponseRedirect(inbox.inbox_accept(item=item, user=request.user))
            if action == "dismiss":
                inbox.inbox_dismiss(item=item, user=request.user)
                messages.success(request, _("The suggestion was dismissed."))
            elif action == "assign":
                raw = request.POST.get("assignee", "")
                assignee = inbox.staff_user(raw) if raw else None
                if raw and assignee is None:
                    messages.error(request, _("No active staff user with this id."))
                    return HttpResponseRedirect(back)
                inbox.inbox_assign(item=item, user=request.user, assignee=assignee)
                messages.success(request, _("The item was assigned."))
            elif action == "appearance":
                inbox.inbox_record_appearance(item=item, user=request.user)
                messages.success(
                    request,
                    _("Recorded as another appearance of the published check."),
                )
            else:
                raise PermissionDenied
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from error
        except DeskError as error:
            messages.error(request, str(error))
        return HttpResponseRedirect(back)
