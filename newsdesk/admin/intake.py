"""Intake in the admin: adding an article by its URL, and the watched feeds.

"Add by URL" on the articles list starts ``intake.importing.article_import_start``; the
fact-checker then waits on an "importing…" page that refreshes itself (a meta refresh, no
script) and lands in the article's split view, or reads why the import failed. The
watched feeds are the editors' (``intake.add_feed``/``change_feed``): every save goes
through ``intake.feeds.feed_save``, "resume" and "poll now" through their services.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from claims.errors import DeskError, InvalidInput
from claims.models import Article
from intake import feeds
from intake.importing import article_import_start, import_reason_text
from intake.models import ArticleImport, Feed, FeedEntry

from .errors import DeskErrorMessages

# The importing page looks again this often (seconds).
REFRESH_SECONDS = 2

_STATE_CLASS = {"importing": "pending", "imported": "fetched", "failed": "failed"}


def import_state_badge(article: Article) -> str:
    return format_html(
        '<span class="desk-state desk-state--{}">{}</span>',
        _STATE_CLASS.get(article.import_state, article.import_state),
        article.get_import_state_display(),
    )


class AddByURLForm(forms.Form):
    url = forms.CharField(
        label=_("Address of the article"),
        max_length=2048,
        widget=forms.URLInput(attrs={"class": "vURLField", "autofocus": True, "size": 80}),
        help_text=_(
            "The desk fetches the page in the background, archives it as it was published "
            "and takes its text, title, author, outlet and date."
        ),
    )


class ArticleImportAdminMixin:
    """For ``ArticleAdmin``: "Add by URL", the importing page, the import state."""

    def get_urls(self):
        wrap = self.admin_site.admin_view  # type: ignore[attr-defined]
        return [
            path("add-by-url/", wrap(self.add_by_url_view), name="claims_article_add_by_url"),
            path(
                "<int:article_id>/importing/",
                wrap(self.importing_view),
                name="claims_article_importing",
            ),
            *super().get_urls(),  # type: ignore[misc]
        ]

    @admin.display(description=_("import"), ordering="import_state")
    def import_state_display(self, obj: Article) -> str:
        return import_state_badge(obj)

    def add_by_url_view(self, request):
        if not self.has_add_permission(request):  # type: ignore[attr-defined]
            raise PermissionDenied
        form = AddByURLForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                article, started = article_import_start(
                    url=form.cleaned_data["url"], user=request.user
                )
            except InvalidInput as error:
                form.add_error("url", error.message)
            except DeskError as error:
                messages.error(request, error.message)
            else:
                if not started:
                    messages.info(request, _("This article is already in the desk."))
                return HttpResponseRedirect(
                    reverse("admin:claims_article_importing", args=[article.pk])
                )
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": Article._meta,
            "title": _("Add an article by its URL"),
            "form": form,
        }
        return TemplateResponse(request, "admin/claims/article/add_by_url.html", context)

    def importing_view(self, request, article_id: int):
        """Where the fact-checker waits: the split view once the text is in, else the
        state (refreshing itself while importing) or why it failed."""
        article = get_object_or_404(
            Article.objects.select_related("import_record__duplicate_of"), pk=article_id
        )
        if not self.has_view_permission(request, article):  # type: ignore[attr-defined]
            raise PermissionDenied
        split = reverse("admin:claims_article_split", args=[article.pk])
        if article.import_state == Article.ImportState.IMPORTED:
            return HttpResponseRedirect(split)
        record = getattr(article, "import_record", None)
        duplicate = record.duplicate_of if record is not None else None
        if duplicate is not None and article.import_state == Article.ImportState.FAILED:
            messages.info(request, import_reason_text(article, record))
            return HttpResponseRedirect(reverse("admin:claims_article_split", args=[duplicate.pk]))
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": Article._meta,
            "title": _("Importing an article"),
            "article": article,
            "record": record,
            "reason": import_reason_text(article, record),
            "refresh": REFRESH_SECONDS
            if article.import_state == Article.ImportState.IMPORTING
            else None,
            "retry_form": AddByURLForm(initial={"url": record.url if record else article.url}),
        }
        return TemplateResponse(request, "admin/claims/article/importing.html", context)


# --- Watched feeds -------------------------------------------------------------------------


@admin.action(description=_("Resume the selected feeds"), permissions=["change"])
def resume_feeds(modeladmin, request, queryset):
    for feed in queryset:
        feeds.feed_resume(feed=feed, user=request.user)
    messages.success(request, _("Resumed; they are polled now."))


@admin.action(description=_("Poll the selected feeds now"), permissions=["change"])
def poll_feeds_now(modeladmin, request, queryset):
    for feed in queryset:
        feeds.feed_poll_now(feed=feed, user=request.user)
    messages.success(request, _("Polled."))


@admin.register(Feed)
class FeedAdmin(DeskErrorMessages, admin.ModelAdmin):
    list_display = (
        "name",
        "url",
        "state_display",
        "interval_minutes",
        "last_polled_at",
        "failures",
        "last_reason",
    )
    list_filter = ("state",)
    search_fields = ("name", "url", "outlet")
    actions = (resume_feeds, poll_feeds_now)
    fieldsets = (
        (None, {"fields": ("name", "url", "outlet", "language")}),
        (_("Polling"), {"fields": ("interval_minutes", "max_entries")}),
        (
            _("State"),
            {
                "fields": (
                    "state",
                    "paused_reason",
                    "last_reason",
                    "failures",
                    "last_polled_at",
                    "last_success_at",
                    "next_poll_at",
                    "created_by",
                    "created_at",
                )
            },
        ),
        (_("Latest entries"), {"fields": ("recent_entries",)}),
    )
    readonly_fields = (
        "state",
        "paused_reason",
        "last_reason",
        "failures",
        "last_polled_at",
        "last_success_at",
        "next_poll_at",
        "created_by",
        "created_at",
        "recent_entries",
    )

    @admin.display(description=_("state"), ordering="state")
    def state_display(self, obj: Feed) -> str:
        css = "fetched" if obj.state == Feed.State.ACTIVE else "failed"
        return format_html(
            '<span class="desk-state desk-state--{}">{}</span>', css, obj.get_state_display()
        )

    @admin.display(description=_("latest entries"))
    def recent_entries(self, obj: Feed) -> str:
        if obj.pk is None:
            return "–"
        entries = list(
            FeedEntry.objects.filter(feed=obj).select_related("article").order_by("-id")[:30]
        )
        if not entries:
            return str(_("None yet."))
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    entry.get_state_display(),
                    _entry_link(entry),
                    entry.reason,
                    # In the desk's time zone, as the feed's other times on the page.
                    date_format(timezone.localtime(entry.seen_at), "Y-m-d H:i"),
                )
                for entry in entries
            ),
        )
        return format_html('<table class="desk-feed-entries">{}</table>', rows)

    def save_model(self, request, obj, form, change):
        # The form checked the address; what only the service knows (a feed added
        # meanwhile, the permission) becomes a message (DeskErrorMessages).
        feeds.feed_save(feed=obj, user=request.user)

    def get_urls(self):
        return [
            path(
                "<int:feed_id>/resume/",
                self.admin_site.admin_view(require_POST(self.resume_view)),
                name="intake_feed_resume",
            ),
            path(
                "<int:feed_id>/poll/",
                self.admin_site.admin_view(require_POST(self.poll_view)),
                name="intake_feed_poll",
            ),
            *super().get_urls(),
        ]

    def _feed_for_change(self, request, feed_id: int) -> Feed:
        feed = get_object_or_404(Feed, pk=feed_id)
        if not self.has_change_permission(request, feed):
            raise PermissionDenied
        return feed

    def resume_view(self, request, feed_id: int):
        feed = self._feed_for_change(request, feed_id)
        feeds.feed_resume(feed=feed, user=request.user)
        messages.success(request, _("The feed is active again and is polled now."))
        return HttpResponseRedirect(reverse("admin:intake_feed_change", args=[feed.pk]))

    def poll_view(self, request, feed_id: int):
        feed = self._feed_for_change(request, feed_id)
        feeds.feed_poll_now(feed=feed, user=request.user)
        messages.success(request, _("The feed is being polled."))
        return HttpResponseRedirect(reverse("admin:intake_feed_change", args=[feed.pk]))


def _entry_link(entry: FeedEntry) -> str:
    if entry.article_id is not None:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:claims_article_importing", args=[entry.article_id]),
            entry.title or entry.url,
        )
    return format_html("{}", entry.title or entry.url)


class FeedForm(forms.ModelForm):
    class Meta:
        model = Feed
        fields = ("name", "url", "outlet", "language", "interval_minutes", "max_entries")

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            url, _normalised = feeds.feed_url_check(url)
        except InvalidInput as error:
            raise forms.ValidationError(error.message) from error
        return url


FeedAdmin.form = FeedForm


@admin.register(ArticleImport)
class ArticleImportAdmin(admin.ModelAdmin):
    """Read-only: what each import fetched (the snapshot is the evidence)."""

    list_display = ("url", "article", "failure", "created_at", "finished_at")
    list_filter = ("failure",)
    search_fields = ("url",)
    readonly_fields = [f.name for f in ArticleImport._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
