"""Speaker noun phrases: find the phrase before or after a speech verb and read whom it
names ("Staatschef Kassym-Schomart Tokajew", "ein Sprecher des Auswärtigen Amts", "the
monitoring group NetBlocks"), and the names a role introduces anywhere in a sentence."""

from __future__ import annotations

from .lexicon import (
    _ANONYMOUS_SOURCES,
    _DE_STOP,
    _EN_NP_WORDS,
    _FEMALE_ROLES_EN,
    _MALE_ROLES_EN,
    _ORG_SUFFIXES,
    _ORG_TYPES,
    _PERSON_ROLE_SUFFIXES_DE,
    _PERSON_ROLES_EN,
    _PLACES,
    _SPOKES_ROLES,
    _Lexicon,
)
from .records import _Raw, _Sentence, _Tok


def _unpossessive(word: str) -> str:
    """ "Kazakhstan's" → "Kazakhstan"."""
    return word[:-2] if word.endswith(("'s", "’s")) else word


def _is_person_role(lower: str, lex: _Lexicon) -> bool:
    if lex.language == "en":
        return lower in _PERSON_ROLES_EN
    return lower.endswith(_PERSON_ROLE_SUFFIXES_DE) and not lower.endswith(
        ("ministerium", "amt", "heit", "ung")
    )


def _role_gender(lower: str, lex: _Lexicon) -> str:
    if lex.language == "en":
        return "f" if lower in _FEMALE_ROLES_EN else "m" if lower in _MALE_ROLES_EN else ""
    if lower.endswith("frau"):
        return "f"
    if lower.endswith("in") and _is_person_role(lower[:-2], lex):
        return "f"
    if lower.endswith(("e", "dr", "prof")):
        return ""
    return "m"


def _is_org_word(lower: str, text: str) -> bool:
    if len(text) >= 2 and text.isupper() and text.isalpha():
        return True  # USA, NATO, OSZE
    if lower in _ORG_TYPES or lower in _PLACES:
        return True
    return lower.endswith(_ORG_SUFFIXES)


def _is_adjective(tok: _Tok, nxt: _Tok | None, lex: _Lexicon) -> bool:
    if not tok.word or tok.cap:
        return False
    if lex.language == "en":
        return tok.lower in _EN_NP_WORDS
    return (
        tok.lower.endswith(("e", "en", "er", "es", "em"))
        and tok.lower not in _DE_STOP
        and tok.lower not in lex.determiners
        and tok.lower not in lex.verbs
        and nxt is not None
        and nxt.word
        and (nxt.cap or nxt.lower.endswith(("e", "en", "er", "es", "em")))
    )


def _np_token(toks: list[_Tok], i: int, lex: _Lexicon) -> bool:
    tok = toks[i]
    if not tok.word:
        return False
    if tok.lower in lex.stop or tok.lower in lex.pronouns:
        return False
    if tok.lower in lex.verbs and not tok.cap:
        return False
    if tok.cap or tok.lower in lex.determiners:
        return True
    if tok.lower in ("von", "des", "der", "of", "for", "at"):
        return True
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    return _is_adjective(tok, nxt, lex)


def _np_forward(toks: list[_Tok], j: int, lex: _Lexicon) -> tuple[int, int] | None:
    """The noun phrase starting at toks[j] (speaker after its verb): (j, end)."""
    if j >= len(toks):
        return None
    if toks[j].lower in lex.pronouns and toks[j].lower not in ("ihr", "her", "it", "ihm"):
        return (j, j + 1)
    k = j
    while k < len(toks) and k - j < 12 and _np_token(toks, k, lex):
        k += 1
    while k > j and toks[k - 1].lower in ("von", "des", "der", "of", "for", "at", "the"):
        k -= 1
    if k == j or not _has_head(toks[j:k], lex):
        return None
    # "die Sprecherin von US-Präsident Joe Biden, Jen Psaki": the apposition names the
    # role's holder.
    if (
        k + 1 < len(toks)
        and toks[k].text == ","
        and any(_is_person_role(t.lower, lex) for t in toks[j:k])
    ):
        m = k + 1
        while m < len(toks) and m - k <= 4 and toks[m].cap and toks[m].lower not in lex.stop:
            m += 1
        if m > k + 1 and (m == len(toks) or not toks[m].word):
            return (j, m)
    return (j, k)


def _np_backward(toks: list[_Tok], i: int, lex: _Lexicon) -> tuple[int, int] | None:
    """The noun phrase ending just before toks[i] (speaker before its verb), which must
    fill everything back to the clause start."""
    j = i
    while j > 0 and toks[j - 1].word:
        j -= 1
        if i - j > 12:
            return None
    if j == i:
        return None
    if i - j == 1 and toks[j].lower in lex.pronouns:
        return (j, i)
    if toks[j].lower in lex.stop:
        return None
    # English noun phrases carry any adjective ("the monitoring group NetBlocks"); the
    # whole stretch up to the verb must still be one phrase.
    lenient = lex.language == "en" and (
        toks[j].lower in lex.determiners or toks[j].lower.endswith(("'s", "’s"))
    )
    for k in range(j, i):
        if _np_token(toks, k, lex):
            continue
        t = toks[k]
        if not (lenient and t.word and t.lower not in lex.stop and t.lower not in lex.verbs):
            return None
    if not _has_head(toks[j:i], lex):
        return None
    return (j, i)


def _has_head(toks: list[_Tok], lex: _Lexicon) -> bool:
    """A noun phrase needs a name or (English, lower case) a body or role: "officials",
    "the interior ministry"."""
    if any(t.cap and t.lower not in lex.determiners for t in toks):
        return True
    return lex.language == "en" and any(
        t.lower in _EN_NP_WORDS and t.lower not in ("press", "foreign", "interior", "state")
        for t in toks
    )


