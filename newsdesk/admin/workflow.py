"""The workflow in the admin: submit, request changes, publish, correct, retract.

Each action is a small form on its own admin page (linked from the claim's object
tools) that calls the service in ``claims.workflow``; the services check permissions,
states and versions, so the admin behaves exactly like the desk API. A stale version
shows what others changed and lets the user decide again; nothing is overwritten.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims import links, workflow
from claims.errors import DeskError, StaleVersion
from claims.models import Claim, Rating
from claims.wording import publish_warnings
from publishing import claimreview
from sources.models import Citation
from sources.selectors import claim_source_states
from sources.services import claim_correct_with_sources, claim_publish_with_sources

# --- Forms ---------------------------------------------------------------------------------


class _VersionForm(forms.Form):
    """Every action carries the version the user saw (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, claim: Claim, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})["version"] = claim.version
        super().__init__(*args, **kwargs)
        self.claim = claim

    def service_kwargs(self) -> dict[str, Any]:
        return {"version": self.cleaned_data["version"]}


class SubmitForm(_VersionForm):
    pass


class _AcknowledgeSources(forms.Form):
    """Publishing (or correcting) while a cited source is failed, blocked, dead or pending
    needs a ticked acknowledgement and a reason, kept in the claim's history."""

    acknowledge = forms.BooleanField(
        label=gettext_lazy("I know that some cited sources are not safely archived"),
        required=False,
    )
    acknowledge_reason = forms.CharField(
        label=gettext_lazy("Why publish anyway?"),
        required=False,
        max_length=1000,
        widget=forms.TextInput(attrs={"class": "vTextField"}),
        help_text=gettext_lazy("Kept in the claim's history (the first 100 characters)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        claim: Claim = self.claim  # type: ignore[attr-defined]
        self._unresolved = [s for s in claim_source_states(claim.pk) if s["unresolved"]]
        if not self._unresolved:  # nothing to acknowledge: the fields are not shown
            del self.fields["acknowledge"], self.fields["acknowledge_reason"]

    def unresolved_sources(self) -> list[dict[str, Any]]:
        return self._unresolved

    def clean_acknowledgement(
        self, data: dict[str, Any], *, ignore: set[int] = frozenset()
    ) -> None:
        unresolved = [s for s in self.unresolved_sources() if s["citation_id"] not in ignore]
        if not unresolved:
            return
        if not data.get("acknowledge"):
            self.add_error(
                "acknowledge",
                _(
                    "%(count)s cited source(s) are failed, blocked, dead or pending: tick this to go on."
                )
                % {"count": len(unresolved)},
            )
        if not (data.get("acknowledge_reason") or "").strip():
            self.add_error("acknowledge_reason", _("Say why the sources do not hold this up."))

    def acknowledgement(self) -> str:
        data = self.cleaned_data
        return (data.get("acknowledge_reason") or "").strip() if data.get("acknowledge") else ""


class PublishForm(_AcknowledgeSources, _VersionForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.clean_acknowledgement(data)
        return data

    def service_kwargs(self) -> dict[str, Any]:
        return {**super().service_kwargs(), "acknowledge_sources": self.acknowledgement()}


class RequestChangesForm(_VersionForm):
    note = forms.CharField(
        label=gettext_lazy("What should be changed?"),
        widget=forms.Textarea(attrs={"rows": 4, "class": "vLargeTextField"}),
        help_text=gettext_lazy(
            "Kept whole in the claim's conversation and shown above the claim until it is "
            "submitted again; the author is notified."
        ),
    )

    def service_kwargs(self) -> dict[str, Any]:
        return {**super().service_kwargs(), "note": self.cleaned_data["note"]}


class CorrectForm(_AcknowledgeSources, _VersionForm):
    note = forms.CharField(
        label=gettext_lazy("Public correction note"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
        help_text=gettext_lazy("Shown with its date on the public page: say what changed."),
    )
    rating = forms.ModelChoiceField(label=gettext_lazy("rating"), queryset=Rating.objects.none())
    headline = forms.CharField(
        label=gettext_lazy("headline"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "vTextField"}),
    )
    summary = forms.CharField(
        label=gettext_lazy("short summary"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
    )
    explanation = forms.CharField(
        label=gettext_lazy("explanation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "class": "vLargeTextField"}),
    )

    remove_sources = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Drop these sources"),
        queryset=Citation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    add_url = forms.CharField(
        label=gettext_lazy("Cite a new source (URL)"),
        required=False,
        max_length=2048,
        widget=forms.URLInput(attrs={"class": "vURLField"}),
        help_text=gettext_lazy("Fetched and archived in the background."),
    )
    add_role = forms.ChoiceField(
        label=gettext_lazy("Role of the new source"),
        choices=[("", "---------"), *Citation.Role.choices],
        required=False,
    )
    add_passage = forms.CharField(
        label=gettext_lazy("Quoted passage of the new source"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "vLargeTextField"}),
    )

    VERDICT_FIELDS = ("rating", "headline", "summary", "explanation")

    def __init__(self, *args: Any, claim: Claim, **kwargs: Any) -> None:
        verdict = claim.verdict
        initial = kwargs.setdefault("initial", {})
        initial.update({name: getattr(verdict, name) for name in self.VERDICT_FIELDS})
        super().__init__(*args, claim=claim, **kwargs)
        scale_id = verdict.rating.scale_id if verdict.rating else None
        ratings = Rating.objects.select_related("scale").order_by("-value")
        self.fields["rating"].queryset = (
            ratings.filter(scale_id=scale_id)
            if scale_id
            else ratings.filter(scale__is_default=True)
        )
        citations = Citation.objects.filter(claim=claim).select_related("source")
        self.fields["remove_sources"].queryset = citations.order_by("order", "pk")
        self.fields["remove_sources"].label_from_instance = lambda citation: (
            f"{citation.source.url} ({citation.get_role_display()})"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("add_url") and not data.get("add_role"):
            self.add_error("add_role", _("Say what the new source does for the verdict."))
        if data.get("add_role") and not data.get("add_url"):
            self.add_error("add_url", _("Enter the URL of the new source."))
        removed = {citation.pk for citation in data.get("remove_sources") or ()}
        self.clean_acknowledgement(data, ignore=removed)
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        sources_add = []
        if data.get("add_url"):
            sources_add.append(
                {"url": data["add_url"], "role": data["add_role"], "passage": data["add_passage"]}
            )
        return {
            **super().service_kwargs(),
            "note": data["note"],
            "changes": {name: data[name] for name in self.VERDICT_FIELDS},
            "sources_add": sources_add,
            "sources_remove": [citation.pk for citation in data.get("remove_sources") or ()],
            "acknowledge_sources": self.acknowledgement(),
        }


class RetractForm(_VersionForm):
    reason = forms.CharField(
        label=gettext_lazy("Public reason for the retraction"),
        widget=forms.Textarea(attrs={"rows": 4, "class": "vLargeTextField"}),
        help_text=gettext_lazy("Shown on the public page, which stays online."),
    )

    def service_kwargs(self) -> dict[str, Any]:
        return {**super().service_kwargs(), "reason": self.cleaned_data["reason"]}


# --- Actions -------------------------------------------------------------------------------

# A correction may also change the sources, which the core does not know of.
CORRECT_SERVICE = claim_correct_with_sources


@dataclass(frozen=True)
class WorkflowAction:
    """How the admin shows one transition of ``claims.workflow.TRANSITIONS``: its words and
    form. Which statuses allow it, the permission and the service come from the table."""

    rule: workflow.Transition
    label: str
    button: str
    form: type[_VersionForm]
    done: str
    # The service to call when it is not the table's own (the correction also changes
    # sources, which the core does not know of: ``sources.services`` wraps it).
    call: Callable[..., Any] | None = None

    @property
    def name(self) -> str:
        return self.rule.action

    @property
    def service(self) -> Callable[..., Any]:
        return self.call or self.rule.service

    def allows(self, claim: Claim, user: Any) -> bool:
        return self.rule.allows(claim, user)


def _actions() -> dict[str, WorkflowAction]:
    # Built per call so the labels are translated into the active language.
    rules = workflow.TRANSITIONS
    actions = (
        WorkflowAction(
            rules["submit"],
            _("Submit for review"),
            _("Submit for review"),
            SubmitForm,
            _("The claim was submitted for review."),
        ),
        WorkflowAction(
            rules["request_changes"],
            _("Request changes"),
            _("Send back to the fact-checker"),
            RequestChangesForm,
            _("The claim was sent back for changes."),
        ),
        WorkflowAction(
            rules["publish"],
            _("Publish"),
            _("Publish now"),
            PublishForm,
            _("The verdict is published."),
            call=claim_publish_with_sources,
        ),
        WorkflowAction(
            rules["correct"],
            _("Correct"),
            _("Publish the correction"),
            CorrectForm,
            _("The correction is published."),
            call=CORRECT_SERVICE,
        ),
        WorkflowAction(
            rules["retract"],
            _("Retract"),
            _("Retract the verdict"),
            RetractForm,
            _("The verdict is retracted; its page now says so."),
        ),
    )
    assert {action.name for action in actions} == set(rules), "every transition has a page"
    return {action.name: action for action in actions}


def available_actions(request: HttpRequest, claim: Claim) -> list[dict[str, str]]:
    """The workflow links to show on a claim: allowed now, by this user."""
    return [
        {
            "name": action.name,
            "label": action.label,
            "url": reverse("admin:claims_claim_workflow", args=[claim.pk, action.name]),
        }
        for action in _actions().values()
        if action.allows(claim, request.user)
    ]


def _review_preview(claim: Claim) -> tuple[list[str], str]:
    verdict = getattr(claim, "verdict", None)
    rating = verdict.rating if verdict is not None else None
    if rating is None:
        return [], ""
    warnings = publish_warnings(claim.claim, [rating.label_de, rating.label_en])
    review = claimreview.claim_review(
        claim,
        org_name=settings.FACTCHECK_ORG_NAME,
        org_url=links.org_url(),
        page_url=links.claim_url(claim),
    )
    return warnings, json.dumps(review, indent=2, ensure_ascii=False, default=str)


class WorkflowViewsMixin:
    """Adds the workflow pages to ``ClaimAdmin`` (``admin:claims_claim_workflow``)."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/workflow/<slug:action>/",
                self.admin_site.admin_view(self.workflow_view),
                name="claims_claim_workflow",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        claim = self.get_object(request, unquote(object_id))
        if claim is not None:
            extra_context = {
                **(extra_context or {}),
                "workflow_actions": available_actions(request, claim),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def workflow_view(self, request: HttpRequest, object_id: str, action: str) -> HttpResponse:
        spec = _actions().get(action)
        if spec is None:
            raise Http404
        claim = self.get_object(request, unquote(object_id))
        if claim is None:
            raise Http404
        if not self.has_view_permission(request, claim):
            raise PermissionDenied
        change_url = reverse("admin:claims_claim_change", args=[claim.pk])
        form = spec.form(request.POST or None, claim=claim)
        conflict = None
        if request.method == "POST" and form.is_valid():
            try:
                result = spec.service(claim=claim, user=request.user, **form.service_kwargs())
            except StaleVersion as error:
                # Show what changed, and offer the user's input again on the current version.
                conflict = error.details.get("changes", [])
                self.message_user(request, str(error), messages.ERROR)
                claim.refresh_from_db()
                data = request.POST.copy()
                data["version"] = str(claim.version)
                form = spec.form(data, claim=claim)
                form.is_valid()
            except DeskError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, spec.done, messages.SUCCESS)
                for warning in getattr(result, "warnings", []):
                    self.message_user(request, warning, messages.WARNING)
                return HttpResponseRedirect(change_url)
        warnings, review_json = _review_preview(claim) if action == "publish" else ([], "")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": claim,
            "title": f"{spec.label}: {claim}",
            "action": spec,
            "form": form,
            "adminform": helpers.AdminForm(form, [(None, {"fields": list(form.fields)})], {}),
            "conflict": conflict,
            "warnings": warnings,
            "review_json": review_json,
            "change_url": change_url,
            "allowed": spec.allows(claim, request.user),
            "self_publish": settings.FACTCHECK_ALLOW_SELF_PUBLISH,
            "source_states": claim_source_states(claim.pk)
            if action in ("publish", "correct")
            else [],
        }
        return TemplateResponse(request, "admin/claims/claim/workflow.html", context)
