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
    r"[A-ZÀ-ÖØ-Þ]\.(?=\s[A-ZÀ-ÖØ-Þ])|[^\W_](?:\w|[-'’](?=[^\W_])|\.(?=[a-z]{2,}\b))*|[,:;()\[\]–—.!?]|(?<=\s)-(?=\s)"
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
        if match.group()[-1] in _CLOSING_QUOTES and _attribution_follows(text, k, end, lex):
            continue  # "“Why?” Harper asked." is one sentence
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


_CLOSING_QUOTES = frozenset("\"'“”»«’‘›‹")
_WORD_RE = re.compile(r"\w[\w'’-]*")


def _attribution_follows(text: str, k: int, end: int, lex: _Lexicon) -> bool:
    """Whether text[k:] opens with a short attribution ("Harper asked Ruiz.", "Tokajew
    fragte."): a name or pronoun and a speech verb among its first few words."""
    words = _WORD_RE.findall(text, k, min(end, k + 60))[:4]
    stop = re.search(r"[.!?,:;]", text[k : min(end, k + 60)])
    if stop is not None:
        words = _WORD_RE.findall(text, k, k + stop.start())[:4]
    return 1 < len(words) <= 4 and any(
        w.lower() in lex.verbs and not w[0].isupper() for w in words[1:]
    )


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
            yield _Sentence(index, para, s, e, _tokenise(text, s, e, mine, lex), mine)
            index += 1


def _tokenise(text: str, start: int, end: int, quotes: list[_Quote], lex: _Lexicon) -> list[_Tok]:
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
    toks = _drop_asides(toks)
    for k in range(len(toks) - 1):
        tok, nxt = toks[k], toks[k + 1]
        if tok.quote is not None and _names_a_title(text, tok, nxt, lex):
            tok.title = True
    return toks


def _names_a_title(text: str, tok: _Tok, nxt: _Tok, lex: _Lexicon) -> bool:
    """A quotation followed, with nothing but a space or a hyphen between, by a lower-case
    noun is a title used as a modifier: “Northern Lights” director, „Stille Tage“-Regisseur."""
    gap = text[tok.end : nxt.start]
    if gap not in (" ", "-") or not nxt.word:
        return False
    if gap == "-":
        return True
    return (
        not nxt.cap
        and nxt.lower not in lex.stop
        and nxt.lower not in lex.verbs
        and nxt.lower not in lex.determiners
        and nxt.lower not in lex.pronouns
        and not nxt.lower.endswith("ly")
    )


def _drop_asides(toks: list[_Tok]) -> list[_Tok]:
    """Leave out short asides in parentheses ("Karl Ott (SPD)", "(WHO) officials"): a
    party or an abbreviation, never the speech verb, and in the way of the noun phrase."""
    if not any(t.text == "(" for t in toks):
        return toks
    out: list[_Tok] = []
    k = 0
    while k < len(toks):
        if toks[k].text == "(":
            m = k + 1
            while m < len(toks) and m - k <= 5 and toks[m].word:
                m += 1
            if m < len(toks) and m > k + 1 and toks[m].text == ")":
                k = m + 1
                if k < len(toks):
                    toks[k].after_aside = True
                continue
        out.append(toks[k])
        k += 1
    return out
