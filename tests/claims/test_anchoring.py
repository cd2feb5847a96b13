"""Selectors and re-anchoring of claim spans (claims/anchoring.py): pure, no database."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from claims.anchoring import (
    CONTEXT_CHARS,
    Anchoring,
    AnchorStatus,
    Selector,
    SpanError,
    check_selector,
    reanchor,
    reanchor_many,
    selector_for_span,
)

ARTICLE_PATH = (
    Path(__file__).resolve().parents[2] / "claims" / "fixtures" / "kasachstan-2022-01.de.txt"
)
ARTICLE = ARTICLE_PATH.read_text(encoding="utf-8")
N = len(ARTICLE)  # 3,721 code points (3,773 bytes of UTF-8)


def span_of(text: str, quote: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return start, start + len(quote)


# Claims in the seed article, as a fact-checker would mark them.
PSAKI = "absolut falsch und eindeutig Teil des russischen Drehbuchs für Desinformation"
KAMPF = (
    "Derzeit findet ein Kampf in der Nähe von Almaty unter Beteiligung der Streitkräfte "
    'des Verteidigungsministeriums statt", sagte Tojakew weiter'
)
NASARBAJEW = "Nasarbajew ist ein enger Verbündeter von Russlands Präsident Wladimir Putin"
AUSLAND = "Ausland"
GROESSERE = "Größere Proteste im autoritär regierten Kasachstan sind selten"
PSAKI_START, PSAKI_END = span_of(ARTICLE, PSAKI)
PSAKI_PARAGRAPH = ARTICLE[ARTICLE.index("Psaki wies zugleich") :]
UNREST_PARAGRAPH = ARTICLE[
    ARTICLE.index("Teils gewaltsame Proteste") : ARTICLE.index("Wegen der Unruhen hatte")
]


def selector_of(text: str, quote: str, occurrence: int = 0) -> Selector:
    return selector_for_span(text, *span_of(text, quote, occurrence))


def assert_consistent(result: Anchoring, new_text: str) -> None:
    """What every caller relies on, whatever the status."""
    if result.status is AnchorStatus.ORPHANED:
        assert result.selector is None
        assert result.score == 0.0
        return
    assert result.selector is not None
    check_selector(new_text, result.selector)
    start, end = result.selector.start, result.selector.end
    assert result.selector == selector_for_span(new_text, start, end)
    if result.status is AnchorStatus.FUZZY:
        assert 0.0 < result.score < 1.0
    else:
        assert result.score == 1.0


# --- selector_for_span ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "context", "expected"),
    [
        # In the middle of the article: 32 characters of context on both sides.
        (
            ARTICLE,
            PSAKI_START,
            PSAKI_END,
            CONTEXT_CHARS,
            Selector(
                PSAKI_START,
                PSAKI_END,
                exact=PSAKI,
                prefix='spielten. Diese Vorwürfe seien "',
                suffix='".',  # the article ends two characters after the quote
            ),
        ),
        # At the very start: no prefix at all (the seed file starts with a space).
        (
            ARTICLE,
            0,
            13,
            CONTEXT_CHARS,
            Selector(0, 13, " date 2022-01", "", " Angesichts beispielloser Unruhe"),
        ),
        # Near the start: the prefix is what there is, shorter than 32 characters.
        (ARTICLE, 6, 13, CONTEXT_CHARS, Selector(6, 13, "2022-01", " date ", ARTICLE[13:45])),
        # At the very end: no suffix.
        (
            ARTICLE,
            len(ARTICLE) - 2,
            len(ARTICLE),
            CONTEXT_CHARS,
            Selector(len(ARTICLE) - 2, len(ARTICLE), '".', ARTICLE[-34:-2], ""),
        ),
        # The whole text, one character long.
        ("x", 0, 1, CONTEXT_CHARS, Selector(0, 1, "x", "", "")),
        # A custom context width, and none at all.
        ("abcdefgh", 3, 5, 2, Selector(3, 5, "de", "bc", "fg")),
        ("abcdefgh", 3, 5, 0, Selector(3, 5, "de", "", "")),
        # Astral characters count once: Python (and W3C) code points, not UTF-16 units.
        ("🙂🙂„Lüge“🙂", 2, 8, 1, Selector(2, 8, "„Lüge“", "🙂", "🙂")),
        # A combining mark is a code point of its own, but a span keeps it with its letter
        # (grapheme clusters; the cases that split them are in tests/security).
        ("Lu\u0308ge", 0, 3, 1, Selector(0, 3, "Lu\u0308", "", "g")),
    ],
)
def test_selector_for_span(
    text: str, start: int, end: int, context: int, expected: Selector
) -> None:
    selector = selector_for_span(text, start, end, context=context)
    assert selector == expected
    check_selector(text, selector)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        # Empty span: a claim quotes something.
        (10, 10, "The span is empty."),
        # Empty span at the end of the text is still empty, not out of range.
        (N, N, "The span is empty."),
        # Reversed: end before start.
        (20, 10, "The span 20–10 is reversed: it ends before it starts."),
        # Negative start (a client's -1 for "not found").
        (-1, 10, f"The span -1–10 lies outside the text (length {N:,})."),
        # Beyond the end.
        (10, 5000, f"The span 10–5000 lies outside the text (length {N:,})."),
        # One past the end: off by one.
        (N - 10, N + 1, f"The span {N - 10}–{N + 1} lies outside the text (length {N:,})."),
        # Both beyond the end.
        (4000, 4010, f"The span 4000–4010 lies outside the text (length {N:,})."),
        # Strings from a form or JSON are not offsets.
        ("10", 20, "The span start must be a whole number, not str."),
        # Floats either, even whole ones.
        (10, 20.0, "The span end must be a whole number, not float."),
        # bool is an int subclass, but True is no offset.
        (True, 20, "The span start must be a whole number, not bool."),
        # A missing value.
        (10, None, "The span end must be a whole number, not NoneType."),
    ],
)
def test_selector_for_span_rejects(start: object, end: object, message: str) -> None:
    with pytest.raises(SpanError) as excinfo:
        selector_for_span(ARTICLE, start, end)  # type: ignore[arg-type]
    assert str(excinfo.value) == message


def test_span_error_is_a_value_error() -> None:
    # Interfaces that catch ValueError for bad input catch this too.
    assert issubclass(SpanError, ValueError)


@pytest.mark.parametrize("context", [-1, 2.5, None])
def test_selector_for_span_rejects_bad_context(context: object) -> None:
    with pytest.raises(ValueError, match="context"):
        selector_for_span(ARTICLE, 0, 5, context=context)  # type: ignore[arg-type]


# --- check_selector ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        # The text changed under the claim: same positions, other words.
        (
            Selector(10, 20, "xxxxxxxxxx", "", ""),
            "The quote does not match the text at 10–20.",
        ),
        # Quote shorter than its span (positions edited by hand).
        (
            Selector(PSAKI_START, PSAKI_END, PSAKI[:-1], "", ""),
            f"The quote does not match the text at {PSAKI_START}–{PSAKI_END}.",
        ),
        # The right quote, shifted by one character.
        (
            Selector(PSAKI_START + 1, PSAKI_END + 1, PSAKI, "", ""),
            f"The quote does not match the text at {PSAKI_START + 1}–{PSAKI_END + 1}.",
        ),
        # Out of range for this text (a selector made against a longer version).
        (
            Selector(N - 5, N + 5, "xxxxxxxxxx", "", ""),
            f"The span {N - 5}–{N + 5} lies outside the text (length {N:,}).",
        ),
        # Empty.
        (Selector(5, 5, "", "", ""), "The span is empty."),
        # Reversed.
        (Selector(9, 5, "", "", ""), "The span 9–5 is reversed: it ends before it starts."),
        # Offsets that came back from JSON as strings.
        (Selector("5", 9, "", "", ""), "The span start must be a whole number, not str."),  # type: ignore[arg-type]
    ],
)
def test_check_selector_rejects(selector: Selector, message: str) -> None:
    with pytest.raises(SpanError) as excinfo:
        check_selector(ARTICLE, selector)
    assert str(excinfo.value) == message


# --- reanchor on the seed article -------------------------------------------------------


def _insert_before(quote: str, insertion: str) -> Callable[[str], str]:
    return lambda text: text.replace(quote, insertion + quote, 1)


def _swap_context(quote: str, before: str, after: str) -> Callable[[str], str]:
    """Rewrite the CONTEXT_CHARS around ``quote`` on both sides, keeping every offset."""

    def edit(text: str) -> str:
        start, end = span_of(text, quote)
        new_before = before.rjust(CONTEXT_CHARS)[-CONTEXT_CHARS:]
        new_after = after.ljust(CONTEXT_CHARS)[:CONTEXT_CHARS]
        return (
            text[: start - CONTEXT_CHARS]
            + new_before
            + quote
            + new_after
            + text[end + CONTEXT_CHARS :]
        )

    return edit


REANCHOR_CASES = [
    # id, quote marked in ARTICLE, edit producing the new text, status, quote found there
    pytest.param(
        PSAKI,
        lambda text: text,
        AnchorStatus.EXACT,
        PSAKI,
        id="unchanged",
    ),
    pytest.param(
        PSAKI,
        lambda text: "Von unserer Korrespondentin.\n\n" + text,
        AnchorStatus.MOVED,
        PSAKI,
        id="insertion-before-moves",
    ),
    pytest.param(
        KAMPF,
        lambda text: text.replace(UNREST_PARAGRAPH, ""),
        AnchorStatus.MOVED,
        KAMPF,
        id="deletion-before-moves",
    ),
    pytest.param(
        NASARBAJEW,
        lambda text: text + "\n\nKorrektur: In einer früheren Fassung stand ein falsches Datum.",
        AnchorStatus.EXACT,
        NASARBAJEW,
        id="insertion-after-stays-exact",
    ),
    # The suffix changes (insertion right after the quote), the quote and position do not.
    pytest.param(
        NASARBAJEW,
        lambda text: text.replace(NASARBAJEW, NASARBAJEW + " (seit 1989)"),
        AnchorStatus.EXACT,
        NASARBAJEW,
        id="insertion-right-after-quote",
    ),
    # The prefix changes: the quote moves by the inserted length.
    pytest.param(
        PSAKI,
        _insert_before(PSAKI, "nach ihren Worten "),
        AnchorStatus.MOVED,
        PSAKI,
        id="insertion-right-before-quote",
    ),
    # The article's real typo (Tojakew) is corrected inside the quote.
    pytest.param(
        KAMPF,
        lambda text: text.replace("Tojakew", "Tokajew"),
        AnchorStatus.FUZZY,
        KAMPF.replace("Tojakew", "Tokajew"),
        id="typo-fixed-inside-quote",
    ),
    # A typo introduced inside the quote.
    pytest.param(
        PSAKI,
        lambda text: text.replace("russischen", "russichen"),
        AnchorStatus.FUZZY,
        PSAKI.replace("russischen", "russichen"),
        id="typo-introduced-inside-quote",
    ),
    # A word deleted inside the quote: the new span is shorter.
    pytest.param(
        PSAKI,
        lambda text: text.replace("eindeutig ", ""),
        AnchorStatus.FUZZY,
        PSAKI.replace("eindeutig ", ""),
        id="word-deleted-inside-quote",
    ),
    # A word inserted inside the quote and text inserted before it: fuzzy and moved.
    pytest.param(
        NASARBAJEW,
        lambda text: (
            "Aktualisiert.\n\n" + text.replace("enger Verbündeter", "enger alter Verbündeter")
        ),
        AnchorStatus.FUZZY,
        NASARBAJEW.replace("enger Verbündeter", "enger alter Verbündeter"),
        id="word-inserted-inside-quote-and-moved",
    ),
    # Words inserted just inside the quote's first word: the full quote, not a shorter
    # match that is one edit cheaper but cuts "Nasarbajew" off the front.
    pytest.param(
        NASARBAJEW,
        lambda text: text.replace("Nasarbajew ist", "Nasarbajew, heißt es, ist"),
        AnchorStatus.FUZZY,
        NASARBAJEW.replace("Nasarbajew ist", "Nasarbajew, heißt es, ist"),
        id="insertion-near-quote-start",
    ),
    # The same at the other end.
    pytest.param(
        NASARBAJEW,
        lambda text: text.replace("Wladimir Putin", "Wladimir Wladimirowitsch Putin"),
        AnchorStatus.FUZZY,
        NASARBAJEW.replace("Wladimir Putin", "Wladimir Wladimirowitsch Putin"),
        id="insertion-near-quote-end",
    ),
    # Typographic quotes swapped in the context only: same span, same quote.
    pytest.param(
        PSAKI,
        lambda text: text.replace(f'"{PSAKI}"', f"„{PSAKI}“"),
        AnchorStatus.EXACT,
        PSAKI,
        id="context-quotes-made-typographic",
    ),
    # The paragraph holding the claim is gone: nothing to point at.
    pytest.param(
        PSAKI,
        lambda text: text.replace(PSAKI_PARAGRAPH, ""),
        AnchorStatus.ORPHANED,
        None,
        id="passage-deleted",
    ),
    # The quote alone was cut, its context stays: the context must not pull the
    # claim onto whatever now follows it.
    pytest.param(
        NASARBAJEW,
        lambda text: text.replace(NASARBAJEW, "Er gilt als Vertrauter Moskaus"),
        AnchorStatus.ORPHANED,
        None,
        id="quote-replaced-context-kept",
    ),
    # Rewritten beyond a quarter of the quote: a person has to look.
    pytest.param(
        NASARBAJEW,
        lambda text: text.replace(
            NASARBAJEW, "Nasarbajew gilt als langjähriger Partner des Kremlchefs Putin"
        ),
        AnchorStatus.ORPHANED,
        None,
        id="quote-rewritten",
    ),
    # Another article entirely.
    pytest.param(
        PSAKI,
        lambda text: "Der Bundestag hat am Donnerstag den Haushalt beschlossen. " * 40,
        AnchorStatus.ORPHANED,
        None,
        id="text-replaced-entirely",
    ),
    # Empty new text.
    pytest.param(PSAKI, lambda text: "", AnchorStatus.ORPHANED, None, id="text-emptied"),
    # A one-word quote with its context intact just moves.
    pytest.param(
        AUSLAND,
        lambda text: "Eilmeldung.\n\n" + text,
        AnchorStatus.MOVED,
        AUSLAND,
        id="short-quote-moved",
    ),
    # A one-word quote whose sentence goes on differently: the prefix still vouches.
    pytest.param(
        AUSLAND,
        lambda text: text.replace('"Ausland".', '"Ausland", behauptete er.'),
        AnchorStatus.EXACT,
        AUSLAND,
        id="short-quote-suffix-rewritten",
    ),
    # A one-word quote still at its offsets, but everything around it rewritten: the
    # position alone does not vouch for a single word.
    pytest.param(
        AUSLAND,
        _swap_context(AUSLAND, "Waren und Kapital flossen ins ", " ab, meldete die Notenbank."),
        AnchorStatus.ORPHANED,
        None,
        id="short-quote-same-offsets-new-context",
    ),
    # The same for a long quote: its own words identify it, the context may change.
    pytest.param(
        NASARBAJEW,
        _swap_context(NASARBAJEW, "Ganz anders gesagt: ", " - so sieht es Moskau."),
        AnchorStatus.EXACT,
        NASARBAJEW,
        id="long-quote-same-offsets-new-context",
    ),
    # A one-word quote ("Krise") whose paragraph was deleted still occurs elsewhere
    # ("die bislang größte Krise"): that is another statement, not the claim.
    pytest.param(
        "Krise",
        lambda text: text.replace(UNREST_PARAGRAPH, ""),
        AnchorStatus.ORPHANED,
        None,
        id="short-quote-never-repointed",
    ),
    # Umlauts transliterated (ö -> oe, ß -> ss), as some feeds do.
    pytest.param(
        GROESSERE,
        lambda text: text.replace("Größere", "Groessere"),
        AnchorStatus.FUZZY,
        GROESSERE.replace("Größere", "Groessere"),
        id="umlauts-transliterated",
    ),
    # The whole article re-saved as NFD: every umlaut is now two code points. Positions
    # shift and the quote differs, so only the fuzzy step finds it.
    pytest.param(
        GROESSERE,
        lambda text: unicodedata.normalize("NFD", text),
        AnchorStatus.FUZZY,
        unicodedata.normalize("NFD", GROESSERE),
        id="text-renormalised-nfd",
    ),
    # Astral characters inserted before the claim shift it by one position each.
    pytest.param(
        PSAKI,
        lambda text: "🇰🇿 " + text,
        AnchorStatus.MOVED,
        PSAKI,
        id="emoji-inserted-before",
    ),
]


@pytest.mark.parametrize(("quote", "edit", "status", "new_quote"), REANCHOR_CASES)
def test_reanchor(
    quote: str,
    edit: Callable[[str], str],
    status: AnchorStatus,
    new_quote: str | None,
) -> None:
    new_text = edit(ARTICLE)
    result = reanchor(selector_of(ARTICLE, quote), new_text)
    assert result.status is status
    assert_consistent(result, new_text)
    if new_quote is not None:
        assert result.selector is not None
        assert result.selector.exact == new_quote
        assert (result.selector.start, result.selector.end) == span_of(new_text, new_quote)


def test_reanchor_fuzzy_score_uses_hypothesis_weights() -> None:
    # Tojakew -> Tokajew is two substitutions; prefix, suffix and position are intact, so
    # the score is (50 * (1 - 2/len) + 20 + 20 + 2) / 92.
    new_text = ARTICLE.replace("Tojakew", "Tokajew")
    result = reanchor(selector_of(ARTICLE, KAMPF), new_text)
    assert result.status is AnchorStatus.FUZZY
    assert result.score == pytest.approx((50 * (1 - 2 / len(KAMPF)) + 42) / 92)


def test_reanchor_positions_count_code_points() -> None:
    # "🇰🇿" is two astral code points (four UTF-16 units): the claim moves by 3, not 5.
    result = reanchor(selector_of(ARTICLE, PSAKI), "🇰🇿 " + ARTICLE)
    assert result.selector is not None
    assert result.selector.start == span_of(ARTICLE, PSAKI)[0] + 3


@pytest.mark.parametrize(
    ("min_score", "status"),
    [
        # Default threshold: a corrected typo is good enough.
        (0.75, AnchorStatus.FUZZY),
        # A caller that only wants verbatim matches.
        (1.0, AnchorStatus.ORPHANED),
        # Just above the score this edit earns.
        (0.999, AnchorStatus.ORPHANED),
    ],
)
def test_reanchor_respects_min_score(min_score: float, status: AnchorStatus) -> None:
    result = reanchor(
        selector_of(ARTICLE, KAMPF), ARTICLE.replace("Tojakew", "Tokajew"), min_score=min_score
    )
    assert result.status is status


@pytest.mark.parametrize("min_score", [-0.1, 1.5])
def test_reanchor_rejects_bad_min_score(min_score: float) -> None:
    with pytest.raises(ValueError, match="min_score"):
        reanchor(selector_of(ARTICLE, PSAKI), ARTICLE, min_score=min_score)


@pytest.mark.parametrize(
    "selector",
    [
        # An empty quote cannot be found anywhere.
        Selector(5, 5, "", "", ""),
        # Offsets as strings (a selector rebuilt from JSON without parsing).
        Selector("5", "9", "date", "", ""),  # type: ignore[arg-type]
    ],
)
def test_reanchor_rejects_malformed_selector(selector: Selector) -> None:
    with pytest.raises(SpanError):
        reanchor(selector, ARTICLE)


def test_reanchor_stale_position_is_only_a_hint() -> None:
    # A selector whose positions lie beyond the new text still finds its quote.
    selector = Selector(10_000, 10_000 + len(PSAKI), PSAKI, 'Diese Vorwürfe seien "', '".')
    result = reanchor(selector, ARTICLE)
    assert result.status is AnchorStatus.MOVED
    assert result.selector == selector_of(ARTICLE, PSAKI)


# --- duplicated passages ----------------------------------------------------------------

MONDAY = 'Am Montag sagte der Minister: "Wir haben die Lage vollständig im Griff." Die Opposition widersprach ihm sofort.\n\n'
FRIDAY = 'Am Freitag sagte der Sprecher: "Wir haben die Lage vollständig im Griff." Danach glaubte ihm niemand mehr.\n\n'
GRIFF = "Wir haben die Lage vollständig im Griff."
FILLER = "Die Lage in der Hauptstadt blieb den ganzen Tag über angespannt und unübersichtlich. "
TWO_CONTEXTS = MONDAY + FILLER * 3 + "\n\n" + FRIDAY + FILLER * 2


def _slide_first_copy_into_second() -> str:
    # Text inserted at the top pushes the Monday copy exactly into the old offsets of
    # the Friday copy: the position alone would pick the wrong statement.
    first, second = span_of(TWO_CONTEXTS, GRIFF, 0)[0], span_of(TWO_CONTEXTS, GRIFF, 1)[0]
    return (FILLER * 10)[: second - first] + TWO_CONTEXTS


@pytest.mark.parametrize(
    ("occurrence", "new_text", "status", "expected_occurrence"),
    [
        # Claim on the Friday copy; insertion before both: the Friday copy, moved.
        (1, "Vorbemerkung.\n\n" + TWO_CONTEXTS, AnchorStatus.MOVED, 1),
        # Claim on the Monday copy; same edit: the Monday copy.
        (0, "Vorbemerkung.\n\n" + TWO_CONTEXTS, AnchorStatus.MOVED, 0),
        # The Monday copy now sits at the Friday claim's old offsets: context wins.
        (1, _slide_first_copy_into_second(), AnchorStatus.MOVED, 1),
        # The paragraphs swapped order: each claim follows its own context.
        (1, FRIDAY + MONDAY + FILLER, AnchorStatus.MOVED, 0),
        (0, FRIDAY + MONDAY + FILLER, AnchorStatus.MOVED, 1),
        # Both copies get the same typo fix: fuzzy, and still the right copy.
        (1, TWO_CONTEXTS.replace("vollständig", "völlig"), AnchorStatus.FUZZY, 1),
        (0, TWO_CONTEXTS.replace("vollständig", "völlig"), AnchorStatus.FUZZY, 0),
    ],
)
def test_reanchor_duplicate_decided_by_context(
    occurrence: int, new_text: str, status: AnchorStatus, expected_occurrence: int
) -> None:
    result = reanchor(selector_of(TWO_CONTEXTS, GRIFF, occurrence), new_text)
    assert result.status is status
    assert_consistent(result, new_text)
    assert result.selector is not None
    new_quote = (
        GRIFF if status is not AnchorStatus.FUZZY else GRIFF.replace("vollständig", "völlig")
    )
    assert (result.selector.start, result.selector.end) == span_of(
        new_text, new_quote, expected_occurrence
    )


# The same paragraph twice, with at least CONTEXT_CHARS of identical context around the
# quote in both copies: context cannot decide, the old position does.
BLOCK = (
    "Das Innenministerium teilte mit, die Sicherheitskräfte hätten die Lage unter "
    "Kontrolle. Zugleich warnte es vor Falschmeldungen in sozialen Netzwerken.\n\n"
)
SAME_CONTEXT = "Vorspann.\n\n" + BLOCK + BLOCK + "Schluss."
WARNING = "warnte es vor Falschmeldungen"


@pytest.mark.parametrize(
    ("occurrence", "new_text", "status", "expected_occurrence"),
    [
        # Unchanged: each copy keeps its place.
        (0, SAME_CONTEXT, AnchorStatus.EXACT, 0),
        (1, SAME_CONTEXT, AnchorStatus.EXACT, 1),
        # A short insertion at the top: the nearest copy is the same one, moved.
        (0, "Eil: " + SAME_CONTEXT, AnchorStatus.MOVED, 0),
        (1, "Eil: " + SAME_CONTEXT, AnchorStatus.MOVED, 1),
        # The first copy deleted: the second slides up and is the only one left.
        (1, SAME_CONTEXT.replace(BLOCK, "", 1), AnchorStatus.MOVED, 0),
        # A third copy appended far away: still the nearest.
        (0, SAME_CONTEXT + "\n\n" + BLOCK, AnchorStatus.EXACT, 0),
        # A fuzzy edit in all copies: the nearest fuzzy copy.
        (1, SAME_CONTEXT.replace("Falschmeldungen", "Falschmeldugnen"), AnchorStatus.FUZZY, 1),
    ],
)
def test_reanchor_duplicate_with_identical_context_nearest_wins(
    occurrence: int, new_text: str, status: AnchorStatus, expected_occurrence: int
) -> None:
    result = reanchor(selector_of(SAME_CONTEXT, WARNING, occurrence), new_text)
    assert result.status is status
    assert_consistent(result, new_text)
    assert result.selector is not None
    new_quote = WARNING.replace("Falschmeldungen", "Falschmeldugnen")
    new_quote = WARNING if status is not AnchorStatus.FUZZY else new_quote
    assert (result.selector.start, result.selector.end) == span_of(
        new_text, new_quote, expected_occurrence
    )


# --- reanchor_many ----------------------------------------------------------------------


def test_reanchor_many_keeps_order_and_statuses() -> None:
    new_text = "Von unserer Korrespondentin.\n\n" + ARTICLE.replace("Tojakew", "Tokajew").replace(
        PSAKI_PARAGRAPH, ""
    )
    selectors = [selector_of(ARTICLE, q) for q in (KAMPF, PSAKI, AUSLAND, KAMPF)]
    results = reanchor_many(selectors, new_text)
    assert [r.status for r in results] == [
        AnchorStatus.FUZZY,
        AnchorStatus.ORPHANED,
        AnchorStatus.MOVED,
        AnchorStatus.FUZZY,  # the same selector twice: the same answer twice
    ]
    assert results[0] == results[3]
    assert results == [reanchor(selector, new_text) for selector in selectors]
    assert reanchor_many([], new_text) == []


# --- a 1 MB text ------------------------------------------------------------------------


def _megabyte_of_other_text() -> str:
    # Paragraphs of the article's own words in seeded random order: realistic letters and
    # word lengths, but no sentence of the article survives.
    words = ARTICLE.split()
    paragraphs = []
    size = 0
    for number in range(100_000):
        rng = random.Random(number)
        paragraph = f"Absatz {number}: " + " ".join(rng.choice(words) for _ in range(40)) + "\n\n"
        paragraphs.append(paragraph)
        size += len(paragraph)
        if size >= 1_000_000:
            break
    return "".join(paragraphs)


BIG = _megabyte_of_other_text()
BIG_WITH_ARTICLE = BIG[:500_000] + ARTICLE + BIG[500_000:]


@pytest.mark.parametrize(
    ("quote", "new_text", "status", "new_quote"),
    [
        # Nothing changed.
        (PSAKI, BIG_WITH_ARTICLE, AnchorStatus.EXACT, PSAKI),
        # The article moved half a megabyte towards the top.
        (PSAKI, ARTICLE + BIG, AnchorStatus.MOVED, PSAKI),
        # A typo fixed far from the old position: the global search finds it.
        (
            KAMPF,
            BIG.replace("Absatz 7:", ARTICLE.replace("Tojakew", "Tokajew") + "Absatz 7:"),
            AnchorStatus.FUZZY,
            KAMPF.replace("Tojakew", "Tokajew"),
        ),
        # A typo fixed near the old position.
        (
            KAMPF,
            BIG_WITH_ARTICLE.replace("Tojakew", "Tokajew"),
            AnchorStatus.FUZZY,
            KAMPF.replace("Tojakew", "Tokajew"),
        ),
        # The article is gone: a megabyte searched, nothing found.
        (PSAKI, BIG, AnchorStatus.ORPHANED, None),
        # A one-word quote among thousands of its occurrences, its context gone.
        (AUSLAND, BIG, AnchorStatus.ORPHANED, None),
    ],
)
def test_reanchor_megabyte_text(
    quote: str, new_text: str, status: AnchorStatus, new_quote: str | None
) -> None:
    assert len(new_text) >= 1_000_000
    start, end = span_of(ARTICLE, quote)  # the article's copy, not a filler word
    selector = selector_for_span(BIG_WITH_ARTICLE, 500_000 + start, 500_000 + end)
    result = reanchor(selector, new_text)
    assert result.status is status
    assert_consistent(result, new_text)
    if new_quote is not None:
        assert result.selector is not None
        assert result.selector.exact == new_quote
