"""Attribution in one sentence: the speech verb (sagte, warf … vor, said) or the
reported-speech marker (zufolge, laut, nach Angaben, according to), the speaker phrase
that goes with it, and where the statement lies around them."""

from __future__ import annotations

from .lexicon import (
    _CLAUSAL,
    _EN_BETWEEN,
    _OBJECT,
    _PREPOSITIONS,
    _REPORTED,
    _THAT_WORDS,
    _Lexicon,
    _Verb,
)
from .phrases import _degenitive, _name_of, _np_backward, _np_forward, _np_speaker, _np_token
from .records import _Attr, _Raw, _Sentence, _Tok

# Look-arounds stop after this many tokens: a clause longer than that is not one a
# speaker is attributed in, and the bound keeps a sentence of speech verbs linear.
_WINDOW = 48


def _clause_start(toks: list[_Tok], i: int) -> int:
    """Index of the first token of toks[i]'s clause (after a comma, colon, quotation…);
    a word index when the clause runs longer than _WINDOW."""
    j = i
    while j > 0 and toks[j - 1].word and i - j < _WINDOW:
        j -= 1
    return j


def _next_punct(toks: list[_Tok], i: int, marks: str = ",;:") -> int:
    k = i
    end = min(len(toks), i + _WINDOW)
    while k < end and not (not toks[k].word and toks[k].quote is None and toks[k].text in marks):
        k += 1
    return k


def _find_attribution(sent: _Sentence, lex: _Lexicon) -> _Attr | None:
    """The sentence's attribution: the one right after a quotation if there is one
    ("Er warnte die Demonstranten: …", sagte Tokajew), else the first."""
    toks = sent.toks
    n = len(toks)
    fallback = None
    first = None
    tried = 0
    for i, tok in enumerate(toks):
        if not tok.word:
            continue
        low = tok.lower
        found = None
        if low == "zufolge" or (low == "according" and i + 1 < n and toks[i + 1].lower == "to"):
            found = _reported_marker(sent, i, lex)
        elif low == "laut" and i + 1 < n:
            found = _reported_after(sent, i, i + 1, lex)
        elif low == "nach" and i + 1 < n and toks[i + 1].lower.endswith("angaben"):
            found = _reported_angaben(sent, i, lex)
        elif low in ("demnach", "demzufolge") and fallback is None:
            # "demnach": whoever was cited last, unless the sentence names its source
            fallback = _Attr(
                _Raw(previous=True, pos=tok.start), _REPORTED, "frame", (sent.start, sent.end)
            )
        elif low == "so" and i > 0 and toks[i - 1].text == ",":
            span = _np_forward(toks, i + 1, lex)
            if span and (span[1] >= n or toks[span[1]].text in ".!?"):
                raw = _np_speaker(toks, span, lex)
                if raw.name or raw.pronoun:
                    found = _Attr(raw, _CLAUSAL, "trailing", (sent.start, toks[i - 1].start))
        elif low == "hieß" and i + 1 < n and toks[i + 1].lower == "es":
            found = _hiess_es(sent, i, lex)
        elif low in lex.verbs and not (tok.cap and lex.language == "en" and i > 0):
            found = _speech_verb(sent, i, lex)
        if found is None:
            continue
        if found.after_quote:
            return found
        first = first or found
        tried += 1
        if tried >= 4:
            break
    return first or fallback


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
    if i > 0 and toks[i - 1].text == ",":
        return _Attr(raw, _CLAUSAL, "trailing", (sent.start, toks[i - 1].start))
    return _Attr(raw, _CLAUSAL, "frame", (sent.start, sent.end))


def _speech_verb(sent: _Sentence, i: int, lex: _Lexicon) -> _Attr | None:
    """The attribution around the speech verb toks[i], if it has a speaker."""
    toks = sent.toks
    n = len(toks)
    verb = lex.verbs[toks[i].lower]
    if i > 0 and toks[i - 1].lower in lex.determiners and lex.language == "de":
        return None  # "die erklärte Absicht": an adjective
    kind = verb.kind
    last = i  # the verb's last part: its particle when it has one
    if verb.particles:
        for k in range(i + 1, _next_punct(toks, i + 1)):
            if toks[k].word and toks[k].lower in verb.particles:
                kind, last = verb.particles[toks[k].lower], k
                break
        else:
            if lex.language == "de":
                return None  # "warf einen Stein": no particle, no accusation
    v = i  # where the finite verb sits
    if lex.language == "de" and verb.participle:
        # "Tokajew hatte zuvor erklärt, …": the speaker sits around the auxiliary
        for k in range(i - 1, _clause_start(toks, i) - 1, -1):
            if toks[k].lower in ("hat", "hatte", "haben", "hatten"):
                v = k
                break
        else:
            return None
    elif lex.language == "en":
        while v > 0 and toks[v - 1].word and toks[v - 1].lower in _EN_BETWEEN:
            v -= 1
    cs = _clause_start(toks, v)

    span = None
    position = ""
    if cs < v:
        before = _np_backward(toks, v, lex)
        if before is not None and before[0] == cs:
            span, position = before, "before"
    if span is None and lex.language == "en":
        span = _appositive_subject(toks, cs, lex)
        position = "opening" if span else ""
    if span is None:
        span = _np_forward(toks, v + 1, lex)
        position = "after" if span else ""
    if span is None:
        span = _appositive_subject(toks, cs, lex)
        position = "opening" if span else ""
    if span is None:
        return None
    raw = _np_speaker(toks, span, lex)
    if not (raw.name or raw.pronoun or raw.anonymous):
        return None
    after_attr = max(span[1] if position == "after" else v + 1, last + 1)

    # Where is the statement? Before the attribution ("…", sagte er), around it
    # ("…", sagte er, "…"), or after it (Er sagte, …).
    if cs > 0 and position != "opening":
        if toks[cs - 1].word:
            return None  # a clause too long to be an attribution
        chunk = toks[cs - 1].end if toks[cs - 1].quote is not None else toks[cs - 1].start
        after_quote = toks[cs - 1].quote is not None or (
            cs >= 2 and toks[cs - 1].text == "," and toks[cs - 2].quote is not None
        )
        k = _next_punct(toks, after_attr)
        if k + 1 < n and toks[k].text in ",:" and toks[k + 1].quote is not None:
            return _Attr(raw, kind, "middle", (sent.start, sent.end), after_quote=True)
        return _Attr(raw, kind, "trailing", (sent.start, chunk), after_quote=after_quote)
    return _leading(sent, raw, kind, verb, v, after_attr, lex)


