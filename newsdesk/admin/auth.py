"""Logging in to the desk: the login page says so when a login is locked out.

django-axes (settings: ``AXES_*``, ``LOGIN_FAILURE_LIMIT``, ``LOGIN_COOLOFF_MINUTES``)
counts failed logins per user name and per client address. Its authentication backend
comes first and refuses a locked-out login before Django's backend hashes the password,
so a refusal costs no hashing. The login form turns that refusal into a message on the
login page, and ``lockout_response`` (``AXES_LOCKOUT_CALLABLE``) answers it with 429 and
``Retry-After`` instead of axes' bare text.

Staff API tokens (django-rest-knox) are listed here to be revoked (deleted); they are made
only by ``manage.py create_api_token``, which checks that the user is staff and shows the
token once. (knox's own admin would put a new token into a message, that is a cookie.)
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import ngettext
from knox.models import AuthToken


def lockout_message() -> str:
    minutes = settings.LOGIN_COOLOFF_MINUTES
    return ngettext(
        "Too many failed logins for this user name or from your address. Wait %(minutes)d "
        "minute before trying again: every attempt until then starts the wait anew.",
        "Too many failed logins for this user name or from your address. Wait %(minutes)d "
        "minutes before trying again: every attempt until then starts the wait anew.",
        minutes,
    ) % {"minutes": minutes}


class DeskAuthenticationForm(AdminAuthenticationForm):
    def get_invalid_login_error(self) -> ValidationError:
        # Set by axes when this attempt was refused, or was the one that reached the limit.
        if getattr(self.request, "axes_locked_out", False):
            return ValidationError(lockout_message(), code="locked_out")
        return super().get_invalid_login_error()


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The login page as the view rendered it (with the lockout message), as 429."""
    if isinstance(original_response, HttpResponse) and original_response.status_code == 200:
        response = original_response
    else:  # a login outside the admin's form: no page to show, only the message
        response = HttpResponse(lockout_message(), content_type="text/plain; charset=utf-8")
    response.status_code = 429
    response["Retry-After"] = str(settings.LOGIN_COOLOFF_MINUTES * 60)
    return response


admin.site.login_form = DeskAuthenticationForm

if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    list_display = ("token_key", "user", "created", "expiry")
    list_filter = ("expiry",)
    search_fields = ("token_key", "user__username")
    list_select_related = ("user",)
    fields = ("token_key", "user", "created", "expiry")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
