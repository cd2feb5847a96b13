"""Speaker noun phrases: find the phrase before or after a speech verb and read whom it
names ("Staatschef Kassym-Schomart Tokajew", "ein Sprecher des Auswärtigen Amts", "the
monitoring group NetBlocks"), and the names a role introduces anywhere in a sentence."""

from __future__ import annotations

import itertools

from .lexicon import (
    _ANONYMOUS_SOURCES,
    _DE_STOP,
    _EN_NP_WORDS,
    _FEMALE_ROLES_EN,
    _GOAL_NOUNS,
    _MALE_ROLES_EN,
    _NAME_PARTICLES,
    _ORG_SUFFIXES,
    _ORG_TYPES,
    _PERSON_ROLE_SUFFIXES_DE,
    _PERSON_ROLES_EN,
    _PLACES,
    _SPOKES_ROLES,
    _STATEMENT_NOUNS,
    _TIME_MODIFIERS,
    _TIME_WORDS,
    _Lexicon,
)
from .records import _Raw, _Sentence, _Tok


def _unpossessive(word: str) -> str:
    """ "Kazakhstan's" → "Kazakhstan"."""
    return word[:-2] if word.endswith(("'s", "’s")) else word


def _is_time(lower: str) -> bool:
    """ "Wednesday", "Woche", "Mittwochabend", "Jahres": a time, never a speaker."""
    if lower in _TIME_WORDS or lower[:-1] in _TIME_WORDS or lower[:-2] in _TIME_WORDS:
        return True
    return lower.endswith(("abend", "morgen", "nacht", "mittag")) and lower[:-5] in _TIME_WORDS


def _is_spokes_role(lower: str) -> bool:
    """Someone speaking for a body: "Sprecher", "Firmen-Sprecher", "spokesman"."""
    return lower in _SPOKES_ROLES or lower.endswith(("sprecher", "sprecherin"))


def _is_person_role(lower: str, lex: _Lexicon) -> bool:
    if lex.language == "en":
        return lower in _PERSON_ROLES_EN or lower.rsplit("-", 1)[-1] in _PERSON_ROLES_EN
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


def _en_np_word(tok: _Tok, lex: _Lexicon) -> bool:
    """A word English speaker phrases take in lower case as well: "Weather Service
    forecaster Tom Reyes", "city council member", "a Berlin-based spokesman", "health officials"."""
    low = tok.lower
    if tok.title:
        return True
    if not tok.word or low in lex.stop or low in lex.pronouns or _is_time(low):
        return False
    if tok.cap or low in lex.determiners or low in _EN_NP_WORDS:
        return True
    if low in lex.verbs or low.endswith("ly") or (low.endswith("ed") and "-" not in low):
        return False
    return not low[0].isdigit()


def _np_token(toks: list[_Tok], i: int, lex: _Lexicon) -> bool:
    tok = toks[i]
    if tok.title:
        return True
    if not tok.word:
        return False
    if (
        tok.lower in lex.determiners
        and i + 1 < len(toks)
        and toks[i + 1].cap
        and tok.lower not in lex.stop
    ):
        return True  # "ihr Sprecher", "her spokesman": a possessive, not a pronoun
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
    english = lex.language == "en"
    k = j
    while k < len(toks) and k - j < 12:
        if (
            _np_token(toks, k, lex)
            or (english and _en_np_word(toks[k], lex))
            or (english and toks[k].lower in ("of", "for", "at", "with") and k > j)
        ):
            k += 1
        else:
            break
    while k > j and toks[k - 1].lower in ("von", "des", "der", "of", "for", "at", "the", "with"):
        k -= 1
    if k > j + 1 and _is_time(toks[k - 1].lower):
        k -= 1  # "versprach Bauer vergangene Woche": the time is not the speaker's
        while k > j + 1 and (toks[k - 1].lower in _TIME_MODIFIERS or not toks[k - 1].cap):
            k -= 1
    if k == j or not _has_head(toks[j:k], lex) or _is_time(toks[k - 1].lower):
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


