"""``sources.diffing``: two versions side by side, changes in a cited passage marked."""

from __future__ import annotations

import pytest

from sources.diffing import passage_spans, passages_lost, text_difference

OLD = (
    "Almaty, 6. Januar.\n"
    "Präsident Tokajew sprach von 20.000 Terroristen, die im Ausland ausgebildet worden seien.\n"
    "Die Regierung trat zurück.\n"
    "Schluss."
)
NEW = (
    "Almaty, 6. Januar.\n"
    "Präsident Tokajew sprach von 2.000 Terroristen, die im Ausland ausgebildet worden seien.\n"
    "Die Regierung trat zurück.\n"
    "Ein neuer Absatz.\n"
    "Schluss."
)


def _marked(segments, css):
    return [s.text for s in segments if s.css == css]


def test_the_changed_word_in_the_cited_passage_is_marked_on_both_sides():
    difference = text_difference(OLD, NEW, ["von 20.000 Terroristen"])
    assert difference.changed and difference.passage_changed
    (replaced,) = [row for row in difference.rows if row.kind == "replace"]
    assert _marked(replaced.old, "diff-passage-changed") == ["20"]
    assert _marked(replaced.new, "diff-changed") == ["2"]
    assert "von " in _marked(replaced.old, "diff-passage")
    (inserted,) = [row for row in difference.rows if row.kind == "insert"]
    assert [s.text for s in inserted.new] == ["Ein neuer Absatz."]
    (status,) = difference.passages
    assert status.found_before and not status.found_after and status.lost


@pytest.mark.parametrize(
    ("passage", "found"),
    [
        ("von 20.000 Terroristen", True),
        ("VON 20.000   terroristen", True),  # case and whitespace do not matter
        ("von 20.000\nTerroristen", True),
        ("von 20 000 Terroristen", False),  # the digits do
        ("", False),
        ("   ", False),
        (".*", False),  # a regular expression is text, not a pattern
    ],
)
def test_passage_spans(passage, found):
    assert bool(passage_spans(OLD, passage)) is found


def test_a_change_outside_the_passage_leaves_it_unchanged():
    difference = text_difference(OLD, NEW, ["Die Regierung trat zurück."])
    assert difference.changed and not difference.passage_changed
    assert passages_lost(OLD, NEW, ["Die Regierung trat zurück.", "von 20.000 Terroristen"]) == [
        "von 20.000 Terroristen"
    ]


def test_unchanged_text_far_from_changes_is_folded():
    old = "\n".join(f"Absatz {n}." for n in range(30))
    new = old.replace("Absatz 15.", "Absatz fünfzehn.")
    rows = text_difference(old, new).rows
    assert [row.kind for row in rows] == [
        "skip", "equal", "equal", "replace", "equal", "equal", "skip",
    ]  # fmt: skip
    assert (rows[0].skipped, rows[-1].skipped) == (13, 12)


def test_identical_texts_have_no_change():
    difference = text_difference(OLD, OLD, ["von 20.000 Terroristen"])
    assert not difference.changed and not difference.passage_changed
