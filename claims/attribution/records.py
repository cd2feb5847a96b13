"""The records the passes hand one another: a token, a speaker as the text names it, a
sentence's attribution, and the sentence that carries them from pass 1 to pass 2."""

from __future__ import annotations

from dataclasses import dataclass, field

from .data import Attribution
from .quotes import _Quote


@dataclass(slots=True)
class _Tok:
    word: bool
    start: int
    end: int
    text: str
    lower: str
    cap: bool  # a word starting with a capital
    quote: _Quote | None = None
    # a quotation used as a name, not as speech: “Northern Lights” director Sam Hale
    title: bool = False
    after_aside: bool = False  # an aside in parentheses was left out before it: "Ott (SPD)"


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
    role: str = ""  # the role noun of an anaphor ("sprecher"), to find who was introduced so
    goal: bool = False  # "so das Ziel des Vereins": names its holder, states no claim
    owner: str = ""  # "ihr Sprecher": whom the possessive may point to (a pronoun class)
    pos: int = 0


@dataclass(slots=True)
class _Attr:
    raw: _Raw
    kind: str  # lexicon._CLAUSAL, _OBJECT or _REPORTED
    layout: str  # leading, frame (speaker and statement interwoven), trailing, middle
    content: tuple[int, int]
    that_clause: bool = False
    after_quote: bool = False  # the attribution follows a quotation: "…", sagte er
    cue: str = ""  # the verb or marker as the text has it: "sagte", "warf … vor", "according to"
    fragment: bool = False  # a naming verb's quoted words are the claim: nennt … „unseriös“
    no_claim: bool = False  # names a speaker but states nothing: "so das Ziel des Vereins"
    # an attribution earlier in the sentence with a statement of its own: "Er sagt, dass …:
    # „…“, schrieb er" (this one is "schrieb er", the earlier one "Er sagt, dass …")
    before: _Attr | None = None
    # after a dash behind a trailing attribution, the speaker's statement may go on
    tail: tuple[int, int] | None = None
    tail_cue: str = ""  # "adding": the cue of the statement after the first


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
    before_claim: tuple[Attribution, int, int] | None = None
    tail_claim: tuple[Attribution, int, int] | None = None
    konjunktiv: bool = False
    konjunktiv_strong: bool = False
    direct_span: tuple[int, int] | None = None
    roles: list[_Raw] = field(default_factory=list)
    extra: list[tuple[int, int, _Raw, str]] = field(default_factory=list)  # with their cue
    # capitalised words (position, lower case), kept for pass 2 when the tokens are dropped
    capitals: list[tuple[int, str]] = field(default_factory=list)
