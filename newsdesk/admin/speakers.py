"""Merging two speakers from the speaker list: the desk chooses which one to keep."""

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims import services
from claims.errors import DeskError
from claims.models import Speaker


@admin.action(description=gettext_lazy("Merge the two selected speakers"), permissions=["delete"])
def merge_speakers(modeladmin, request: HttpRequest, queryset) -> HttpResponse | None:
    speakers = list(queryset.order_by("name")[:3])
    if len(speakers) != 2:
        modeladmin.message_user(
            request, _("Select exactly two speakers to merge."), messages.WARNING
        )
        return None
    keep_id = request.POST.get("keep")
    if request.POST.get("confirm") == "yes" and keep_id:
        keep = next((s for s in speakers if str(s.pk) == keep_id), None)
        if keep is None:
            modeladmin.message_user(request, _("Choose the speaker to keep."), messages.ERROR)
            return None
        remove = next(s for s in speakers if s.pk != keep.pk)
        try:
            services.speaker_merge(keep=keep, remove=remove, user=request.user)
        except DeskError as error:
            modeladmin.message_user(request, str(error), messages.ERROR)
            return None
        modeladmin.message_user(
            request,
            _("%(old)s was merged into %(kept)s; its old address now leads to %(kept)s.")
            % {"old": remove.name, "kept": keep.name},
            messages.SUCCESS,
        )
        return None
    counts = {
        s.pk: s.claims.count()  # two speakers: two small queries
        for s in speakers
    }
    return TemplateResponse(
        request,
        "admin/claims/speaker/merge.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": _("Merge two speakers"),
            "opts": Speaker._meta,
            "speakers": [(s, counts[s.pk]) for s in speakers],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )
