"""Admin for partners: API keys, webhooks and the webhook delivery log.

Keys are created here or with ``manage.py create_partner_key``; the key is shown once.
A new webhook's signing secret is shown once, on the page that answers the add.
Revoking a key takes effect on the partner's next request. The delivery log is read-only:
it is written by the delivery task.
"""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from partners import services as partner_services
from partners import webhooks
from partners.models import PartnerKey, Webhook, WebhookDelivery
from sources import fetching

from .errors import DeskErrorMessages

# The library's own key model is not used (PartnerKey is); hide it to avoid confusion.
if admin.site.is_registered(APIKey):
    admin.site.unregister(APIKey)


class WebhookInline(admin.TabularInline):
    """The key's endpoints, for reference; they are added under Webhooks (the service
    checks the URL against the fetcher's rules and creates the signing secret)."""

    model = Webhook
    extra = 0
    fields = ("url", "events", "active", "created_at")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PartnerKey)
class PartnerKeyAdmin(APIKeyModelAdmin):
    list_display = ("name", "key_prefix", "created", "last_used_at", "expiry_date", "revoked")
    list_filter = ("revoked", "created")
    search_fields = ("name", "prefix")
    inlines = [WebhookInline]
    actions = ["revoke_keys"]

    def get_readonly_fields(self, request, obj=None):
        # The library's "prefix" field has an English label only: shown as ``key_prefix``.
        readonly = super().get_readonly_fields(request, obj)
        return (*(f if f != "prefix" else "key_prefix" for f in readonly), "last_used_at")

    def get_fields(self, request, obj=None):
        return [f if f != "prefix" else "key_prefix" for f in super().get_fields(request, obj)]

    @admin.display(description=_("key prefix"), ordering="prefix")
    def key_prefix(self, obj: PartnerKey) -> str:
        return obj.prefix

    @admin.action(description=_("Revoke the selected keys (cannot be undone)"))
    def revoke_keys(self, request, queryset):
        for key in queryset.filter(revoked=False):
            partner_services.partner_key_revoke(key=key)
        self.message_user(request, _("Revoked."), messages.SUCCESS)


class WebhookForm(forms.ModelForm):
    class Meta:
        model = Webhook
        fields = ("partner_key", "url", "events", "active")

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            fetching.validate_url(url, webhooks.webhook_policy())
        except fetching.FetchError as error:
            raise forms.ValidationError(str(error)) from error
        return url


@admin.register(Webhook)
class WebhookAdmin(DeskErrorMessages, admin.ModelAdmin):
    form = WebhookForm
    list_display = ("url", "partner_key", "events", "active", "created_at")
    list_filter = ("active",)
    search_fields = ("url", "partner_key__name")
    readonly_fields = ("secret", "created_at")

    def get_fields(self, request, obj=None):
        fields = ["partner_key", "url", "events", "active"]
        return [*fields, "secret", "created_at"] if obj is not None else fields

    def save_model(self, request, obj, form, change):
        if change:
            webhooks.webhook_update(webhook=obj, url=obj.url, events=obj.events, active=obj.active)
            return
        created = webhooks.webhook_create(
            partner_key=obj.partner_key, url=obj.url, events=obj.events
        )
        obj.pk, obj.secret, obj.created_at = created.pk, created.secret, created.created_at

    def response_add(self, request, obj, post_url_continue=None):
        """The new endpoint's signing secret, on the page that answers the add.

        Not a redirect with a message: messages travel in a cookie (signed, not
        encrypted) or the session, and a secret has no business in either. The page must
        not be stored by any cache.
        """
        opts = self.opts
        context = {
            **self.admin_site.each_context(request),
            "title": _("Signing secret of the new webhook"),
            "opts": opts,
            "webhook": obj,
            "secret": obj.secret,
            "change_url": reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change", args=(obj.pk,)
            ),
            "add_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_add"),
            "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        }
        response = TemplateResponse(request, "admin/partners/webhook/secret.html", context)
        add_never_cache_headers(response)
        patch_cache_control(response, no_store=True)
        return response


def _event_labels() -> dict[str, str]:
    return {"published": _("Published"), "corrected": _("Corrected"), "retracted": _("Retracted")}


class EventFilter(admin.SimpleListFilter):
    """The webhook events by their translated names (the values are the contract's)."""

    title = _("event")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        return list(_event_labels().items())

    def queryset(self, request, queryset):
        return queryset.filter(event=self.value()) if self.value() else queryset


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "event_column",
        "webhook",
        "claim",
        "status",
        "attempts",
        "response_code",
        "last_attempt_at",
        "delivered_at",
    )
    list_filter = ("status", EventFilter)
    search_fields = ("webhook__url", "error")
    date_hierarchy = "created_at"
    list_select_related = ("webhook", "claim")

    def get_readonly_fields(self, request, obj=None):
        return [f.name if f.name != "event" else "event_column" for f in self.model._meta.fields]

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj)

    @admin.display(description=_("event"), ordering="event")
    def event_column(self, obj: WebhookDelivery) -> str:
        return str(_event_labels().get(obj.event, obj.event))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
