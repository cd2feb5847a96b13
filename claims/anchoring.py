"""W3C Web Annotation selectors for claims, and re-anchoring them when an article changes.

A claim points at its span of the article twice, as the Web Annotation Data Model does:
a TextPositionSelector (``start``/``end``) and a TextQuoteSelector (``exact`` with
``prefix``/``suffix`` context). When the article text is edited, :func:`reanchor` finds the
span again the way Hypothesis' client does (dom-anchor-text-quote, approx-string-match):

1. position first: the quote is still at ``start``/``end`` -> ``EXACT``;
2. the quote occurs verbatim elsewhere: the occurrence whose context fits best, ties
   going to the one nearest the old position -> ``MOVED``;
3. approximate matching of the quote (up to a quarter of its length in edits), each
   candidate scored by quote, prefix, suffix and position similarity with Hypothesis'
   weights (50/20/20/2, normalised to 0..1) -> ``FUZZY`` if the score reaches
   ``min_score``, otherwise ``ORPHANED``.

A claim must never be silently re-pointed at unrelated text, so a short quote (fewer
than :data:`CONTEXT_CHARS` characters, e.g. a single word) is only trusted when its
surroundings agree as well: the weighted score reaches ``min_score`` and at least one
side of the old context is still (nearly) there. A longer quote found verbatim is
taken as it is, wherever it is.

Positions count Unicode code points, i.e. Python ``str`` indices: ``"„Ausland“ 🙂"`` is 11
characters long, the emoji one of them. The W3C model counts characters, which we take to
mean code points (not encoding units); it is also what Django and the database hand us.
JavaScript clients such as Hypothesis count UTF-16 code units instead (an astral
character counts twice there): convert at that boundary.

A span a person makes (:func:`selector_for_span`, :func:`check_selector`) must start and
end on grapheme-cluster boundaries (the ``regex`` package's ``\\X``, i.e. Unicode's
extended grapheme clusters): it may not separate a letter from its combining mark, cut an
emoji's ZWJ sequence or a flag in two, split a Hangul syllable's jamo or a CRLF. And it
must hold something visible: a span of spaces is not a claim. Re-anchoring does not
apply these rules to what it finds (a fuzzy match is still reported, and a person looks
at it). No Unicode normalisation happens here: positions index the text exactly as
stored, so an article re-saved in another normal form (NFD umlauts) re-anchors through
the fuzzy step, not by position.

Everything here is pure: text in, values out.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

import regex
from django.utils.translation import gettext as _
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

__all__ = [
    "CONTEXT_CHARS",
    "AnchorStatus",
    "Anchoring",
    "Selector",
    "SpanError",
    "check_selector",
    "is_grapheme_boundary",
    "reanchor",
    "reanchor_many",
    "selector_for_span",
]

CONTEXT_CHARS = 32

# Hypothesis' weights (client/src/annotator/anchoring/match-quote.ts).
_QUOTE_WEIGHT = 50.0
_PREFIX_WEIGHT = 20.0
_SUFFIX_WEIGHT = 20.0
_POSITION_WEIGHT = 2.0
_TOTAL_WEIGHT = _QUOTE_WEIGHT + _PREFIX_WEIGHT + _SUFFIX_WEIGHT + _POSITION_WEIGHT

# Similarity (0..1) one side of the old context must keep for a short quote (under
# CONTEXT_CHARS) to be found again; chance resemblance stays well below it.
_CONTEXT_EVIDENCE = 0.75
# Edits allowed in a fuzzy match, as a share of the quote's length.
_MAX_ERROR_RATIO = 0.25
# Context the old selector had on a side where it touched the edge of the text: no
# evidence either way, unless the candidate touches the same edge.
_UNKNOWN_CONTEXT = 0.5
# Texts up to this size are scanned whole by the bit-parallel matcher (pure Python,
# roughly a microsecond per character); larger ones only in candidate windows.
_FULL_SCAN_CHARS = 8_192
# Half-width of the window around the old position scanned in large texts.
_LOCAL_RADIUS = 4_096
# rapidfuzz partial_ratio (Indel-based, 0..100) below which the global best window of a
# large text cannot hold a match within _MAX_ERROR_RATIO edits.
_GLOBAL_CUTOFF = 60.0
# Context pieces searched verbatim to find where the passage went, and how many of their
# occurrences (nearest to the old position first) are examined.
_CONTEXT_PIECE_CHARS = 16
_MIN_CONTEXT_PIECE_CHARS = 6
_MAX_CONTEXT_HITS = 32
# Ends examined per run of matching end positions: the locally best ones, fewest edits
# first; the context decides between them.
_MAX_ENDS_PER_RUN = 32


class SpanError(ValueError):
    """A span or selector does not fit the text; the message is a sentence for people."""


# --- grapheme clusters ------------------------------------------------------------------

_GRAPHEME = regex.compile(r"\X")
# Characters no segmentation rule joins to a neighbour of the same kind: between two of
# them (or after a newline) there is a cluster boundary whatever came before.
_PLAIN = regex.compile(r"\p{Grapheme_Cluster_Break=Other}")
# How far back to look for such a position before segmenting from the last newline (or
# the start of the text).
_BOUNDARY_LOOKBACK = 1024


def _certain_boundary(text: str, index: int) -> bool:
    """Whether ``index`` is a cluster boundary whatever precedes it: after a newline, or
    between two characters of Grapheme_Cluster_Break ``Other`` (letters, digits, spaces,
    punctuation, ideographs, most emoji: GB999 applies, no rule joins such a pair)."""
    before, after = text[index - 1], text[index]
    return before == "\n" or bool(_PLAIN.match(before) and _PLAIN.match(after))


def _segment_start(text: str, index: int) -> int:
    """A position at or before ``index`` from which segmenting finds the true clusters."""
    for at in range(index, max(0, index - _BOUNDARY_LOOKBACK), -1):
        if at < len(text) and _certain_boundary(text, at):
            return at
    return text.rfind("\n", 0, index) + 1


def is_grapheme_boundary(text: str, index: int) -> bool:
    """Whether ``index`` (0..len(text)) lies between two grapheme clusters of ``text``."""
    if index <= 0 or index >= len(text):
        return True
    start = _segment_start(text, index)
    if start == index:
        return True
    for cluster in _GRAPHEME.finditer(text, start):
        if cluster.end() >= index:
            return bool(cluster.end() == index)
    return True


def _visible(char: str) -> bool:
    # Letters, marks, numbers, punctuation, symbols and private use: not separators, not
    # controls or invisible format characters (a zero-width space is no claim either).
    category = unicodedata.category(char)
    return category[0] in "LMNPS" or category == "Co"


@dataclass(frozen=True)
class Selector:
    """A claim's span: TextPositionSelector plus TextQuoteSelector.

    ``start``/``end`` are 0-based code point offsets, ``end`` exclusive. ``exact`` is the
    quoted text, ``prefix``/``suffix`` up to :data:`CONTEXT_CHARS` characters around it
    (shorter at the edges of the text).
    """

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


class AnchorStatus(StrEnum):
    EXACT = "exact"  # same positions, same quote
    MOVED = "moved"  # same quote, new positions
    FUZZY = "fuzzy"  # the quote itself changed a little
    ORPHANED = "orphaned"  # not found; a person has to re-anchor the claim


@dataclass(frozen=True)
class Anchoring:
    """Outcome of re-anchoring one selector against a new text."""

    status: AnchorStatus
    selector: Selector | None  # against the new text; None when orphaned
    score: float  # 1.0 for exact/moved, 0..1 for fuzzy, 0.0 for orphaned


# --- selectors --------------------------------------------------------------------------


def _whole_number(name: str, value: object) -> int:
    # bool is an int subclass, but True as an offset is a bug somewhere upstream.
    if not isinstance(value, int) or isinstance(value, bool):
        raise SpanError(f"The span {name} must be a whole number, not {type(value).__name__}.")
    return value


def _validate_span(text: str, start: object, end: object) -> tuple[int, int]:
    start, end = _whole_number("start", start), _whole_number("end", end)
    if start == end:
        raise SpanError("The span is empty.")
    if end < start:
        raise SpanError(f"The span {start}–{end} is reversed: it ends before it starts.")
    if start < 0 or end > len(text):
        span, length = f"{start}–{end}", f"{len(text):,}"
        raise SpanError(f"The span {span} lies outside the text (length {length}).")
    return start, end


def _check_span_shape(text: str, start: int, end: int) -> None:
    """A span a person made: on cluster boundaries, and with something visible in it."""
    if not is_grapheme_boundary(text, start):
        raise SpanError(
            _(
                "The span starts at %(index)d, inside a character as readers see it (a "
                "letter and its accent, an emoji sequence, a flag); start it before or "
                "after the whole character."
            )
            % {"index": start}
        )
    if not is_grapheme_boundary(text, end):
        raise SpanError(
            _(
                "The span ends at %(index)d, inside a character as readers see it (a "
                "letter and its accent, an emoji sequence, a flag); end it before or "
                "after the whole character."
            )
            % {"index": end}
        )
    if not any(_visible(char) for char in text[start:end]):
        raise SpanError(_("The span holds only spaces or invisible characters; select words."))


def selector_for_span(text: str, start: int, end: int, *, context: int = CONTEXT_CHARS) -> Selector:
    """The selector for ``text[start:end]``; raises :class:`SpanError` for a bad span (out
    of range, empty, splitting a grapheme cluster, or holding nothing visible)."""
    selector = _selector(text, start, end, context=context)
    _check_span_shape(text, selector.start, selector.end)
    return selector


def _selector(text: str, start: int, end: int, *, context: int = CONTEXT_CHARS) -> Selector:
    if not isinstance(context, int) or isinstance(context, bool) or context < 0:
        raise ValueError(f"context must be a non-negative whole number, not {context!r}")
    start, end = _validate_span(text, start, end)
    return Selector(
        start=start,
        end=end,
        exact=text[start:end],
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
    )


def check_selector(text: str, selector: Selector) -> None:
    """Raise :class:`SpanError` unless ``selector`` points at its quote in ``text``."""
    start, end = _validate_span(text, selector.start, selector.end)
    if text[start:end] != selector.exact:
        raise SpanError(f"The quote does not match the text at {start}–{end}.")
    _check_span_shape(text, start, end)


# --- re-anchoring -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    errors: int


class _Scorer:
    """Hypothesis' weighted score of a candidate span in the new text."""

    def __init__(self, selector: Selector, text: str) -> None:
        self.selector = selector
        self.text = text
        self.hint = selector.start

    def prefix_similarity(self, start: int) -> float:
        old = self.selector.prefix
        if not old:
            return 1.0 if start == 0 else _UNKNOWN_CONTEXT
        new = self.text[max(0, start - len(old)) : start]
        return Levenshtein.normalized_similarity(old, new)

    def suffix_similarity(self, end: int) -> float:
        old = self.selector.suffix
        if not old:
            return 1.0 if end == len(self.text) else _UNKNOWN_CONTEXT
        new = self.text[end : end + len(old)]
        return Levenshtein.normalized_similarity(old, new)

    def context_similarity(self, start: int, end: int) -> float:
        return self.prefix_similarity(start) + self.suffix_similarity(end)

    def distance(self, start: int) -> int:
        return abs(start - self.hint)

    def score(self, candidate: _Candidate) -> float:
        quote = 1.0 - candidate.errors / len(self.selector.exact)
        position = max(0.0, 1.0 - self.distance(candidate.start) / max(len(self.text), 1))
        raw = (
            _QUOTE_WEIGHT * quote
            + _PREFIX_WEIGHT * self.prefix_similarity(candidate.start)
            + _SUFFIX_WEIGHT * self.suffix_similarity(candidate.end)
            + _POSITION_WEIGHT * position
        )
        return raw / _TOTAL_WEIGHT


