"""Cursor pagination: stable under concurrent changes, opaque cursors, strict input.

A cursor is client input like any other: a malformed or forged one (bad base64, a
position that is not a value of the ordering field) is a 400, never a database error —
and never the first page either (DRF's decoder skips characters that are not base64, so
``?cursor=%%%`` would read as "no cursor" and a partner's sync would silently start over).
"""

import binascii
from base64 import b64decode
from urllib.parse import parse_qs

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import Cursor, CursorPagination

MAX_PAGE_SIZE = 100


class StrictCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    invalid_cursor_message = _("Invalid cursor: use the next or previous link as given.")

    def paginate_queryset(self, queryset, request, view=None):
        field_name = self.ordering[0].lstrip("-")
        self._position_field = queryset.model._meta.get_field(field_name)
        return super().paginate_queryset(queryset, request, view)

    def _invalid(self) -> ValidationError:
        return ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})

    def _parse_cursor(self, encoded: str) -> Cursor:
        """DRF's cursor format (base64 of ``o=<offset>&r=1&p=<position>``), read strictly."""
        try:
            querystring = b64decode(encoded.encode("ascii"), validate=True).decode("ascii")
            tokens = parse_qs(querystring, keep_blank_values=True, strict_parsing=True)
        except (UnicodeError, binascii.Error, ValueError):
            raise self._invalid() from None
        if not set(tokens) <= {"o", "r", "p"} or any(len(v) != 1 for v in tokens.values()):
            raise self._invalid()
        offset, reverse = tokens.get("o", ["0"])[0], tokens.get("r", ["0"])[0]
        if not (offset.isascii() and offset.isdigit()) or reverse not in ("0", "1"):
            raise self._invalid()
        return Cursor(
            offset=min(int(offset), self.offset_cutoff),
            reverse=reverse == "1",
            position=tokens.get("p", [None])[0],
        )

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        cursor = self._parse_cursor(encoded)
        if cursor.position is not None:
            if "\x00" in cursor.position:
                raise self._invalid()
            try:
                self._position_field.to_python(cursor.position)
            except DjangoValidationError:
                raise self._invalid() from None
        return cursor


class ClaimCursorPagination(StrictCursorPagination):
    """Newest update first; ties broken by id (the cursor keeps an offset within a tie)."""

    ordering = ("-updated_at", "-id")


class SpeakerCursorPagination(StrictCursorPagination):
    ordering = ("slug",)


class DeskCursorPagination(StrictCursorPagination):
    ordering = ("-id",)