def _np_backward(toks: list[_Tok], i: int, lex: _Lexicon, lo: int = 0) -> tuple[int, int] | None:
    """The noun phrase ending just before toks[i] (speaker before its verb), which must
    fill everything back to the clause start (or to `lo`)."""
    j = i
    while j > lo and (toks[j - 1].word or toks[j - 1].title):
        j -= 1
        if i - j > 12:
            return None
    if j == i:
        return None
    if i - j == 1 and toks[j].lower in lex.pronouns:
        return (j, i)
    if toks[j].lower in lex.stop or toks[j].lower in ("von", "of", "for", "at", "with"):
        return None
    english = lex.language == "en"
    for k in range(j, i):
        if _np_token(toks, k, lex) or (english and _en_np_word(toks[k], lex)):
            continue
        t = toks[k]
        # "Chief Ann Roe with the state police", "die Stadtwerke und Bürgermeister
        # Karl Ott": a connector between two parts of the phrase
        if (
            j < k < i - 1
            and t.lower in ("with", "und", "and", "sowie", "&")
            and (toks[k - 1].cap or (english and _en_np_word(toks[k - 1], lex)))
        ):
            continue
        return None
    if not _has_head(toks[j:i], lex) or _is_time(toks[i - 1].lower):
        return None
    if (
        english
        and not toks[i - 1].cap
        and toks[i - 1].lower not in _EN_NP_WORDS
        and not _is_person_role(toks[i - 1].lower, lex)
        and toks[j].lower not in lex.determiners
    ):
        return None  # "storm also": a name, a role, a body, or "the utility"
    return (j, i)


def _has_head(toks: list[_Tok], lex: _Lexicon) -> bool:
    """A noun phrase needs a name or (English, lower case) a body or role: "officials",
    "the interior ministry"."""
    if any(t.cap and t.lower not in lex.determiners and not _is_time(t.lower) for t in toks):
        return True
    if lex.language == "en" and len(toks) == 2 and toks[0].lower in ("the", "a", "an"):
        return toks[1].word and not toks[1].cap  # "the utility said"
    return lex.language == "en" and any(
        (t.lower in _EN_NP_WORDS or _is_person_role(t.lower, lex))
        and t.lower not in ("press", "foreign", "interior", "state")
        for t in toks
    )


def _degenitive(words: list[str], article: str) -> list[str]:
    """ "des Auswärtigen Amts" → "Auswärtiges Amt"; "des Polizisten" → "Polizist"; "der
    Bundesregierung" unchanged."""
    if not words:
        return words
    noun = words[-1]
    low = noun.lower()
    if article == "des" and noun[0].isupper():
        if low.endswith("es") and low[:-2].endswith(("s", "ß", "z", "x", "ch")):
            noun = noun[:-2]
        elif low.endswith("en") and low[:-2].endswith(_WEAK_NOUN_ENDINGS):
            noun = noun[:-2]  # weak nouns: des Polizisten, des Präsidenten
        elif low.endswith("en") and low[:-1].endswith(("oge", "iste", "perte", "ege")):
            noun = noun[:-1]  # des Experten, des Kollegen
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


# Possessives before a spokesperson, and whom they may point to: m(ale person),
# f(emale person), o(rganisation).
_POSSESSIVE_OWNERS = {
    "sein": "mo",
    "seine": "mo",
    "ihr": "fo",
    "ihre": "fo",
    "its": "o",
    "their": "o",
    "his": "m",
    "her": "f",
}
_WEAK_NOUN_ENDINGS = ("ist", "ent", "ant", "at", "nom", "oph", "graf", "graph")


