"""JSON in: strict about what the database cannot store."""

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _storable(value: Any) -> bool:
    if isinstance(value, str):
        # Lone surrogates ("\ud800" is valid JSON) cannot be encoded to UTF-8.
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_storable(k) and _storable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_storable(v) for v in value)
    return True


class StrictJSONParser(JSONParser):
    """DRF's JSON parser (NaN and Infinity refused), plus: no unencodable strings."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not _storable(data):
            raise ParseError("JSON parse error - a string holds a lone surrogate.")
        return data
