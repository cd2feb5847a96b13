"""What kind of statement a sentence makes, and its span: a direct quotation, indirect
speech (Konjunktiv), a paraphrase or a third party's report; and claims relayed by their
rebuttal ("russische Behauptungen, wonach …")."""

from __future__ import annotations

import itertools
import re

from .data import Attribution
from .lexicon import (
    _CLAIM_NOUNS,
    _DE_DETERMINERS,
    _DE_PREPOSITIONS,
    _DE_STOP,
    _DEMONYMS,
    _KONJUNKTIV,
    _KONJUNKTIV_STRONG,
    _NOT_VERBS_DE,
    _OBJECT,
    _QUESTION_WORDS,
    _REPORTED,
    _SUBORDINATE,
    _THAT_WORDS,
    _Lexicon,
)
from .markers import _next_punct
from .records import _Attr, _Raw, _Sentence, _Tok


def _is_konjunktiv(toks: list[_Tok], k: int) -> tuple[bool, bool]:
    """(Konjunktiv, unambiguous Konjunktiv I) for the word toks[k]."""
    tok = toks[k]
    low = tok.lower
    if not tok.word or (tok.cap and k > 0):
        return False, False
    prev = toks[k - 1].lower if k > 0 else ""
    if prev in ("ich", "zu"):
        return False, False  # "ich habe": indicative
    if low in _KONJUNKTIV:
        return True, low in _KONJUNKTIV_STRONG
    if (
        len(low) < 5
        or not low.endswith("e")
        or low.endswith(("te", "ie", "ische", "liche", "weise"))
        or low in _NOT_VERBS_DE
        or low in _DE_DETERMINERS
        or low in _DE_STOP
    ):
        return False, False
    if prev in _DE_DETERMINERS or prev in _DE_PREPOSITIONS or k == 0:
        return False, False  # "die neue …", "am kommende …"
    nxt = toks[k + 1] if k + 1 < len(toks) else None
    if (
        nxt is not None
        and nxt.word
        and (nxt.cap or nxt.lower.endswith(("e", "en", "er", "es")))
        and nxt.lower not in _DE_DETERMINERS
        and nxt.lower not in _DE_STOP
    ):
        return False, False  # "tiefe Krise": an adjective before its noun
    if nxt is not None and not nxt.word and nxt.text == ",":
        return False, False  # "die russische, die …"
    return True, False


def _konjunktiv(toks: list[_Tok], lo: int, hi: int, lex: _Lexicon) -> tuple[bool, bool]:
    if lex.language != "de":
        return False, False
    any_k = strong = False
    for k in range(max(0, lo), min(hi, len(toks))):
        is_k, is_strong = _is_konjunktiv(toks, k)
        any_k |= is_k
        strong |= is_strong
    return any_k, strong


_TRIM_TAIL = " \t\r\n.,;:–—-"
_TRIM_HEAD = " \t\r\n,;:–—-"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _TRIM_HEAD:
        start += 1
    while end > start and text[end - 1] in _TRIM_TAIL:
        end -= 1
    return start, end


def _direct_span(text: str, sent: _Sentence, lo: int, hi: int) -> tuple[int, int] | None:
    """The quoted statement when text[lo:hi] is nothing but quotation(s), or narration
    ending in a colon followed by a quotation ("… an die Demonstranten: Ich …", sagte er)."""
    quotes = [q for q in sent.quotes if q.outer_end > lo and q.outer_start < hi]
    if not quotes:
        return None
    rest_after = text[quotes[-1].outer_end : hi].strip(_TRIM_TAIL + "!?")
    if rest_after:
        return None
    first = 0
    before = text[lo : quotes[0].outer_start].strip()
    gaps_ok = all(
        not text[a.outer_end : b.outer_start].strip(" ,;:–—-.…")
        for a, b in itertools.pairwise(quotes)
    )
    if before and not before.endswith(":"):
        # only the quotations after the last colon count
        for n in range(len(quotes) - 1, 0, -1):
            k = quotes[n].outer_start
            while k > lo and text[k - 1].isspace():
                k -= 1
            if k > lo and text[k - 1] == ":":
                first = n
                break
        else:
            return None
        gaps_ok = True
    if not gaps_ok:
        return None
    s, e = _trim(text, quotes[first].inner_start, quotes[-1].inner_end)
    if s >= e or not any(ch.isalnum() for ch in text[s:e]):
        return None
    return s, e


def _tok_range(toks: list[_Tok], lo: int, hi: int) -> tuple[int, int]:
    a = 0
    while a < len(toks) and toks[a].start < lo:
        a += 1
    b = a
    while b < len(toks) and toks[b].end <= hi:
        b += 1
    return a, b


def _main_clause_end(toks: list[_Tok]) -> int:
    """Where the sentence's main clause ends: at the first comma before a subordinating
    word ("…, ob er geimpft sei": that Konjunktiv is the question's, not reported
    speech). A sentence that opens with a subordinate clause is taken whole."""
    if toks and toks[0].lower in _SUBORDINATE and toks[0].lower not in _DE_DETERMINERS:
        return len(toks)
    for k in range(1, len(toks) - 1):
        if toks[k].text == "," and toks[k + 1].lower in _SUBORDINATE:
            return k
    return len(toks)


