"""JSON in: strict about what the database cannot store, and about how deep it nests.

No request of the desk or partner API nests deeper than a handful of levels (an object, a
list of sources, an object per source). JSON nested hundreds of levels deep is an attack:
Python's parser recurses once per level, and a RecursionError's traceback is a thousand
lines in the log. :func:`check_depth` measures the nesting first, without recursion and
at C speed for the strings (an article's text is one long string), and refuses anything
deeper than :data:`MAX_DEPTH`.
"""

import io
import json
import re
from itertools import accumulate
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 64

# A JSON string (escapes included), and anything that is not a bracket.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class TooDeep(ValueError):
    """JSON nests deeper than :data:`MAX_DEPTH`."""


def json_depth(text: str) -> int:
    """How deep ``text`` (JSON) nests arrays and objects; brackets inside strings do not
    count. Malformed JSON gets some number: the parser reports what is wrong with it."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def check_depth(text: str, *, limit: int = MAX_DEPTH) -> None:
    if json_depth(text) > limit:
        raise TooDeep(f"JSON nested deeper than {limit} levels is not accepted.")


def loads_bounded(text: str | bytes, *, limit: int = MAX_DEPTH) -> Any:
    """``json.loads`` for untrusted input: raises :class:`TooDeep` (a ValueError) past
    ``limit`` levels instead of recursing into a RecursionError."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    check_depth(text, limit=limit)
    return json.loads(text)


def _storable(value: Any) -> bool:
    """No lone surrogates ("\\ud800" is valid JSON, but no UTF-8 text can hold it)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return True


class StrictJSONParser(JSONParser):
    """DRF's JSON parser (NaN and Infinity refused), plus: at most :data:`MAX_DEPTH`
    levels of nesting, and no unencodable strings."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        encoding = (parser_context or {}).get("encoding") or "utf-8"
        try:
            check_depth(raw.decode(encoding))
        except (LookupError, UnicodeDecodeError):
            pass  # DRF's parser below reports the charset or the bytes
        except TooDeep as error:
            raise ParseError(f"JSON parse error - {error}") from None
        data = super().parse(io.BytesIO(raw), media_type, parser_context)
        if not _storable(data):
            raise ParseError("JSON parse error - a string holds a lone surrogate.")
        return data
