"""Reported-speech markers, the attributions without a speech verb: zufolge, laut, nach
Angaben (Aussage, Darstellung …) des …, according to, ", so X", "hieß es", "demnach",
and a name followed by a colon and a quotation ("Kolb: „…“"); and the clause helpers
the speech verbs share."""

from __future__ import annotations

from .lexicon import (
    _ADVERBS_AFTER_VERB,
    _CLAUSAL,
    _EN_NP_WORDS,
    _PREPOSITIONS,
    _REPORTED,
    _STATEMENT_NOUNS,
    _TIME_MODIFIERS,
    _Lexicon,
)
from .phrases import (
    _degenitive,
    _en_np_word,
    _is_time,
    _name_of,
    _np_forward,
    _np_speaker,
    _np_token,
)
from .records import _Attr, _Raw, _Sentence, _Tok

# Look-arounds stop after this many tokens: a clause longer than that is not one a
# speaker is attributed in, and the bound keeps a sentence of speech verbs linear.
_WINDOW = 48


def _clause_start(toks: list[_Tok], i: int) -> int:
    """Index of the first token of toks[i]'s clause (after a comma, colon, quotation…);
    a word index when the clause runs longer than _WINDOW. A quoted title inside the
    clause ("“Northern Lights” director …") does not end it."""
    j = i
    while j > 0 and (toks[j - 1].word or toks[j - 1].title) and i - j < _WINDOW:
        j -= 1
    return j


def _next_punct(toks: list[_Tok], i: int, marks: str = ",;:") -> int:
    k = i
    end = min(len(toks), i + _WINDOW)
    while k < end and not (not toks[k].word and toks[k].quote is None and toks[k].text in marks):
        k += 1
    return k


def _hiess_es(sent: _Sentence, i: int, lex: _Lexicon) -> _Attr:
    """ "…, hieß es aus dem Kreml", "hieß es in einer Erklärung des Ministeriums"."""
    toks = sent.toks
    raw = _Raw(anonymous=True)
    for k in range(i + 2, min(len(toks), i + 8)):
        if toks[k].lower in ("aus", "von", "des", "der") and k + 1 < len(toks):
            span = _np_forward(toks, k + 1, lex)
            if span is not None:
                words = [t.text for t in toks[span[0] : span[1]] if t.lower not in lex.determiners]
                article = toks[k].lower if toks[k].lower in ("des", "der") else ""
                found = _name_of(_degenitive(words, article) if article else words, lex)
                if found is not None:
                    raw = found
                break
        if not toks[k].word:
            break
    raw.pos = toks[i].start
    cue = f"{toks[i].text} es"
    if i > 0 and toks[i - 1].text == ",":
        return _Attr(raw, _CLAUSAL, "trailing", (sent.start, toks[i - 1].start), cue=cue)
    return _Attr(raw, _CLAUSAL, "frame", (sent.start, sent.end), cue=cue)


def _so_speaker(sent: _Sentence, i: int, lex: _Lexicon) -> _Attr | None:
    """ "…, so Tokajew.", "…, so ein Sprecher.", "…, so das Ziel des Vereins." (a goal:
    its holder speaks on, but the goal itself is no claim)."""
    toks = sent.toks
    span = _np_forward(toks, i + 1, lex)
    if not span:
        return None
    k = span[1]
    if k < len(toks) and toks[k].text not in ".!?":
        # "…, so Tokajew weiter.", "…, so der Sprecher am Montag.": an adverbial may follow
        after = toks[k]
        if not (
            after.lower in _ADVERBS_AFTER_VERB
            or after.lower in _PREPOSITIONS
            or _is_time(after.lower)
            or after.lower in _TIME_MODIFIERS
        ):
            return None
    raw = _np_speaker(toks, span, lex)
    if not (raw.name or raw.pronoun or raw.owner):
        return None
    content = (sent.start, toks[i - 1].start)
    return _Attr(raw, _CLAUSAL, "trailing", content, cue=toks[i].text, no_claim=raw.goal)


