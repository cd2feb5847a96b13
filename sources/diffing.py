"""What changed between two versions of a source's text, and in the passages it is cited for.

Pure (text in, values out; difflib). :func:`text_difference` lines the two versions up
paragraph by paragraph (side by side), marks the words that changed within a changed
paragraph, and marks the characters that belong to a cited passage in either version, so
a page can highlight what changed *in the cited passage*. Unchanged stretches are folded
to a little context around each change. Nothing here is HTML: templates escape the text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final

CONTEXT: Final = 2  # unchanged paragraphs shown around a change
_TOKEN_RE: Final = re.compile(r"\s+|\w+|[^\w\s]")
_WORD_RE: Final = re.compile(r"\S+")


@dataclass(frozen=True)
class Segment:
    text: str
    changed: bool = False  # removed (old side) or added (new side)
    in_passage: bool = False  # part of a cited passage

    @property
    def css(self) -> str:
        """``diff-passage-changed``, ``diff-changed``, ``diff-passage`` or ``""``."""
        if self.changed and self.in_passage:
            return "diff-passage-changed"
        if self.changed:
            return "diff-changed"
        return "diff-passage" if self.in_passage else ""


@dataclass(frozen=True)
class Row:
    kind: str  # "equal", "replace", "delete", "insert", or "skip" (folded unchanged lines)
    old: tuple[Segment, ...] = ()
    new: tuple[Segment, ...] = ()
    skipped: int = 0  # for "skip": how many paragraphs were folded


@dataclass(frozen=True)
class PassageStatus:
    passage: str
    found_before: bool
    found_after: bool

    @property
    def lost(self) -> bool:
        """Quoted from the old version, no longer in the new one."""
        return self.found_before and not self.found_after


@dataclass(frozen=True)
class TextDifference:
    rows: tuple[Row, ...]
    passages: tuple[PassageStatus, ...]
    changed: bool
    passage_changed: bool  # a change touches a cited passage (or one is gone)


def passage_spans(text: str, passage: str) -> list[tuple[int, int]]:
    """Where ``passage`` occurs in ``text``, whitespace and case not minded."""
    words = _WORD_RE.findall(passage)
    if not words:
        return []
    pattern = re.compile(r"\s+".join(re.escape(word) for word in words), re.IGNORECASE)
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def passages_lost(old: str, new: str, passages: Sequence[str]) -> list[str]:
    """The passages found in ``old`` but not in ``new`` (a re-check's flag reason)."""
    return [p for p in passages if passage_spans(old, p) and not passage_spans(new, p)]


def _lines(text: str) -> list[tuple[int, str]]:
    """(offset, paragraph) of each non-empty line."""
    found = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            found.append((offset, line))
        offset += len(line) + 1
    return found


def _marks(text: str, passages: Sequence[str]) -> list[bool]:
    marked = [False] * len(text)
    for passage in passages:
        for start, end in passage_spans(text, passage):
            marked[start:end] = [True] * (end - start)
    return marked


def _segments(
    tokens: Sequence[tuple[int, str, bool]], marks: Sequence[bool]
) -> tuple[Segment, ...]:
    """Tokens (offset, text, changed) cut where the passage mark or the change flips."""
    segments: list[Segment] = []
    for offset, token, changed in tokens:
        for index, char in enumerate(token):
            in_passage = marks[offset + index] if offset + index < len(marks) else False
            last = segments[-1] if segments else None
            if last is not None and (last.changed, last.in_passage) == (changed, in_passage):
                segments[-1] = Segment(last.text + char, changed, in_passage)
            else:
                segments.append(Segment(char, changed, in_passage))
    return tuple(segments)


def _tokens(offset: int, line: str) -> list[tuple[int, str]]:
    return [(offset + m.start(), m.group()) for m in _TOKEN_RE.finditer(line)]


def _whole(offset: int, line: str, marks: Sequence[bool], changed: bool) -> tuple[Segment, ...]:
    return _segments([(offset, line, changed)], marks)


def _paired(
    old: tuple[int, str], new: tuple[int, str], old_marks: Sequence[bool], new_marks: Sequence[bool]
) -> Row:
    """A changed paragraph against its new version, word by word."""
    old_tokens, new_tokens = _tokens(*old), _tokens(*new)
    matcher = difflib.SequenceMatcher(
        None, [t for _, t in old_tokens], [t for _, t in new_tokens], autojunk=False
    )
    old_out: list[tuple[int, str, bool]] = []
    new_out: list[tuple[int, str, bool]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        changed = tag != "equal"
        old_out.extend((o, t, changed) for o, t in old_tokens[i1:i2])
        new_out.extend((o, t, changed) for o, t in new_tokens[j1:j2])
    return Row("replace", _segments(old_out, old_marks), _segments(new_out, new_marks))


def _rows(old: str, new: str, passages: Sequence[str]) -> Iterator[Row]:
    old_lines, new_lines = _lines(old), _lines(new)
    old_marks, new_marks = _marks(old, passages), _marks(new, passages)
    matcher = difflib.SequenceMatcher(
        None, [line for _, line in old_lines], [line for _, line in new_lines], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for (oo, ol), (no, nl) in zip(old_lines[i1:i2], new_lines[j1:j2], strict=True):
                yield Row(
                    "equal", _whole(oo, ol, old_marks, False), _whole(no, nl, new_marks, False)
                )
            continue
        olds, news = old_lines[i1:i2], new_lines[j1:j2]
        for index in range(max(len(olds), len(news))):
            if index < len(olds) and index < len(news):
                yield _paired(olds[index], news[index], old_marks, new_marks)
            elif index < len(olds):
                yield Row("delete", old=_whole(*olds[index], old_marks, True))
            else:
                yield Row("insert", new=_whole(*news[index], new_marks, True))


def _fold(rows: list[Row]) -> list[Row]:
    """Unchanged paragraphs far from any change (and not cited) become one "skip" row."""
    keep = [False] * len(rows)
    for index, row in enumerate(rows):
        if row.kind != "equal" or any(s.in_passage for s in (*row.old, *row.new)):
            for near in range(max(0, index - CONTEXT), min(len(rows), index + CONTEXT + 1)):
                keep[near] = True
    folded: list[Row] = []
    for index, row in enumerate(rows):
        if keep[index]:
            folded.append(row)
        elif folded and folded[-1].kind == "skip":
            folded[-1] = Row("skip", skipped=folded[-1].skipped + 1)
        else:
            folded.append(Row("skip", skipped=1))
    return folded


def text_difference(old: str, new: str, passages: Sequence[str] = ()) -> TextDifference:
    """The two versions side by side, changes and cited passages marked (see the module)."""
    passages = [p for p in passages if p.strip()]
    rows = _fold(list(_rows(old, new, passages)))
    statuses = tuple(
        PassageStatus(p, bool(passage_spans(old, p)), bool(passage_spans(new, p))) for p in passages
    )
    touched = any(s.changed and s.in_passage for row in rows for s in (*row.old, *row.new)) or any(
        status.lost for status in statuses
    )
    return TextDifference(
        rows=tuple(rows),
        passages=statuses,
        changed=any(row.kind not in ("equal", "skip") for row in rows),
        passage_changed=touched,
    )
