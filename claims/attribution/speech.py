"""Attribution in one sentence: the speech verb (sagte, warf … vor, said) or one of the
reported-speech markers (see `markers`), the speaker phrase that goes with it, and where
the statement lies around them."""

from __future__ import annotations

from .lexicon import (
    _ADVERBS_AFTER_VERB,
    _BACK_REFERENCES,
    _CLAUSAL,
    _CONJUNCTIONS,
    _EN_ADDING,
    _EN_AUDIENCE,
    _EN_BETWEEN,
    _EN_OPENERS,
    _INFINITIVE_TAKERS,
    _OBJECT,
    _ORG_TYPES,
    _PREPOSITIONS,
    _RELATIVES,
    _REPORTED,
    _SUBJECT_PRONOUNS,
    _SUBORDINATORS,
    _THAT_WORDS,
    _TIME_MODIFIERS,
    _Lexicon,
    _Verb,
)
from .markers import (
    _WINDOW,
    _clause_start,
    _colon_after_name,
    _hiess_es,
    _is_statement_marker,
    _next_punct,
    _reported_after,
    _reported_angaben,
    _reported_marker,
    _so_speaker,
)
from .phrases import (
    _is_person_role,
    _is_time,
    _np_backward,
    _np_forward,
    _np_speaker,
    _unpossessive,
)
from .records import _Attr, _Raw, _Sentence, _Tok

__all__ = ["_clause_start", "_find_attribution", "_next_punct"]


def _find_attribution(sent: _Sentence, lex: _Lexicon) -> _Attr | None:
    """The sentence's attribution: the one right after a quotation if there is one
    ("Er warnte die Demonstranten: …", sagte Tokajew), else the first."""
    toks = sent.toks
    n = len(toks)
    fallback = None
    first = None
    tried = 0
    # "Asked whether …, Ortega said": the opening participle clause attributes nothing
    opener_end = -1
    if lex.language == "en" and n and toks[0].lower in _EN_OPENERS:
        comma = _next_punct(toks, 1, ",")
        opener_end = comma if comma < n else 0
    for i, tok in enumerate(toks):
        if not tok.word or i <= opener_end:
            continue
        low = tok.lower
        found = None
        if low == "zufolge" or (low == "according" and i + 1 < n and toks[i + 1].lower == "to"):
            found = _reported_marker(sent, i, lex)
        elif low == "laut" and i + 1 < n:
            found = _reported_after(sent, i, i + 1, lex)
        elif low == "nach" and _is_statement_marker(toks, i):
            found = _reported_angaben(sent, i, lex)
        elif low in ("demnach", "demzufolge") and fallback is None:
            # "demnach": whoever was cited last, unless the sentence names its source
            fallback = _Attr(
                _Raw(previous=True, pos=tok.start),
                _REPORTED,
                "frame",
                (sent.start, sent.end),
                cue=tok.text,
            )
        elif low == "so" and i > 0 and toks[i - 1].text == ",":
            found = _so_speaker(sent, i, lex)
        elif low in ("hieß", "heißt") and i + 1 < n and toks[i + 1].lower == "es":
            found = _hiess_es(sent, i, lex)
        elif low in lex.verbs and not (tok.cap and (lex.language != "en" or i > 0)):
            found = _speech_verb(sent, i, lex)
        if found is None:
            continue
        if found.after_quote:
            if first is not None and first.layout == "leading" and first.content[0] < tok.start:
                first.content = (first.content[0], _quote_start(toks, first.content[0], i))
                found.before = first
            return found
        first = first or found
        tried += 1
        if tried >= 4:
            break
    return first or fallback or _colon_after_name(sent, lex)


def _quote_start(toks: list[_Tok], lo: int, i: int) -> int:
    """Where the first quotation after position `lo` and before toks[i] starts."""
    for t in toks[:i]:
        if t.start >= lo and t.quote is not None and not t.title:
            return t.start
    return toks[i].start


