"""Sources, citations and snapshots in the desk's admin.

Admin classes parse input and call ``sources.services``; they never change state
themselves. For the claim's page this module provides ``CitationInline`` (its formset
saves through ``citation_add``/``citation_update``/``citation_remove``) and
``CitedSourcesFlagMixin`` (a "sources changed" badge and filter for the claim list).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from claims.errors import DeskError
from claims.models import Claim
from publishing.archive import archive_response
from sources import diffing, selectors, services
from sources.models import Citation, Snapshot, Source
from sources.reasons import human_reason

from .errors import DeskErrorMessages


def state_badge(source: Source) -> str:
    return format_html(
        '<span class="desk-source-state desk-source-state--{}">{}</span>',
        source.state,
        source.get_state_display(),
    )


def flags_badge(source: Source) -> str:
    labels = source.flag_labels()
    if not labels:
        return ""
    return format_html(
        '<strong class="desk-flag" title="{}">⚑ {}</strong>',
        source.reason,
        ", ".join(labels),
    )


# --- Citations on the claim's page -----------------------------------------------------------


def checked_source_url(value: str) -> str:
    """A URL the fetcher accepts, or a form error saying why not (the service's rule)."""
    try:
        url, _normalised = services.source_url_check(value)
    except DeskError as error:
        raise forms.ValidationError(str(error)) from error
    return url


class CitationInlineForm(forms.ModelForm):
    url = forms.CharField(
        label=_("URL"),
        widget=forms.URLInput(attrs={"size": 60}),
        help_text=_("Fetched and archived in the background."),
    )

    class Meta:
        model = Citation
        fields = ("role", "passage")
        widgets = {"passage": forms.Textarea(attrs={"rows": 2, "cols": 40})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A citation's source is its identity: to cite another URL, add a citation.
            self.fields["url"].initial = self.instance.source.url
            self.fields["url"].disabled = True
            self.fields["url"].required = False

    def clean_url(self):
        if self.instance.pk:
            return self.instance.source.url
        return checked_source_url(self.cleaned_data.get("url", ""))


class CitationFormSet(BaseInlineFormSet):
    """Saves through the services, so the admin behaves like the desk API."""

    user = None  # set per request by ``CitationInline.get_formset``

    def save(self, commit=True):
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        for form in self.initial_forms:
            citation = form.instance
            if self.can_delete and self._should_delete_form(form):
                services.citation_remove(citation=citation, user=self.user)
                self.deleted_objects.append(citation)
            elif form.has_changed():
                services.citation_update(
                    citation=citation,
                    role=form.cleaned_data["role"],
                    passage=form.cleaned_data.get("passage", ""),
                    user=self.user,
                )
                self.changed_objects.append((citation, form.changed_data))
        for form in self.extra_forms:
            if not form.has_changed() or (self.can_delete and self._should_delete_form(form)):
                continue
            self.new_objects.append(
                services.citation_add(
                    claim=self.instance,
                    url=form.cleaned_data["url"],
                    role=form.cleaned_data["role"],
                    passage=form.cleaned_data.get("passage", ""),
                    user=self.user,
                )
            )
        return [*self.new_objects, *(citation for citation, _fields in self.changed_objects)]


class CitationInline(admin.TabularInline):
    """Sources of the claim's verdict, for ``ClaimAdmin.inlines``."""

    model = Citation
    form = CitationInlineForm
    formset = CitationFormSet
    fields = ("url", "role", "passage", "source_status")
    readonly_fields = ("source_status",)
    extra = 1
    verbose_name = _("source")
    verbose_name_plural = _("sources")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.user = request.user  # a fresh class per request
        return formset

    def _claim_open(self, obj) -> bool:
        # Once published, sources change only through a correction (its page has the
        # fields for it), so readers are told; a retracted claim's sources stay as they were.
        return obj is None or obj.status in (Claim.Status.DRAFT, Claim.Status.IN_REVIEW)

    def has_add_permission(self, request, obj=None):
        return self._claim_open(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._claim_open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._claim_open(obj) and super().has_delete_permission(request, obj)

    @admin.display(description=_("URL"))
    def url(self, obj: Citation) -> str:
        # Shown when the inline is read-only (a published claim): ``url`` is a form field,
        # not a field of the citation, and would read "None".
        return obj.source.url if obj is not None and obj.pk else "–"

    @admin.display(description=_("archive"))
    def source_status(self, obj: Citation) -> str:
        if obj is None or obj.pk is None:
            return "–"
        source = obj.source
        return format_html(
            '<a href="{}">{}</a> {}',
            reverse("admin:sources_source_change", args=[source.pk]),
            source.get_state_display(),
            flags_badge(source),
        )


class SourcesFlaggedFilter(admin.SimpleListFilter):
    """For the claim list: verdicts citing a source that changed, died or moved."""

    title = _("sources")
    parameter_name = "sources_flagged"

    def lookups(self, request, model_admin):
        return [("yes", _("changed, dead or moved")), ("no", _("all as archived"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(selectors.claim_sources_flagged())
        if self.value() == "no":
            return queryset.exclude(selectors.claim_sources_flagged())
        return queryset


class CitedSourcesFlagMixin:
    """Add to ``ClaimAdmin``'s bases; put ``"sources_flag"`` in its ``list_display``."""

    class Media:
        css = {"all": ["claims/sources.css"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                sources_flagged=selectors.claim_sources_flagged(),
                **selectors.claim_source_badge_annotations(),
            )
        )

    @admin.display(description=_("sources"), ordering="sources_flagged")
    def sources_flag(self, obj: Claim) -> str:
        labels = selectors.source_state_labels()
        badges = [
            format_html(
                '<span class="source-badge source-badge--{}{}">{}</span>',
                name,
                " desk-flag" if name in ("dead", "changed") else "",  # flagged since archived
                labels[name],
            )
            for name in selectors.source_badges(obj)
        ]
        if getattr(obj, "sources_flagged", False) and not badges:
            badges.append(
                format_html(
                    '<strong class="desk-flag" title="{}">⚑ {}</strong>',
                    _("A cited source changed, is dead or leads elsewhere since it was archived."),
                    _("source changed"),
                )
            )
        return format_html_join(" ", "{}", ((badge,) for badge in badges))


# --- Sources ---------------------------------------------------------------------------------


class SnapshotInline(admin.TabularInline):
    model = Snapshot
    fields = (
        "fetched_at",
        "status_code",
        "kind",
        "title",
        "size",
        "short_sha256",
        "archive",
        "evidence",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ("-fetched_at", "-id")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("text", "headers")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("sha256"))
    def short_sha256(self, obj: Snapshot) -> str:
        return obj.sha256[:12]

    @admin.display(description=_("archived copy"))
    def archive(self, obj: Snapshot) -> str:
        return _archive_link(obj)

    @admin.display(description=_("evidence"))
    def evidence(self, obj: Snapshot) -> str:
        return evidence_links(obj)


class SourceCitationInline(admin.TabularInline):
    model = Citation
    fields = ("claim_link", "role", "passage")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("cited by")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("claim")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("claim"))
    def claim_link(self, obj: Citation) -> str:
        return format_html(
            '<a href="{}">{}</a> ({})',
            reverse("admin:claims_claim_change", args=[obj.claim_id]),
            obj.claim,
            obj.claim.get_status_display(),
        )


def _desk_download(snapshot: Snapshot, part: str) -> str:
    """The desk's download of an evidence file, on whatever host serves the admin."""
    return reverse("api:desk:snapshot-evidence", kwargs={"pk": snapshot.pk, "part": part})


def evidence_links(snapshot: Snapshot) -> str:
    """The screenshot's thumbnail, the WARC download and the PDF (desk downloads), or why
    there is no screenshot."""
    parts = []
    if snapshot.screenshot:
        parts.append(
            format_html(
                '<a href="{0}" target="_blank" rel="noopener noreferrer">'
                '<img class="desk-thumbnail" src="{0}" alt="{1}" width="160" loading="lazy"></a>',
                _desk_download(snapshot, "screenshot"),
                _("Screenshot"),
            )
        )
    downloads = [
        (_desk_download(snapshot, part), label)
        for part, label in (("warc", _("WARC")), ("pdf", _("PDF")))
        if getattr(snapshot, part)
    ]
    if downloads:
        links = format_html_join(" · ", '<a href="{}">{}</a>', downloads)
        parts.append(format_html("<div>{}</div>", links))
    if snapshot.browser_reason:
        parts.append(format_html('<div class="help">{}</div>', snapshot.browser_reason))
    return format_html_join("", "{}", ((part,) for part in parts)) if parts else "–"


def _reason_html(reason: str, next_attempt_at=None) -> str:
    """The reason for people, the technical one under a collapsed line, and the next
    attempt of a transient failure."""
    found = human_reason(reason)
    if found is None:
        return "–"
    parts = [format_html("<span>{}</span>", found.sentence)]
    if found.detail:
        parts.append(
            format_html(
                "<details><summary>{}</summary><code>{}</code></details>",
                _("Technical detail"),
                Truncator(found.detail).chars(500),
            )
        )
    if next_attempt_at is not None:
        parts.append(
            format_html(
                '<div class="source-next-attempt">{}: {}</div>',
                _("Next attempt"),
                date_format(localtime(next_attempt_at), "DATETIME_FORMAT"),
            )
        )
    return format_html_join("", "{}", ((p,) for p in parts))


def _archive_link(snapshot: Snapshot) -> str:
    if not snapshot.is_ok:
        # An HTTP error page (404, 500 …) or no response: a failed attempt, recorded with
        # its status, never offered as the source's archived copy.
        if snapshot.status_code:
            return format_html(
                '<span class="source-badge source-badge--failed">{}</span>',
                _("failed attempt (HTTP %(status)s)") % {"status": snapshot.status_code},
            )
        return format_html(
            '<span class="source-badge source-badge--failed">{}</span>', _("failed attempt")
        )
    if not snapshot.body:
        return "–"
    return format_html(
        '<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>',
        reverse("admin:sources_snapshot_archive", args=[snapshot.pk]),
        _("open"),
    )


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    # Five columns, readable at 1280 px beside the admin's sidebar and the filters: the
    # flags go with the state, the next attempt with the reason (attempts: the source's page).
    list_display = (
        "short_url",
        "state_column",
        "reason_column",
        "last_fetched_at",
        "citation_count",
    )
    list_filter = ("state", "is_changed", "is_dead", "is_redirected")
    search_fields = ("url", "normalised_url", "reason")
    date_hierarchy = "created_at"
    list_per_page = 50
    actions = ["fetch_again", "clear_flags"]
    inlines = [SnapshotInline, SourceCitationInline]
    change_form_template = "admin/sources/source/change_form.html"
    fieldsets = (
        (None, {"fields": ("url", "normalised_url", "state", "reason")}),
        (
            _("Flags"),
            {"fields": ("is_changed", "is_dead", "is_redirected", "flagged_at")},
        ),
        (
            _("Fetching"),
            {
                "fields": (
                    "attempts",
                    "next_attempt_at",
                    "lease_expires_at",
                    "last_fetched_at",
                    "recheck_due_at",
                )
            },
        ),
        (_("Record"), {"fields": ("created_by", "created_at", "updated_at")}),
    )
    readonly_fields = (
        "url",
        "normalised_url",
        "state",
        "reason",
        "is_changed",
        "is_dead",
        "is_redirected",
        "flagged_at",
        "attempts",
        "next_attempt_at",
        "lease_expires_at",
        "last_fetched_at",
        "recheck_due_at",
        "created_by",
        "created_at",
        "updated_at",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_total=Count("citations"))

    def has_add_permission(self, request):
        # A source comes into being when a claim cites it (``citation_add``).
        return False

    def has_delete_permission(self, request, obj=None):
        # Snapshots are the desk's record of what a page said; sources are never deleted here.
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "show_delete": False,
            "can_refetch": self.has_change_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def difference_view(self, request, object_id: int):
        """The last two versions of the text side by side, changes in cited passages marked."""
        source = get_object_or_404(Source, pk=object_id)
        if not self.has_view_permission(request, source):
            raise PermissionDenied
        previous, latest = selectors.source_text_versions(source.pk)
        passages = selectors.source_cited_passages(source.pk)
        difference = None
        if previous is not None and latest is not None:
            difference = diffing.text_difference(previous.text, latest.text, passages)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": source,
            "title": _("What changed: %(url)s") % {"url": Truncator(source.url).chars(80)},
            "previous": previous,
            "latest": latest,
            "difference": difference,
        }
        return TemplateResponse(request, "admin/sources/source/difference.html", context)

    def get_urls(self):
        return [
            path(
                "<int:object_id>/refetch/",
                self.admin_site.admin_view(require_POST(self.refetch_view)),
                name="sources_source_refetch",
            ),
            path(
                "<int:object_id>/difference/",
                self.admin_site.admin_view(self.difference_view),
                name="sources_source_difference",
            ),
            *super().get_urls(),
        ]

    def refetch_view(self, request, object_id: int):
        source = get_object_or_404(Source, pk=object_id)
        if not self.has_change_permission(request, source):
            raise PermissionDenied
        self._refetch(request, [source])
        return HttpResponseRedirect(reverse("admin:sources_source_change", args=[source.pk]))

    def _refetch(self, request, sources) -> None:
        queued = 0
        for source in sources:
            try:
                services.source_refetch(source=source, user=request.user)
            except DeskError as error:
                self.message_user(request, f"{source.url}: {error}", messages.WARNING)
            else:
                queued += 1
        if queued:
            self.message_user(
                request,
                _("%(count)d source(s) queued to be fetched again.") % {"count": queued},
                messages.SUCCESS,
            )

    @admin.action(description=_("Fetch again"), permissions=["change"])
    def fetch_again(self, request, queryset):
        self._refetch(request, list(queryset))

    @admin.action(description=_("Mark flags as reviewed"), permissions=["change"])
    def clear_flags(self, request, queryset):
        count = 0
        for source in queryset.filter(selectors.sources_flagged_q()):
            services.source_flags_clear(source=source, user=request.user)
            count += 1
        self.message_user(
            request, _("Flags cleared on %(count)d source(s).") % {"count": count}, messages.SUCCESS
        )

    @admin.display(description=_("URL"), ordering="url")
    def short_url(self, obj: Source) -> str:
        return Truncator(obj.url).chars(80)

    @admin.display(description=_("state"), ordering="state")
    def state_column(self, obj: Source) -> str:
        flags = self.flags_column(obj)
        if flags == "–":
            return state_badge(obj)
        return format_html('{}<div class="desk-source-flags">{}</div>', state_badge(obj), flags)

    @admin.display(description=_("flags"))
    def flags_column(self, obj: Source) -> str:
        badge = flags_badge(obj)
        if not badge:
            return "–"
        if obj.is_changed:
            return format_html(
                '{} <a href="{}">{}</a>',
                badge,
                reverse("admin:sources_source_difference", args=[obj.pk]),
                _("what changed"),
            )
        return badge

    @admin.display(description=_("reason"))
    def reason_column(self, obj: Source) -> str:
        return _reason_html(obj.reason, obj.next_attempt_at)

    @admin.display(description=_("citations"), ordering="citation_total")
    def citation_count(self, obj: Source) -> int:
        return obj.citation_total


# --- Snapshots ---------------------------------------------------------------------------------


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = (
        "source_column",
        "fetched_at",
        "status_code",
        "kind",
        "content_type",
        "size",
        "title_column",
        "archive",
        "evidence",
    )
    list_filter = ("kind", "status_code")
    search_fields = ("title", "final_url", "source__url", "sha256", "text_sha256")
    list_select_related = ("source",)
    date_hierarchy = "fetched_at"
    list_per_page = 50
    fields = (
        "source",
        "fetched_at",
        "status_code",
        "final_url",
        "redirect_chain",
        "headers",
        "content_type",
        "charset",
        "size",
        "kind",
        "reason",
        "title",
        "published_on",
        "language",
        "sha256",
        "text_sha256",
        "archive",
        "evidence",
        "warc_sha256",
        "screenshot_sha256",
        "pdf_sha256",
        "blocked_list",
        "text_excerpt",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("changelist"):
            queryset = queryset.defer("text", "headers", "redirects", "blocked_requests")
        return queryset

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # what a fetch captured is evidence: read-only

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:snapshot_id>/archive/",
                self.admin_site.admin_view(self.archive_view),
                name="sources_snapshot_archive",
            ),
            *super().get_urls(),
        ]

    def archive_view(self, request, snapshot_id: int):
        """The archived copy for the desk (any snapshot), with the public view's headers."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        snapshot = selectors.snapshot_for_desk(snapshot_id)
        if snapshot is None:
            raise Http404
        return archive_response(snapshot)

    @admin.display(description=_("source"), ordering="source__url")
    def source_column(self, obj: Snapshot) -> str:
        return Truncator(obj.source.url).chars(60)

    @admin.display(description=_("title"), ordering="title")
    def title_column(self, obj: Snapshot) -> str:
        return Truncator(obj.title).chars(60)

    @admin.display(description=_("archived copy"))
    def archive(self, obj: Snapshot) -> str:
        return _archive_link(obj)

    @admin.display(description=_("evidence"))
    def evidence(self, obj: Snapshot) -> str:
        return evidence_links(obj)

    @admin.display(description=_("blocked requests"))
    def blocked_list(self, obj: Snapshot) -> str:
        if not obj.blocked_requests:
            return "–"
        return format_html_join(
            "",
            "<div><code>{}</code>: {}</div>",
            ((item.get("url", ""), item.get("reason", "")) for item in obj.blocked_requests),
        )

    @admin.display(description=_("redirect chain"))
    def redirect_chain(self, obj: Snapshot) -> str:
        if not obj.redirects:
            return "–"
        return format_html_join(
            "", "<div>{} → {}</div>", ((hop["status"], hop["url"]) for hop in obj.redirects)
        )

    @admin.display(description=_("extracted text (start)"))
    def text_excerpt(self, obj: Snapshot) -> str:
        return Truncator(obj.text).chars(3000)


# --- Citations -----------------------------------------------------------------------------------


class CitationAddForm(forms.ModelForm):
    url = CitationInlineForm.base_fields["url"]

    class Meta:
        model = Citation
        fields = ("claim", "role", "passage")

    def clean_url(self):
        return checked_source_url(self.cleaned_data.get("url", ""))

    def _post_clean(self):
        # The source is found or created by the service; skip model validation here.
        pass


class CitationChangeForm(forms.ModelForm):
    class Meta:
        model = Citation
        fields = ("role", "passage")


@admin.register(Citation)
class CitationAdmin(DeskErrorMessages, admin.ModelAdmin):
    list_display = ("claim", "source_column", "role", "state_column", "created_at")
    list_filter = ("role", "source__state")
    search_fields = ("claim__claim", "source__url", "passage")
    list_select_related = ("claim", "source")
    autocomplete_fields = ("claim",)
    list_per_page = 50

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = CitationChangeForm if obj is not None else CitationAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("claim", "url", "role", "passage")
        return ("claim", "source", "role", "passage", "created_by", "created_at")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("claim", "source", "created_by", "created_at")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = services.citation_add(
                claim=data["claim"],
                url=data["url"],
                role=data["role"],
                passage=data.get("passage", ""),
                user=request.user,
            )
            obj.pk, obj.claim_id, obj.source_id = created.pk, created.claim_id, created.source_id
            obj.role, obj.passage = created.role, created.passage
            return
        services.citation_update(
            citation=obj, role=data["role"], passage=data.get("passage", ""), user=request.user
        )

    def delete_model(self, request, obj):
        services.citation_remove(citation=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for citation in queryset:
            services.citation_remove(citation=citation, user=request.user)

    @admin.display(description=_("source"), ordering="source__url")
    def source_column(self, obj: Citation) -> str:
        return Truncator(obj.source.url).chars(70)

    @admin.display(description=_("state"), ordering="source__state")
    def state_column(self, obj: Citation) -> str:
        return format_html("{} {}", state_badge(obj.source), flags_badge(obj.source))