def _degenitive(words: list[str], article: str) -> list[str]:
    """ "des Auswärtigen Amts" → "Auswärtiges Amt"; "der Bundesregierung" unchanged."""
    if not words:
        return words
    noun = words[-1]
    low = noun.lower()
    if article == "des" and noun[0].isupper():
        if low.endswith("es") and low[:-2].endswith(("s", "ß", "z", "x", "ch")):
            noun = noun[:-2]
        elif low.endswith("s") and not low.endswith(("ss", "us", "os", "is", "as")):
            noun = noun[:-1]
    neuter = noun.lower().endswith(
        ("amt", "ium", "um", "ment", "haus", "werk", "institut", "büro", "gericht", "komitee")
    )
    adjectives = []
    for w in words[:-1]:
        if w.endswith("en") and article in ("des", "der"):
            w = w[:-2] + ("e" if article == "der" else "es" if neuter else "er")
        adjectives.append(w)
    return [*adjectives, noun]


def _np_speaker(toks: list[_Tok], span: tuple[int, int], lex: _Lexicon) -> _Raw:
    """Who a speaker phrase names. A role is followed by its holder's name ("Staatschef
    Kassym-Schomart Tokajew", "Die Organisation Netblocks") or an apposition ("die
    Sprecherin von US-Präsident Joe Biden, Jen Psaki"); a spokesperson without a name
    speaks for the body in the genitive ("ein Sprecher des Auswärtigen Amts")."""
    j, k = span
    words = toks[j:k]
    pos = words[0].start
    if len(words) == 1 and words[0].lower in lex.pronouns:
        return _Raw(pronoun=words[0].lower, pos=pos)
    appos: list[_Tok] = []
    for n, t in enumerate(words):
        if t.text == ",":
            words, appos = words[:n], words[n + 1 :]
            break
    head: list[_Tok] = []
    complement: list[_Tok] = []
    article = ""
    for n, t in enumerate(words):
        low = t.lower
        is_connector = low in ("von", "of", "for", "at") or (
            low in ("des", "der") and head and any(h.cap for h in head)
        )
        if is_connector:
            complement = words[n + 1 :]
            article = low
            break
        head.append(t)
    head = [t for t in head if t.lower not in lex.determiners]
    if complement and complement[0].lower in lex.determiners:
        article = complement[0].lower if article in ("von", "of", "for", "at") else article
        complement = [t for t in complement if t.lower not in lex.determiners]
    if not head:
        return _Raw()
    role_at = -1
    for n, t in enumerate(head):
        base = _unpossessive(t.lower)
        if _is_person_role(base, lex) or base in _ORG_TYPES:
            role_at = n
    if role_at >= 0:
        role = head[role_at].lower
        gender = _role_gender(role, lex)
        names = [t for t in head[role_at + 1 :] if t.cap and not _is_person_role(t.lower, lex)]
        if names:
            return _Raw(" ".join(t.text for t in names), role in _ORG_TYPES, gender, pos=pos)
        if appos:
            return _Raw(" ".join(t.text for t in appos), False, gender, pos=pos)
        if role in _SPOKES_ROLES and complement:
            inner = _degenitive([t.text for t in complement], article)
            sub = _name_of(inner, lex)
            if sub is not None:
                sub.pos = pos
                return sub
        if role in _SPOKES_ROLES and role_at > 0:
            owner = _unpossessive(head[role_at - 1].text)
            return _Raw(owner, _is_org_word(owner.lower(), owner), "", pos=pos)
        words_out = [t.text for t in head] + (
            [article, *[t.text for t in complement]] if complement else []
        )
        anaphor = (
            role not in _ORG_TYPES
            and not complement
            and words[0].lower in ("der", "die", "the")
            and len(head) <= 2
        )
        return _Raw(" ".join(words_out), False, gender, anaphor=anaphor, pos=pos)
    plain = [t.text for t in head]
    plain[-1] = _unpossessive(plain[-1])
    raw = _name_of(plain, lex)
    if raw is None:
        return _Raw()
    raw.pos = pos
    return raw


def _name_of(words: list[str], lex: _Lexicon) -> _Raw | None:
    """A speaker from plain words ("russische Außenministerium", "Jen Psaki")."""
    words = [w for w in words if w]
    if not words:
        return None
    if not any(w[0].isupper() for w in words) and not (
        lex.language == "en" and any(w.lower() in _EN_NP_WORDS for w in words)
    ):
        return None
    name = " ".join(words)
    low = words[-1].lower()
    if low.startswith(_ANONYMOUS_SOURCES) or low.endswith(_ANONYMOUS_SOURCES):
        return _Raw(anonymous=True)
    is_org = _is_org_word(low, words[-1]) or any(w.lower() in _ORG_TYPES for w in words)
    return _Raw(name, is_org)


def _roles(sent: _Sentence, lex: _Lexicon) -> list[_Raw]:
    """Names introduced by a role anywhere: "Staatschef Kassym-Schomart Tokajew"."""
    toks = sent.toks
    found = []
    for i, tok in enumerate(toks):
        if not tok.word or not _is_person_role(_unpossessive(tok.lower), lex):
            continue
        k = i + 1
        while k < len(toks) and k - i <= 3 and toks[k].cap:
            low = toks[k].lower
            if (
                low in lex.stop
                or low in lex.pronouns
                or _is_person_role(low, lex)
                or _is_org_word(low, toks[k].text)
                or low.rstrip("s") in _PLACES
            ):
                break
            k += 1
        if k > i + 1:
            name = " ".join(_unpossessive(t.text) for t in toks[i + 1 : k])
            found.append(_Raw(name, False, _role_gender(tok.lower, lex), pos=toks[i + 1].start))
    return found
