"""The engine's public data: what a caller passes in (KnownSpeaker) and gets back
(Suggestion, with its SpeakerRef, Attribution, cue and SpeakerResolution)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Attribution(StrEnum):
    DIRECT = "direct"  # direct quote
    INDIRECT = "indirect"  # indirect speech (Konjunktiv), possibly with embedded quoted fragments
    PARAPHRASE = "paraphrase"
    REPORTED = "reported"  # reported by a third party ("Berichten zufolge", "according to")


class SpeakerResolution(StrEnum):
    """How a suggestion's speaker was found."""

    NAMED = "named"  # the sentence names the speaker ("sagte Tokajew"), as the desk knows it
    ALIAS = "alias"  # another form of a name: an alias, a last name, a misspelling, a name
    # given in full elsewhere ("Psaki" for "Jen Psaki")
    ROLE = "role"  # a role noun: "sagte der Sprecher" (to whoever was introduced with it)
    PRONOUN = "pronoun"  # a pronoun ("sagte er", "she said") or "demnach"
    PREVIOUS = "previous"  # no attribution of its own: it goes on with the statement before
    NONE = "none"  # nobody: an anonymous report, or no speaker found


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
    # What it was found by: the speech verb or marker as the text has it ("sagte", "warf …
    # vor", "according to", "laut"), ":" (a name and a colon), or, for a statement going
    # on without an attribution of its own, "Konjunktiv" or "quotation".
    cue: str = ""
    speaker_resolution: SpeakerResolution = SpeakerResolution.NONE
