"""My desk: the admin's start page for the staff, the unread count in its header, the
notifications page and each person's settings.

The start page is Django's admin index with the desk's lists above the app list (which
stays reachable); its reads are ``newsdesk.selectors.my_desk``.
"""

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import notifications
from ..models import DeskSettings, Notification
from ..selectors import desk_header_counts, my_desk

site = admin.site
_index = site.index
_each_context = site.each_context


def index(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    # Staff who may not see claims get Django's plain index.
    desk = my_desk(request.user) if request.user.has_perm("claims.view_claim") else None
    context = {"my_desk": desk, **(extra_context or {})}
    return _index(request, extra_context=context)


def each_context(request: HttpRequest) -> dict:
    context = _each_context(request)
    user = getattr(request, "user", None)
    if user is not None and user.is_active and user.is_staff and user.has_perm("claims.view_claim"):
        context["desk_counts"] = desk_header_counts(user)
    return context


# The site's own views, with the desk's context: Django's documented way is a subclass of
# AdminSite, but every ModelAdmin here registers on the default site.
site.index = index  # type: ignore[method-assign]
site.each_context = each_context  # type: ignore[method-assign]
site.index_template = "admin/desk_index.html"


class SettingsForm(forms.ModelForm):
    class Meta:
        model = DeskSettings
        fields = ["email_notifications"]
        help_texts = {
            "email_notifications": gettext_lazy(
                "Also send each notification to my e-mail address. The notifications in "
                "the desk stay either way."
            )
        }


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Each person's own notifications; nobody sees another's."""

    list_display = ("unread_mark", "kind", "claim_link", "actor", "text_start", "created_at")
    list_display_links = None
    list_filter = ("kind", ("read_at", admin.EmptyFieldListFilter))
    list_select_related = ("claim", "actor")
    actions = ["mark_read"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(recipient=request.user)

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("unread"), boolean=True)
    def unread_mark(self, obj: Notification) -> bool:
        return obj.read_at is None

    @admin.display(description=gettext_lazy("claim"))
    def claim_link(self, obj: Notification) -> str:
        if obj.claim_id is None:
            return "–"
        url = reverse("admin:claims_claim_change", args=[obj.claim_id])
        return format_html('<a href="{}">{}</a>', url, obj.claim.claim if obj.claim else "")

    @admin.display(description=gettext_lazy("text"))
    def text_start(self, obj: Notification) -> str:
        return obj.text[:120]

    @admin.action(description=gettext_lazy("Mark the selected notifications read"))
    def mark_read(self, request, queryset):
        count = notifications.notifications_mark_read(
            user=request.user, ids=queryset.values_list("pk", flat=True)
        )
        messages.success(request, _("%(count)d notifications marked read.") % {"count": count})

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("read-all/", wrap(self.read_all_view), name="newsdesk_notification_read_all"),
            path("settings/", wrap(self.settings_view), name="newsdesk_settings"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, extra_context={"title": _("My notifications"), **(extra_context or {})}
        )

    def read_all_view(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            notifications.notifications_mark_read(user=request.user)
            messages.success(request, _("All notifications marked read."))
        return HttpResponseRedirect(reverse("admin:newsdesk_notification_changelist"))

    def settings_view(self, request: HttpRequest) -> HttpResponse:
        current = DeskSettings.objects.filter(user=request.user).first()
        form = SettingsForm(request.POST if request.method == "POST" else None, instance=current)
        if request.method == "POST" and form.is_valid():
            notifications.desk_settings_update(
                user=request.user,
                email_notifications=form.cleaned_data["email_notifications"],
            )
            messages.success(request, _("Your settings were saved."))
            return HttpResponseRedirect(reverse("admin:newsdesk_settings"))
        return TemplateResponse(
            request,
            "admin/newsdesk/settings.html",
            {
                **self.admin_site.each_context(request),
                "title": _("My settings"),
                "form": form,
                "opts": self.model._meta,
            },
        )
