"""Paragraphs and sentences: cut the text into paragraphs (hard-wrapped lines joined),
each paragraph into sentences (a full stop inside a quotation ends none) and each
sentence into tokens outside its quotations."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from .lexicon import _ABBREVIATIONS, _Lexicon
from .quotes import _outermost, _Quote, _scan_quotes, _unbalanced
from .records import _Sentence, _Tok

_LINE_RE = re.compile(r"[^\n]+")
_TERMINATOR_RE = re.compile(r"[.!?…]+[\"'“”»«’‘›‹)\]]*")
# a word (with inner hyphens and apostrophes), an initial before a name ("Joe R. Biden"),
# or a punctuation mark that matters
_TOKEN_RE = re.compile(
    r"[A-ZÀ-ÖØ-Þ]\.(?=\s[A-ZÀ-ÖØ-Þ])|[^\W_](?:\w|[-'’](?=[^\W_]))*|[,:;()\[\]–—.!?]"
)
_PARAGRAPH_END = frozenset(".!?:;…\"'“”»«’‘›‹)]")
_OPENING = frozenset("„“\"»«‚‘'›‹([–—-")


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Each line is a paragraph, except that a line continuing in lower case after no
    closing punctuation is a hard-wrapped part of the line before."""
    spans: list[tuple[int, int]] = []
    for match in _LINE_RE.finditer(text):
        s, e = match.start(), match.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s >= e:
            continue
        if spans and text[s].islower() and text[spans[-1][1] - 1] not in _PARAGRAPH_END:
            spans[-1] = (spans[-1][0], e)
        else:
            spans.append((s, e))
    return spans


def _boundaries(text: str, start: int, end: int, lex: _Lexicon) -> list[int]:
    """Positions (just after the terminator and any closing marks) where a sentence ends."""
    found = []
    for match in _TERMINATOR_RE.finditer(text, start, end):
        b = match.end()
        if b < end and not text[b].isspace():
            continue
        k = b
        while k < end and text[k].isspace():
            k += 1
        if k >= end:
            continue  # the paragraph's end is a boundary anyway
        nxt = text[k]
        if not (nxt.isupper() or nxt.isdigit() or nxt in _OPENING):
            continue
        if match.group().startswith(".") and len(match.group().rstrip("\"'“”»«’‘›‹)]")) == 1:
            w = match.start()
            while w > start and w > match.start() - 24 and text[w - 1].isalnum():
                w -= 1
            word = text[w : match.start()]
            if word and (
                len(word) == 1
                or word.lower() in _ABBREVIATIONS
                or (lex.language == "de" and word.isdigit() and len(word) <= 2 and nxt.isupper())
            ):
                continue  # "Dr. Müller", "Joe R. Biden", "am 5. Januar"
        found.append(b)
    return found


def _sentences(text: str, lex: _Lexicon) -> Iterator[_Sentence]:
    """The sentences of `text`, tokenised, one paragraph at a time (a generator: the
    caller analyses each and drops its tokens, so memory stays at one paragraph's)."""
    index = 0
    for para, (p_start, p_end) in enumerate(_paragraphs(text)):
        pairs, lone_closers, lone_openers = _scan_quotes(text, p_start, p_end)
        matched = _outermost(pairs)
        candidates = _boundaries(text, p_start, p_end, lex)
        # A full stop inside a quotation does not end the sentence around it.
        kept, qi = [], 0
        for b in candidates:
            while qi < len(matched) and matched[qi].outer_end <= b:
                qi += 1
            if qi < len(matched) and matched[qi].outer_start < b < matched[qi].outer_end:
                continue
            kept.append(b)
        synthetic = _unbalanced(
            text, p_start, p_end, matched, kept, lone_closers, lone_openers, lex
        )
        quotes = _outermost([*matched, *synthetic])
        cuts = [p_start, *kept, p_end]
        qi = 0
        for s, e in itertools.pairwise(cuts):
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if s >= e:
                continue
            while qi < len(quotes) and quotes[qi].outer_end <= s:
                qi += 1
            mine = []
            k = qi
            while k < len(quotes) and quotes[k].outer_start < e:
                q = quotes[k]
                if q.outer_start < s or q.outer_end > e:  # clip a quotation across sentences
                    q = _Quote(
                        max(q.outer_start, s),
                        min(q.outer_end, e),
                        max(q.inner_start, s),
                        min(q.inner_end, e),
                    )
                mine.append(q)
                k += 1
            yield _Sentence(index, para, s, e, _tokenise(text, s, e, mine), mine)
            index += 1


def _tokenise(text: str, start: int, end: int, quotes: list[_Quote]) -> list[_Tok]:
    toks: list[_Tok] = []
    pos = start
    for q in [*quotes, None]:
        seg_end = q.outer_start if q is not None else end
        for m in _TOKEN_RE.finditer(text, pos, seg_end):
            t = m.group()
            word = t[0].isalnum()
            toks.append(_Tok(word, m.start(), m.end(), t, t.lower(), word and t[0].isupper()))
        if q is not None:
            toks.append(_Tok(False, q.outer_start, q.outer_end, "\u201c", "\u201c", False, quote=q))
            pos = q.outer_end
    return toks