def _holder(words: list[_Tok], lex: _Lexicon) -> list[_Tok]:
    """The name right after a role: capitalised words, with the particles of a name
    between them ("Ana de Souza"), and no other role."""
    out: list[_Tok] = []
    for n, t in enumerate(words):
        if t.title or not t.word:
            break
        if (t.cap and not _is_person_role(t.lower, lex) and t.lower not in lex.determiners) or (
            out
            and t.lower in _NAME_PARTICLES
            and n + 1 < len(words)
            and words[n + 1].cap
            and lex.language == "en"
        ):
            out.append(t)
        else:
            break
    return out


def _lower_noun(tok: _Tok, lex: _Lexicon) -> bool:
    """An English lower-case noun before a name: "forecaster Tom Reyes", "candidate Rosa
    Lind" (the word before a name in a speaker phrase is its role)."""
    low = tok.lower
    return (
        tok.word
        and not tok.cap
        and low not in lex.stop
        and low not in lex.determiners
        and low not in lex.verbs
        and low not in _NAME_PARTICLES
        and not low.endswith(("ly", "ed"))
    )


def _raw_from(names: list[_Tok], is_org: bool, gender: str, pos: int) -> _Raw:
    return _Raw(" ".join(_unpossessive(t.text) for t in names), is_org, gender, pos=pos)