def _appositive_subject(toks: list[_Tok], cs: int, lex: _Lexicon) -> tuple[int, int] | None:
    """ "Jen Psaki, die Sprecherin des Weißen Hauses, sagte …": (0, end of the apposition)."""
    if cs < 2 or toks[cs - 1].text != ",":
        return None
    second = _np_backward(toks, cs - 1, lex)
    if second is None or second[0] < 2 or toks[second[0] - 1].text != ",":
        return None
    first = _np_backward(toks, second[0] - 1, lex)
    if first is None or first[0] != 0:
        return None
    return (0, cs - 1)


def _leading(
    sent: _Sentence, raw: _Raw, kind: str, verb: _Verb, v: int, k: int, lex: _Lexicon
) -> _Attr:
    """Speaker and verb come first; the statement follows a comma, a colon or "dass"/"that"
    within a few words ("erklärte am Mittwoch, …"). Otherwise speaker and statement are
    interwoven ("warf "Terrorgruppen" vor, …") and the whole sentence is the claim."""
    toks = sent.toks
    n = len(toks)
    start = k
    content_from = None
    that = False
    while k < min(n, start + 7):
        t = toks[k]
        if t.quote is not None:
            break
        if not t.word and t.text in ",:":
            content_from = k + 1
            break
        if t.word and t.lower in _THAT_WORDS:
            content_from = k
            break
        if t.word and t.cap and not _ends_phrase(toks, k, start):
            break  # an object noun: the statement is interwoven with the verb
        k += 1
    if content_from is not None and content_from < n and toks[content_from].lower in _THAT_WORDS:
        that = True
        if lex.language == "en":
            content_from += 1  # "said that …": the claim starts after "that"
    if (
        content_from is None
        and lex.language == "en"
        and kind == _CLAUSAL
        and start < n
        and (toks[start].word or toks[start].quote is not None)
        and toks[v].lower not in ("told", "tells")
    ):
        content_from = start  # "Psaki said the claims were false"
    if kind == _OBJECT and verb.particles and lex.language == "de":
        content_from = None  # "warf … vor", "wies … zurück": the object is part of the claim
    if content_from is None or content_from >= n:
        return _Attr(raw, kind, "frame", (sent.start, sent.end), that)
    return _Attr(raw, kind, "leading", (toks[content_from].start, sent.end), that)


def _ends_phrase(toks: list[_Tok], k: int, start: int) -> bool:
    """Whether the noun toks[k] closes a prepositional phrase ("am Mittwoch", "in der
    Hauptstadt", "on Tuesday") rather than being the verb's object."""
    for j in range(k - 1, max(start, k - 3) - 1, -1):
        if toks[j].lower in _PREPOSITIONS:
            return True
        if not toks[j].word or toks[j].cap:
            return False
    return False


def _reported_marker(sent: _Sentence, i: int, lex: _Lexicon) -> _Attr | None:
    """ "Berichten zufolge …", "Tokajew zufolge …", "Angaben des Ministeriums zufolge …",
    "according to the ministry, …"."""
    toks = sent.toks
    if toks[i].lower == "according":
        return _reported_after(sent, i, i + 2, lex)
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
    return _Attr(raw, _REPORTED, "frame", (start, sent.end))


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
    raw.pos = toks[i].start
    if i > 0 and toks[i - 1].text == ",":
        return _Attr(raw, _REPORTED, "trailing", (sent.start, toks[i - 1].start))
    k = span[1]
    if k < len(toks) and toks[k].text == ",":
        return _Attr(raw, _REPORTED, "leading", (toks[k].end, sent.end))
    return _Attr(raw, _REPORTED, "frame", (sent.start, sent.end))


def _reported_angaben(sent: _Sentence, i: int, lex: _Lexicon) -> _Attr | None:
    """ "nach Angaben des Innenministeriums", "nach Behördenangaben"."""
    toks = sent.toks
    word = toks[i + 1]
    raw: _Raw | None
    if word.lower == "angaben":
        k = i + 2
        if k < len(toks) and toks[k].lower in ("des", "der", "von"):
            art = toks[k].lower
            m = k + 1
            while m < len(toks) and m - k < 6 and _np_token(toks, m, lex):
                m += 1
            words = [t.text for t in toks[k + 1 : m] if t.lower not in lex.determiners]
            if art == "von" and k + 1 < len(toks) and toks[k + 1].lower in lex.determiners:
                art = "des" if toks[k + 1].lower == "dem" else "der"
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
    return _Attr(raw, _REPORTED, "frame", (start, sent.end))
