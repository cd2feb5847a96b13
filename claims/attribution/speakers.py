"""Speaker resolution: the registry of an article's speakers (known ones first, then the
names the text gives: exact form, last name, similarity via rapidfuzz) and, in reading
order, whom a pronoun, a role with the definite article or "demnach" points to."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from .data import KnownSpeaker, SpeakerRef, SpeakerResolution
from .lexicon import _DE_PRONOUNS, _Lexicon
from .records import _Raw, _Sentence


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
                    current = self._last[last]
                    if not (current and current.known and not entity.known):
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
        found = [self._tokens.get(p) for p in parts if len(p) >= 4]
        sets = [s for s in found if s]
        if sets and len(sets) == len(found) == len(parts):
            common = set.intersection(*sets)
            if len(common) == 1:
                return self.entities[next(iter(common))]
        if self._fuzzy_budget <= 0:
            return None
        self._fuzzy_budget -= 1
        # misspellings: "Tojakew" for "Tokajew"
        if len(parts) == 1 and len(key) >= 5 and self._last:
            choices = [k for k, v in self._last.items() if v is not None and k[0] == key[0]]
            similar = process.extractOne(
                key, choices, scorer=JaroWinkler.normalized_similarity, score_cutoff=0.93
            )
            if similar is not None:
                return self._last[similar[0]]
        if self._exact and len(key) >= 6:
            similar = process.extractOne(key, list(self._exact), scorer=fuzz.ratio, score_cutoff=88)
            if similar is not None:
                return self._exact[similar[0]]
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
        for key, named in self._last.items():
            if named is not None:
                keys.setdefault(key, named)
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
    if pronoun_class == "mo":
        return entity.is_org or entity.gender in ("m", "")
    return entity.is_org


_PRONOUN_WINDOW = 40  # how many of the latest mentions a pronoun or a role looks back on


class _Frame(Protocol):
    """The statement being reported (the driver's unit): only its speaker matters here."""

    speaker: _Entity | None


def _mentions(sent: _Sentence, keys: dict[str, _Entity]) -> list[tuple[int, _Entity]]:
    found = []
    for pos, low in sent.capitals:
        entity = keys.get(low) or (keys.get(low[:-1]) if low.endswith("s") else None)
        if entity is not None:
            found.append((pos, entity))
    return found


def _holder_of(role: str, holders: list[tuple[str, _Entity]]) -> _Entity | None:
    """The latest person introduced with `role` ("Gesundheitsministerin Petra Lang" for "die
    Minister"; "Sprecherin" is not "Sprecher")."""
    key = role if role.endswith(("sprecher", "sprecherin")) else role.rsplit("-", 1)[-1]
    for held, entity in reversed(holders[-_PRONOUN_WINDOW:]):
        if held == key or held.endswith(key):
            return entity
    return None


def _speaker_of(
    raw: _Raw,
    registry: _Registry,
    history: list[_Entity],
    mentions: list[tuple[int, _Entity]],
    frame: _Frame | None,
    lex: _Lexicon,
    holders: list[tuple[str, _Entity]],
) -> tuple[_Entity | None, float, SpeakerResolution]:
    """The speaker an attribution names, how sure that is (a factor), and how it was
    found."""
    if raw.anonymous:
        return None, 1.0, SpeakerResolution.NONE
    if raw.previous:
        if frame is not None and frame.speaker is not None:
            return frame.speaker, 0.9, SpeakerResolution.PREVIOUS
        return None, 0.8, SpeakerResolution.NONE
    if raw.anaphor:
        holder = _holder_of(raw.role, holders)
        if holder is not None:
            return holder, 0.85, SpeakerResolution.ROLE
        if raw.role.endswith(_SPOKES) or raw.role in _SPOKES:
            # a spokesperson nobody was introduced as: someone new, not the last person named
            return registry.resolve(raw), 0.8, SpeakerResolution.ROLE
    if raw.pronoun or raw.anaphor or raw.owner:
        if raw.pronoun:
            wanted = lex.pronouns.get(raw.pronoun) or _DE_PRONOUNS.get(raw.pronoun, "o")
        else:
            wanted = raw.owner or raw.gender or "p"
        recent = [e for p, e in mentions if p < raw.pos]
        pool = history[-_PRONOUN_WINDOW:] + recent
        how = SpeakerResolution.PRONOUN if raw.pronoun or raw.owner else SpeakerResolution.ROLE
        for candidate in reversed(pool):
            if _fits(candidate, wanted):
                return candidate, 0.85 if raw.pronoun else 0.8, how
        if raw.pronoun or raw.owner:
            return None, 0.5, SpeakerResolution.NONE
    entity = registry.resolve(raw)
    if entity is None:
        return None, 0.5, SpeakerResolution.NONE
    if raw.role:
        return entity, 0.9, SpeakerResolution.ROLE  # "ein Sprecher", "a spokesman"
    if _norm(entity.name) != _norm(raw.name):
        return entity, 0.95, SpeakerResolution.ALIAS
    return entity, 1.0 if entity.known else 0.95, SpeakerResolution.NAMED


_SPOKES = ("sprecher", "sprecherin", "spokesman", "spokeswoman", "spokesperson", "vertreter")