def _particle(toks: list[_Tok], i: int, verb: _Verb) -> int:
    """Index of the verb's separable particle in its clause ("warf … vor"), or -1. A
    naming verb's "von" may come first: "Von einem „Rückschlag“ sprach Ott"."""
    assert verb.particles is not None
    for k in range(i + 1, _next_punct(toks, i + 1)):
        if toks[k].word and toks[k].lower in verb.particles:
            # a German particle ends its clause ("gab an, dass …", "wies … zurück."); one
            # followed by more words is a preposition ("geben die Kinder an der Schule ab")
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            if verb.naming or nxt is None or not nxt.word or nxt.lower in _THAT_WORDS:
                return k
    if verb.naming:
        for k in range(i - 1, max(-1, i - 9), -1):
            if toks[k].word and toks[k].lower in verb.particles:
                return k
            if not (toks[k].word or toks[k].quote is not None):
                break
    return -1


def _skip_adverbs(toks: list[_Tok], k: int, lex: _Lexicon) -> int:
    """ "sagt auch Kolb", "sagte dazu der Sprecher": past the adverbs before the speaker."""
    m = k
    while m < len(toks) and m - k < 3 and toks[m].lower in _ADVERBS_AFTER_VERB:
        m += 1
    return m if m < len(toks) and toks[m].word else k


def _subordinate_subject(
    toks: list[_Tok], lo: int, v: int, lex: _Lexicon
) -> tuple[int, int] | None:
    """The speaker after a subordinating word within the verb's clause."""
    for k in range(v - 1, max(lo, v - 13) - 1, -1):
        if toks[k].lower in _SUBORDINATORS:
            before = _np_backward(toks, v, lex, k + 1)
            return before if before is not None and before[0] == k + 1 else None
    return None


def _cue(toks: list[_Tok], i: int, particle: int) -> str:
    if particle < 0:
        return toks[i].text
    verb, part = toks[i].text, toks[particle].text
    if particle < i:
        return f"{part} … {verb}"
    return f"{verb} {part}" if particle == i + 1 else f"{verb} … {part}"


def _skip_back_en(toks: list[_Tok], v: int, lo: int) -> int:
    """Move back over what may stand between an English subject and its verb: "Psaki
    also said", "health officials this week said", "stressed on Thursday"."""
    while v > lo and toks[v - 1].word:
        low = toks[v - 1].lower
        if (
            low in _EN_BETWEEN
            or _is_time(low)
            or (low in _TIME_MODIFIERS and v - 2 >= lo and _is_time(toks[v - 2].lower))
            or (
                low in ("this", "last", "earlier", "on")
                and v < len(toks)
                and _is_time(toks[v].lower)
            )
        ):
            v -= 1
        else:
            break
    return v


