"""Partner API keys (``Authorization: Api-Key <prefix>.<secret>``) and staff API tokens
(``Authorization: Token <token>``).

Built on djangorestframework-api-key (its key format, SHA-512 hashing and
``get_from_key``), as an *authentication* class rather than the library's permission,
so that the key is known to throttling (per-key rates) and to the permission classes.
A verified key is kept by the process only while the keys' generation stands
(``keycache``): any change to a key's row starts a new one, so a key revoked in the
admin is refused on the next request.

Staff tokens are django-rest-knox's: stored as SHA-512 hashes, each with an expiry (an
expired token is refused and deleted). Both classes count failures per client address
and refuse an address that has had too many (``throttling.auth_failures_check``) before
they look at what it sent.
"""

import re

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from partners import services as partner_services

from ..models import PartnerKey
from . import keycache
from .throttling import auth_failure_record, auth_failures_check

KEYWORD = "Api-Key"
TOKEN_KEYWORD = "Token"  # noqa: S105  (knox's default AUTH_HEADER_PREFIX, no secret)


def _sent(request, keyword: str) -> bool:
    parts = get_authorization_header(request).split()
    return bool(parts) and parts[0].lower() == keyword.lower().encode()


# <prefix>.<secret> as the library generates them (8 and 32 alphanumeric characters);
# anything else is refused before touching the database.
_KEY_RE = re.compile(r"[A-Za-z0-9]{1,16}\.[A-Za-z0-9]{1,128}")


class PartnerKeyAuthentication(BaseAuthentication):
    """Authenticate a partner by API key; ``request.auth`` is the ``PartnerKey``.

    ``request.user`` stays anonymous: a key is not a desk user and opens only what the
    ``IsPartnerOrStaff`` permission allows.
    """

    def authenticate(self, request):
        if not _sent(request, KEYWORD):
            return None
        auth_failures_check(request)
        try:
            return self._authenticate_key(request)
        except exceptions.AuthenticationFailed:
            auth_failure_record(request)
            raise

    def _authenticate_key(self, request):
        parts = get_authorization_header(request).split()
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


class StaffTokenAuthentication(KnoxTokenAuthentication):
    """A desk user's API token (``manage.py create_api_token``); ``request.auth`` is the
    knox ``AuthToken``."""

    def authenticate(self, request):
        if not _sent(request, TOKEN_KEYWORD):
            return None
        auth_failures_check(request)
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            auth_failure_record(request)
            raise

    def authenticate_credentials(self, token: bytes):
        try:
            token.decode("ascii")  # knox decodes it as UTF-8 and fails with a 500 if not
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        return super().authenticate_credentials(token)

    def authenticate_header(self, request) -> str:
        return TOKEN_KEYWORD


class StaffTokenScheme(OpenApiAuthenticationExtension):
    target_class = StaffTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=TOKEN_KEYWORD
        )


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