def _reported_marker(sent: _Sentence, i: int, lex: _Lexicon) -> _Attr | None:
    """ "Berichten zufolge …", "Tokajew zufolge …", "Angaben des Ministeriums zufolge …",
    "according to the ministry, …"."""
    toks = sent.toks
    if toks[i].lower == "according":
        return _according_to(sent, i, lex)
    j = i
    while (
        j > 0 and i - j < 6 and (_np_token(toks, j - 1, lex) or toks[j - 1].lower in lex.pronouns)
    ):
        j -= 1
        if toks[j].lower in lex.pronouns:
            break
    if j == i:
        return None
    words = [t.text for t in toks[j:i]]
    connector = next((n for n in range(1, len(words)) if words[n].lower() in ("des", "der")), 0)
    raw: _Raw | None
    if toks[j].lower in lex.pronouns:
        raw = _Raw(pronoun={"ihm": "er", "ihr": "sie", "ihnen": "sie"}.get(toks[j].lower, "er"))
    elif connector:  # "Angaben des Ministeriums zufolge"
        article = words[connector].lower()
        raw = _name_of(_degenitive(words[connector + 1 :], article), lex)
    else:
        raw = _name_of([w for w in words if w.lower() not in lex.determiners], lex)
    if raw is None:
        return None
    raw.pos = toks[j].start
    start = toks[j].start if j > 0 and toks[j - 1].text == "," else sent.start
    return _Attr(raw, _REPORTED, "frame", (start, sent.end), cue=toks[i].text)


def _according_to(sent: _Sentence, i: int, lex: _Lexicon) -> _Attr | None:
    """ "according to a new Harlow County survey, …": English takes everything up to the comma
    or the sentence's end as the source, adjectives and all, when it is a noun phrase."""
    toks = sent.toks
    j = i + 2
    k = j
    while (
        k < len(toks)
        and k - j < 10
        and (_en_np_word(toks[k], lex) or (toks[k].lower in ("of", "for") and k > j))
    ):
        k += 1
    if k > j and (k == len(toks) or toks[k].text in ",.;!?"):
        words = [t for t in toks[j:k] if t.lower not in lex.determiners]
        if any(t.cap for t in words):
            while len(words) > 1 and not words[0].cap and words[0].lower not in _EN_NP_WORDS:
                words = words[1:]  # "a new Harlow County survey": adjectives before a name go
        raw = _name_of([t.text for t in words], lex)
        if raw is not None and not _is_time(words[-1].lower):
            return _placed(sent, i, k, raw, "according to")
    return _reported_after(sent, i, j, lex)


def _reported_after(sent: _Sentence, i: int, j: int, lex: _Lexicon) -> _Attr | None:
    """ "laut Innenministerium …", "according to the ministry, …", "…, according to X."."""
    toks = sent.toks
    span = _np_forward(toks, j, lex)
    if span is None:
        span_words = toks[j : j + 1]
        if not span_words or not span_words[0].word:
            return None
        span = (j, j + 1)
    words = [t.text for t in toks[span[0] : span[1]] if t.lower not in lex.determiners]
    raw = _np_speaker(toks, span, lex) if len(words) > 1 else _name_of(words, lex)
    if raw is None or not (raw.name or raw.anonymous or raw.pronoun):
        return None
    cue = "according to" if toks[i].lower == "according" else toks[i].text
    return _placed(sent, i, span[1], raw, cue)


def _placed(sent: _Sentence, i: int, k: int, raw: _Raw, cue: str) -> _Attr:
    """The marker toks[i] with its source ending before toks[k]: the statement is before
    it (", according to X."), after it ("According to X, …") or around it."""
    toks = sent.toks
    raw.pos = toks[i].start
    if i > 0 and toks[i - 1].text == ",":
        return _Attr(raw, _REPORTED, "trailing", (sent.start, toks[i - 1].start), cue=cue)
    if k < len(toks) and toks[k].text == ",":
        return _Attr(raw, _REPORTED, "leading", (toks[k].end, sent.end), cue=cue)
    return _Attr(raw, _REPORTED, "frame", (sent.start, sent.end), cue=cue)


