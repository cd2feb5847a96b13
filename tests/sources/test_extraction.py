"""Text, title, date, language and charset from fetched bodies (sources/extraction.py).

Every body is built here; nothing is fetched. An autouse fixture fails any test in which
the extraction libraries try to open a connection or resolve a name.
"""

import hashlib
import io
import random
import socket

import pypdf
import pytest

from sources import extraction
from sources.extraction import Extracted, decode_html, extract, sha256_hex
from tests.helpers.pdf import make_pdf

# --- bodies -----------------------------------------------------------------------------


def noise(size: int, seed: int = 0) -> bytes:
    """Random bytes, the same on every run."""
    return random.Random(seed).randbytes(size)


RUSSIAN = (
    "Во вторник в центре города прошло заседание городского совета, на котором депутаты "
    "обсудили бюджет на следующий год. По словам председателя комиссии, расходы на "
    "образование и здравоохранение будут увеличены, а строительство новой дороги "
    "перенесено. Представители оппозиции заявили, что документ подготовлен в спешке и не "
    "учитывает мнение жителей. Мэр пообещал провести публичные слушания в течение месяца "
    "и опубликовать все материалы на официальном сайте."
)

GERMAN = (
    "Der kasachische Präsident Tokajew sagte am Freitag, ausländische Terrorgruppen hätten "
    "die Unruhen geschürt. Die Sprecherin des Weißen Hauses, Jen Psaki, wies die russische "
    "Behauptung zurück, die USA hätten eine Rolle gespielt. Das sei Teil des russischen "
    "Drehbuchs für Desinformation, erklärte sie in Washington."
)

# Inline CSS and JS before the text, as on real pages: ASCII that dilutes the few bytes
# that tell one Cyrillic code page from another.
HEAVY_HEAD = (
    "<style>" + "body{margin:0;padding:0;font-family:Arial,sans-serif}\n" * 150 + "</style>"
    "<script>"
    + "var tracking = function(){ return window.dataLayer || []; };\n" * 150
    + "</script>"
)


def russian_page(*, meta: str = "", head: str = "", lang: str = "") -> str:
    lang_attr = f' lang="{lang}"' if lang else ""
    return (
        f"<!DOCTYPE html><html{lang_attr}><head>{meta}<title>Новости города</title>{head}"
        "</head><body><nav><a href='/'>Главная</a> <a href='/news'>Новости</a></nav>"
        f"<article><h1>Заседание совета</h1><p>{RUSSIAN}</p></article></body></html>"
    )


def german_article() -> str:
    return f"""<!DOCTYPE html>
<html lang="de">
<head>
  <meta charset="utf-8">
  <title>Unruhen in Kasachstan – Beispielzeitung</title>
  <meta property="og:title" content="Tokajew: Terrorgruppen im Ausland ausgebildet">
  <meta property="article:published_time" content="2022-01-07T10:15:00+01:00">
  <link rel="canonical" href="https://zeitung.example/politik/kasachstan-unruhen">
</head>
<body>
  <header><nav><a href="/">Startseite</a> <a href="/politik">Politik</a></nav></header>
  <article>
    <h1>Tokajew: Terrorgruppen im Ausland ausgebildet</h1>
    <p>{GERMAN}</p>
    <p>Die Lage in Almaty blieb am Wochenende angespannt; Geschäfte öffneten nur zögerlich,
    und über die Zahl der Festnahmen gab es widersprüchliche Angaben der Behörden.</p>
  </article>
  <footer><a href="/impressum">Impressum</a></footer>
</body>
</html>"""


SAMPLE_PDF = make_pdf(
    ["Faktencheck: Die Behauptung ist falsch.", "Grüße aus Köln (2022)."],
    info={"Title": "Prüfbericht Kasachstan", "CreationDate": "D:20220107123000+01'00'"},
    lang="de-DE",
)


