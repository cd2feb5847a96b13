"""One error shape for the whole API, and the mapping of domain errors to statuses.

Every error is ``{"error": <code>, "message": <sentence>, "detail": <object or null>}``:

- ``claims.errors.InvalidInput`` → 400 ``invalid_input``; serializer errors → 400
  ``invalid`` with ``detail`` mapping each field to its messages; bad JSON → 400
  ``parse_error``;
- 401 ``not_authenticated`` / ``authentication_failed`` (with ``WWW-Authenticate``);
- ``claims.errors.NotAllowed`` and missing permissions → 403;
- 404 ``not_found`` (also for claims that exist but are not public);
- ``claims.errors.InvalidTransition`` → 409 ``invalid_transition`` (``detail.status``);
  ``claims.errors.SourcesUnresolved`` → 409 ``sources_unresolved`` with the sources
  (``id``, ``url``, ``state``) both in ``detail.sources`` and, as the desk API's contract
  says, at the top level (``sources``);
  ``claims.errors.StaleVersion`` → 409 ``stale_version`` with ``detail.current`` (the
  claim as it is now) and ``detail.changes`` (what others changed meanwhile);
- 413 ``too_large`` (``detail.limit`` in bytes) and 411 ``length_required``: see
  ``newsdesk.middleware``;
- 429 ``throttled`` with ``Retry-After``.

Anything else is a bug and stays a 500, in this shape too under ``/api/``
(``server_error``, Django's ``handler500``); so is Django's own 400 (``bad_request``).
"""

import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import set_rollback

from claims.errors import (
    DeskError,
    InvalidInput,
    InvalidTransition,
    NotAllowed,
    SourcesUnresolved,
    StaleVersion,
)
from claims.models import Claim

_DOMAIN = {
    InvalidInput: (status.HTTP_400_BAD_REQUEST, "invalid_input"),
    NotAllowed: (status.HTTP_403_FORBIDDEN, "not_allowed"),
    InvalidTransition: (status.HTTP_409_CONFLICT, "invalid_transition"),
    StaleVersion: (status.HTTP_409_CONFLICT, "stale_version"),
    SourcesUnresolved: (status.HTTP_409_CONFLICT, "sources_unresolved"),
}


def error_body(code: str, message: str, detail: Any = None) -> dict[str, Any]:
    return {"error": code, "message": message, "detail": detail}


def _jsonable(value: Any, current: Callable[[Claim], Any]) -> Any:
    """``value`` as JSON; a claim is shown by the view's ``current_claim_data`` (its state
    as it is now, in the view's own output shape), or by its id."""
    if isinstance(value, Claim):
        return current(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _jsonable(v, current) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v, current) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v, current) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _claim_ref(claim: Claim) -> dict[str, Any]:
    return {"id": claim.pk}


def _domain_response(exc: DeskError, view: Any) -> Response:
    code_status, code = next(
        (mapping for cls, mapping in _DOMAIN.items() if isinstance(exc, cls)),
        (status.HTTP_400_BAD_REQUEST, "invalid_input"),
    )
    current = getattr(view, "current_claim_data", _claim_ref)
    detail = _jsonable(exc.details, current) if exc.details else None
    body = error_body(code, exc.message, detail)
    if isinstance(exc, SourcesUnresolved):
        body["sources"] = detail["sources"] if detail else []
    return Response(body, status=code_status)


def too_large_body(limit: int) -> dict[str, Any]:
    return error_body(
        "too_large",
        _("The request body is too large: at most %(limit)s bytes.") % {"limit": f"{limit:,}"},
        {"limit": limit},
    )


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DeskError):
        set_rollback()
        return _domain_response(exc, context.get("view"))
    if isinstance(exc, RequestDataTooBig):
        # Normally refused earlier by newsdesk.middleware, with the same answer.
        set_rollback()
        return Response(
            too_large_body(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    if not isinstance(exc, exceptions.APIException):
        return None

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = f"{int(exc.wait + 0.999)}"

    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, list):
            detail = {"non_field_errors": detail}
        elif not isinstance(detail, dict):
            detail = {"non_field_errors": [detail]}
        body = error_body("invalid", _("The request is not valid; see detail."), detail)
    else:
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        body = error_body(str(code), str(exc.detail))
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)


# --- Django's own error views, in the API's shape under /api/ ------------------------------


def is_api_path(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler400``: what Django itself refuses (a disallowed host, a malformed body)."""
    if is_api_path(request):
        return JsonResponse(
            error_body("bad_request", _("The request is malformed.")),
            status=status.HTTP_400_BAD_REQUEST,
        )
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a bug; the API still answers in its own shape (nothing more)."""
    if is_api_path(request):
        return JsonResponse(
            error_body("server_error", _("Something went wrong on our side; it is logged.")),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    return defaults.server_error(request)
