"""Partner API keys: ``Authorization: Api-Key <prefix>.<secret>``.

Built on djangorestframework-api-key (its key format, SHA-512 hashing and
``get_from_key``), as an *authentication* class rather than the library's permission,
so that the key is known to throttling (per-key rates) and to the permission classes.
A verified key is kept by the process only while the keys' generation stands
(``keycache``): any change to a key's row starts a new one, so a key revoked in the
admin is refused on the next request.
"""

import re

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from partners import services as partner_services

from ..models import PartnerKey
from . import keycache

KEYWORD = "Api-Key"
# <prefix>.<secret> as the library generates them (8 and 32 alphanumeric characters);
# anything else is refused before touching the database.
_KEY_RE = re.compile(r"[A-Za-z0-9]{1,16}\.[A-Za-z0-9]{1,128}")


class PartnerKeyAuthentication(BaseAuthentication):
    """Authenticate a partner by API key; ``request.auth`` is the ``PartnerKey``.

    ``request.user`` stays anonymous: a key is not a desk user and opens only what the
    ``IsPartnerOrStaff`` permission allows.
    """

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid Authorization header: use “Api-Key <key>”.")
            )
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            key = ""
        if not _KEY_RE.fullmatch(key):
            raise exceptions.AuthenticationFailed(_("Invalid API key."))
        try:
            partner_key = keycache.verify(key)
        except PartnerKey.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key.")) from None
        if partner_key.has_expired:
            raise exceptions.AuthenticationFailed(_("This API key has expired."))
        partner_services.partner_key_touch(partner_key)
        return AnonymousUser(), partner_key

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="api"'


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    target_class = PartnerKeyAuthentication
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "A partner API key, sent as `Authorization: Api-Key <key>`. Keys come from "
                "`python manage.py create_partner_key NAME` (shown once)."
            ),
        }
