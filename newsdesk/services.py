"""Changes of state that belong to the desk's interfaces: staff API tokens.

Tokens are django-rest-knox's: only a SHA-512 hash and the first characters are stored,
each token expires, and the token itself exists only in what ``api_token_create``
returns (shown once by ``manage.py create_api_token``).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from knox.models import AuthToken

from claims.errors import InvalidInput

MAX_TOKEN_DAYS = 3650


@transaction.atomic
def api_token_create(*, username: str, days: int | None = None) -> tuple[AuthToken, str]:
    """A new API token for the active staff user ``username``, valid for ``days`` days
    (default ``API_TOKEN_DAYS``); returns (the stored row, the token)."""
    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput(
            _("A token is valid for 1 to %(max)d days, not %(days)d.")
            % {"max": MAX_TOKEN_DAYS, "days": days}
        )
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise InvalidInput(_("There is no user %(name)s.") % {"name": username})
    if not (user.is_active and user.is_staff):
        raise InvalidInput(
            _("%(name)s is not an active staff user; API tokens are for the desk's staff.")
            % {"name": username}
        )
    return AuthToken.objects.create(user=user, expiry=timedelta(days=days))
