"""Turn a fetched body into text and metadata for a snapshot.

Pure: bytes in, an `Extracted` out; no Django, no database, no network. Hostile input
(garbage bytes, absurd nesting, NUL bytes, invented charset labels, broken PDFs) never
raises: the result carries a human-readable `reason` instead.

Neither trafilatura nor htmldate may fetch anything. htmldate downloads its input when
given a *string* that looks like a URL (``find_date("http://…")``), so both libraries
only ever receive a tree parsed here; the page's URL is passed to trafilatura as
metadata only.
"""

from __future__ import annotations

import codecs
import datetime
import hashlib
import html as htmllib
import io
import itertools
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

import charset_normalizer
import htmldate
import lxml.etree
import lxml.html
import pypdf
import trafilatura
import trafilatura.metadata
import trafilatura.utils
from pypdf.generic import DictionaryObject

from claims.text import drop_refused

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 2_000_000
MAX_TITLE_CHARS = 500
MAX_PDF_PAGES = 500

# The HTML spec's prescan looks at the first 1024 bytes; real pages put a long comment
# or inline script before the <meta>, so look a little further.
META_PRESCAN_BYTES = 4096
# Detection looks at the visible text of this much of the body: enough for any page,
# bounded for a 10 MB one.
DETECTION_SAMPLE_BYTES = 1_000_000
# Title and date come from the head and the top of the article; htmldate's last-resort
# pattern search over the whole page costs seconds per megabyte.
METADATA_HTML_CHARS = 1_000_000
# trafilatura spends ~0.1 ms per element: a page beyond this gets the plain rendering
# (whole page, boilerplate included) rather than minutes of CPU.
MAX_MAIN_TEXT_ELEMENTS = 50_000

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})
# Not text/*, but readable as text.
TEXT_APPLICATION_TYPES = frozenset(
    {"application/json", "application/xml", "application/javascript", "application/x-ndjson"}
)


@dataclass(frozen=True)
class Extracted:
    kind: str  # "html", "pdf", "text", "other"
    title: str  # "" if none
    text: str  # extracted main text, "" for other types
    published_on: str | None  # ISO date "YYYY-MM-DD"
    language: str  # BCP 47 primary tag like "de", "" if unknown
    charset: str | None  # Python codec name used to decode (html/text)
    reason: str  # human-readable note when something could not be extracted
    text_sha256: str  # sha256 hex of `text` as UTF-8, "" when text is ""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- charsets ---------------------------------------------------------------------------

# Encodings a browser honours (the WHATWG Encoding Standard), as Python codec names.
# A declared label outside this set (utf-7, unicode_escape, rot13, zlib, …) is ignored:
# Python's codec registry holds transforms that no web page may select.
_WEB_CODECS = frozenset(
    codecs.lookup(name).name
    for name in {"utf-8", "utf-16-le", "utf-16-be", "cp866", "koi8-r", "koi8-u", "cp874"}
    | {"cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257"}
    | {"cp1258", "iso8859-2", "iso8859-3", "iso8859-4", "iso8859-5", "iso8859-6"}
    | {"iso8859-7", "iso8859-8", "iso8859-10", "iso8859-13", "iso8859-14", "iso8859-15"}
    | {"iso8859-16", "mac-roman", "mac-cyrillic", "gbk", "gb18030", "big5hkscs"}
    | {"euc_jp", "iso2022_jp", "cp932", "cp949"}
)

