"""OpenAPI helpers: the error responses, described once and attached to each operation.

Besides the statuses a view itself answers (``errors(...)`` in its ``extend_schema``),
every operation declares what the server stack in front of the views can answer for
any request (``declare_stack_responses``): a malformed request, missing credentials, a
method or media type that is not offered, a body too large or without a length, a
request line too long for the web server (gunicorn answers 414 with an HTML page of its
own), throttling, and a bug. And every free-text field of a request body carries the
desk's text rule as its ``pattern`` (``describe_text_rule``): what the server refuses,
the schema says.
"""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from claims.text import TEXT_PATTERN


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField(
        help_text="A machine-readable code: invalid, invalid_input, parse_error, bad_request, "
        "not_authenticated, authentication_failed, permission_denied, not_allowed, "
        "not_found, method_not_allowed, not_acceptable, invalid_transition, stale_version, "
        "length_required, too_large, unsupported_media_type, throttled, server_error."
    )
    message = serializers.CharField(help_text="What is wrong, in words.")
    detail = serializers.JSONField(
        allow_null=True,
        help_text="For `invalid`: each field's messages. For `stale_version`: `current` (the "
        "claim now) and `changes`. For `invalid_transition`: `status`.",
    )


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ErrorSerializer, description=description)


ERRORS = {
    400: _error("Malformed input: a parameter, the JSON body or a cursor."),
    401: _error("No credentials, or invalid or revoked ones."),
    403: _error("Authenticated, but not allowed."),
    404: _error("No such resource (unpublished claims are not found either)."),
    405: _error("This method is not offered here (see the `Allow` header)."),
    406: _error("The `Accept` header asks for something other than JSON."),
    409: _error("An illegal transition, or a stale version (`detail.current` holds the claim)."),
    411: _error("A chunked body without `Content-Length`: send the length."),
    413: _error("The body is too large; `detail.limit` is the limit in bytes."),
    415: _error("The body is not JSON (`Content-Type: application/json`)."),
    429: _error(
        "Too many requests for this key, or too many failed keys or tokens from this "
        "address; see `Retry-After`."
    ),
    500: _error("A bug on our side; it is logged."),
}

# Answered before or around the views, for any operation.
STACK_ERRORS = (400, 401, 403, 404, 405, 406, 411, 413, 414, 429, 500)
URI_TOO_LONG = {
    "description": "The request line (path and query) is too long for the web server, which "
    "answers with an HTML page of its own.",
    "content": {"text/html": {"schema": {"type": "string"}}},
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: ERRORS[code] for code in codes}


IF_NONE_MATCH = OpenApiParameter(
    name="If-None-Match",
    location=OpenApiParameter.HEADER,
    required=False,
    type=str,
    description="An ETag from an earlier response: 304 Not Modified if nothing changed.",
)

NOT_MODIFIED = OpenApiResponse(description="Not modified (the ETag still matches); no body.")


DESCRIPTION = """
Published fact-checks for partners (`/api/v1/`) and the desk's workflow (`/api/v1/desk/`).

## Authentication

- **Partners**: `Authorization: Api-Key <key>` (a key from `manage.py create_partner_key`).
  Revoked keys are refused on the next request. Rate-limited per key: 429 with `Retry-After`.
- **Staff**: `Authorization: Token <token>` (`manage.py create_api_token USERNAME [--days N]`:
  shown once, stored hashed, expires after 90 days unless `--days` says otherwise) or a
  session (with the CSRF token for writes). Staff can use the partner API too; the desk API
  is for staff only, with the same permissions as the admin (Fact-checker, Editor).
- **Failed keys and tokens** are counted per client address in windows of 10 minutes:
  after 20 failures in a window (the defaults), every key or token from that address gets
  429 until the window ends (`Retry-After` says when); other addresses are not affected.

## Errors

Always JSON: `{"error": <code>, "message": <sentence>, "detail": <object or null>}`.
400 malformed input, 401 no or bad credentials, 403 not allowed, 404 not found (claims
that are not public are not found either), 409 an illegal transition or a stale
`version` (`detail.current` is the claim as it is now), 429 too many requests.

## Incremental sync

`GET /api/v1/claims/?updated_since=<updated_at of the newest claim you have>` returns what
changed after it, newest first; follow `next` until it is null. Retracted verdicts come back
with `status: "retracted"`: take them down. Send `If-None-Match: <ETag>` to get a 304 when
nothing changed.

## Tips

`POST /api/v1/tips/` (partner keys only) sends the desk a claim to check: `{"text"}`,
`{"url"}` or both, optionally `"email"` (a reader who wants the verdict's link, mailed once)
and `"language"`. The answer is 201 `{"id"}`. Tips are the desk's internal data: no read of
this API and no webhook ever shows one.

## Webhooks

Registered endpoints get a `POST` (JSON) when a verdict is published, corrected or
retracted: `{"event", "occurred_at", "claim": {"id", "status", "version", "updated_at",
"url", "api_url"}}`. Headers: `X-Factcheck-Event`, `X-Factcheck-Delivery` (the same on
retries: deduplicate on it) and `X-Factcheck-Signature: t=<unix time>,v1=<hex>`, where
`<hex>` = HMAC-SHA256(secret, `f"{t}.{raw body}"`). Verify it by recomputing the HMAC over
the raw body, comparing in constant time, and rejecting a `t` older than 5 minutes
(replays). Answer 2xx within 10 s; anything else is retried with exponential backoff, up to
6 attempts by default (`WEBHOOK_MAX_ATTEMPTS`).
""".strip()


def describe_api(result, generator, request, public):
    """Postprocessing hook: the API's description (kept here, next to the API)."""
    result.setdefault("info", {})["description"] = DESCRIPTION
    return result


def _error_response(code: int) -> dict:
    return {
        "description": ERRORS[code].description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def declare_stack_responses(result, generator, request, public):
    """Postprocessing hook: every operation declares ``STACK_ERRORS`` (and 415 when it
    takes a body), unless the view described the status itself."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            codes = [*STACK_ERRORS, *((415,) if "requestBody" in operation else ())]
            for code in codes:
                if str(code) not in responses:
                    responses[str(code)] = URI_TOO_LONG if code == 414 else _error_response(code)
            operation["responses"] = dict(sorted(responses.items()))
    return result


TEXT_RULE = (
    "Text: no control characters other than tab and newline (CR LF and CR become LF), no "
    "Unicode noncharacters (U+FDD0-U+FDEF, and U+xFFFE/U+xFFFF in every plane), no lone "
    "surrogates; a field that holds one is a 400 that names it."
)


def describe_text_rule(result, generator, request, public):
    """Postprocessing hook: request bodies' free-text fields (strings without a pattern,
    format or enum of their own) declare the text rule (``claims.text``)."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if not name.endswith("Request"):
            continue
        for prop in component.get("properties", {}).values():
            if prop.get("type") != "string" or {"pattern", "format", "enum"} & set(prop):
                continue
            prop["pattern"] = TEXT_PATTERN
            prop["description"] = " ".join(filter(None, [prop.get("description"), TEXT_RULE]))
    return result