def _speech_verb(sent: _Sentence, i: int, lex: _Lexicon) -> _Attr | None:
    """The attribution around the speech verb toks[i], if it has a speaker."""
    toks = sent.toks
    n = len(toks)
    german = lex.language == "de"
    verb = lex.verbs[toks[i].lower]
    if i > 0 and toks[i - 1].lower in lex.determiners and german and i + 1 < n and toks[i + 1].cap:
        return None  # "die erklärte Absicht": an adjective
    if (
        not german
        and i > 0
        and (toks[i - 1].lower in lex.determiners or toks[i - 1].lower.endswith(("'s", "’s")))
        and i + 1 < n
        and toks[i + 1].word
    ):
        return None  # "the state's confirmed caseload": an adjective
    if (
        not german
        and i + 1 < n
        and toks[i + 1].lower == "to"
        and toks[i].lower in _INFINITIVE_TAKERS
    ):
        return None  # "continued to fly", "promised to act"
    kind = verb.kind
    last = i  # the verb's last part: its particle when it follows
    particle = -1
    if verb.particles:
        particle = _particle(toks, i, verb)
        if particle >= 0:
            kind = verb.particles[toks[particle].lower]
            last = max(i, particle)
        elif german:
            return None  # "warf einen Stein": no particle, no accusation
    v = i  # where the finite verb sits
    if german and verb.participle:
        # "Tokajew hatte zuvor erklärt, …": the speaker sits around the auxiliary
        for k in range(i - 1, _clause_start(toks, i) - 1, -1):
            if toks[k].lower in ("hat", "hatte", "haben", "hatten"):
                v = k
                break
        else:
            if not verb.finite:
                return None
    finite = v
    cs = _clause_start(toks, v)
    lo = cs + 1 if cs < v - 1 and toks[cs].lower in _CONJUNCTIONS else cs
    if not german:
        v = _skip_back_en(toks, v, lo)

    span = None
    position = ""
    if lo < v:
        before = _np_backward(toks, v, lex, lo)
        if before is not None and before[0] == lo:
            span, position = before, "before"
        elif not german and toks[v - 1].lower in _SUBJECT_PRONOUNS:
            span, position = (v - 1, v), "before"  # "Via a translator she added"
        else:
            span = _subordinate_subject(toks, lo, v, lex)
            position = "before" if span else ""
    if span is None:
        span = _appositive_subject(toks, cs, lex)
        position = "opening" if span else ""
    if span is None and toks[finite].lower not in ("told", "tells", "tell"):
        span = _np_forward(toks, _skip_adverbs(toks, finite + 1, lex), lex)
        position = "after" if span else ""
        if span is not None and not german and span[1] < n and toks[span[1]].word:
            span = None  # "said local farmers lost …": the statement, not a speaker
    if span is None:
        return None
    raw = _np_speaker(toks, span, lex)
    if not (raw.name or raw.pronoun or raw.owner or raw.anonymous):
        return None
    cue = _cue(toks, i, particle)
    after_attr = max(span[1] if position == "after" else i + 1, last + 1)
    if verb.naming:
        fragment = _quoted_fragment(toks, min(cs, particle if particle >= 0 else cs), after_attr)
        if fragment is not None:
            return _Attr(raw, kind, "fragment", fragment, cue=cue, fragment=True)
        if particle >= 0 and german:
            # "spricht von einem Problem": who speaks, but no statement to check
            return _Attr(raw, kind, "frame", (sent.start, sent.end), cue=cue, no_claim=True)

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
            return _Attr(raw, kind, "middle", (sent.start, sent.end), after_quote=True, cue=cue)
        if (
            not after_quote
            and toks[cs - 1].text == ","
            and after_attr < n
            and toks[after_attr].text == ","
            and position in ("before", "after")
        ):
            # "Die Lage, sagte Tokajew, sei ernst", "The policy, the president argued, would
            # save billions": the attribution inside the statement
            return _Attr(raw, kind, "leading", (sent.start, sent.end), cue=cue)
        if position == "before" and not after_quote:
            # "Asked whether …, Ortega said he had not": an opening clause, then the attribution;
            # in English, words after the verb other than an adverbial are the statement
            lead = _leading(sent, raw, kind, verb, i, after_attr, lex, cue, span)
            follows = not german and _statement_follows(toks, after_attr)
            if lead is not None and (lead.layout == "leading" or follows):
                return lead
            if follows:
                return None  # "In a statement, the ministry urged both sides to …": no claim
        tail = _dash_tail(toks, after_attr, lex) if german else None
        return _Attr(
            raw, kind, "trailing", (sent.start, chunk), after_quote=after_quote, cue=cue, tail=tail
        )
    if position == "after" and cs == 0 and i == 1 and toks[0].lower in _BACK_REFERENCES:
        # "Das teilte die Bundesagentur mit.": the sentence before is the statement
        return _Attr(raw, kind, "previous", (sent.start, sent.start), cue=cue)
    return _leading(sent, raw, kind, verb, i, after_attr, lex, cue, span)


def _statement_follows(toks: list[_Tok], k: int) -> bool:
    """Whether words that are not an adverbial follow the attribution: "the agency
    reported a record profit" (a statement), "he said in a statement" (none)."""
    return (
        k < len(toks)
        and toks[k].word
        and toks[k].lower not in _PREPOSITIONS
        and not _is_time(toks[k].lower)
        and toks[k].lower not in _ADVERBS_AFTER_VERB
    )