def _validate_selector_shape(selector: Selector) -> None:
    _whole_number("start", selector.start)
    _whole_number("end", selector.end)
    for name in ("exact", "prefix", "suffix"):
        value = getattr(selector, name)
        if not isinstance(value, str):
            raise SpanError(f"The quote {name} must be text, not {type(value).__name__}.")
    if not selector.exact:
        raise SpanError("The span is empty.")


def _anchored(text: str, candidate: _Candidate, status: AnchorStatus, score: float) -> Anchoring:
    selector = _selector(text, candidate.start, candidate.end)
    return Anchoring(status=status, selector=selector, score=score)


def _orphaned() -> Anchoring:
    return Anchoring(status=AnchorStatus.ORPHANED, selector=None, score=0.0)


def reanchor(selector: Selector, new_text: str, *, min_score: float = 0.75) -> Anchoring:
    """Find ``selector``'s quote in ``new_text`` (see the module docstring for the steps).

    ``min_score`` (0..1) is the weighted score a fuzzy match must reach, and the one a
    short verbatim quote must reach for its context to vouch for it. Independently of
    it, a quote shorter than :data:`CONTEXT_CHARS` is only found again where one side of
    its old context survives.
    """
    if not 0.0 <= min_score <= 1.0:
        raise ValueError(f"min_score must lie between 0 and 1, not {min_score!r}")
    _validate_selector_shape(selector)
    quote = selector.exact
    scorer = _Scorer(selector, new_text)

    def context_vouches(candidate: _Candidate) -> bool:
        # A quote of a few words recurs by chance, and among thousands of occurrences one
        # will have surroundings that look vaguely alike (unrelated German scores about
        # 0.15-0.3 per side): at least one side of the old context must really be there.
        if len(quote) >= CONTEXT_CHARS:
            return True
        prefix = scorer.prefix_similarity(candidate.start)
        return max(prefix, scorer.suffix_similarity(candidate.end)) >= _CONTEXT_EVIDENCE

    def trusted(candidate: _Candidate) -> bool:
        # A long verbatim quote identifies its passage by itself; a word or two does not.
        if len(quote) >= CONTEXT_CHARS:
            return True
        return scorer.score(candidate) >= min_score and context_vouches(candidate)

    # 1. Position first: the quote is still there, and so is its context, so nothing
    # else can fit better.
    start, end = selector.start, selector.end
    here = _Candidate(start, end, 0)
    if (
        0 <= start < end <= len(new_text)
        and new_text[start:end] == quote
        and scorer.context_similarity(start, end) == 2.0
    ):
        return _anchored(new_text, here, AnchorStatus.EXACT, 1.0)

    # 2. The quote verbatim, wherever it is (the old position included): the best
    # context wins, ties go to the occurrence nearest the old position. Context beats
    # position so that of two copies of a passage the right one is kept even when the
    # other has slid into the old offsets.
    best: _Candidate | None = None
    best_key: tuple[float, int] | None = None
    for hit in _occurrences(new_text, quote):
        key = (-scorer.context_similarity(hit, hit + len(quote)), scorer.distance(hit))
        if best_key is None or key < best_key:
            best, best_key = _Candidate(hit, hit + len(quote), 0), key
    if best is not None and trusted(best):
        status = AnchorStatus.EXACT if best == here else AnchorStatus.MOVED
        return _anchored(new_text, best, status, 1.0)

    # 3. Approximate matches of the quote, scored with their context.
    max_errors = int(len(quote) * _MAX_ERROR_RATIO)
    if max_errors == 0:
        return _orphaned()
    scored = [
        (scorer.score(candidate), -scorer.distance(candidate.start), -candidate.start, candidate)
        for candidate in _fuzzy_candidates(selector, new_text, max_errors)
        if context_vouches(candidate)
    ]
    if not scored:
        return _orphaned()
    score, _, _, candidate = max(scored, key=lambda row: row[:3])
    if score < min_score:
        return _orphaned()
    return _anchored(new_text, candidate, AnchorStatus.FUZZY, score)


