"""The quote in its article context: the sentences around a span.

Pure: text in, values out. The verdict page shows the claim's span highlighted with a
sentence of context on each side, cut at the paragraph, so a reader sees what was said
around the quote without reading the whole article.
"""

import re
from dataclasses import dataclass

# A sentence ends at . ! ? or … , optionally followed by closing quotes or brackets, then
# whitespace. Abbreviations and ordinal numbers ("Dr.", "z. B.", "5. Januar") are not
# sentence ends; see ``_is_abbreviation``.
_SENTENCE_END_RE = re.compile(r"[.!?…]+[\"'»«“”„‘’)\]]*(?=\s)")
_PARAGRAPH_RE = re.compile(r"\n\s*\n")
_ABBREVIATIONS = frozenset(
    # German and English abbreviations that end in a full stop; single letters cover
    # "z. B.", "d. h.", "u. a.", "e. g.".
    {
        *("abs", "bspw", "bzw", "ca", "dr", "ggf", "inkl", "jh", "mio", "mrd", "nr", "prof"),
        *("st", "str", "usw", "vgl", "etc", "mr", "mrs", "ms", "jr", "sr", "vs", "no"),
        *("a", "b", "d", "e", "g", "h", "i", "s", "u", "z"),
    }
)


@dataclass(frozen=True)
class QuoteContext:
    """``before + quote + after`` is a contiguous slice of the article text."""

    before: str
    quote: str
    after: str
    # True when the context does not start/end where the paragraph does.
    truncated_before: bool
    truncated_after: bool


def _is_abbreviation(text: str, dot: int) -> bool:
    """Is the full stop at ``dot`` part of an abbreviation or an ordinal number?"""
    if text[dot] != ".":
        return False
    word_start = dot
    while word_start > 0 and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:dot].lstrip("\"'»«“”„‘’([").lower()
    if word.isdigit():
        # "am 5. Januar" is an ordinal; "seit 2019." usually ends a sentence.
        return len(word) <= 2
    # "e.g." or "U.S." (inner full stops) and the listed abbreviations.
    return "." in word or word in _ABBREVIATIONS


def _sentence_starts(text: str, lo: int, hi: int) -> list[int]:
    """Offsets in [lo, hi) where a sentence starts (the first is always ``lo``)."""
    starts = [lo]
    for match in _SENTENCE_END_RE.finditer(text, lo, hi):
        if _is_abbreviation(text, match.start()):
            continue
        nxt = match.end()
        while nxt < hi and text[nxt].isspace():
            nxt += 1
        if nxt < hi:
            starts.append(nxt)
    return starts


def _paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the paragraph(s) that hold ``text[start:end]``."""
    lo, hi = 0, len(text)
    for match in _PARAGRAPH_RE.finditer(text):
        if match.end() <= start:
            lo = match.end()
        elif match.start() >= end:
            hi = match.start()
            break
    return lo, hi


def quote_context(text: str, start: int, end: int, *, sentences: int = 1) -> QuoteContext:
    """The quote at ``text[start:end]`` with ``sentences`` whole sentences either side.

    The context never crosses a paragraph break. The span is returned as it is in the
    text (it may start or end mid-sentence, or cover several sentences).
    """
    if not (0 <= start < end <= len(text)):
        raise ValueError(f"span {start}:{end} is outside a text of {len(text)} characters")
    para_lo, para_hi = _paragraph(text, start, end)
    starts = _sentence_starts(text, para_lo, para_hi)

    # The sentence holding the quote's first character, then ``sentences`` more before.
    first = max(i for i, s in enumerate(starts) if s <= start)
    ctx_lo = starts[max(0, first - sentences)]
    # The sentence holding the quote's last character, then ``sentences`` more after.
    last = max(i for i, s in enumerate(starts) if s < end)
    after_index = last + 1 + sentences
    ctx_hi = starts[after_index] if after_index < len(starts) else para_hi
    before = text[ctx_lo:start].lstrip()
    after = text[end:ctx_hi].rstrip()
    return QuoteContext(
        before=before,
        quote=text[start:end],
        after=after,
        truncated_before=ctx_lo > para_lo,
        truncated_after=ctx_hi < para_hi,
    )
