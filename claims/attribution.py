"""Claim suggestions: from an article's text, propose candidate claims and their speakers.

Pure: text in, suggestions out; no database, no model download. German and English.

How it works, in two passes over the text:

1. Each paragraph (a quotation never runs past its paragraph) is scanned once for quotation
   marks with a stack (no regex backtracking), then cut into sentences; a sentence
   boundary inside a quotation does not count. Each sentence is tokenised outside its
   quotations, and a small rule set finds its attribution: a speech verb (sagte, warf … vor,
   said, according to, …) with the speaker's noun phrase before or after it, or a
   reported-speech marker (Berichten zufolge, nach Angaben des …). Names that come with a
   role ("Staatschef Kassym-Schomart Tokajew") are collected too.
2. The names found are resolved to speakers: the caller's known speakers first (exact,
   aliases, last names with a fitting first name, then rapidfuzz for misspellings such
   as "Tojakew"), otherwise to one another ("Psaki" is the "Jen Psaki" named earlier).
   Then the sentences are walked in order: pronouns ("sagte er", "she said") and roles
   with the definite article ("sagte der SPD-Politiker") go to the last fitting person
   or body mentioned, and a sentence in Konjunktiv without an attribution of its own
   continues the last speaker's statement (merged into it, once, when that statement
   opened with the speaker: "Tokajew warf … vor, …. "Ausgebildet" worden seien …").

Every step is linear in the length of the text (bounded look-around windows,
dictionaries, a bounded quotation stack, a budget for similarity searches), so a
megabyte of text or hundreds of nested quotation marks are harmless.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

__all__ = [
    "Attribution",
    "KnownSpeaker",
    "SpeakerRef",
    "Suggestion",
    "suggest_claims",
]


class Attribution(StrEnum):
    DIRECT = "direct"  # direct quote
    INDIRECT = "indirect"  # indirect speech (Konjunktiv), possibly with embedded quoted fragments
    PARAPHRASE = "paraphrase"
    REPORTED = "reported"  # reported by a third party ("Berichten zufolge", "according to")


@dataclass(frozen=True)
class KnownSpeaker:
    id: int | None
    name: str
    aliases: tuple[str, ...] = ()  # spelling variants, short names
    is_organization: bool = False
    gender: str = ""  # "f", "m" or "": helps resolve er/sie/she/he


@dataclass(frozen=True)
class SpeakerRef:
    id: int | None  # id of a KnownSpeaker when matched, else None
    name: str  # canonical name (KnownSpeaker.name) or the name as found in the text


@dataclass(frozen=True)
class Suggestion:
    start: int  # 0-based, end exclusive, code points, into `text`
    end: int
    quote: str  # == text[start:end]
    speaker: SpeakerRef | None
    attribution: Attribution
    confidence: float  # 0..1


# --------------------------------------------------------------------------------------
# Lexicons
# --------------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_CLAUSAL = "clausal"  # the statement follows as a clause: sagte, erklärte, said
_OBJECT = "object"  # the statement is the verb's object: warf … vor, wies … zurück, denied
_REPORTED = "reported"  # a third party relays it: berichtete, reported


@dataclass(frozen=True, slots=True)
class _Verb:
    kind: str
    # separable particle → kind; a verb with particles counts only when one of them is
    # in its clause ("warf einen Stein" is no accusation, "warf … vor" is)
    particles: dict[str, str] | None = None
    participle: bool = False


def _verbs(kind: str, *forms: str, particles: dict[str, str] | None = None) -> dict:
    return {form: _Verb(kind, particles) for form in forms}


def _participles(kind: str, *forms: str) -> dict:
    return {form: _Verb(kind, None, participle=True) for form in forms}


_DE_VERBS: dict[str, _Verb] = {
    **_verbs(_CLAUSAL, "sagte", "sagten", "sagt", "erklärte", "erklärten", "erklärt"),
    **_verbs(_CLAUSAL, "betonte", "betonten", "betont", "meinte", "meinten", "meint"),
    **_verbs(_CLAUSAL, "behauptete", "behaupteten", "behauptet", "versicherte", "versicherten"),
    **_verbs(_CLAUSAL, "bekräftigte", "bekräftigten", "unterstrich", "ergänzte", "ergänzten"),
    **_verbs(_CLAUSAL, "schrieb", "schrieben", "schreibt", "twitterte", "twitterten"),
    **_verbs(_CLAUSAL, "bestätigte", "bestätigten", "verkündete", "verkündeten"),
    **_verbs(_CLAUSAL, "argumentierte", "beteuerte", "beteuerten", "erläuterte", "erläuterten"),
    **_verbs(_CLAUSAL, "warnte", "warnten", "warnt", "mahnte", "mahnten", "antwortete"),
    **_verbs(_CLAUSAL, "kritisierte", "kritisierten", "kritisiert", "versprach", "versprachen"),
    **_verbs(_CLAUSAL, "fuhr", "fuhren", "fährt", particles={"fort": _CLAUSAL}),
    **_verbs(_CLAUSAL, "fügte", "fügten", "fügt", particles={"hinzu": _CLAUSAL}),
    **_verbs(_CLAUSAL, "teilte", "teilten", "teilt", particles={"mit": _CLAUSAL}),
    **_verbs(_CLAUSAL, "räumte", "räumten", "räumt", particles={"ein": _CLAUSAL}),
    **_verbs(_CLAUSAL, "gab", "gaben", "gibt", particles={"an": _CLAUSAL, "bekannt": _CLAUSAL}),
    **_verbs(_CLAUSAL, "stellte", "stellten", "stellt", particles={"klar": _CLAUSAL}),
    **_verbs(_CLAUSAL, "hob", "hoben", "hebt", particles={"hervor": _CLAUSAL}),
    **_verbs(_CLAUSAL, "kündigte", "kündigten", "kündigt", particles={"an": _CLAUSAL}),
    **_verbs(_OBJECT, "warf", "warfen", "wirft", particles={"vor": _OBJECT}),
    **_verbs(_OBJECT, "wies", "wiesen", "weist", particles={"zurück": _OBJECT, "hin": _CLAUSAL}),
    **_verbs(_OBJECT, "rief", "riefen", "ruft", particles={"auf": _OBJECT}),
    **_verbs(_OBJECT, "sprach", "sprachen", "spricht", particles={"von": _OBJECT}),
    **_verbs(_OBJECT, "forderte", "forderten", "fordert", "bestritt", "bestreitet"),
    **_verbs(_OBJECT, "dementierte", "dementierten", "dementiert", "nannte", "nannten"),
    **_verbs(_OBJECT, "bezeichnete", "bezeichneten", "verurteilte", "verurteilten"),
    **_verbs(_OBJECT, "beschuldigte", "beschuldigten", "drohte", "drohten"),
    **_verbs(_REPORTED, "berichtete", "berichteten", "meldete", "meldeten"),
    **_participles(_CLAUSAL, "gesagt", "erklärt", "betont", "behauptet", "mitgeteilt"),
    **_participles(_CLAUSAL, "versichert", "bekräftigt", "bestätigt", "gewarnt", "kritisiert"),
    **_participles(_CLAUSAL, "angekündigt", "hinzugefügt", "eingeräumt", "geschrieben"),
    **_participles(_OBJECT, "vorgeworfen", "zurückgewiesen", "aufgerufen", "gefordert"),
    **_participles(_OBJECT, "bestritten", "dementiert", "verurteilt"),
    **_participles(_REPORTED, "berichtet", "gemeldet"),
}

_EN_VERBS: dict[str, _Verb] = {
    **_verbs(_CLAUSAL, "said", "says", "say", "stated", "states", "added", "adds", "claimed"),
    **_verbs(_CLAUSAL, "argued", "argues", "insisted", "insists", "warned", "noted"),
    **_verbs(_CLAUSAL, "explained", "explains", "wrote", "writes", "tweeted", "asserted"),
    **_verbs(_CLAUSAL, "alleged", "alleges", "acknowledged", "admitted", "admits", "replied"),
    **_verbs(_CLAUSAL, "responded", "stressed", "stresses", "emphasised", "emphasized"),
    **_verbs(_CLAUSAL, "declared", "maintained", "maintains", "suggested", "announced"),
    **_verbs(_CLAUSAL, "confirmed", "continued", "told", "tells", "predicted", "promised"),
    **_verbs(_CLAUSAL, "vowed", "pledged", "conceded", "concluded"),
    **_verbs(_OBJECT, "denied", "denies", "rejected", "rejects", "dismissed", "dismisses"),
    **_verbs(_OBJECT, "accused", "accuses", "urged", "urges", "criticised", "criticized"),
    **_verbs(_OBJECT, "condemned", "condemns", "blamed", "blames", "described", "slammed"),
    **_verbs(_OBJECT, "called", particles={"on": _OBJECT, "for": _OBJECT}),
    **_verbs(_REPORTED, "reported"),
}

_DE_DETERMINERS = _words(
    "der die das des dem den ein eine einer eines einem einen kein keine dieser diese "
    "dieses diesem diesen jener jene sein seine ihr ihre"
)
_EN_DETERMINERS = _words("the a an this that these those his her its their")

# pronoun → what it may refer to: m(ale person), f(emale person), o(rganisation)
_DE_PRONOUNS = {"er": "m", "sie": "fo", "ihm": "m", "ihr": "f", "ihnen": "o"}
_EN_PRONOUNS = {"he": "m", "she": "f", "they": "o", "it": "o", "him": "m", "her": "f", "them": "o"}

# Words that end a speaker's noun phrase, and that can never start one (sentence-initial
# adverbs and prepositions are capitalised in German too).
_DE_STOP = _words("""
    an am auf aus bei beim bis durch für gegen gegenüber hinter im in ins mit nach neben
    ohne seit über um unter vom vor während wegen zu zum zur zwischen laut trotz angesichts
    auch bereits dabei dann dazu demnach derzeit doch ebenfalls erneut fort gestern heute
    hier jedoch jetzt morgen noch nun nur schon sogar später weiter weiterhin zudem zugleich
    zuvor zurück außerdem allerdings bislang damals daraufhin deshalb darauf darüber
    vielmehr offenbar inzwischen zunächst zuletzt zusätzlich zwischenzeitlich gleichzeitig
    und oder aber sondern denn dass ob weil wenn als wie so es man wir ich du ist sind war
    waren hat haben hatte hatten wird werden wurde wurden sei seien habe teils allein
    nicht kein keine mehr etwa rund knapp fast mindestens
    """)
_EN_STOP = _words("""
    in on at to from by with after before during about over under into since until
    also later earlier previously then further again separately reportedly allegedly
    and or but because if when while as that which who whom whose where there here
    is are was were has have had be been will would could should can may might do does
    did not no yes it its we i you however meanwhile moreover yet still
    """)

# Lower-case words that belong to English speaker phrases ("press secretary Jen Psaki").
_EN_NP_WORDS = _words("""
    press secretary spokesman spokeswoman spokesperson representative minister ministry
    foreign interior defence defense official officials government office department state
    deputy prime chief head leader agency police army military group organisation
    organization monitor watchdog embassy president chancellor senator ambassador analyst
    analysts expert experts authorities sources witnesses observers residents protesters
    envoy general commander adviser advisor aide aides lawmaker lawmakers party company
    network internet service national security council committee federal news human rights
    activist activists campaigners journalist journalists regional local city mayor governor
    spokespeople director researcher researchers
    """)

_PERSON_ROLE_SUFFIXES_DE = (
    "präsident",
    "präsidentin",
    "sprecher",
    "sprecherin",
    "minister",
    "ministerin",
    "kanzler",
    "kanzlerin",
    "staatschef",
    "staatschefin",
    "regierungschef",
    "regierungschefin",
    "chef",
    "chefin",
    "senator",
    "senatorin",
    "botschafter",
    "botschafterin",
    "sekretär",
    "sekretärin",
    "bürgermeister",
    "bürgermeisterin",
    "vorsitzende",
    "vorsitzender",
    "abgeordnete",
    "abgeordneter",
    "experte",
    "expertin",
    "analyst",
    "analystin",
    "professor",
    "professorin",
    "direktor",
    "direktorin",
    "leiter",
    "leiterin",
    "general",
    "kommandeur",
    "premier",
    "könig",
    "königin",
    "papst",
    "herr",
    "frau",
    "vertreter",
    "vertreterin",
    "beauftragte",
    "beauftragter",
    "aktivist",
    "aktivistin",
    "journalist",
    "journalistin",
    "anwalt",
    "anwältin",
    "richter",
    "richterin",
    "gouverneur",
    "gouverneurin",
    "diplomat",
    "diplomatin",
    "politiker",
    "politikerin",
    "dr",
    "prof",
)
_PERSON_ROLES_EN = _words("""
    president spokesman spokeswoman spokesperson minister chancellor secretary senator
    ambassador mayor governor official chief director leader head general commander
    professor analyst expert adviser advisor aide envoy representative deputy premier
    king queen pope mr mrs ms dr prof sir lady lord judge lawyer activist journalist
    """)
_FEMALE_ROLES_EN = _words("spokeswoman mrs ms queen lady")
_MALE_ROLES_EN = _words("spokesman mr king sir lord")
# Roles whose holder speaks for someone else: "ein Sprecher des Auswärtigen Amts" is the
# Auswärtiges Amt speaking.
_SPOKES_ROLES = _words(
    "sprecher sprecherin vertreter vertreterin spokesman spokeswoman spokesperson representative"
)
# Nouns naming a kind of body, followed by its name: "Die Organisation Netblocks".
_ORG_TYPES = _words("""
    organisation organization gruppe group partei party agentur agency nachrichtenagentur
    zeitung newspaper sender broadcaster unternehmen company firma firm konzern plattform
    platform bewegung movement initiative institut institute stiftung foundation netzwerk
    network monitor watchdog ngo
    """)
_ORG_SUFFIXES = (
    "ministerium",
    "regierung",
    "amt",
    "amts",
    "behörde",
    "behörden",
    "verwaltung",
    "polizei",
    "armee",
    "militär",
    "streitkräfte",
    "kreml",
    "botschaft",
    "gericht",
    "parlament",
    "senat",
    "bundestag",
    "kommission",
    "partei",
    "ministry",
    "government",
    "office",
    "department",
    "agency",
    "police",
    "army",
    "military",
    "kremlin",
    "embassy",
    "court",
    "parliament",
    "senate",
    "committee",
    "commission",
    "council",
    "house",
    "pentagon",
    "organisation",
    "organization",
    "authorities",
    "netblocks",
)
_PLACES = _words("""
    russland moskau washington peking china kasachstan almaty astana berlin kiew kyjiw
    ukraine deutschland frankreich paris london brüssel europa amerika usa russia moscow
    beijing kazakhstan kyiv germany france britain brussels europe america
    """)
# Nouns that stand for an anonymous source: "Berichten zufolge", "reports said".
_ANONYMOUS_SOURCES = (
    "bericht",
    "berichte",
    "berichten",
    "angaben",
    "informationen",
    "quellen",
    "medien",
    "kreisen",
    "reports",
    "report",
    "media",
)
# "russische Behauptungen, wonach …": the claim of the people named by the adjective.
_CLAIM_NOUNS = _words("""
    behauptung behauptungen vorwurf vorwürfe darstellung darstellungen gerüchte angaben
    claims claim allegations allegation accusations assertions suggestions
    """)
_DEMONYMS = {
    "russisch": "Russland",
    "amerikanisch": "USA",
    "us-amerikanisch": "USA",
    "chinesisch": "China",
    "ukrainisch": "Ukraine",
    "kasachisch": "Kasachstan",
    "deutsch": "Deutschland",
    "französisch": "Frankreich",
    "britisch": "Großbritannien",
    "russian": "Russia",
    "american": "United States",
    "chinese": "China",
    "ukrainian": "Ukraine",
    "kazakh": "Kazakhstan",
    "german": "Germany",
    "french": "France",
    "british": "United Kingdom",
}

# Konjunktiv I/II forms that (outside "ich …") only occur in reported speech or the
# unreal mood; other verb forms are recognised by shape (see _is_konjunktiv).
_KONJUNKTIV = _words("""
    sei seien seiest habe werde könne müsse solle wolle dürfe möge wisse gebe stehe gehe
    komme liege handele handle bestehe gelte brauche lasse sehe halte bleibe diene hoffe
    wäre wären hätte hätten würde würden könnte könnten müsste müssten dürfte dürften
    gäbe käme ginge stünde läge hieße
    """)
_KONJUNKTIV_STRONG = _words("sei seien seiest habe werde könne müsse solle wolle dürfe")
# Lower-case words ending in -e that are not verbs.
_NOT_VERBS_DE = _words("""
    eine keine seine ihre meine deine unsere eure diese jene welche solche manche alle
    viele wenige einige beide andere eigene ohne gerne heute lange ende beinahe nahe
    gerade bitte danke alleine selbe gleiche erste zweite dritte letzte nächste große
    kleine neue alte hohe ganze halbe weitere mehrere übrige dasselbe dieselbe derselbe
    hierzulande zuhause dessen deren ebenfalls einzige weise jede jeder gestern
    """)
_THAT_WORDS = _words("dass ob wonach that")
_DE_PREPOSITIONS = _words(
    "an am auf aus bei beim durch für gegen im in ins mit nach seit über um unter vom vor "
    "zu zum zur laut"
)

_ABBREVIATIONS = _words("""
    z b bzw ca dr prof nr st usw etc vgl u a d h inkl evtl ggf sog jh mio mrd abs ehem hl
    str tel dt gen frz engl mr mrs ms jr sr vs inc ltd co corp gov sen rep col lt sgt capt
    no fig e g i jan feb apr aug sep sept okt oct nov dez dec mt ft
    """)


@dataclass(frozen=True, slots=True)
class _Lexicon:
    language: str
    verbs: dict[str, _Verb]
    determiners: frozenset[str]
    pronouns: dict[str, str]
    stop: frozenset[str]


_LEXICONS = {
    "de": _Lexicon("de", _DE_VERBS, _DE_DETERMINERS, _DE_PRONOUNS, _DE_STOP),
    "en": _Lexicon("en", _EN_VERBS, _EN_DETERMINERS, _EN_PRONOUNS, _EN_STOP),
}


def _lexicon(language: str) -> _Lexicon:
    primary = (language or "de").split("-")[0].split("_")[0].lower()
    return _LEXICONS.get(primary, _LEXICONS["en"])


# --------------------------------------------------------------------------------------
# Quotations
# --------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------
# Paragraphs and sentences
# --------------------------------------------------------------------------------------

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


@dataclass(slots=True)
class _Tok:
    word: bool
    start: int
    end: int
    text: str
    lower: str
    cap: bool  # a word starting with a capital
    quote: _Quote | None = None


def _unpossessive(word: str) -> str:
    """ "Kazakhstan's" → "Kazakhstan"."""
    return word[:-2] if word.endswith(("'s", "’s")) else word


@dataclass(slots=True)
class _Raw:
    """A speaker as the text names it, before resolution."""

    name: str = ""
    is_org: bool = False
    gender: str = ""
    pronoun: str = ""  # the slot holds a pronoun ("sagte er")
    anonymous: bool = False  # "Berichten zufolge": a source, but nobody named
    previous: bool = False  # "demnach": whoever was cited last
    # "sagte der SPD-Politiker": a role with the definite article points back to the
    # last person mentioned (of the role's gender); `name` is the fallback
    anaphor: bool = False
    pos: int = 0


@dataclass(slots=True)
class _Attr:
    raw: _Raw
    kind: str  # _CLAUSAL, _OBJECT or _REPORTED
    layout: str  # leading, frame (speaker and statement interwoven), trailing, middle
    content: tuple[int, int]
    that_clause: bool = False
    after_quote: bool = False  # the attribution follows a quotation: "…", sagte er


@dataclass(slots=True)
class _Sentence:
    index: int
    para: int
    start: int
    end: int
    toks: list[_Tok]
    quotes: list[_Quote]
    attr: _Attr | None = None
    claim: tuple[Attribution, int, int] | None = None
    konjunktiv: bool = False
    konjunktiv_strong: bool = False
    direct_span: tuple[int, int] | None = None
    roles: list[_Raw] = field(default_factory=list)
    extra: list[tuple[int, int, _Raw]] = field(default_factory=list)
    # capitalised words (position, lower case), kept for pass 2 when the tokens are dropped
    capitals: list[tuple[int, str]] = field(default_factory=list)


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


# --------------------------------------------------------------------------------------
# Speaker noun phrases
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# Attribution in one sentence
# --------------------------------------------------------------------------------------


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


_EN_BETWEEN = _words("""
    also later earlier previously repeatedly has had have then further again separately
    reportedly once flatly firmly strongly quickly immediately never
    """)


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


_PREPOSITIONS = _DE_PREPOSITIONS | _words("in on at during after before to from")


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


# --------------------------------------------------------------------------------------
# What kind of statement
# --------------------------------------------------------------------------------------


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
        or low.endswith(("te", "ie", "ische", "liche"))
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


def _classify(text: str, sent: _Sentence, lex: _Lexicon) -> None:
    toks = sent.toks
    sent.konjunktiv, sent.konjunktiv_strong = _konjunktiv(toks, 0, len(toks), lex)
    sent.direct_span = _direct_span(text, sent, sent.start, sent.end)
    attr = sent.attr
    if attr is None:
        return
    lo, hi = attr.content
    if attr.layout == "middle":
        direct = _direct_span_middle(text, sent)
    else:
        direct = _direct_span(text, sent, lo, hi)
    if direct is not None and attr.kind != _REPORTED:
        sent.claim = (Attribution.DIRECT, *direct)
        return
    a, b = _tok_range(toks, lo, hi)
    konj, _strong = _konjunktiv(toks, a, b, lex)
    s, e = _trim(text, lo, hi)
    words = sum(1 for t in toks[a:b] if t.word or t.quote is not None)
    # "Er sagte nichts": a frame needs more than speaker, verb and one word
    if s >= e or words < (4 if attr.layout == "frame" else 2):
        return
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
    else:
        kind = Attribution.INDIRECT
    sent.claim = (kind, s, e)


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


def _claim_clauses(text: str, sent: _Sentence, lex: _Lexicon) -> list[tuple[int, int, _Raw]]:
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
                out.append((s, e, _Raw(country, True, pos=tok.start)))
    return out


# --------------------------------------------------------------------------------------
# Speakers: known ones, and the ones the text names
# --------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Entity:
    id: int | None
    name: str
    is_org: bool
    gender: str
    known: bool
    first_names: set[str] = field(default_factory=set)  # of its names with several words

    def ref(self) -> SpeakerRef:
        return SpeakerRef(self.id, self.name)


def _same_first_name(first: str, entity: _Entity) -> bool:
    """ "Hunter Biden" is not "Joe Biden"; "J. Biden" and "Kassym-Jomart Tokajew" may be."""
    if not entity.first_names:
        return True
    first = first.rstrip(".")
    return any(
        f == first
        or (len(first) == 1 and f.startswith(first))
        or (len(f.rstrip(".")) == 1 and first.startswith(f.rstrip(".")))
        or JaroWinkler.normalized_similarity(first, f) >= 0.85
        for f in entity.first_names
    )


def _norm(name: str) -> str:
    name = re.sub(r"['’]s\b", "", name)
    return " ".join(name.casefold().split())


class _Registry:
    """Every speaker of the article; looks names up by exact form, last name, then by
    similarity (rapidfuzz), known speakers before the ones found in the text."""

    def __init__(self, known: Sequence[KnownSpeaker]) -> None:
        self.entities: list[_Entity] = []
        self._exact: dict[str, _Entity] = {}
        self._last: dict[str, _Entity | None] = {}  # None: two people share the name
        self._tokens: dict[str, set[int]] = {}
        self._cache: dict[tuple[str, bool], _Entity] = {}
        # Similarity search costs time in proportion to the speakers known; past this many
        # searches (a text naming thousands of people) only exact forms are looked up.
        self._fuzzy_budget = 256
        for speaker in known:
            gender = {"f": "f", "w": "f", "m": "m"}.get((speaker.gender or "")[:1].lower(), "")
            entity = _Entity(speaker.id, speaker.name, speaker.is_organization, gender, True)
            self._add(entity, [speaker.name, *speaker.aliases])

    def _add(self, entity: _Entity, names: Iterable[str]) -> None:
        index = len(self.entities)
        self.entities.append(entity)
        for name in names:
            key = _norm(name)
            if not key:
                continue
            self._exact.setdefault(key, entity)
            parts = key.split()
            if len(parts) > 1:
                entity.first_names.add(parts[0])
            if not entity.is_org and len(parts[-1]) >= 3:
                last = parts[-1]
                if last in self._last and self._last[last] is not entity:
                    if not (self._last[last] and self._last[last].known and not entity.known):
                        self._last[last] = None
                else:
                    self._last[last] = entity
            for part in parts:
                if len(part) >= 4:
                    self._tokens.setdefault(part, set()).add(index)

    def lookup(self, name: str, is_org: bool = False) -> _Entity | None:
        key = _norm(name)
        if not key:
            return None
        cached = self._cache.get((key, is_org))
        if cached is not None:
            return cached
        found = self._lookup(key, is_org)
        if found is not None:  # a miss is followed by resolve(), which adds the name
            self._cache[(key, is_org)] = found
        return found

    def _lookup(self, key: str, is_org: bool) -> _Entity | None:
        candidates = [key]
        if key.endswith("s") and len(key) > 4:
            candidates.append(key[:-1])  # "Tokajews"
        for cand in candidates:
            if cand in self._exact:
                return self._exact[cand]
        parts = key.split()
        if not is_org:
            for cand in (parts[-1], parts[-1][:-1] if parts[-1].endswith("s") else ""):
                hit = self._last.get(cand)
                if hit is not None and (len(parts) == 1 or _same_first_name(parts[0], hit)):
                    return hit
        # every word of the name belongs to one and only one speaker's name
        # ("Innenministerium" → "Innenministerium Kasachstans")
        sets = [self._tokens.get(p) for p in parts if len(p) >= 4]
        if sets and all(sets) and len(sets) == len(parts):
            common = set.intersection(*sets)  # type: ignore[arg-type]
            if len(common) == 1:
                return self.entities[next(iter(common))]
        if self._fuzzy_budget <= 0:
            return None
        self._fuzzy_budget -= 1
        # misspellings: "Tojakew" for "Tokajew"
        if len(parts) == 1 and len(key) >= 5 and self._last:
            choices = [k for k, v in self._last.items() if v is not None and k[0] == key[0]]
            hit = process.extractOne(
                key, choices, scorer=JaroWinkler.normalized_similarity, score_cutoff=0.93
            )
            if hit is not None:
                return self._last[hit[0]]
        if self._exact and len(key) >= 6:
            hit = process.extractOne(key, list(self._exact), scorer=fuzz.ratio, score_cutoff=88)
            if hit is not None:
                return self._exact[hit[0]]
        return None

    def resolve(self, raw: _Raw) -> _Entity | None:
        if not raw.name:
            return None
        entity = self.lookup(raw.name, raw.is_org)
        if entity is None:
            entity = _Entity(None, raw.name, raw.is_org, raw.gender, False)
            self._add(entity, [raw.name])
        elif not entity.gender and raw.gender and not entity.known:
            entity.gender = raw.gender
        return entity

    def mention_keys(self) -> dict[str, _Entity]:
        keys: dict[str, _Entity] = {}
        for key, entity in self._exact.items():
            if " " not in key:
                keys[key] = entity
        for key, entity in self._last.items():
            if entity is not None:
                keys.setdefault(key, entity)
        return keys


def _fits(entity: _Entity, pronoun_class: str) -> bool:
    if pronoun_class == "m":
        return not entity.is_org and entity.gender in ("m", "")
    if pronoun_class == "f":
        return not entity.is_org and entity.gender in ("f", "")
    if pronoun_class == "fo":
        return entity.is_org or entity.gender in ("f", "")
    if pronoun_class == "p":
        return not entity.is_org
    return entity.is_org


# --------------------------------------------------------------------------------------
# Putting it together
# --------------------------------------------------------------------------------------

_BASE_CONFIDENCE = {
    Attribution.DIRECT: 0.9,
    Attribution.INDIRECT: 0.8,
    Attribution.PARAPHRASE: 0.65,
    Attribution.REPORTED: 0.65,
}
_PRONOUN_WINDOW = 40


@dataclass(slots=True)
class _Unit:
    start: int
    end: int
    speaker: _Entity | None
    attribution: Attribution
    certainty: float  # how sure the speaker is, 0..1
    para: int
    last_sentence: int
    # the statement opened with its speaker, so the next sentence in Konjunktiv may
    # belong to it ("Tokajew warf … vor, …. "Ausgebildet" worden seien die Gruppen …")
    open_ended: bool = False

    @property
    def confidence(self) -> float:
        return _BASE_CONFIDENCE[self.attribution] * self.certainty


def suggest_claims(
    text: str,
    *,
    language: str = "de",
    speakers: Sequence[KnownSpeaker] = (),
    existing_spans: Sequence[tuple[int, int]] = (),
) -> list[Suggestion]:
    """Candidate claims in `text`, sorted by start; `language` is a BCP 47 tag (German
    and English rules; other languages get the English ones). Candidates overlapping one
    of `existing_spans` (claims already made) are left out."""
    if not text or not text.strip():
        return []
    lex = _lexicon(language)

    # Pass 1: attribution, kind of statement and the names each sentence offers.
    registry = _Registry(speakers)
    raws: list[_Raw] = []
    sentences: list[_Sentence] = []
    for sent in _sentences(text, lex):
        sentences.append(sent)
        sent.attr = _find_attribution(sent, lex)
        _classify(text, sent, lex)
        sent.roles = _roles(sent, lex)
        sent.extra = _claim_clauses(text, sent, lex)
        raws.extend(sent.roles)
        if sent.attr is not None and sent.attr.raw.name and not sent.attr.raw.anaphor:
            raws.append(sent.attr.raw)
        raws.extend(raw for _s, _e, raw in sent.extra)
        # Pass 2 needs no more than the capitalised words: dropping the tokens keeps the
        # memory, and so the time per character, flat on long texts.
        sent.capitals = [(t.start, _unpossessive(t.lower)) for t in sent.toks if t.cap]
        sent.toks = []
    # Full names first, so that "Psaki" finds the "Jen Psaki" named elsewhere.
    for raw in sorted(raws, key=lambda r: (r.is_org, -len(r.name.split()))):
        registry.resolve(raw)
    keys = registry.mention_keys()

    # Pass 2: in reading order; pronouns, statements that go on, merging.
    units: list[_Unit] = []
    history: list[_Entity] = []  # speakers mentioned so far, latest last
    frame: _Unit | None = None  # the statement being reported, if any
    for sent in sentences:
        mentions = _mentions(sent, keys)
        unit = None
        if sent.attr is not None:
            speaker, certainty = _speaker_of(sent.attr.raw, registry, history, mentions, frame, lex)
            if sent.claim is not None:
                kind, start, end = sent.claim
                open_ended = sent.attr.layout in ("leading", "frame") and kind != Attribution.DIRECT
                unit = _Unit(
                    start, end, speaker, kind, certainty, sent.para, sent.index, open_ended
                )
            elif speaker is not None:  # "Tokajew sagte im Fernsehen:" and the statement follows
                frame = _Unit(
                    sent.end,
                    sent.end,
                    speaker,
                    Attribution.INDIRECT,
                    certainty,
                    sent.para,
                    sent.index,
                )
        elif sent.direct_span is not None or sent.konjunktiv:
            speaker = frame.speaker if frame is not None else None
            if sent.direct_span is not None:
                kind, (start, end) = Attribution.DIRECT, sent.direct_span
            else:
                kind, (start, end) = Attribution.INDIRECT, _trim(text, sent.start, sent.end)
            if (
                frame is not None
                and kind == Attribution.INDIRECT
                and frame.open_ended
                and frame.last_sentence == sent.index - 1
                and frame.para == sent.para
            ):
                frame.end = end
                frame.last_sentence = sent.index
                frame.open_ended = False  # one sentence at most: claims stay short
                frame.attribution = Attribution.INDIRECT
                history.extend(entity for _pos, entity in mentions)
                continue
            if frame is not None and speaker is not None:
                unit = _Unit(
                    start, end, speaker, kind, 0.75 * frame.certainty, sent.para, sent.index
                )
            elif sent.konjunktiv_strong or (
                sent.direct_span is not None and len(text[start:end].split()) >= 3
            ):
                unit = _Unit(start, end, None, kind, 0.4, sent.para, sent.index)
        else:
            frame = None  # narration: the statement reported before is over
        history.extend(entity for _pos, entity in mentions)
        if unit is not None:
            units.append(unit)
            if unit.speaker is not None:
                history.append(unit.speaker)
            frame = unit
        for start, end, raw in sent.extra:
            entity = registry.lookup(raw.name, raw.is_org)
            units.append(
                _Unit(start, end, entity, Attribution.REPORTED, 0.75, sent.para, sent.index)
            )
        if len(history) > 4 * _PRONOUN_WINDOW:
            del history[:-_PRONOUN_WINDOW]

    return _finish(text, units, existing_spans)


def _mentions(sent: _Sentence, keys: dict[str, _Entity]) -> list[tuple[int, _Entity]]:
    found = []
    for pos, low in sent.capitals:
        entity = keys.get(low) or (keys.get(low[:-1]) if low.endswith("s") else None)
        if entity is not None:
            found.append((pos, entity))
    return found


def _speaker_of(
    raw: _Raw,
    registry: _Registry,
    history: list[_Entity],
    mentions: list[tuple[int, _Entity]],
    frame: _Unit | None,
    lex: _Lexicon,
) -> tuple[_Entity | None, float]:
    """The speaker an attribution names, and how sure that is (a factor)."""
    if raw.anonymous:
        return None, 1.0
    if raw.previous:
        return (frame.speaker, 0.9) if frame is not None else (None, 0.8)
    if raw.pronoun or raw.anaphor:
        if raw.pronoun:
            wanted = lex.pronouns.get(raw.pronoun) or _DE_PRONOUNS.get(raw.pronoun, "o")
        else:
            wanted = raw.gender or "p"
        recent = [e for p, e in mentions if p < raw.pos]
        pool = history[-_PRONOUN_WINDOW:] + recent
        for entity in reversed(pool):
            if _fits(entity, wanted):
                return entity, 0.85 if raw.pronoun else 0.8
        if raw.pronoun:
            return None, 0.5
    entity = registry.resolve(raw)
    if entity is None:
        return None, 0.5
    if entity.known and _norm(entity.name) != _norm(raw.name):
        return entity, 0.95
    return entity, 1.0 if entity.known else 0.95


def _finish(
    text: str, units: list[_Unit], existing_spans: Sequence[tuple[int, int]]
) -> list[Suggestion]:
    taken = sorted((min(a, b), max(a, b)) for a, b in existing_spans if a != b)
    # running maximum of the ends: one bisect answers "does anything overlap [s, e)?"
    starts = [a for a, _b in taken]
    max_end: list[int] = []
    for _a, b in taken:
        max_end.append(max(b, max_end[-1]) if max_end else b)
    best: dict[tuple[int, int], Suggestion] = {}
    for u in units:
        if u.start >= u.end:
            continue
        i = bisect.bisect_left(starts, u.end) - 1
        if i >= 0 and max_end[i] > u.start:
            continue
        suggestion = Suggestion(
            start=u.start,
            end=u.end,
            quote=text[u.start : u.end],
            speaker=u.speaker.ref() if u.speaker is not None else None,
            attribution=u.attribution,
            confidence=round(min(1.0, max(0.0, u.confidence)), 2),
        )
        key = (u.start, u.end)
        if key not in best or best[key].confidence < suggestion.confidence:
            best[key] = suggestion
    return sorted(best.values(), key=lambda s: (s.start, s.end))
