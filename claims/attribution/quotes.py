"""Quotation marks: pair them within a paragraph with a stack (no regex backtracking, a
bounded stack), keep the outermost pairs, and stand in for marks that lost their partner."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .lexicon import _Lexicon

# opening mark → the marks that may close it. German „…“ and English “…” share “, so the
# stack (what is open) decides what a mark means.
_CLOSERS = {
    "„": '“”"',
    "“": '”“"',
    "”": '”"',
    '"': '"”“',
    "»": "«»",
    "«": "»«",
    "‚": "‘’'",
    "‘": "’‘'",
    "’": "’'",
    "'": "'’",
    "›": "‹›",
    "‹": "›‹",
}
_SINGLE_MARKS = frozenset("‚‘’'›‹")
_STACK_SEARCH = 8  # how deep a closing mark looks for its opener: keeps the scan linear
_MAX_STACK = 256


@dataclass(slots=True)
class _Quote:
    outer_start: int  # the opening mark, or the inner start when the mark is missing
    outer_end: int  # after the closing mark, or the inner end when the mark is missing
    inner_start: int
    inner_end: int


def _is_space(c: str) -> bool:
    return c == "" or c.isspace()


def _is_punct(c: str) -> bool:
    return c != "" and not c.isalnum() and not c.isspace()


def _scan_quotes(text: str, start: int, end: int) -> tuple[list[_Quote], list[int], list[int]]:
    """Pair the quotation marks of text[start:end]: (pairs, unmatched closers, unmatched
    openers). Only double marks are reported unmatched: a lone single mark is far more
    often an apostrophe ("the protesters' demands") than a broken quotation."""
    pairs: list[_Quote] = []
    lone_closers: list[int] = []
    stack: list[tuple[str, int]] = []
    for match in _QUOTE_RE.finditer(text, start, end):
        i = match.start()
        c = text[i]
        prev = text[i - 1] if i > start else ""
        nxt = text[i + 1] if i + 1 < end else ""
        if c in "’'" and prev.isalnum() and nxt.isalnum():
            continue  # apostrophe: Putin's, geht's
        left = not _is_space(nxt) and (_is_space(prev) or _is_punct(prev))
        right = not _is_space(prev) and (_is_space(nxt) or _is_punct(nxt))
        opener_at = -1
        if c not in "„‚":  # low-9 marks only ever open
            for depth in range(len(stack) - 1, max(-1, len(stack) - 1 - _STACK_SEARCH), -1):
                if c in _CLOSERS[stack[depth][0]]:
                    opener_at = depth
                    break
        if c in "„‚":
            action = "open"
        elif opener_at >= 0 and (right or not left):
            action = "close"
        elif left:
            action = "open"
        elif right:
            action = "lone"
        else:
            action = "skip"
        if action == "close":
            _mark, pos = stack[opener_at]
            del stack[opener_at:]
            pairs.append(_Quote(pos, i + 1, pos + 1, i))
        elif action == "open":
            if len(stack) >= _MAX_STACK:
                del stack[: _MAX_STACK // 2]  # runaway nesting: the oldest marks are noise
            stack.append((c, i))
        elif action == "lone" and c not in _SINGLE_MARKS:
            lone_closers.append(i)
    lone_openers = [pos for mark, pos in stack if mark not in _SINGLE_MARKS]
    return pairs, lone_closers, lone_openers


_QUOTE_RE = re.compile("[" + re.escape("".join(_CLOSERS)) + "]")


def _outermost(quotes: Iterable[_Quote]) -> list[_Quote]:
    kept: list[_Quote] = []
    for q in sorted(quotes, key=lambda q: (q.outer_start, -q.outer_end)):
        if kept and q.outer_start < kept[-1].outer_end:
            continue  # nested (or overlapping) in the one kept before
        kept.append(q)
    return kept


def _unbalanced(
    text: str,
    p_start: int,
    p_end: int,
    matched: list[_Quote],
    boundaries: list[int],
    lone_closers: list[int],
    lone_openers: list[int],
    lex: _Lexicon,
) -> list[_Quote]:
    """Stand-in quotations for marks that lost their partner, kept inside the paragraph.

    A closing mark without opener (`…: Ich beabsichtige, so hart wie möglich zu sein",
    sagte er.`) opens after the last colon of its sentence, or at the sentence start. An
    opening mark without closer runs to the end of its sentence (or of the paragraph when
    it opens the paragraph: a quotation continued in the next paragraph), but stops before
    ", sagte …"."""
    out: list[_Quote] = []
    floor = p_start
    qi = 0
    for c in lone_closers:
        while qi < len(matched) and matched[qi].outer_end <= c:
            floor = max(floor, matched[qi].outer_end)
            qi += 1
        if qi < len(matched) and matched[qi].outer_start < c:
            continue  # inside a paired quotation: a stray mark
        bi = bisect.bisect_right(boundaries, c) - 1
        lo = max(floor, boundaries[bi] if bi >= 0 else p_start)
        s = c
        while s > lo and text[s - 1] != ":":
            s -= 1
        while s < c and text[s].isspace():
            s += 1
        if s < c:
            out.append(_Quote(s, c + 1, s, c))
        floor = c + 1
    last_end = p_start
    # Openers left on the stack are never inside a paired quotation: closing a pair pops
    # everything opened after it.
    for o in lone_openers:
        if o < last_end:
            continue
        if o == p_start:  # paragraphs start at their first non-blank character
            e = p_end
        else:
            bi = bisect.bisect_right(boundaries, o)
            e = boundaries[bi] if bi < len(boundaries) else p_end
        for m in _COMMA_WORD_RE.finditer(text, o, e):
            if m.group(1).lower() in lex.verbs:
                e = m.start()
                break
        inner_end = e
        while inner_end > o + 1 and (text[inner_end - 1].isspace() or text[inner_end - 1] in ".,"):
            inner_end -= 1
        if inner_end > o + 1:
            out.append(_Quote(o, inner_end, o + 1, inner_end))
        last_end = e
    return out


_COMMA_WORD_RE = re.compile(r",\s*(\w+)")