# Labels Python does not know, or knows as something narrower than what browsers mean
# (the WHATWG label table: latin1 and ascii mean windows-1252, gb2312 means gbk, …).
_LABEL_ALIASES = {
    "koi8r": "koi8-r",
    "koi8": "koi8-r",
    "koi8u": "koi8-u",
    "koi8-ru": "koi8-u",
    "x-mac-cyrillic": "mac-cyrillic",
    "x-mac-ukrainian": "mac-cyrillic",
    "macintosh": "mac-roman",
    "x-mac-roman": "mac-roman",
    "iso-8859-8-i": "iso8859-8",
    "unicode-1-1-utf-8": "utf-8",
    "unicode11utf8": "utf-8",
    "x-unicode20utf8": "utf-8",
    "x-sjis": "cp932",
    "ms932": "cp932",
    "x-gbk": "gbk",
    "x-euc-jp": "euc_jp",
    "tis-620": "cp874",
    "dos-874": "cp874",
    "ibm866": "cp866",
    "866": "cp866",
}
_CODEC_REMAP = {
    "ascii": "cp1252",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gbk",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "utf-16": "utf-16-le",
}
_WINDOWS_LABEL = re.compile(r"(?:x-)?(?:windows|win|cp|ms)[-_ ]?(125\d|874)")

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_META_CHARSET = re.compile(rb"""<meta\b[^<>]*?charset\s*=\s*["']?\s*([-\w.:]{1,40})""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml\b[^<>]*?encoding\s*=\s*["']([-\w.:]{1,40})""", re.I)

# Candidates for detection: the web's encodings, so that charset-normalizer does not
# answer with an EBCDIC or DOS code page that merely decodes without error.
_DETECTION_CANDIDATES = sorted(
    {"utf_8", "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256"}
    | {"cp1257", "cp1258", "cp874", "koi8_r", "koi8_u", "iso8859_2", "iso8859_5", "cp866"}
    | {"iso8859_7", "iso8859_15", "mac_cyrillic", "gb18030", "big5", "euc_jp", "shift_jis"}
    | {"iso2022_jp", "euc_kr"}
)


def _codec_for_label(label: str | None) -> str | None:
    """Python codec name for a charset label, or None if unknown or not a web encoding."""
    if not label:
        return None
    name = label.strip().strip("\"'").strip().lower()
    if not name or len(name) > 40:
        return None
    if match := _WINDOWS_LABEL.fullmatch(name):
        name = f"cp{match.group(1)}"
    name = _LABEL_ALIASES.get(name, name)
    try:
        name = codecs.lookup(name).name
    except LookupError:
        return None
    name = _CODEC_REMAP.get(name, name)
    return name if name in _WEB_CODECS else None


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except UnicodeDecodeError:
        return None


def _mostly_utf8(body: bytes) -> str | None:
    """The body as UTF-8 if it is UTF-8 with a few broken bytes, else None.

    Legacy single-byte text almost never forms valid multi-byte sequences, so many valid
    sequences and few errors mean a damaged UTF-8 page, not a mislabelled one.
    """
    text = body.decode("utf-8", errors="replace")
    errors = text.count("\ufffd")
    # Continuation bytes of valid sequences (each U+FFFD re-encodes to three bytes).
    valid_extra_bytes = len(text.encode("utf-8")) - len(text) - 2 * errors
    return text if valid_extra_bytes >= 10 * max(errors, 1) else None