def _is_statement_marker(toks: list[_Tok], i: int) -> bool:
    """ "nach Angaben", "nach Behördenangaben", "nach Aussage", "nach Darstellung", "nach
    eigener Einschätzung": "nach" and a noun for what someone said."""
    if i + 1 >= len(toks):
        return False
    k = i + 1
    if toks[k].lower in ("eigener", "eigenen") and k + 1 < len(toks):
        k += 1
    word = toks[k].lower
    return word.endswith("angaben") or word in _STATEMENT_NOUNS


def _reported_angaben(sent: _Sentence, i: int, lex: _Lexicon) -> _Attr | None:
    """ "nach Angaben des Innenministeriums", "nach Behördenangaben", "nach Aussage des
    Polizisten", and "nach eigener Aussage" / "nach eigenen Angaben": the subject's own."""
    toks = sent.toks
    k = i + 1
    own = toks[k].lower in ("eigener", "eigenen")
    if own:
        k += 1
    word = toks[k]
    raw: _Raw | None
    if own:
        raw = _subject(toks, i, k + 1, lex)
    elif word.lower in _STATEMENT_NOUNS or word.lower == "angaben":
        m0 = k + 1
        if m0 < len(toks) and toks[m0].lower in ("des", "der", "von"):
            art = toks[m0].lower
            m = m0 + 1
            seen_noun = False
            while m < len(toks) and m - m0 < 6 and _np_token(toks, m, lex):
                if seen_noun and toks[m].lower in lex.determiners:
                    break  # "des Verbands eine Studie": the genitive has ended
                seen_noun = seen_noun or toks[m].cap
                m += 1
            words = [t.text for t in toks[m0 + 1 : m] if t.lower not in lex.determiners]
            if art == "von" and m0 + 1 < len(toks) and toks[m0 + 1].lower in lex.determiners:
                art = "des" if toks[m0 + 1].lower == "dem" else "der"
            raw = _name_of(_degenitive(words, art) if art != "von" else words, lex)
        else:
            raw = _Raw(anonymous=True)
    else:
        prefix = word.text[: -len("angaben")]
        raw = _Raw(prefix, True) if prefix and prefix[0].isupper() else _Raw(anonymous=True)
        if prefix.lower() in ("eigenen", "offiziellen", "ersten"):
            raw = _Raw(anonymous=True)
    if raw is None:
        return None
    raw.pos = toks[i].start
    start = toks[i].start if i > 0 and toks[i - 1].text == "," else sent.start
    cue = " ".join(t.text for t in toks[i : k + 1])
    return _Attr(raw, _REPORTED, "frame", (start, sent.end), cue=cue)


def _subject(toks: list[_Tok], i: int, after: int, lex: _Lexicon) -> _Raw:
    """Whose "eigene Aussage" it is: the sentence's subject, before the marker ("Der
    Verein hat nach eigener Aussage …") or after the verb that follows it ("Nach
    eigenen Angaben hat er …")."""
    if i > 0:
        span = _np_forward(toks, 0, lex)
    else:
        span = _np_forward(toks, after + 1, lex) if after + 1 < len(toks) else None
    if span is None:
        return _Raw(anonymous=True)
    raw = _np_speaker(toks, span, lex)
    return raw if (raw.name or raw.pronoun or raw.owner) else _Raw(anonymous=True)


def _colon_after_name(sent: _Sentence, lex: _Lexicon) -> _Attr | None:
    """ "Kolb: „Bleibt zu Hause!“": a name, a colon and a quotation."""
    toks = sent.toks
    k = 0
    while k < len(toks) and k < 5 and toks[k].word:
        k += 1
    if not (0 < k < len(toks) - 1 and toks[k].text == ":" and toks[k + 1].quote is not None):
        return None
    if any(not t.cap or t.lower in lex.determiners for t in toks[:k]):
        return None  # a name, not "Die Regierung:" or a headline's "Kasachstan:"
    raw = _name_of([t.text for t in toks[:k]], lex)
    if raw is None or raw.is_org or raw.anonymous:
        return None
    raw.pos = toks[0].start
    return _Attr(raw, _CLAUSAL, "leading", (toks[k + 1].start, sent.end), cue=":")
