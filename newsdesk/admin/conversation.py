"""A claim's conversation and assignment in the admin: the comment thread under the
claim's page, the editor's open request for changes above it, assigning from the page
and from the list (a bulk action), and the history as readable sentences.

Every change goes through ``claims.comments`` (the same services as the desk API).
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims import comments
from claims.errors import DeskError
from claims.models import Claim

from .history import readable_change


def staff_users():
    return get_user_model().objects.filter(is_active=True, is_staff=True).order_by("username")


class CommentForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Comment"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
        help_text=gettext_lazy("Internal: only the desk sees it. @username notifies a colleague."),
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=gettext_lazy("Assign to"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=gettext_lazy("nobody"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_users()  # type: ignore[attr-defined]


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


class ConversationMixin:
    """For ``ClaimAdmin``: comments, the open request for changes, assignment, history."""

    object_history_list_template = "admin/claims/claim/history_list.html"
    history_list_display = ["what_happened"]

    def what_happened(self, record: Any) -> str:
        previous = record.prev_record
        return readable_change(
            record.history_change_reason,
            status=record.status,
            previous_status=previous.status if previous is not None else "",
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view  # type: ignore[attr-defined]
        return [
            path(
                "<path:object_id>/comment/",
                wrap(self.comment_view),
                name="claims_claim_comment",
            ),
            path(
                "<path:object_id>/assign/",
                wrap(self.assign_view),
                name="claims_claim_assign",
            ),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def _claim(self, request: HttpRequest, object_id: str) -> Claim:
        claim = Claim.objects.filter(pk=unquote(object_id)).first() if object_id.isdigit() else None
        if claim is None:
            raise Http404(_("No claim with this id."))
        if not self.has_view_permission(request, claim):  # type: ignore[attr-defined]
            raise PermissionDenied
        return claim

    def comment_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            raise Http404
        claim = self._claim(request, object_id)
        form = CommentForm(request.POST)
        page = reverse("admin:claims_claim_change", args=[claim.pk]) + "#conversation"
        if not form.is_valid():
            messages.error(request, _("A comment needs some text."))
            return HttpResponseRedirect(page)
        try:
            comments.comment_add(claim=claim, user=request.user, text=form.cleaned_data["text"])
        except DeskError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your comment was added."))
        return HttpResponseRedirect(page)

    def assign_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            raise Http404
        claim = self._claim(request, object_id)
        form = AssignForm(request.POST)
        default = reverse("admin:claims_claim_change", args=[claim.pk])
        if not form.is_valid():
            messages.error(request, _("Choose a colleague from the list."))
            return _back(request, default)
        assignee = form.cleaned_data["assignee"]
        try:
            comments.claim_assign(claim=claim, user=request.user, assignee=assignee)
        except DeskError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Assigned to %(name)s.") % {"name": assignee.get_username()}
                if assignee
                else _("Nobody is assigned any more."),
            )
        return _back(request, default)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        claim = Claim.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        context = dict(extra_context or {})
        if claim is not None:
            context.update(
                {
                    "conversation": list(comments.claim_comments(claim)),
                    "open_change_request": comments.open_change_request(claim),
                    "comment_form": CommentForm(),
                    "assign_form": AssignForm(initial={"assignee": claim.assignee_id}),
                    "can_comment": comments.may_discuss(request.user),
                }
            )
        return super().change_view(request, object_id, form_url, extra_context=context)  # type: ignore[misc]

    @admin.action(description=gettext_lazy("Assign the selected claims to…"))
    def assign_selected(self, request: HttpRequest, queryset) -> HttpResponse | None:
        if "assignee" in request.POST and "apply" in request.POST:
            form = AssignForm(request.POST)
            if form.is_valid():
                assignee = form.cleaned_data["assignee"]
                done = 0
                for claim in queryset:
                    try:
                        comments.claim_assign(claim=claim, user=request.user, assignee=assignee)
                        done += 1
                    except DeskError as error:
                        messages.error(request, f"{claim}: {error}")
                messages.success(request, _("%(count)d claims assigned.") % {"count": done})
                return None
        return TemplateResponse(
            request,
            "admin/claims/claim/assign.html",
            {
                **self.admin_site.each_context(request),  # type: ignore[attr-defined]
                "title": _("Assign claims"),
                "opts": Claim._meta,
                "claims": queryset,
                "form": AssignForm(),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
