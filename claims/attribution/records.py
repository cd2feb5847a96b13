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
    kind: str  # lexicon._CLAUSAL, _OBJECT or _REPORTED
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
