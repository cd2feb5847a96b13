"""Admin plumbing shared by the desk's apps."""

from django.contrib import messages
from django.http import HttpResponseRedirect

from claims.errors import DeskError


class DeskErrorMessages:
    """Turn a domain error raised by a service into an admin message instead of a 500.

    Forms validate what they can up front; this catches what only the service can know
    (a race with another editor, a transition that became illegal). The transaction of
    the change view is rolled back, so nothing half-done is kept.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DeskError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