def _visible_text_bytes(body: bytes) -> bytes:
    """The text of an HTML body with markup, scripts and styles removed, still undecoded.

    Markup and inline CSS/JS are ASCII and drown the few non-ASCII bytes that tell
    windows-1251 from KOI8-R. Parsing as latin-1 maps each byte to one character, so the
    text nodes encode back to the original bytes.
    """
    sample = body[:DETECTION_SAMPLE_BYTES]
    parser = lxml.html.HTMLParser(
        encoding="iso-8859-1",
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )
    try:
        root = lxml.html.document_fromstring(sample, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return b""
    lxml.etree.strip_elements(root, "script", "style", "template", with_tail=False)
    text = " ".join(root.itertext())
    return re.sub(rb"\s+", b" ", text.encode("iso-8859-1", errors="ignore"))


def _detect(sample: bytes) -> str | None:
    if not sample:
        return None
    best = charset_normalizer.from_bytes(sample, cp_isolation=_DETECTION_CANDIDATES).best()
    return _codec_for_label(best.encoding) if best is not None else None


def _decode(body: bytes, header_charset: str | None, *, html: bool) -> tuple[str, str]:
    # A BOM is unambiguous and beats every label (WHATWG "decode"): a page saved with a
    # UTF-16 BOM and served as utf-8 is UTF-16.
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, errors="replace"), codec

    declared: list[str] = []
    if label := _codec_for_label(header_charset):
        declared.append(label)
    if html:
        head = body[:META_PRESCAN_BYTES]
        found = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
        if found and (label := _codec_for_label(found.group(1).decode("ascii"))):
            # A <meta> readable as ASCII cannot be in UTF-16 (WHATWG prescan).
            declared.append("utf-8" if label.startswith("utf-16") else label)
    # A declared charset is trusted unless the body is not valid in it; a UTF-8 page
    # with a few broken bytes stays UTF-8.
    for codec in declared:
        if (text := _strict(body, codec)) is not None:
            return text, codec
        if codec == "utf-8" and (text := _mostly_utf8(body)) is not None:
            return text, codec

    if (text := _strict(body, "utf-8")) is not None:
        return text, "utf-8"
    if (text := _mostly_utf8(body)) is not None:
        return text, "utf-8"
    sample = _visible_text_bytes(body) if html else b""
    if not re.search(rb"[\x80-\xff]", sample):
        sample = body[:DETECTION_SAMPLE_BYTES]
    detected = _detect(sample)
    if detected and (text := _strict(body, detected)) is not None:
        return text, detected
    # Everything failed strictly: take the best guess and replace what does not fit.
    codec = next(iter(declared), None) or detected or "utf-8"
    return body.decode(codec, errors="replace"), codec


def decode_html(body: bytes, header_charset: str | None) -> tuple[str, str]:
    """(text, Python codec name used) for an HTML body.

    Order: BOM, the HTTP header's charset, <?xml encoding> / <meta charset> /
    <meta http-equiv="content-type"> in the first 4 KB, UTF-8 validity, then detection
    with charset-normalizer on the visible text. Unknown labels fall through to the next
    step; a declared charset in which the body is invalid does too. Never raises.
    """
    return _decode(body, header_charset, html=True)


# --- extraction -------------------------------------------------------------------------

# C0 controls that HTML and XML parsers reject (lxml refuses NUL outright), and that
# PostgreSQL text columns refuse (NUL).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^<>]*\?>")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*")
_LANGUAGE_TAG = re.compile(r"\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*\s*")
_PDF_DATE = re.compile(r"\s*(?:D:)?(\d{4})(\d{2})(\d{2})")
_BLOCK_TAGS = (
    {"p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "pre"}
    | {"section", "article", "header", "footer", "aside", "nav", "blockquote", "table"}
    | {"ul", "ol", "dl", "dd", "dt", "figcaption"}
)


def _clean_text(text: str) -> str:
    """Text safe to store, hash and show in a feed: the desk's text rule (``claims.text``)
    applied by dropping what it refuses (control characters, noncharacters, lone
    surrogates), since a fetched page is not the desk's to refuse; newlines normalised."""
    return drop_refused(text.replace("\x0c", " ")).strip()


def _clean_title(title: str | None) -> str:
    return " ".join(_clean_text(title or "").split())[:MAX_TITLE_CHARS]


def _primary_language(tag: str | None) -> str:
    match = _LANGUAGE_TAG.fullmatch(tag or "")
    return match.group(1).lower() if match else ""


def _looks_binary(text: str) -> bool:
    """Whether decoded text is mostly undecodable bytes and control characters."""
    sample = text[:65536]
    if not sample:
        return False
    junk = sum(1 for char in sample if char == "\ufffd" or (char < " " and char not in "\t\n\r"))
    # Random bytes give at least 11 % (29 of 256 byte values are such controls); text,
    # even with stray NULs, far less.
    return junk > len(sample) * 0.05


def _result(
    kind: str,
    *,
    text: str = "",
    title: str = "",
    published_on: str | None = None,
    language: str = "",
    charset: str | None = None,
    notes: list[str] | None = None,
) -> Extracted:
    notes = list(notes or [])
    text = _clean_text(text)
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS]
        notes.append(f"The text was truncated to {MAX_TEXT_CHARS:,} characters.")
    return Extracted(
        kind=kind,
        title=_clean_title(title),
        text=text,
        published_on=published_on,
        language=language,
        charset=charset,
        reason=" ".join(notes),
        text_sha256=sha256_hex(text.encode("utf-8")) if text else "",
    )