def reanchor_many(
    selectors: Sequence[Selector], new_text: str, *, min_score: float = 0.75
) -> list[Anchoring]:
    """:func:`reanchor` for each selector, in order (identical selectors searched once)."""
    done: dict[Selector, Anchoring] = {}
    results: list[Anchoring] = []
    for selector in selectors:
        if selector not in done:
            done[selector] = reanchor(selector, new_text, min_score=min_score)
        results.append(done[selector])
    return results


# --- search -----------------------------------------------------------------------------


def _occurrences(text: str, needle: str) -> Iterator[int]:
    """Start of every occurrence of ``needle`` in ``text``, overlapping ones included."""
    at = text.find(needle)
    while at != -1:
        yield at
        at = text.find(needle, at + 1)


def _fuzzy_candidates(selector: Selector, text: str, max_errors: int) -> list[_Candidate]:
    quote = selector.exact
    if len(text) <= _FULL_SCAN_CHARS:
        windows = [(0, len(text))]
    else:
        windows = _candidate_windows(selector, text, max_errors)
    found: dict[tuple[int, int], _Candidate] = {}
    for lo, hi in _merge(windows):
        for end in _match_ends(quote, text, lo, hi, max_errors, selector.start):
            for candidate in _match_starts(quote, text, end, max_errors):
                if candidate.errors <= max_errors:
                    found.setdefault((candidate.start, candidate.end), candidate)
    return list(found.values())


