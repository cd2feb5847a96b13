"""The driver: `suggest_claims` runs the two passes over the text (pass 1, sentence by
sentence: attribution, kind of statement, names; pass 2, in reading order: speakers,
statements that go on, merging) and turns the statements found into suggestions."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from .data import Attribution, KnownSpeaker, SpeakerResolution, Suggestion
from .lexicon import _REPORTED, _lexicon
from .phrases import _roles, _unpossessive
from .records import _Attr, _Raw, _Sentence
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
    cue: str = ""
    resolution: SpeakerResolution = SpeakerResolution.NONE
    # the statement opened with its speaker interwoven, so the next sentence in Konjunktiv
    # may belong to it ("Tokajew warf … vor, …. "Ausgebildet" worden seien die Gruppen …")
    open_ended: bool = False
    # narration sentences since the statement: one may stand between a speaker's
    # statement and its continuation in Konjunktiv
    gap: int = 0

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
        for attr in (sent.attr, sent.attr.before if sent.attr else None):
            if attr is not None and attr.raw.name and not attr.raw.anaphor:
                raws.append(attr.raw)
        raws.extend(raw for _s, _e, raw, _cue in sent.extra)
        # Pass 2 needs no more than the capitalised words: dropping the tokens keeps the
        # memory, and so the time per character, flat on long texts.
        sent.capitals = [(t.start, _unpossessive(t.lower)) for t in sent.toks if t.cap]
        sent.toks = []
    # Full names first, so that "Psaki" finds the "Jen Psaki" named elsewhere.
    for raw in sorted(raws, key=lambda r: (r.is_org, -len(r.name.split()))):
        registry.resolve(raw)
    keys = registry.mention_keys()

    # Pass 2: in reading order; pronouns, roles, statements that go on, merging.
    units: list[_Unit] = []
    history: list[_Entity] = []  # speakers mentioned so far, latest last
    holders: list[tuple[str, _Entity]] = []  # people introduced with a role, latest last
    frame: _Unit | None = None  # the statement being reported, if any
    for n, sent in enumerate(sentences):
        mentions = _mentions(sent, keys)
        for raw in sent.roles:
            entity = registry.lookup(raw.name, raw.is_org)
            if entity is not None:
                holders.append((raw.role, entity))
        unit = None
        headline = _is_headline(text, sentences, n)
        if sent.attr is not None:
            before = sent.attr.before
            if before is not None and sent.before_claim is not None:
                found = _speaker_of(before.raw, registry, history, mentions, frame, lex, holders)
                frame = _attributed(sent, before, sent.before_claim, found)
                units.append(frame)
                if frame.speaker is not None:
                    history.append(frame.speaker)
            found = _speaker_of(sent.attr.raw, registry, history, mentions, frame, lex, holders)
            if sent.attr.layout == "previous" and n > 0:
                unit = _said_before(text, sentences[n - 1], sent, units, found)
                if unit is not None:
                    units.append(unit)
                    unit = None
            elif sent.claim is not None:
                unit = _attributed(sent, sent.attr, sent.claim, found)
                if sent.tail_claim is not None:
                    tail = _attributed(sent, sent.attr, sent.tail_claim, found)
                    tail.cue = sent.attr.tail_cue or tail.cue
                    units.append(tail)
            elif found[0] is not None:  # "Tokajew sagte im Fernsehen:" and the statement follows
                frame = _attributed(
                    sent, sent.attr, (Attribution.INDIRECT, sent.end, sent.end), found
                )
        elif headline:
            pass  # a headline or subhead: no claim, and the statement reported goes on
        elif _exclaims_on(text, sent, frame):
            assert frame is not None
            frame.end, frame.last_sentence = _trim(text, sent.start, sent.end)[1], sent.index
            continue
        elif sent.direct_span is not None or sent.konjunktiv:
            unit, merged = _going_on(text, sent, frame)
            if merged:
                history.extend(entity for _pos, entity in mentions)
                continue
        elif frame is not None and frame.gap == 0 and frame.para == sent.para:
            frame.gap = 1  # one narration sentence may stand between
        else:
            frame = None  # narration: the statement reported before is over
        if sent.attr is None and mentions and mentions[0][0] == sent.start:
            # the sentence's subject is the likeliest antecedent of the next pronoun
            # ("Smith met Jones. “…,” he said": Smith), so it goes last
            mentions = [*mentions[1:], mentions[0]]
        history.extend(entity for _pos, entity in mentions)
        if unit is not None:
            units.append(unit)
            if unit.speaker is not None:
                history.append(unit.speaker)
            frame = unit
        for start, end, raw, cue in sent.extra:
            entity = registry.lookup(raw.name, raw.is_org)
            units.append(
                _Unit(
                    start,
                    end,
                    entity,
                    Attribution.REPORTED,
                    0.75,
                    sent.para,
                    sent.index,
                    cue,
                    SpeakerResolution.NAMED,
                )
            )
        if len(history) > 4 * _PRONOUN_WINDOW:
            del history[:-_PRONOUN_WINDOW]
        if len(holders) > 4 * _PRONOUN_WINDOW:
            del holders[:-_PRONOUN_WINDOW]

    return _finish(text, units, existing_spans)


def _attributed(
    sent: _Sentence,
    attr: _Attr,
    claim: tuple[Attribution, int, int],
    found: tuple[_Entity | None, float, SpeakerResolution],
) -> _Unit:
    speaker, certainty, how = found
    kind, start, end = claim
    # only a statement interwoven with its speaker goes on into the next sentence
    open_ended = attr.layout == "frame" and kind != Attribution.DIRECT
    return _Unit(
        start, end, speaker, kind, certainty, sent.para, sent.index, attr.cue, how, open_ended
    )


def _going_on(text: str, sent: _Sentence, frame: _Unit | None) -> tuple[_Unit | None, bool]:
    """A quotation or Konjunktiv without an attribution of its own: the statement before
    goes on (merged into it, once, when the speaker opened it), or nobody's."""
    speaker = frame.speaker if frame is not None else None
    if sent.direct_span is not None:
        kind, (start, end), cue = Attribution.DIRECT, sent.direct_span, "quotation"
    else:
        kind, (start, end), cue = (
            Attribution.INDIRECT,
            _trim(text, sent.start, sent.end),
            "Konjunktiv",
        )
    if frame is not None and (frame.gap or frame.para != sent.para):
        # after a narration sentence or a paragraph break, only Konjunktiv I goes on
        # ("sei", not the author's own "könnte"), or a quotation in the next paragraph
        clear = sent.konjunktiv_strong if kind == Attribution.INDIRECT else not frame.gap
        if not clear:
            frame, speaker = None, None
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
        return None, True
    if frame is not None and speaker is not None:
        certainty = (0.65 if frame.gap else 0.75) * frame.certainty
        return _Unit(
            start,
            end,
            speaker,
            kind,
            certainty,
            sent.para,
            sent.index,
            cue,
            SpeakerResolution.PREVIOUS,
        ), False
    if sent.konjunktiv_strong or (
        sent.direct_span is not None and len(text[start:end].split()) >= 3
    ):
        return _Unit(start, end, None, kind, 0.4, sent.para, sent.index, cue), False
    return None, False