def _classify(text: str, sent: _Sentence, lex: _Lexicon) -> None:
    toks = sent.toks
    sent.konjunktiv, sent.konjunktiv_strong = _konjunktiv(toks, 0, _main_clause_end(toks), lex)
    sent.direct_span = _direct_span(text, sent, sent.start, sent.end)
    if sent.attr is not None:
        sent.claim = _claim(text, sent, sent.attr, lex)
        if sent.attr.before is not None:
            sent.before_claim = _claim(text, sent, sent.attr.before, lex)
        if sent.attr.tail is not None:
            lo, hi = sent.attr.tail
            a, b = _tok_range(toks, lo, hi)
            s, e = _trim(text, lo, hi)
            if s < e and (lex.language == "en" or _konjunktiv(toks, a, b, lex)[0]):
                sent.tail_claim = (Attribution.INDIRECT, s, e)


def _claim(text: str, sent: _Sentence, attr: _Attr, lex: _Lexicon) -> _Claim | None:
    """The statement an attribution introduces: kind and span."""
    toks = sent.toks
    if attr.no_claim or attr.layout == "previous":
        return None
    lo, hi = attr.content
    if attr.fragment:
        s, e = _trim(text, lo, hi)
        return (Attribution.DIRECT, s, e) if s < e and _has_word(text, s, e) else None
    if attr.layout == "middle":
        direct = _direct_span_middle(text, sent)
    else:
        direct = _direct_span(text, sent, lo, hi)
    if direct is not None and attr.kind != _REPORTED:
        return (Attribution.DIRECT, *direct)
    a, b = _tok_range(toks, lo, hi)
    konj, _strong = _konjunktiv(toks, a, b, lex)
    s, e = _trim(text, lo, hi)
    words = sum(1 for t in toks[a:b] if t.word or t.quote is not None)
    # "Er sagte nichts": a frame needs more than speaker, verb and one word
    if s >= e or words < (4 if attr.layout == "frame" else 2):
        return None
    if attr.raw.anonymous and attr.kind != _REPORTED and not konj:
        return None  # "…, heißt es." about the author's own facts: nobody's claim
    if (
        a < len(toks)
        and toks[a].lower in _QUESTION_WORDS
        and attr.cue.lower().startswith(("frag", "ask"))
    ):
        return None  # "fragte, warum …": a question asserts nothing
    if attr.kind == _REPORTED:
        kind = Attribution.REPORTED
    elif konj:
        kind = Attribution.INDIRECT
    elif attr.layout == "frame":
        kind = Attribution.PARAPHRASE
    elif attr.that_clause:
        kind = Attribution.INDIRECT
    elif attr.kind == _OBJECT:
        kind = Attribution.PARAPHRASE
    elif attr.layout == "leading" and _after_colon(text, s) and lex.language == "de":
        kind = Attribution.DIRECT  # "Der Landrat mahnte: Bleibt zu Hause!": after a colon
    else:
        kind = Attribution.INDIRECT
    return (kind, s, e)


_Claim = tuple[Attribution, int, int]


def _has_word(text: str, s: int, e: int) -> bool:
    return any(ch.isalnum() for ch in text[s:e])


def _after_colon(text: str, s: int) -> bool:
    k = s
    while k > 0 and text[k - 1].isspace():
        k -= 1
    return k > 0 and text[k - 1] == ":"


def _direct_span_middle(text: str, sent: _Sentence) -> tuple[int, int] | None:
    quotes = sent.quotes
    if len(quotes) < 2:
        return None
    if text[sent.start : quotes[0].outer_start].strip() or text[
        quotes[-1].outer_end : sent.end
    ].strip(_TRIM_TAIL + "!?"):
        return None
    s, e = _trim(text, quotes[0].inner_start, quotes[-1].inner_end)
    return (s, e) if s < e else None


def _claim_clauses(text: str, sent: _Sentence, lex: _Lexicon) -> list[tuple[int, int, _Raw, str]]:
    """ "russische Behauptungen …, wonach die USA …": a claim relayed by its rebuttal."""
    toks = sent.toks
    out = []
    for i, tok in enumerate(toks):
        if tok.lower not in _CLAIM_NOUNS or i == 0:
            continue
        owner = toks[i - 1].lower
        owner = re.sub(r"(e|en|er|es|em)$", "", owner) if lex.language == "de" else owner
        country = _DEMONYMS.get(owner)
        if country is None:
            continue
        k = i + 1
        while k < len(toks) and k - i <= 4 and toks[k].word and toks[k].lower not in _THAT_WORDS:
            k += 1  # "Behauptungen zurück, wonach": skip the particle
        if k < len(toks) and toks[k].text == ",":
            k += 1
        if k < len(toks) and toks[k].lower in ("wonach", "dass", "that"):
            start = (
                toks[k].start
                if lex.language == "de"
                else (toks[k + 1].start if k + 1 < len(toks) else sent.end)
            )
            end_tok = _next_punct(toks, k + 1, ";")
            end = toks[end_tok].start if end_tok < len(toks) else sent.end
            s, e = _trim(text, start, end)
            if e - s > 10:
                out.append((s, e, _Raw(country, True, pos=tok.start), tok.text))
    return out