def _candidate_windows(selector: Selector, text: str, max_errors: int) -> list[tuple[int, int]]:
    """Where in a large text the passage can plausibly be, without scanning all of it."""
    quote = selector.exact
    span = len(quote) + max_errors
    hint = min(max(selector.start, 0), len(text))
    windows = [(hint - _LOCAL_RADIUS, hint + len(quote) + _LOCAL_RADIUS)]

    # The best-matching window of the whole text (C speed; Indel-based, so only a lead).
    if len(text) >= len(quote):
        best = fuzz.partial_ratio_alignment(quote, text, score_cutoff=_GLOBAL_CUTOFF)
        if best is not None:
            windows.append((best.dest_start - span, best.dest_end + span))

    # Right after where the prefix now is, right before where the suffix now is: this is
    # what finds the right copy of a duplicated passage.
    prefix_piece = selector.prefix[-_CONTEXT_PIECE_CHARS:]
    if len(prefix_piece) >= _MIN_CONTEXT_PIECE_CHARS:
        for hit in _nearest_occurrences(text, prefix_piece, hint):
            after = hit + len(prefix_piece)
            windows.append((after - max_errors, after + span))
    suffix_piece = selector.suffix[:_CONTEXT_PIECE_CHARS]
    if len(suffix_piece) >= _MIN_CONTEXT_PIECE_CHARS:
        for hit in _nearest_occurrences(text, suffix_piece, hint + len(quote)):
            windows.append((hit - span, hit + max_errors))
    return [(max(0, lo), min(len(text), hi)) for lo, hi in windows]