def _said_before(
    text: str,
    before: _Sentence,
    sent: _Sentence,
    units: list[_Unit],
    found: tuple[_Entity | None, float, SpeakerResolution],
) -> _Unit | None:
    """ "Die Zahl ist gesunken. Das teilte die Bundesagentur mit.": the sentence before is
    the statement; a quotation there without a speaker gets this one."""
    assert sent.attr is not None
    if before.para != sent.para or before.attr is not None:
        return None
    speaker, certainty, how = found
    for unit in reversed(units[-3:]):
        if unit.last_sentence == before.index and unit.speaker is None:
            unit.speaker, unit.certainty, unit.resolution = speaker, certainty, how
            unit.cue = sent.attr.cue
            return None
        if unit.last_sentence == before.index:
            return None
    start, end = _trim(text, before.start, before.end)
    kind = Attribution.REPORTED if sent.attr.kind == _REPORTED else Attribution.INDIRECT
    return _Unit(
        start, end, speaker, kind, 0.9 * certainty, sent.para, sent.index, sent.attr.cue, how
    )


def _exclaims_on(text: str, sent: _Sentence, frame: _Unit | None) -> bool:
    """ "Der Landrat mahnte: Bleibt zu Hause! Meidet Gedränge!": words after a colon without
    quotation marks, a call, go on while the sentences of the paragraph are calls too."""
    return (
        frame is not None
        and frame.attribution == Attribution.DIRECT
        and frame.para == sent.para
        and frame.last_sentence == sent.index - 1
        and text[frame.end - 1 : frame.end] == "!"
        and text[frame.start - 1 : frame.start] not in _QUOTE_MARKS
        and text[sent.start : sent.end].rstrip().endswith("!")
        and not any(c in _QUOTE_MARKS for c in text[sent.start : sent.end])
    )


_QUOTE_MARKS = "\"'„“”»«‚‘’›‹"


def _is_headline(text: str, sentences: list[_Sentence], n: int) -> bool:
    """A paragraph of one short sentence without a full stop: a headline or subhead
    ("„Wir bleiben hier“"; "Is the bridge safe?" is a question, kept)."""
    sent = sentences[n]
    if n > 0 and sentences[n - 1].para == sent.para:
        return False
    if n + 1 < len(sentences) and sentences[n + 1].para == sent.para:
        return False
    tail = text[sent.start : sent.end].rstrip(_CLOSING_MARKS + " ")
    return bool(tail) and tail[-1] not in ".!?…:;," and len(tail.split()) <= 16


_CLOSING_MARKS = "\"'“”»«’‘›‹)]"


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
            cue=u.cue,
            speaker_resolution=u.resolution if u.speaker is not None else SpeakerResolution.NONE,
        )
        key = (u.start, u.end)
        if key not in best or best[key].confidence < suggestion.confidence:
            best[key] = suggestion
    return sorted(best.values(), key=lambda s: (s.start, s.end))
