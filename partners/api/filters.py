"""Query parameters, parsed strictly: a malformed value is a 400 that names it."""

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request

from claims.models import LANGUAGE_RE

from .pagination import MAX_PAGE_SIZE
from .selectors import ClaimFilters

# Cursors are base64 (standard alphabet, padded).
BASE64_RE = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$"


class PageQuery(serializers.Serializer):
    page_size = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        help_text="Items per page, 1–100 (default 50).",
    )
    cursor = serializers.RegexField(
        BASE64_RE,
        required=False,
        max_length=1000,
        help_text=(
            "Opaque; take it from the next or previous link. A cursor the server did not "
            "issue is a 400, never the first page."
        ),
    )


class ClaimQuery(PageQuery):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=(
            'Full-text search (web-search syntax: words, "phrases", -excluded, or) over the '
            "claim, quote, speaker, headline, summary and article title, stemmed in each "
            "claim's language."
        ),
    )
    speaker = serializers.SlugField(required=False, max_length=120, help_text="A speaker's slug.")
    rating = serializers.SlugField(required=False, max_length=50, help_text="A rating's slug.")
    language = serializers.RegexField(
        LANGUAGE_RE,
        required=False,
        max_length=35,
        help_text="The article's language (BCP 47); `de` also matches `de-AT`.",
    )
    updated_since = serializers.DateTimeField(
        required=False,
        help_text=(
            "ISO 8601 date-time (URL-encode a `+` offset, or use `Z`): only claims changed "
            "strictly after it. Pass the `updated_at` of the newest claim you have seen."
        ),
    )

    def filters(self) -> ClaimFilters:
        data = self.validated_data
        return ClaimFilters(
            q=data.get("q", "").strip(),
            speaker=data.get("speaker", ""),
            rating=data.get("rating", ""),
            language=data.get("language", ""),
            updated_since=data.get("updated_since"),
        )


def parse_query(serializer_class: type[serializers.Serializer], request: Request) -> Any:
    """Validate ``request.query_params`` with ``serializer_class``; 400 when malformed.

    A plain dict, not the QueryDict: DRF would treat ``?updated_since=`` as absent, but an
    empty value is a malformed one (only ``q`` may be blank).
    """
    serializer = serializer_class(data=request.query_params.dict())
    serializer.is_valid(raise_exception=True)
    return serializer
