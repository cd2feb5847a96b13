"""Cursor pagination: stable under concurrent changes, opaque cursors, strict input.

A cursor is client input like any other: a malformed or forged one (bad base64, a
position that is not a value of the ordering field) is a 400, never a database error.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

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

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise ValidationError({"cursor": [self.invalid_cursor_message]}) from None
        if cursor is not None and cursor.position is not None:
            if "\x00" in cursor.position:
                raise ValidationError({"cursor": [self.invalid_cursor_message]})
            try:
                self._position_field.to_python(cursor.position)
            except DjangoValidationError:
                raise ValidationError({"cursor": [self.invalid_cursor_message]}) from None
        return cursor


class ClaimCursorPagination(StrictCursorPagination):
    """Newest update first; ties broken by id (the cursor keeps an offset within a tie)."""

    ordering = ("-updated_at", "-id")


class SpeakerCursorPagination(StrictCursorPagination):
    ordering = ("slug",)


class DeskCursorPagination(StrictCursorPagination):
    ordering = ("-id",)