def _parse_html(html: str) -> tuple[lxml.html.HtmlElement | None, bool]:
    """(tree, whether the parser gave up part-way) for a page.

    libxml2 stops at 256 levels of nesting and keeps only what came before. A page
    beyond that (a few hundred unclosed <div>s, or a hostile one) gets its text from
    `_stripped_markup` instead; raising the limit would make trafilatura's and jusText's
    per-level work quadratic in the depth.
    """
    parser = lxml.html.HTMLParser(
        remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False
    )
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return None, False
    gave_up = any(error.level == lxml.etree.ErrorLevels.FATAL for error in parser.error_log)
    return root, gave_up


_RAW_TEXT_START = re.compile(r"<(script|style|template)\b", re.IGNORECASE)
_RAW_TEXT_END = {
    name: re.compile(rf"</{name}[^<>]*>", re.IGNORECASE) for name in ("script", "style", "template")
}
_TAG = re.compile(r"<[^<>]*>")


def _stripped_markup(html: str) -> str:
    """Text of markup the parser gave up on (nesting beyond 256 levels).

    Linear in the input, whatever the input: each search starts where the last ended,
    and a tag pattern that cannot cross '<' never rescans.
    """
    parts: list[str] = []
    position = 0
    while match := _RAW_TEXT_START.search(html, position):
        parts.append(html[position : match.start()])
        end = _RAW_TEXT_END[match.group(1).lower()].search(html, match.end())
        if end is None:
            position = len(html)
            break
        position = end.end()
    parts.append(html[position:])
    text = htmllib.unescape(_TAG.sub(" ", "".join(parts)))
    return _tidy_lines(text)


def _main_text(root: lxml.html.HtmlElement, url: str) -> str:
    # Any exception from the library on hostile markup must not lose the snapshot; it is
    # logged, and the plain rendering below takes over.
    try:
        document = trafilatura.bare_extraction(
            root, url=url or None, include_comments=False, include_tables=True
        )
    except Exception:
        logger.warning("trafilatura failed on %s", url or "a page", exc_info=True)
        return ""
    return (getattr(document, "text", None) or "").strip()


def _metadata(root: lxml.html.HtmlElement, url: str) -> tuple[str, str | None]:
    """(title, publication date): trafilatura's title and htmldate's date, nothing more.

    The same steps, in the same order, as ``trafilatura.extract_metadata`` takes for these
    two fields (meta tags, then JSON-LD, then the title elements; htmldate given the
    page's canonical URL). That function also extracts the author, site name,
    categories, tags and licence, which no snapshot stores: a quarter of its time, and
    the author alone deep-copies the tree. ``tests/sources/test_extraction.py`` checks
    that both agree, so a trafilatura upgrade that changes these steps is noticed.
    """
    try:
        document = trafilatura.metadata.examine_meta(root)
        try:
            document = trafilatura.metadata.extract_meta_json(root, document)
        except Exception:  # trafilatura's own guard: bugs in its JSON-LD parsing
            logger.info("JSON-LD metadata unreadable on %s", url or "a page", exc_info=True)
        title = document.title or trafilatura.metadata.extract_title(root)
        canonical = document.url or trafilatura.metadata.extract_url(root, url or None)
        date = htmldate.find_date(root, extensive_search=True, original_date=True, url=canonical)
    except Exception:
        # As in _main_text: a library bug on hostile markup costs the metadata only.
        logger.warning("metadata extraction failed on %s", url or "a page", exc_info=True)
        return "", None
    if title:
        # What extract_metadata's clean_and_trim does to it.
        if len(title) > 10000:
            title = title[:9999] + "…"
        title = trafilatura.utils.line_processing(htmllib.unescape(title))
    return title or "", _iso_date(date)


def _iso_date(value: str | None) -> str | None:
    try:
        return datetime.date.fromisoformat((value or "")[:10]).isoformat()
    except ValueError:
        return None


