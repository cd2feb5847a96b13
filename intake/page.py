"""An article page as the desk imports it: main text, title, author, outlet, date,
canonical address and language, from the bytes the fetcher archived.

Pure: bytes in, an :class:`ArticlePage` out; no database, no network. trafilatura and
htmldate only ever get a tree parsed here (given a string that looks like a URL they would
download it); the page's address is passed as metadata only. Heavy imports (trafilatura,
lxml): import this module only where a page is imported (the worker), like
``sources.extraction``.
"""

from __future__ import annotations

import datetime
import logging
import re
from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.etree
import lxml.html
import trafilatura

from claims.text import drop_refused
from sources.extraction import decode_html, sha256_hex

logger = logging.getLogger(__name__)

# What the HTML parser and trafilatura get at most (the fetcher caps the body at 10 MB).
MAX_HTML_CHARS = 5_000_000

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# Frequent function words that are rare in the other language. A text is German or
# English when enough of its words are in one list and clearly fewer in the other; a
# short or mixed text, or another language, stays undetermined and the fact-checker
# chooses (the article's language is then "und", BCP 47 for "undetermined").
_GERMAN = frozenset(
    [
        "der",
        "die",
        "das",
        "und",
        "ist",
        "nicht",
        "ein",
        "eine",
        "einer",
        "eines",
        "einem",
        "einen",
        "den",
        "dem",
        "des",
        "zu",
        "mit",
        "sich",
        "auf",
        "für",
        "von",
        "im",
        "auch",
        "es",
        "wird",
        "werden",
        "wurde",
        "hat",
        "haben",
        "sind",
        "war",
        "als",
        "nach",
        "bei",
        "aus",
        "wie",
        "noch",
        "nur",
        "oder",
        "aber",
        "über",
        "vor",
        "dass",
        "sagte",
        "sei",
        "seien",
        "wir",
        "ihr",
        "sie",
        "er",
        "ich",
        "man",
        "kein",
        "keine",
        "durch",
        "zum",
        "zur",
        "beim",
        "sowie",
        "gegen",
        "unter",
        "seit",
        "schon",
        "sehr",
        "mehr",
        "wenn",
        "dann",
        "diese",
        "dieser",
    ]
)
_ENGLISH = frozenset(
    [
        "the",
        "and",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "of",
        "to",
        "in",
        "that",
        "it",
        "with",
        "for",
        "on",
        "as",
        "by",
        "at",
        "from",
        "this",
        "which",
        "not",
        "or",
        "but",
        "have",
        "has",
        "had",
        "will",
        "would",
        "said",
        "says",
        "they",
        "their",
        "there",
        "what",
        "who",
        "when",
        "we",
        "you",
        "he",
        "she",
        "his",
        "her",
        "its",
        "an",
        "also",
        "more",
        "than",
        "into",
        "about",
        "after",
        "over",
        "could",
        "should",
        "these",
        "those",
        "been",
        "because",
        "while",
        "where",
        "other",
    ]
)
MIN_WORDS_FOR_LANGUAGE = 30
UNDETERMINED = "und"


@dataclass(frozen=True)
class ArticlePage:
    text: str  # the main text ("" when the page has none)
    title: str
    author: str
    outlet: str  # the site's name
    published_on: str  # ISO date or ""
    canonical_url: str  # <link rel=canonical>, absolute; "" when the page names none
    language: str  # "de", "en" or "" (undetermined)
    declared_language: str  # the page's own lang attribute, primary tag
    text_sha256: str


def detect_language(text: str) -> str:
    """ "de", "en", or "" when the text does not say clearly (too short, mixed, other)."""
    words = [w.casefold() for w in _WORD.findall(text[:200_000])]
    if len(words) < MIN_WORDS_FOR_LANGUAGE:
        return ""
    german = sum(1 for w in words if w in _GERMAN)
    english = sum(1 for w in words if w in _ENGLISH)
    # Function words are a quarter to a half of running text in either language.
    if german >= 0.12 * len(words) and german >= 2 * english:
        return "de"
    if english >= 0.12 * len(words) and english >= 2 * german:
        return "en"
    return ""


def _parse(html: str) -> lxml.html.HtmlElement | None:
    parser = lxml.html.HTMLParser(
        remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False
    )
    try:
        return lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return None


def _canonical(root: lxml.html.HtmlElement, base: str) -> str:
    for href in root.xpath(
        "//link[contains(concat(' ', translate(normalize-space(@rel), "
        "'CANONIL', 'canonil'), ' '), ' canonical ')]/@href"
    ):
        href = str(href).strip()
        if href:
            return urljoin(base, href)
    return ""


def _declared_language(root: lxml.html.HtmlElement) -> str:
    value = str(root.get("lang") or root.get("xml:lang") or "")
    return value.split("-")[0].split("_")[0].strip().lower()[:8]


def _iso_date(value: str | None) -> str:
    try:
        return datetime.date.fromisoformat((value or "")[:10]).isoformat()
    except ValueError:
        return ""


def _clean(value: str | None, limit: int) -> str:
    return drop_refused(" ".join((value or "").split()))[:limit]


def article_page(body: bytes, *, charset: str | None, url: str) -> ArticlePage:
    """The article in an HTML page's bytes; never raises on hostile markup (the result
    then has no text)."""
    html, _codec = decode_html(body, charset)
    html = html[:MAX_HTML_CHARS].replace("\x00", "")
    root = _parse(html)
    if root is None:
        return _empty()
    canonical = _canonical(root, url)
    declared = _declared_language(root)
    try:
        document = trafilatura.bare_extraction(
            root,
            url=url or None,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params={"extensive_search": True, "original_date": True},
        )
    except Exception:
        # A library bug on hostile markup: the page then has no article text, which the
        # import reports as such.
        logger.warning("trafilatura failed on %s", url or "a page", exc_info=True)
        document = None
    if document is None:
        return _empty(canonical=canonical, declared=declared)
    text = drop_refused((getattr(document, "text", None) or "").strip())
    return ArticlePage(
        text=text,
        title=_clean(getattr(document, "title", None), 300),
        author=_clean(getattr(document, "author", None), 200),
        outlet=_clean(getattr(document, "sitename", None), 200),
        published_on=_iso_date(getattr(document, "date", None)),
        canonical_url=canonical,
        language=detect_language(text),
        declared_language=declared,
        text_sha256=sha256_hex(text.encode("utf-8")) if text else "",
    )


def text_page(text: str, *, title: str = "", published_on: str = "") -> ArticlePage:
    """A page that is text already (a plain-text or PDF snapshot's extracted text)."""
    text = drop_refused(text.strip())
    return ArticlePage(
        text=text,
        title=_clean(title, 300),
        author="",
        outlet="",
        published_on=_iso_date(published_on),
        canonical_url="",
        language=detect_language(text),
        declared_language="",
        text_sha256=sha256_hex(text.encode("utf-8")) if text else "",
    )


def _empty(*, canonical: str = "", declared: str = "") -> ArticlePage:
    return ArticlePage("", "", "", "", "", canonical, "", declared, "")
