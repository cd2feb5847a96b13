"""The one rule for text that enters the desk, and what XML output can carry.

Pure: text in, text out (or a refusal naming the field). Every service that stores text a
person typed or uploaded calls :func:`clean_text`; the desk API's input serializers call it
too, so a bad character is a 400 that names the field before any service runs.

Refused, wherever it is (a reader's feed must never depend on it):

- control characters other than tab and newline: C0 (U+0000–U+001F), DEL (U+007F) and
  C1 (U+0080–U+009F). Carriage returns are not refused but normalised: ``\\r\\n`` and a
  lone ``\\r`` become ``\\n`` (browsers post CRLF, old files use CR; nothing is lost);
- Unicode noncharacters: U+FDD0–U+FDEF and the last two code points of every plane
  (U+FFFE, U+FFFF, U+1FFFE, U+1FFFF, … U+10FFFF);
- lone surrogates (U+D800–U+DFFF), which no UTF-8 text can hold.

Fetched pages are not refused (the desk did not write them): :func:`drop_refused` removes
the same characters. :func:`xml_safe` is for output: it removes what XML 1.0 cannot carry
at all, for rows stored before this rule existed.
"""

import re

from django.utils.translation import gettext as _

from .errors import InvalidInput

__all__ = [
    "TEXT_PATTERN",
    "clean_text",
    "drop_refused",
    "normalise_newlines",
    "refused_character",
    "xml_safe",
]

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17)
)
_REFUSED = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")
# The rule as a pattern for API schemas, in the syntax ECMA-262, Python and Rust's regex
# share: what a text field accepts whole. CR is accepted here (it is normalised, not
# refused). It names the BMP's characters only: the noncharacters of the other planes have
# no escape in ECMA-262 (written as themselves, tools rewrite them into escapes other tools
# refuse), and lone surrogates have none in engines that work on UTF-8 (JSON that spells
# one out is refused by the parser anyway). The schema's description names them.
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]*$"
# XML 1.0's Char production: tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def normalise_newlines(text: str) -> str:
    """One newline convention: positions in the text must mean the same everywhere."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _kind(char: str) -> str:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return _("a lone surrogate")
    if code <= 0x9F:
        return _("a control character")
    return _("a Unicode noncharacter")


def refused_character(text: str) -> tuple[int, str] | None:
    """(index, character) of the first character the rule refuses, or None."""
    match = _REFUSED.search(text)
    return (match.start(), match.group()) if match else None


def clean_text(value: str, *, field: str) -> str:
    """``value`` with its newlines normalised; :class:`InvalidInput` naming ``field`` (and
    the character and its position) when it holds a character the rule refuses."""
    text = normalise_newlines(value)
    found = refused_character(text)
    if found is not None:
        index, char = found
        raise InvalidInput(
            _("%(field)s contains %(kind)s (U+%(code)04X) at character %(position)d; remove it.")
            % {"field": field, "kind": _kind(char), "code": ord(char), "position": index + 1},
            field=field,
        )
    return text


def drop_refused(text: str) -> str:
    """``text`` with its newlines normalised and every refused character removed."""
    return _REFUSED.sub("", normalise_newlines(text))


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry (a feed must always parse)."""
    return _NOT_XML.sub("", text)