def _plain_rendering(root: lxml.html.HtmlElement) -> str:
    """All visible text of the body, one block per line: for pages too short for trafilatura."""
    body = root.find("body")
    if body is None:
        body = root
    lxml.etree.strip_elements(
        body, "script", "style", "noscript", "template", lxml.etree.Comment, with_tail=False
    )
    for element in body.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    return _tidy_lines(body.text_content())


def _tidy_lines(text: str) -> str:
    """One space between words, no blank lines."""
    text = _SPACES.sub(" ", text)
    return _BLANK_LINES.sub("\n", "\n".join(line.strip() for line in text.split("\n"))).strip()


def _has_more_elements(root: lxml.html.HtmlElement, limit: int) -> bool:
    return any(True for _ in itertools.islice(root.iter(), limit, None))


def _html_language(root: lxml.html.HtmlElement) -> str:
    head = root.find("head")
    # The HTML parser keeps xml:lang as a plain attribute name, without a namespace.
    declared = [root.get("lang"), root.get("xml:lang")]
    if head is not None:
        declared += head.xpath(
            "meta[translate(@http-equiv, 'CONTENTLAGU', 'contentlagu')='content-language']/@content"
        )
        declared += head.xpath("meta[@property='og:locale']/@content")
    for candidate in declared:
        if language := _primary_language(str(candidate or "").split(",")[0]):
            return language
    return ""


def _html_title(root: lxml.html.HtmlElement) -> str:
    title = root.find(".//title")
    return title.text_content() if title is not None else ""


def _extract_html(body: bytes, charset: str | None, url: str) -> Extracted:
    html, used = decode_html(body, charset)
    if _looks_binary(html):
        return _result(
            "html",
            charset=used,
            notes=["The body is labelled as HTML but looks like binary data; no text extracted."],
        )
    html = _XML_DECLARATION.sub("", _CONTROL_CHARS.sub("", html), count=1)
    root, gave_up = _parse_html(html)
    if root is None:
        text = _stripped_markup(html)
        notes = [] if text else ["No text could be extracted from the HTML page."]
        return _result("html", text=text, charset=used, notes=notes)
    if len(html) > METADATA_HTML_CHARS:
        head_root = _parse_html(html[:METADATA_HTML_CHARS])[0]
        title, published_on = _metadata(head_root, url) if head_root is not None else ("", None)
    else:
        title, published_on = _metadata(root, url)
    notes = []
    if gave_up:
        text = _stripped_markup(html)
    elif _has_more_elements(root, MAX_MAIN_TEXT_ELEMENTS):
        text = _plain_rendering(root)
        notes.append(
            f"The page has more than {MAX_MAIN_TEXT_ELEMENTS:,} elements; the text is the whole"
            " page, not only its main content."
        )
    else:
        text = _main_text(root, url) or _plain_rendering(root) or _stripped_markup(html)
    if not text.strip():
        notes.append("No text could be extracted from the HTML page.")
    return _result(
        "html",
        text=text,
        title=title or _html_title(root),
        published_on=published_on,
        language=_html_language(root),
        charset=used,
        notes=notes,
    )


def _extract_text(body: bytes, charset: str | None) -> Extracted:
    text, used = _decode(body, charset, html=False)
    if _looks_binary(text):
        return _result(
            "text",
            charset=used,
            notes=["The body is labelled as text but looks like binary data; no text extracted."],
        )
    notes = [] if text.strip() else ["The text is blank."]
    return _result("text", text=text, charset=used, notes=notes)


def _log_pdf_error(error: Exception, what: str) -> None:
    if isinstance(error, pypdf.errors.PyPdfError):
        logger.info("%s: %s", what, error)
    else:
        logger.warning("%s: %r", what, error, exc_info=True)


def _pdf_date(value: object) -> str | None:
    match = _PDF_DATE.match(str(value or ""))
    if not match:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:
        return None


