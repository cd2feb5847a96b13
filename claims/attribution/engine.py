"""The driver: `suggest_claims` runs the two passes over the text (pass 1, sentence by
sentence: attribution, kind of statement, names; pass 2, in reading order: speakers,
statements that go on, merging) and turns the statements found into suggestions."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from .data import Attribution, KnownSpeaker, Suggestion
from .lexicon import _lexicon
from .phrases import _roles, _unpossessive
from .records import _Raw, _Sentence
from .sentences import _sentences
from .speakers import _PRONOUN_WINDOW, _Entity, _mentions, _Registry, _speaker_of
from .speech import _find_attribution
from .statements import _claim_clauses, _classify, _trim

_BASE_CONFIDENCE = {
    Attribution.DIRECT: 0.9,
    Attribution.INDIRECT: 0.8,
    Attribution.PARAPHRASE: 0.65,
    Attribution.REPORTED: 0.65,
}


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