def _dash_tail(toks: list[_Tok], k: int, lex: _Lexicon) -> tuple[int, int] | None:
    """ "„…“, sagt Kolb – aber alle Spieler würden mitziehen": after a dash behind
    the attribution, the speaker goes on (the caller checks the Konjunktiv)."""
    end = min(len(toks), k + 4)
    for d in range(k, end):
        if toks[d].text in ("–", "—", "-"):
            m = d + 1
            while m < len(toks) and toks[m].lower in _CONJUNCTIONS:
                m += 1
            return (toks[m].start, toks[-1].end) if m < len(toks) else None
        if not toks[d].word:
            return None
    return None


def _quoted_fragment(toks: list[_Tok], cs: int, k: int) -> tuple[int, int] | None:
    """The quotation in a naming verb's clause: nennt den Plan „unseriös“,
    called the plan "reckless", Von einem „Rückschlag“ sprach Ott."""
    end = _next_punct(toks, k, ",;:.!?")
    for m in [*range(k, end), *range(cs, k)]:
        q = toks[m].quote
        if q is not None and not toks[m].title:
            return (q.inner_start, q.inner_end)
    return None


def _appositive_subject(toks: list[_Tok], cs: int, lex: _Lexicon) -> tuple[int, int] | None:
    """The subject before an apposition or a relative clause set off by commas: "Jen
    Psaki, die Sprecherin des Weißen Hauses, sagte …", "Karl Ott, Sprecher der
    Grünen im Landtag, nennt …", "Die Aufsichtsbehörde, wo …, sagte …": (0, end)."""
    if cs < 3 or toks[cs - 1].text != ",":
        return None
    k = cs - 2
    while k > 0 and cs - k < 16 and (toks[k].word or toks[k].title):
        k -= 1
    if k < 1 or toks[k].text != "," or k + 1 >= cs - 1:
        return None
    first = _np_backward(toks, k, lex)
    if first is None or first[0] != 0:
        return None
    inner = toks[k + 1 : cs - 1]
    if inner[0].lower in _RELATIVES:
        return (0, k)
    if (
        inner[0].lower in lex.determiners
        or all(t.text.isdigit() for t in inner)  # "Smith, 45, said"
        or any(_is_person_role(_unpossessive(t.lower), lex) or t.lower in _ORG_TYPES for t in inner)
        or _np_backward(toks, cs - 1, lex, k + 1) == (k + 1, cs - 1)
    ):
        return (0, cs - 1)
    return None


def _audience_end(toks: list[_Tok], k: int, lex: _Lexicon) -> int:
    """After "told": skip the addressee ("told reporters", "told Novak", "told "Morning
    Desk" co-host Ann Lee", "told the Daily Ledger"); a determiner only when a
    name or an addressee's noun follows ("told the Ledger", not "told the vote …")."""
    m = k
    while m < len(toks) and m - k < 8:
        t = toks[m]
        low = t.lower
        nxt = toks[m + 1] if m + 1 < len(toks) else None
        if low in _THAT_WORDS:
            break
        if t.title or (t.word and t.cap):
            m += 1
        elif t.word and low in lex.determiners:
            if nxt is None or not (nxt.cap or nxt.title or nxt.lower in _EN_AUDIENCE):
                break
            m += 1
        elif t.word and (low in _EN_AUDIENCE or _is_person_role(low, lex)):
            m += 1
            if not (nxt is not None and (nxt.cap or nxt.title)):
                break  # "told reporters": the addressee ends with its noun
        elif t.word and low in ("him", "her", "them", "us", "me"):
            m += 1
            break
        else:
            break
    return m


