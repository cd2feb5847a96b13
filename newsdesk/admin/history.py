"""History pages that show every version of a row and can save none of them back.

django-simple-history's version page (``<id>/history/<history_id>/``) offers "Revert":
its POST saves the old row with ``save_model``, past the services: no version check, no
four eyes, no correction, no announcement, and a published verdict loses its rating and
reviewer. ``SIMPLE_HISTORY_REVERT_DISABLED`` only hides the button; version 3.13 still
saves a POST. So here the version page answers GET only, with every field read-only.
Going back to an older wording or verdict is an ordinary change (or a correction), made
through the service like any other.
"""

from django.http import HttpResponseNotAllowed
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

_VIEWING = "_desk_viewing_history_version"


def viewing_history(request) -> bool:
    """Is ``request`` the page of an old version (everything read-only)?"""
    return getattr(request, _VIEWING, False)


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """``SimpleHistoryAdmin`` whose history can be read, never reverted or edited."""

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        setattr(request, _VIEWING, True)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not viewing_history(request):
            return readonly
        editable = (f.name for f in self.model._meta.fields if f.editable and not f.primary_key)
        return readonly + tuple(name for name in editable if name not in readonly)


def _statuses() -> dict[str, str]:
    from claims.models import Claim

    return {value: str(label) for value, label in Claim.Status.choices}


def readable_change(reason: str | None, *, status: str = "", previous_status: str = "") -> str:
    """A history record's change reason (stored in English, for machines) as a sentence
    in the reader's language, with the status move when there was one."""
    reason = (reason or "").strip()
    sentences = {
        "submitted for review": _("Submitted for review."),
        "published": _("Published."),
        "assigned": _("Assigned to someone else."),
        "changes requested": _("Changes requested."),
    }
    with_text = {
        "changes requested: ": _("Changes requested: %(text)s"),
        "correction of the article: ": _("The article's text was corrected: %(text)s"),
        "correction: ": _("Corrected: %(text)s"),
        "retracted: ": _("Retracted: %(text)s"),
        "re-anchored: ": _("The quote was found again in the changed text (%(text)s)."),
    }
    if reason in sentences:
        sentence = sentences[reason]
    else:
        sentence = next(
            (
                template % {"text": reason[len(prefix) :]}
                for prefix, template in with_text.items()
                if reason.startswith(prefix)
            ),
            reason,
        )
    if status and previous_status and status != previous_status:
        names = _statuses()
        move = _("Status: %(before)s → %(after)s.") % {
            "before": names.get(previous_status, previous_status),
            "after": names.get(status, status),
        }
        sentence = f"{sentence} {move}".strip()
    return sentence or _("Changed.")