def _np_speaker(toks: list[_Tok], span: tuple[int, int], lex: _Lexicon) -> _Raw:
    """Who a speaker phrase names. A role is followed by its holder's name ("Staatschef
    Kassym-Schomart Tokajew", "Die Organisation Netblocks", "Department of Transportation
    spokesman Ken Lowe") or an apposition ("die Sprecherin von US-Präsident Joe
    Biden, Jen Psaki"); a spokesperson without a name speaks for the body in the genitive
    ("ein Sprecher des Auswärtigen Amts"), and so does what someone said or wants ("die
    Ankündigungen von …", "das Ziel des Vereins": the latter, `goal`, is no claim)."""
    j, k = span
    words = [t for t in toks[j:k] if not t.title]
    if not words:
        return _Raw()
    pos = words[0].start
    if len(words) == 1 and words[0].lower in lex.pronouns:
        return _Raw(pronoun=words[0].lower, pos=pos)
    appos: list[_Tok] = []
    for n, t in enumerate(words):
        if t.text == ",":
            words, appos = words[:n], words[n + 1 :]
            break
    # a role and its holder's name anywhere in the phrase, unless someone speaks for
    # another ("the spokeswoman for President Biden, Jen Psaki")
    speaks_for = any(
        _is_spokes_role(t.lower) and nxt.lower in ("for", "of", "von", "des", "der")
        for t, nxt in itertools.pairwise(words)
    )
    if not appos and not speaks_for:
        for n in range(len(words) - 2, -1, -1):
            role = _unpossessive(words[n].lower)
            if (
                _is_person_role(role, lex)
                or role in _ORG_TYPES
                or (lex.language == "en" and _lower_noun(words[n], lex))
            ):
                names = _holder(words[n + 1 :], lex)
                if names and n + 1 + len(names) == len(words):
                    return _raw_from(names, role in _ORG_TYPES, _role_gender(role, lex), pos)
                break
    head: list[_Tok] = []
    complement: list[_Tok] = []
    article = ""
    for n, t in enumerate(words):
        low = t.lower
        is_connector = low in ("von", "of", "for", "at", "with") or (
            low in ("des", "der", "eines", "einer") and head and any(h.cap for h in head)
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
    noun = head[-1].lower
    if (noun in _STATEMENT_NOUNS or noun in _GOAL_NOUNS) and complement:
        inner = [t.text for t in complement if t.word and not _is_person_role(t.lower, lex)]
        sub = _name_of(_degenitive(inner, article) if article in ("des", "der") else inner, lex)
        if sub is not None:
            sub.pos, sub.goal = pos, noun in _GOAL_NOUNS
            return sub
    role_at = -1
    for n, t in enumerate(head):
        base = _unpossessive(t.lower)
        if _is_person_role(base, lex) or base in _ORG_TYPES:
            role_at = n
    if role_at >= 0 and lex.language == "en" and head[role_at].cap and len(words) == 1:
        role_at = -1  # "Bishop asked": a capitalised role standing alone is a surname
    if role_at >= 0:
        role = head[role_at].lower
        gender = _role_gender(role, lex)
        names = _holder(words[words.index(head[role_at]) + 1 :], lex)
        if names:
            return _raw_from(names, role in _ORG_TYPES, gender, pos)
        if appos:
            return _Raw(" ".join(t.text for t in appos), False, gender, pos=pos)
        spokes = _is_spokes_role(role)
        owner = _POSSESSIVE_OWNERS.get(words[0].lower) if spokes else None
        if owner is not None and role_at == 0 and not complement:
            # "ihr Sprecher", "its spokesman": the body or person the possessive points to
            return _Raw(owner=owner, pos=pos)
        if (
            spokes
            and len(complement) == 1
            and _is_person_role(complement[0].lower, lex)
            and article in ("the", "des", "der")
        ):
            # "a spokeswoman for the mayor": the mayor introduced before, if any
            holder = complement[0].lower
            return _Raw(complement[0].text, False, _role_gender(holder, lex), anaphor=True,
                        role=holder, pos=pos)  # fmt: skip
        if spokes and complement:
            inner = _degenitive([t.text for t in complement], article)
            sub = _name_of(inner, lex)
            if sub is not None:
                sub.pos = pos
                return sub
        if spokes and role_at > 0:
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
        return _Raw(" ".join(words_out), False, gender, anaphor=anaphor, role=role, pos=pos)
    plain = [t.text for t in head]
    plain[-1] = _unpossessive(plain[-1])
    raw = _name_of(plain, lex)
    if raw is None and lex.language == "en" and words[0].lower in ("the", "a", "an"):
        raw = _Raw(" ".join(plain), _is_org_word(head[-1].lower, head[-1].text))  # "the utility"
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
    """Names introduced by a role anywhere: "Staatschef Kassym-Schomart Tokajew", and by
    an apposition: "Anja Berg, die als Sprecherin des Vereins auftritt", "Tom
    Reyes, a spokesman for …". Each keeps its role, for "die Sprecherin" later on."""
    toks = sent.toks
    found = []
    for i, tok in enumerate(toks):
        if not tok.word:
            continue
        role = _unpossessive(tok.lower)
        if not _is_person_role(role, lex):
            continue
        k = i + 1
        while k < len(toks) and k - i <= 3 and toks[k].cap:
            low = toks[k].lower
            if (
                (k > i + 1 and toks[k].after_aside)
                or low in lex.stop
                or low in lex.pronouns
                or _is_person_role(low, lex)
                or _is_org_word(low, toks[k].text)
                or low.rstrip("s") in _PLACES
            ):
                break
            k += 1
        if k > i + 1:
            name = " ".join(_unpossessive(t.text) for t in toks[i + 1 : k])
            found.append(
                _Raw(name, False, _role_gender(role, lex), role=role, pos=toks[i + 1].start)
            )
        elif (holder := _apposition_holder(toks, i, lex)) is not None:
            found.append(_Raw(holder[0], False, _role_gender(role, lex), role=role, pos=holder[1]))
    return found


def _apposition_holder(toks: list[_Tok], i: int, lex: _Lexicon) -> tuple[str, int] | None:
    """The name before the comma that opens the apposition holding the role toks[i]:
    "Name Surname, (die als | a | the | der …) role …"."""
    k = i - 1
    while k >= 0 and i - k <= 4 and toks[k].word and not toks[k].cap:
        k -= 1
    if k < 1 or toks[k].text != ",":
        return None
    m = k
    while m > 0 and k - m < 4 and toks[m - 1].cap and toks[m - 1].lower not in lex.stop:
        m -= 1
    while m < k and _is_person_role(toks[m].lower, lex):
        m += 1  # "Dr Lena Hart": the title is no part of the name
    if k - m < 2:  # a full name: first and last
        return None
    return " ".join(t.text for t in toks[m:k]), toks[m].start