def _extract_pdf(body: bytes) -> Extracted:
    # pypdf raises its own errors for damaged files, but also KeyError, ValueError,
    # struct/zlib errors, RecursionError … from deep inside. A bad PDF must still become
    # a snapshot with a reason: its own errors are expected and logged briefly, anything
    # else is logged with the traceback, as it may be a pypdf bug.
    try:
        reader = pypdf.PdfReader(io.BytesIO(body), strict=False)
        if reader.is_encrypted and reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED:
            return _result("pdf", notes=["The PDF is encrypted; its text needs a password."])
        info: Mapping[str, Any] = reader.metadata or {}
        page_count = len(reader.pages)
    except Exception as error:
        _log_pdf_error(error, "unreadable PDF")
        return _result("pdf", notes=[f"The PDF could not be read ({type(error).__name__})."])

    notes: list[str] = []
    pages: list[str] = []
    length = 0
    failed = 0
    for number in range(min(page_count, MAX_PDF_PAGES)):
        try:
            page_text = reader.pages[number].extract_text() or ""
        except Exception as error:
            _log_pdf_error(error, f"unreadable PDF page {number}")
            failed += 1
            continue
        pages.append(page_text)
        length += len(page_text)
        if length > MAX_TEXT_CHARS:
            break
    if page_count > MAX_PDF_PAGES:
        notes.append(f"Only the first {MAX_PDF_PAGES} of {page_count} pages were read.")
    if failed:
        notes.append(f"{failed} page(s) could not be read.")
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    if not text:
        notes.append("The PDF has no extractable text (scanned?).")

    try:
        title = str(info.get("/Title") or "")
        published_on = _pdf_date(info.get("/CreationDate"))
        # Typed as any PDF object, the catalog is a dictionary in a file pypdf could open;
        # anything else fails on .get below, like any other damaged metadata.
        catalog = cast(DictionaryObject, reader.trailer["/Root"])
        language = _primary_language(str(catalog.get("/Lang") or ""))
    except Exception as error:
        _log_pdf_error(error, "unreadable PDF metadata")
        title, published_on, language = "", None, ""
    if not _clean_title(title):
        title = next((line for line in text.splitlines() if line.strip()), "")
    return _result(
        "pdf",
        text=text,
        title=title,
        published_on=published_on,
        language=language,
        notes=notes,
    )


def _media_type(content_type: str) -> tuple[str, str | None]:
    """(media type, charset parameter) of a Content-Type header value."""
    media_type, *params = content_type.split(";")
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return media_type.strip().lower(), charset


def _sniff(body: bytes) -> str:
    head = body[:1024]
    for bom, _codec in _BOMS:
        head = head.removeprefix(bom)
    head = head.lstrip().lower()
    if head.startswith(b"%pdf-"):
        return "pdf"
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return ""


def extract(
    body: bytes, *, content_type: str, charset: str | None = None, url: str = ""
) -> Extracted:
    """Text and metadata of a fetched body.

    `content_type` is the response's Content-Type (parameters allowed); `charset` the
    charset from the header if the caller parsed it already; `url` is metadata only and
    is never fetched. Never raises on bad input.
    """
    media_type, header_charset = _media_type(content_type or "")
    charset = charset or header_charset
    sniffed = _sniff(body)
    is_text = (
        media_type.startswith("text/")
        or media_type in TEXT_APPLICATION_TYPES
        or media_type.endswith(("+json", "+xml"))
    )

    if media_type in PDF_TYPES or sniffed == "pdf":
        kind = "pdf"
    elif media_type in HTML_TYPES or (sniffed == "html" and media_type in ("", "text/plain")):
        kind = "html"
    elif is_text or media_type == "":
        kind = "text"
    else:
        return _result("other", notes=[f"{media_type} is not a text type; kept as metadata only."])

    if not body.strip():
        return _result(kind, notes=["The body is empty."])
    if kind == "pdf":
        return _extract_pdf(body)
    if kind == "html":
        return _extract_html(body, charset, url)
    result = _extract_text(body, charset)
    if media_type == "" and not result.text:
        return _result(
            "other", notes=["The body has no content type and is not text; kept as metadata only."]
        )
    return result