def _leading(
    sent: _Sentence,
    raw: _Raw,
    kind: str,
    verb: _Verb,
    v: int,
    k: int,
    lex: _Lexicon,
    cue: str,
    span: tuple[int, int],
) -> _Attr | None:
    """Speaker and verb come first; the statement follows a comma, a colon or "dass"/"that"
    within a few words ("erklärte am Mittwoch, …"). Otherwise speaker and statement are
    interwoven ("warf "Terrorgruppen" vor, …") and the whole sentence is the claim. A verb
    that is speech only with a clause (glaubt, maintains) gives nothing without one."""
    toks = sent.toks
    n = len(toks)
    english = lex.language == "en"
    audience = False
    if english and toks[v].lower in ("told", "tells", "tell", "asked", "asks"):
        m = _audience_end(toks, k, lex)
        audience, k = m > k, m
    start = k
    content_from = None
    that = False
    while k < min(n, start + 10):
        t = toks[k]
        if t.quote is not None and not t.title:
            if k == start and (english or (k > 0 and toks[k - 1].text == ":")):
                content_from = k  # "told CNN “…”", "added; “…”"
            break
        if (not t.word and t.text in ",:") or (t.text == ";" and k + 1 < n and toks[k + 1].quote):
            if english and t.text == "," and k > start and not (k + 1 < n and toks[k + 1].quote):
                break  # "said the suspect, a 34-year-old, was …": an apposition, no colon
            content_from = k + 1
            break
        if t.word and t.lower in _THAT_WORDS:
            content_from = k
            break
        if t.word and t.cap and not _is_time(t.lower) and not _ends_phrase(toks, k, start):
            break  # an object noun: the statement is interwoven with the verb
        k += 1
    if content_from is not None and content_from < n and toks[content_from].lower in _THAT_WORDS:
        that = True
        if english or toks[content_from].lower == "dass":
            content_from += 1  # "said that …": the claim starts after "that"
    plain = False
    if (
        content_from is None
        and english
        and kind == _CLAUSAL
        and start < n
        and (toks[start].word or toks[start].quote is not None)
        and (toks[v].lower not in ("told", "tells") or audience)
        and toks[start].lower not in _PREPOSITIONS
    ):
        content_from, plain = start, True  # "Psaki said the claims were false"
    if kind == _OBJECT and verb.particles and lex.language == "de":
        content_from = None  # "warf … vor", "wies … zurück": the object is part of the claim
    if content_from is None or content_from >= n:
        if verb.clause_only:
            return None
        # "Gewerkschaftschef Markus Bell widersprach": a speaker, but nothing said
        said = sum(1 for m, t in enumerate(toks) if t.word and not span[0] <= m < span[1]) - 1
        return _Attr(raw, kind, "frame", (sent.start, sent.end), that, cue=cue, no_claim=said < 2)
    if verb.clause_only and plain:
        return None  # "the ministry maintains its position": no statement
    end, tail, adding = sent.end, None, ""
    if english:
        end, tail, adding = _adding(toks, content_from, sent.end)
    return _Attr(
        raw,
        kind,
        "leading",
        (toks[content_from].start, end),
        that,
        cue=cue,
        tail=tail,
        tail_cue=adding,
    )


def _adding(toks: list[_Tok], k: int, end: int) -> tuple[int, tuple[int, int] | None, str]:
    """ "said she did not know, adding that the government …": two statements, the second
    after the participle of a speech verb (and "that")."""
    for m in range(k + 1, min(len(toks) - 2, k + _WINDOW)):
        if toks[m].text == "," and toks[m + 1].lower in _EN_ADDING:
            n = m + 2
            if n < len(toks) and toks[n].lower in _THAT_WORDS:
                n += 1
            if n < len(toks) and toks[n].word:
                return toks[m].start, (toks[n].start, end), toks[m + 1].text
    return end, None, ""


def _ends_phrase(toks: list[_Tok], k: int, start: int) -> bool:
    """Whether the noun toks[k] closes a prepositional phrase ("am Mittwoch", "in der
    Hauptstadt", "on Tuesday") rather than being the verb's object."""
    for j in range(k - 1, max(start, k - 3) - 1, -1):
        if toks[j].lower in _PREPOSITIONS:
            return True
        if not toks[j].word or toks[j].cap:
            return False
    return False
