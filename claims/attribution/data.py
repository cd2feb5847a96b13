"""The engine's public data: what a caller passes in (KnownSpeaker) and gets back
(Suggestion, with its SpeakerRef and Attribution)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