def _nearest_occurrences(text: str, needle: str, hint: int) -> list[int]:
    """Up to _MAX_CONTEXT_HITS occurrences of ``needle``, nearest to ``hint`` first.

    Searches outwards from ``hint`` so that a needle occurring a million times (a text
    of repeated characters) costs no more than one occurring a few times.
    """
    hits: list[int] = []
    at = text.find(needle, hint)
    while at != -1 and len(hits) < _MAX_CONTEXT_HITS:
        hits.append(at)
        at = text.find(needle, at + 1)
    at = text.rfind(needle, 0, hint + len(needle) - 1)
    while at != -1 and len(hits) < 2 * _MAX_CONTEXT_HITS:
        hits.append(at)
        at = text.rfind(needle, 0, at + len(needle) - 1)
    return sorted(hits, key=lambda hit: abs(hit - hint))[:_MAX_CONTEXT_HITS]


def _merge(windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(w for w in windows if w[0] < w[1]):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _edit_distances(pattern: str, text: str, *, anchored: bool) -> list[int]:
    """Edit distance of ``pattern`` to the best substring of ``text`` ending at each index.

    Myers' bit-parallel algorithm (Hyyrö's formulation), as in approx-string-match: one
    pass over ``text``, the pattern's columns packed into one Python integer. With
    ``anchored`` the substring must start at index 0 (plain edit distance of each prefix
    of ``text``); otherwise it may start anywhere.
    """
    m = len(pattern)
    mask = (1 << m) - 1
    last = 1 << (m - 1)
    carry = 1 if anchored else 0
    peq: dict[str, int] = {}
    for i, char in enumerate(pattern):
        peq[char] = peq.get(char, 0) | (1 << i)
    pv, mv, score = mask, 0, m
    scores = []
    for char in text:
        eq = peq.get(char, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & mask)
        mh = pv & xh
        if ph & last:
            score += 1
        elif mh & last:
            score -= 1
        ph = ((ph << 1) | carry) & mask
        mh = (mh << 1) & mask
        pv = mh | (~(xv | ph) & mask)
        mv = ph & xv
        scores.append(score)
    return scores


def _local_minima(
    distances: Sequence[int], max_errors: int, limit: int | None, near: int = 0
) -> list[int]:
    """Indices of ``distances`` within ``max_errors`` and no worse than their neighbours,
    fewest edits first, then nearest to index ``near`` (at most ``limit``).

    Not only the global minimum: the end or start that costs a few edits more can be the
    one whose context fits (words inserted just inside the edge of the quote).
    """
    last = len(distances) - 1
    minima = [
        i
        for i, d in enumerate(distances)
        if d <= max_errors
        and (i == 0 or d <= distances[i - 1])
        and (i == last or d <= distances[i + 1])
    ]
    minima.sort(key=lambda i: (distances[i], abs(i - near)))
    return minima[:limit]


def _match_ends(
    quote: str, text: str, lo: int, hi: int, max_errors: int, hint: int
) -> Iterator[int]:
    """Exclusive ends of the closest matches in each run of ends within ``max_errors``.

    A run is a stretch of consecutive end positions that all match: one passage. Keeping
    candidates from every run (not only the globally best, as approx-string-match does)
    lets the context prefer a copy with one edit more but the right surroundings.
    """
    distances = _edit_distances(quote, text[lo:hi], anchored=False)
    run_start = None
    for offset, distance in enumerate([*distances, max_errors + 1]):
        if distance <= max_errors:
            if run_start is None:
                run_start = offset
        elif run_start is not None:
            run = distances[run_start:offset]
            # In a long run of equally good ends (repetitive text) prefer the old place.
            near = hint + len(quote) - (lo + run_start + 1)
            for i in _local_minima(run, max_errors, _MAX_ENDS_PER_RUN, near):
                yield lo + run_start + i + 1
            run_start = None


def _match_starts(quote: str, text: str, end: int, max_errors: int) -> list[_Candidate]:
    """The closest matches ending at ``end``: one per locally best start.

    Ties and near-ties are real ("Größere" is four edits from both "Groessere" and
    "oessere"); the context, scored later, decides between them.
    """
    lo = max(0, end - len(quote) - max_errors)
    backwards = _edit_distances(quote[::-1], text[lo:end][::-1], anchored=True)
    # No limit: there are at most len(quote) + max_errors starts, and cutting the list
    # would cut exactly the costlier starts that the context may prefer.
    return [
        _Candidate(start=end - (i + 1), end=end, errors=backwards[i])
        for i in _local_minima(backwards, max_errors, None)
    ]
