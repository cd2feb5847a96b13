"""Tips in the admin: staff-only data, read-only.

Every active staff member (fact-checkers and editors) may read the tips and search them;
editors (who may publish) may delete them, e.g. on a tipster's request. Tips are made by
the public form and the partner API only (``intake.tips``), never here; the inbox is where
the desk works with them.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from intake.models import Tip


def _editor(request) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and user.has_perm("claims.publish_claim"))


@admin.register(Tip)
class TipAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "short", "url", "partner_name", "language", "told")
    list_filter = ("channel", "language", "created_at")
    search_fields = ("text", "url", "partner_name")
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "channel",
        "partner_name",
        "language",
        "text",
        "url",
        "email",
        "notified_at",
        "notified_claim",
        "unsubscribed_at",
    )
    readonly_fields = fields
    list_select_related = False
    show_full_result_count = False

    @admin.display(description=_("claim"))
    def short(self, tip: Tip) -> str:
        text = tip.text or ""
        return text if len(text) <= 120 else text[:119] + "…"

    @admin.display(description=_("tipster told"), boolean=True)
    def told(self, tip: Tip) -> bool:
        return tip.notified_at is not None

    def has_module_permission(self, request) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_view_permission(self, request, obj=None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return _editor(request)

    def get_deleted_objects(self, objs, request):
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        # A tip's inbox entry goes with it: deleting the tip is the permission that counts.
        return deleted, counts, set(), protected