def encrypted(pdf: bytes, user_password: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# --- no network, ever -------------------------------------------------------------------


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Record and refuse every connection or lookup; the test fails if there was one.

    Recording matters: htmldate's downloader swallows errors, so a refused fetch alone
    would pass silently.
    """
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access in an extraction test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield
    assert attempts == []


# --- decode_html ------------------------------------------------------------------------

CP1251_META = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'


@pytest.mark.parametrize(
    ("body", "header_charset", "expected_charset", "expected_text"),
    [
        # German page, charset in the header.
        (german_article().encode("utf-8"), "utf-8", "utf-8", "Präsident Tokajew"),
        # windows-1251 without header or <meta>: detection.
        (russian_page().encode("cp1251"), None, "cp1251", RUSSIAN),
        # KOI8-R without header or <meta>: detection.
        (russian_page().encode("koi8-r"), None, "koi8-r", RUSSIAN),
        # Both again behind 20 KB of inline CSS/JS: detection runs on the visible text.
        (russian_page(head=HEAVY_HEAD).encode("cp1251"), None, "cp1251", RUSSIAN),
        (russian_page(head=HEAVY_HEAD).encode("koi8-r"), None, "koi8-r", RUSSIAN),
        # <meta http-equiv> says windows-1251, the header says nothing.
        (russian_page(meta=CP1251_META).encode("cp1251"), None, "cp1251", RUSSIAN),
        # <meta charset> in its HTML5 form.
        (russian_page(meta='<meta charset="KOI8-R">').encode("koi8-r"), None, "koi8-r", RUSSIAN),
        # The header wins over <meta>: both decode, only the header's is right.
        (
            russian_page(meta='<meta charset="koi8-r">').encode("cp1251"),
            "windows-1251",
            "cp1251",
            RUSSIAN,
        ),
        # A header label that exists nowhere falls through to <meta>.
        (russian_page(meta=CP1251_META).encode("cp1251"), "x-no-such-charset", "cp1251", RUSSIAN),
        # utf-7 is a real Python codec but no web encoding (an XSS vector): ignored.
        (b"<html><body><p>+ADw-b+AD4-</p></body></html>", "utf-7", "utf-8", "+ADw-b+AD4-"),
        # Aliases that Python does not know as such.
        (russian_page().encode("cp1251"), "win-1251", "cp1251", RUSSIAN),
        (russian_page().encode("koi8-r"), "koi8r", "koi8-r", RUSSIAN),
        (russian_page().encode("cp1251"), ' "CP1251" ', "cp1251", RUSSIAN),
        # A UTF-8 BOM beats the header (WHATWG): a saved file served with a stale label.
        (b"\xef\xbb\xbf" + german_article().encode(), "windows-1251", "utf-8", "Präsident"),
        # A UTF-16 BOM, no label at all.
        (b"\xff\xfe" + german_article().encode("utf-16-le"), None, "utf-16-le", "Präsident"),
        # The server says utf-8 but the page is windows-1251: the label is not trusted.
        (russian_page().encode("cp1251"), "utf-8", "cp1251", RUSSIAN),
        # A UTF-8 page with one broken byte stays UTF-8 (one replacement character).
        (
            german_article().encode().replace(b"Sprecherin", b"Sprecher\xffin"),
            "utf-8",
            "utf-8",
            "Weißen",
        ),
        # <meta charset=utf-16> on an ASCII-readable page means UTF-8 (WHATWG prescan).
        (
            b'<html><head><meta charset="utf-16"></head><body>Gr\xc3\xbc\xc3\x9fe</body></html>',
            None,
            "utf-8",
            "Grüße",
        ),
        # latin1 means windows-1252 on the web: 0x80 is the euro sign.
        (b"<html><body>Preis: 5 \x80</body></html>", "iso-8859-1", "cp1252", "5 €"),
    ],
)
def test_decode_html(body, header_charset, expected_charset, expected_text):
    text, charset = decode_html(body, header_charset)
    assert charset == expected_charset
    assert expected_text in text


@pytest.mark.parametrize(
    ("body", "header_charset"),
    [
        # Random bytes.
        (noise(4096, seed=1), None),
        # Random bytes with a real label.
        (noise(4096, seed=2), "koi8-r"),
        # Empty.
        (b"", None),
        # Truncated in the middle of a UTF-8 sequence, labelled UTF-8.
        ("Grüße".encode()[:-1], "utf-8"),
        # Codec names that are transforms, not text encodings.
        (b"<p>eJzLSM3JyQcABiwCFQ==</p>", "zlib"),
        (b"<p>\\u0041</p>", "unicode_escape"),
        # A label longer than any real one.
        (b"<p>x</p>", "x" * 10_000),
    ],
)
def test_decode_html_never_raises(body, header_charset):
    text, charset = decode_html(body, header_charset)
    assert isinstance(text, str)
    assert charset


# --- extract: HTML ----------------------------------------------------------------------


def test_german_article():
    result = extract(
        german_article().encode("utf-8"),
        content_type="text/html; charset=utf-8",
        url="https://zeitung.example/politik/kasachstan-unruhen",
    )
    assert result.kind == "html"
    assert result.title == "Tokajew: Terrorgruppen im Ausland ausgebildet"
    assert result.published_on == "2022-01-07"
    assert result.language == "de"
    assert result.charset == "utf-8"
    assert GERMAN in result.text
    assert "Geschäfte öffneten nur zögerlich" in result.text
    # Navigation and footer are boilerplate, not the article.
    assert "Impressum" not in result.text
    assert result.reason == ""
    assert result.text_sha256 == hashlib.sha256(result.text.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r"])
def test_russian_page_without_any_label(encoding):
    result = extract(russian_page(lang="ru").encode(encoding), content_type="text/html")
    assert result.charset == encoding
    assert RUSSIAN in result.text
    assert result.language == "ru"


ARTICLE_BODY = f"<article><p>{GERMAN}</p></article>"
XHTML_CP1251 = (
    '<?xml version="1.0" encoding="windows-1251"?>'
    '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Привет</p></body></html>'
).encode("cp1251")


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        # <meta property="article:published_time"> with a time and offset.
        (
            '<meta property="article:published_time" content="2021-12-30T23:10:00+01:00">',
            ARTICLE_BODY,
            "2021-12-30",
        ),
        # A visible German date and nothing else.
        ("", ARTICLE_BODY + "<p class='date'>Veröffentlicht am 7. Januar 2022</p>", "2022-01-07"),
        # A visible English date.
        ("", ARTICLE_BODY + "<p>Published on January 7, 2022</p>", "2022-01-07"),
        # A numeric German date with a time.
        ("", ARTICLE_BODY + "<p>Stand: 07.01.2022, 14:30 Uhr</p>", "2022-01-07"),
        # JSON-LD, as news sites embed it.
        (
            '<script type="application/ld+json">{"@context": "https://schema.org",'
            ' "@type": "NewsArticle", "datePublished": "2022-01-05T08:00:00Z"}</script>',
            ARTICLE_BODY,
            "2022-01-05",
        ),
        # No date anywhere.
        ("", ARTICLE_BODY, None),
    ],
)
def test_publication_date(head, body, expected):
    html = f"<html><head><title>T</title>{head}</head><body>{body}</body></html>"
    assert extract(html.encode(), content_type="text/html").published_on == expected


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        # og:title wins over <title> and <h1>.
        (
            '<title>Site | Section</title><meta property="og:title" content="The og title">',
            "<h1>The heading</h1>",
            "The og title",
        ),
        # <title> alone.
        ("<title>Nur der Titel</title>", "", "Nur der Titel"),
        # <title> with whitespace and an entity.
        ("<title>\n  Fakten &amp; Mythen\n</title>", "", "Fakten & Mythen"),
        # No title anywhere.
        ("", "", ""),
    ],
)
def test_title(head, body, expected):
    html = f"<html><head>{head}</head><body>{body}{ARTICLE_BODY}</body></html>"
    assert extract(html.encode(), content_type="text/html").title == expected


# Heads that exercise each step extract_metadata takes for the title and the date.
METADATA_HEADS = [
    # Meta tags: og:title, article:published_time.
    '<title>Site | Section</title><meta property="og:title" content="The og title">'
    '<meta property="article:published_time" content="2021-12-30T23:10:00+01:00">',
    # JSON-LD headline and date, no meta tags.
    '<script type="application/ld+json">{"@context": "https://schema.org", "@type":'
    ' "NewsArticle", "headline": "JSON &amp; LD", "datePublished": "2022-01-05"}</script>',
    # Broken JSON-LD: trafilatura's own guard, then the <title>.
    '<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
    "<title>\n  Fakten &amp; Mythen\n</title>",
    # The date only in the canonical URL (htmldate reads the URL it is given).
    '<title>T</title><link rel="canonical" href="https://example.com/2020/03/14/story">',
    # og:url with a date; a visible date further down.
    '<meta property="og:url" content="https://example.com/2019/11/02/x.html"><title>U</title>',
    # Nothing: the <h1> is the title, the visible German date the date.
    "",
]


@pytest.mark.parametrize("head", METADATA_HEADS)
@pytest.mark.parametrize("url", ["", "https://example.org/2018/05/06/from-the-fetch"])
def test_metadata_agrees_with_trafilatura_extract_metadata(head, url):
    """``_metadata`` takes extract_metadata's steps for title and date only (it is about
    a third faster); a trafilatura upgrade that changes those steps fails here."""
    import trafilatura

    body = "<h1>Die Überschrift</h1>" + ARTICLE_BODY + "<p>Stand: 07.01.2022, 14:30 Uhr</p>"
    html = f"<html><head>{head}</head><body>{body}</body></html>"
    root, _ = extraction._parse_html(html)
    full = trafilatura.extract_metadata(
        extraction._parse_html(html)[0],
        default_url=url or None,
        date_config={"extensive_search": True, "original_date": True},
    )
    assert extraction._metadata(root, url) == (full.title or "", extraction._iso_date(full.date))


@pytest.mark.parametrize(
    ("html_attrs", "head", "expected"),
    [
        # <html lang> with a region.
        ('lang="de-DE"', "", "de"),
        ('lang="en"', "", "en"),
        # xml:lang on XHTML.
        ('xmlns="http://www.w3.org/1999/xhtml" xml:lang="ru"', "", "ru"),
        # No lang attribute: <meta http-equiv="Content-Language">, first of a list.
        ("", '<meta http-equiv="Content-Language" content="ru, en">', "ru"),
        # No lang attribute: og:locale.
        ("", '<meta property="og:locale" content="en_US">', "en"),
        # Nonsense is not a language.
        ('lang="!!"', "", ""),
        # Undeclared: no guessing from the text.
        ("", "", ""),
    ],
)
def test_language(html_attrs, head, expected):
    html = f"<html {html_attrs}><head>{head}</head><body>{ARTICLE_BODY}</body></html>"
    assert extract(html.encode(), content_type="text/html").language == expected


@pytest.mark.parametrize(
    ("body", "content_type", "expected_text"),
    [
        # Too short for trafilatura: the plain rendering still yields it.
        (b"<html><body><p>Kurz.</p></body></html>", "text/html", "Kurz."),
        # Scripts and styles are not text.
        (
            b"<html><head><style>p{}</style></head><body><script>var a=1;</script>"
            b"<p>Nur das.</p></body></html>",
            "text/html",
            "Nur das.",
        ),
        # Blocks become lines.
        (b"<html><body><p>Eins</p><p>Zwei</p></body></html>", "text/html", "Eins\nZwei"),
        # XHTML media type.
        (b"<html><body><p>XHTML</p></body></html>", "application/xhtml+xml", "XHTML"),
        # An XML declaration with an encoding (lxml refuses it on decoded text).
        (XHTML_CP1251, "application/xhtml+xml", "Привет"),
        # HTML served as text/plain is sniffed.
        (b"<!DOCTYPE html><html><body><p>Sniffed.</p></body></html>", "text/plain", "Sniffed."),
        # HTML without any content type is sniffed.
        (b"  <html><body><p>No type.</p></body></html>", "", "No type."),
    ],
)
def test_html_text(body, content_type, expected_text):
    result = extract(body, content_type=content_type)
    assert result.kind == "html"
    assert result.text == expected_text


# --- extract: PDF -----------------------------------------------------------------------


def test_pdf():
    result = extract(SAMPLE_PDF, content_type="application/pdf")
    assert result == Extracted(
        kind="pdf",
        title="Prüfbericht Kasachstan",
        text="Faktencheck: Die Behauptung ist falsch.\nGrüße aus Köln (2022).",
        published_on="2022-01-07",
        language="de",
        charset=None,
        reason="",
        text_sha256=sha256_hex(
            "Faktencheck: Die Behauptung ist falsch.\nGrüße aus Köln (2022).".encode()
        ),
    )


@pytest.mark.parametrize(
    ("body", "content_type", "expected_text", "expected_title", "reason_part"),
    [
        # Sniffed from %PDF- under a generic type.
        (SAMPLE_PDF, "application/octet-stream", "Faktencheck", "Prüfbericht Kasachstan", ""),
        # No /Info: the title is the first line.
        (make_pdf(["Erste Zeile", "Zweite Zeile"]), "application/pdf", "Zweite", "Erste Zeile", ""),
        # No text at all (a scan would look like this).
        (make_pdf([]), "application/pdf", "", "", "no extractable text"),
        # Cut in half: no xref, no trailer.
        (SAMPLE_PDF[: len(SAMPLE_PDF) // 2], "application/pdf", "", "", "could not be read"),
        # Not a PDF at all.
        (b"%PDF-1.7\n\x00\xff garbage", "application/pdf", "", "", "could not be read"),
        (noise(2048, seed=3), "application/pdf", "", "", "could not be read"),
        # Encrypted with a user password.
        (encrypted(SAMPLE_PDF, "secret"), "application/pdf", "", "", "encrypted"),
        # Encrypted with an empty user password (only printing restricted): readable.
        (encrypted(SAMPLE_PDF, ""), "application/pdf", "Faktencheck", "Prüfbericht", ""),
    ],
)
def test_pdf_cases(body, content_type, expected_text, expected_title, reason_part):
    result = extract(body, content_type=content_type)
    assert result.kind == "pdf"
    assert expected_text in result.text
    assert (result.text == "") == (expected_text == "")
    assert expected_title in result.title
    assert reason_part in result.reason
    assert bool(result.reason) == bool(reason_part)


@pytest.mark.parametrize(
    ("creation_date", "expected"),
    [
        ("D:20220107123000+01'00'", "2022-01-07"),
        # Without the D: prefix, as some writers store it.
        ("20211231", "2021-12-31"),
        # Only a year: no invented month and day.
        ("D:2022", None),
        # An impossible date.
        ("D:20221345", None),
        ("yesterday", None),
    ],
)
def test_pdf_creation_date(creation_date, expected):
    pdf = make_pdf(["Text"], info={"CreationDate": creation_date})
    assert extract(pdf, content_type="application/pdf").published_on == expected


def test_pdf_page_cap(monkeypatch):
    writer = pypdf.PdfWriter()
    for _ in range(3):
        writer.add_page(pypdf.PdfReader(io.BytesIO(SAMPLE_PDF)).pages[0])
    buffer = io.BytesIO()
    writer.write(buffer)
    monkeypatch.setattr(extraction, "MAX_PDF_PAGES", 2)
    result = extract(buffer.getvalue(), content_type="application/pdf")
    assert result.text.count("Faktencheck") == 2
    assert "first 2 of 3 pages" in result.reason


# --- extract: text and other types ------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        # UTF-8 with the charset in the content type.
        ("Grüße aus Köln\r\n".encode(), "text/plain; charset=utf-8", ("Grüße aus Köln", "utf-8")),
        # windows-1251 plain text without a label: detection.
        (RUSSIAN.encode("cp1251"), "text/plain", (RUSSIAN, "cp1251")),
        # CSV is text.
        (b"a,b\n1,2\n", "text/csv", ("a,b\n1,2", "utf-8")),
        # JSON is text.
        (b'{"claim": "x"}', "application/json", ('{"claim": "x"}', "utf-8")),
        # No type, but clearly text.
        (b"Hallo Welt", "", ("Hallo Welt", "utf-8")),
    ],
)
def test_text(body, content_type, expected):
    result = extract(body, content_type=content_type)
    assert result.kind == "text"
    assert (result.text, result.charset) == expected
    assert result.title == ""
    assert result.reason == ""


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        # An image.
        (
            b"\x89PNG\r\n\x1a\n" + noise(512, seed=4),
            "image/png",
            "image/png is not a text type; kept as metadata only.",
        ),
        # Parameters and case in the content type.
        (b"PK\x03\x04" + noise(512, seed=5), "Application/ZIP; x=y", "application/zip is not"),
        # Opaque bytes.
        (noise(512, seed=6), "application/octet-stream", "application/octet-stream is not"),
        # Video.
        (noise(512, seed=7), "video/mp4", "video/mp4 is not"),
        # No type and not text.
        (noise(512, seed=8), "", "no content type and is not text"),
    ],
)
def test_other_types(body, content_type, reason):
    result = extract(body, content_type=content_type)
    assert result.kind == "other"
    assert (result.text, result.title, result.text_sha256) == ("", "", "")
    assert reason in result.reason


# --- hostile input ----------------------------------------------------------------------

DEEP_NESTING = "<div>" * 100_000 + "deep text" + "</div>" * 100_000
FILLER = "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>"
TEN_MB_NESTED = (
    "<html><body>"
    + DEEP_NESTING
    + FILLER * ((10_000_000 - len(DEEP_NESTING)) // len(FILLER))
    + "</body></html>"
).encode()


@pytest.mark.parametrize(
    ("body", "content_type", "kind", "text_part", "reason_part"),
    [
        # Random bytes labelled as HTML.
        (noise(100_000, seed=9), "text/html", "html", "", "looks like binary data"),
        # Random bytes labelled as text.
        (noise(10_000, seed=10), "text/plain", "text", "", "looks like binary data"),
        # 10 MB with 100 000 nested <div>s: past the parser's depth limit, still text.
        (TEN_MB_NESTED, "text/html", "html", "deep text Lorem ipsum", "truncated to 2,000,000"),
        # 100 000 nested tables, never closed.
        (b"<table><tr><td>" * 100_000 + b"cell", "text/html", "html", "cell", ""),
        # 1 000 000 unclosed <script> tags.
        (b"<script>" * 1_000_000, "text/html", "html", "", "No text could be extracted"),
        # NUL and other control bytes inside the text.
        (
            german_article()
            .replace("Präsident", "Prä\x00sident\x01")
            .encode()
            .replace(b"<p>", b"\x00<p>"),
            "text/html",
            "html",
            "Präsident Tokajew",
            "",
        ),
        # A charset label that does not exist.
        (
            b"<html><body><p>Hallo</p></body></html>",
            "text/html; charset=nope-8",
            "html",
            "Hallo",
            "",
        ),
        # Empty bodies.
        (b"", "text/html", "html", "", "The body is empty."),
        (b" \r\n\t", "text/plain", "text", "", "The body is empty."),
        (b"", "application/pdf", "pdf", "", "The body is empty."),
        # A body that is a URL: htmldate would download a *string* like this (no network
        # access is asserted by the fixture).
        (b"http://169.254.169.254/latest/meta-data/", "text/html", "html", "169.254", ""),
        # Only markup, no text.
        (b"<html><head></head><body><div></div></body></html>", "text/html", "html", "", "No text"),
        # 2 MB of '<'.
        (b"<" * 2_000_000, "text/html", "html", "<<<", ""),
    ],
)
def test_hostile_input(body, content_type, kind, text_part, reason_part):
    result = extract(body, content_type=content_type, url="https://example.org/x")
    assert result.kind == kind
    assert text_part in result.text
    assert (result.text == "") == (text_part == "")
    assert reason_part in result.reason
    assert "\x00" not in result.text
    assert len(result.text) <= extraction.MAX_TEXT_CHARS


def test_text_is_truncated_with_a_note(monkeypatch):
    monkeypatch.setattr(extraction, "MAX_TEXT_CHARS", 10)
    result = extract(b"0123456789abcdef", content_type="text/plain")
    assert result.text == "0123456789"
    assert result.reason == "The text was truncated to 10 characters."
    assert result.text_sha256 == sha256_hex(b"0123456789")


def test_huge_page_gets_the_plain_rendering(monkeypatch):
    monkeypatch.setattr(extraction, "MAX_MAIN_TEXT_ELEMENTS", 3)
    html = f"<html><body><nav>Menü</nav>{ARTICLE_BODY}</body></html>"
    result = extract(html.encode(), content_type="text/html")
    assert result.text == f"Menü\n{GERMAN}"
    assert "more than 3 elements" in result.reason


# --- hashes -----------------------------------------------------------------------------


def test_text_hash_is_stable_across_encodings():
    # The same page as UTF-8, windows-1251 and KOI8-R: same text, same hash.
    results = [
        extract(russian_page().encode(encoding), content_type="text/html")
        for encoding in ("utf-8", "cp1251", "koi8-r")
    ]
    assert len({result.text for result in results}) == 1
    assert len({result.text_sha256 for result in results}) == 1
    assert results[0].text_sha256 == sha256_hex(results[0].text.encode("utf-8"))


def test_text_hash_is_stable_across_calls():
    first = extract(german_article().encode(), content_type="text/html")
    second = extract(german_article().encode(), content_type="text/html")
    assert first == second


def test_sha256_hex():
    assert sha256_hex(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert sha256_hex("ä".encode()) == hashlib.sha256("ä".encode()).hexdigest()


def test_charset_argument_wins_over_the_content_type_parameter():
    # The caller parsed the header itself; a stale parameter in content_type loses.
    result = extract(
        russian_page().encode("koi8-r"),
        content_type="text/html; charset=windows-1251",
        charset="koi8-r",
    )
    assert (result.charset, RUSSIAN in result.text) == ("koi8-r", True)
