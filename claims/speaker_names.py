"""Speaker names compared as people read them: case, accents and punctuation folded,
then rapidfuzz for near-identical spellings. Text in, values out (no database)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

# Two normalised names at least this similar (rapidfuzz ratio, 0..100) are one speaker
# spelled twice ("Jen Psaki" / "Jenn Psaki": 95). One letter changed in a short name
# ("Olaf Scholz" / "Olaf Schulz": 91) stays below: those may be two people.
NEAR_IDENTICAL = 93.0
# Below this a name is not offered as one of the closest existing speakers.
CLOSEST_CUTOFF = 60.0

_NOT_WORD = re.compile(r"[^\w]+")


def normalise_name(name: str) -> str:
    """Case folded, accents removed, punctuation and runs of space made one space."""
    decomposed = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(_NOT_WORD.sub(" ", folded).replace("_", " ").split())


@dataclass(frozen=True, slots=True)
class NamedSpeaker:
    """A speaker as the comparison needs it: its id, name and aliases."""

    id: int
    name: str
    aliases: Sequence[str] = ()

    def keys(self) -> list[str]:
        return [k for k in (normalise_name(n) for n in (self.name, *self.aliases)) if k]


@dataclass(frozen=True, slots=True)
class SpeakerMatch:
    id: int
    name: str
    matched: str  # the name or alias that matched, as registered
    score: float  # 100 for the same normalised form
    how: str  # "name", "alias" or "similar"


def _candidates(speakers: Iterable[NamedSpeaker]) -> list[tuple[str, NamedSpeaker, str]]:
    rows = []
    for speaker in speakers:
        for registered in (speaker.name, *speaker.aliases):
            key = normalise_name(registered)
            if key:
                rows.append((key, speaker, registered))
    return rows


def _match(key: str, speaker: NamedSpeaker, registered: str, score: float) -> SpeakerMatch:
    how = ("name" if registered == speaker.name else "alias") if score >= 100 else "similar"
    return SpeakerMatch(speaker.id, speaker.name, registered, score, how)


def speaker_resolve(name: str, speakers: Iterable[NamedSpeaker]) -> SpeakerMatch | None:
    """The existing speaker a typed name means: the same normalised name or alias, else
    the one near-identical spelling (None when none, or when two speakers tie)."""
    key = normalise_name(name)
    if not key:
        return None
    rows = _candidates(speakers)
    exact = [row for row in rows if row[0] == key]
    if exact:
        exact.sort(key=lambda row: row[2] != row[1].name)  # a name before an alias
        return _match(*exact[0], 100.0)
    best: dict[int, tuple[float, tuple[str, NamedSpeaker, str]]] = {}
    for row in rows:
        score = fuzz.ratio(key, row[0])
        if score >= NEAR_IDENTICAL and score > best.get(row[1].id, (0.0, row))[0]:
            best[row[1].id] = (score, row)
    if not best:
        return None
    ranked = sorted(best.values(), key=lambda item: -item[0])
    if len(ranked) > 1 and ranked[0][0] == ranked[1][0]:
        return None  # two speakers as near: a person must choose
    score, row = ranked[0]
    return _match(*row, score)


def speakers_closest(
    name: str, speakers: Iterable[NamedSpeaker], *, limit: int = 5
) -> list[SpeakerMatch]:
    """The existing speakers nearest a typed name, best first, one entry per speaker."""
    key = normalise_name(name)
    if not key:
        return []
    rows = _candidates(speakers)
    found = process.extract(
        key,
        [row[0] for row in rows],
        scorer=fuzz.WRatio,
        score_cutoff=CLOSEST_CUTOFF,
        limit=None,
    )
    seen: set[int] = set()
    matches: list[SpeakerMatch] = []
    for _choice, score, index in sorted(found, key=lambda f: -f[1]):
        row = rows[index]
        if row[1].id in seen:
            continue
        seen.add(row[1].id)
        matches.append(_match(*row, 100.0 if row[0] == key else float(score)))
        if len(matches) == limit:
            break
    return matches
