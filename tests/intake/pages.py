"""Article pages and feeds the intake tests serve from the local HTTP server.

The texts are written for these tests (fictional towns, people and figures).
"""

from __future__ import annotations

from html import escape

GERMAN_PARAGRAPHS = [
    "Der Stadtrat von Birkenfeld hat am Dienstag über den neuen Busfahrplan beraten. "
    "Bürgermeisterin Anna Keller sagte, die Linie 4 werde ab März alle zehn Minuten fahren.",
    "Die Opposition kritisierte den Plan scharf. Ratsherr Jonas Brandt erklärte, die Kosten "
    "seien um 40 Prozent höher als im vergangenen Jahr und die Stadt könne sich das nicht leisten.",
    "Nach Angaben der Verkehrsbetriebe nutzen inzwischen mehr als 12.000 Menschen täglich den "
    "Bus. Das sei ein Rekord, sagte ein Sprecher, und der höchste Wert seit der Gründung.",
    "Keller wies die Kritik zurück. Die Mehrkosten würden durch höhere Fahrgastzahlen gedeckt, "
    "sagte sie. Der Rat will im April endgültig über den Fahrplan abstimmen.",
]

ENGLISH_PARAGRAPHS = [
    "The council of Millbrook voted on Tuesday to close the old library on Station Road. "
    "Council leader Mark Dunn said the building had cost the town more than it could afford.",
    "Opponents of the plan said the closure would hit families hardest. Local teacher Ruth "
    "Alvarez told the meeting that the library was the only place where many children could read.",
    "According to the council, visits to the library fell by 35 percent over the past five years, "
    "and the roof would need repairs worth two million pounds within the next decade.",
    "Dunn denied that the decision was final. He said the council would look at offers from "
    "community groups who wanted to run the building as a reading room and a cafe.",
]


def article_html(
    title: str,
    paragraphs: list[str],
    *,
    lang: str = "de",
    canonical: str = "",
    author: str = "",
    site: str = "",
    date: str = "",
) -> bytes:
    head = [f"<meta charset='utf-8'><title>{escape(title)}</title>"]
    if canonical:
        head.append(f"<link rel='canonical' href='{escape(canonical)}'>")
    if author:
        head.append(f"<meta name='author' content='{escape(author)}'>")
    if site:
        head.append(f"<meta property='og:site_name' content='{escape(site)}'>")
    if date:
        head.append(f"<meta property='article:published_time' content='{date}T08:00:00+01:00'>")
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang='{lang}'><head>{''.join(head)}</head><body>"
        "<header><nav><a href='/'>Start</a> <a href='/lokales'>Lokales</a></nav></header>"
        f"<article><h1>{escape(title)}</h1>{body}</article>"
        "<footer><a href='/impressum'>Impressum</a></footer></body></html>"
    ).encode()


def german_page(**kwargs: str) -> bytes:
    kwargs.setdefault("site", "Birkenfelder Bote")
    kwargs.setdefault("author", "Lena Vogt")
    kwargs.setdefault("date", "2026-11-24")
    return article_html("Neuer Busfahrplan für Birkenfeld", GERMAN_PARAGRAPHS, **kwargs)


def english_page(**kwargs: str) -> bytes:
    kwargs.setdefault("site", "Millbrook Courier")
    kwargs.setdefault("author", "Sam Price")
    kwargs.setdefault("date", "2026-11-20")
    kwargs.setdefault("lang", "en")
    return article_html("Millbrook votes to close library", ENGLISH_PARAGRAPHS, **kwargs)


def numbered_page(n: int, *, lang: str = "de") -> bytes:
    """A distinct German article per ``n`` (feeds with many entries)."""
    paragraphs = [
        f"Meldung {n}: " + p.replace("Birkenfeld", f"Birkenfeld-{n}") for p in GERMAN_PARAGRAPHS
    ]
    return article_html(f"Meldung Nummer {n}", paragraphs, lang=lang)


INDEX_PAGE = (
    b"<!doctype html><html lang='de'><head><meta charset='utf-8'><title>Startseite</title>"
    b"</head><body><nav><a href='/a'>Politik</a> <a href='/b'>Sport</a> "
    b"<a href='/c'>Kultur</a></nav><ul><li><a href='/1'>Kurz notiert</a></li>"
    b"<li><a href='/2'>Wetter</a></li></ul></body></html>"
)


def rss(items: list[tuple[str, str, str]], *, title: str = "Birkenfelder Bote") -> bytes:
    """An RSS 2.0 feed of (guid, link, title) items."""
    body = "".join(
        f"<item><guid isPermaLink='false'>{escape(guid)}</guid><link>{escape(link)}</link>"
        f"<title>{escape(item_title)}</title>"
        "<pubDate>Tue, 24 Nov 2026 08:00:00 +0100</pubDate></item>"
        for guid, link, item_title in items
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>{escape(title)}</title><link>http://example.invalid/</link>"
        f"<description>Nachrichten</description>{body}</channel></rss>"
    ).encode()


def atom(items: list[tuple[str, str, str]], *, title: str = "Millbrook Courier") -> bytes:
    """An Atom feed of (id, link, title) entries."""
    body = "".join(
        f"<entry><id>{escape(guid)}</id><link rel='alternate' href='{escape(link)}'/>"
        f"<title>{escape(item_title)}</title><updated>2026-11-20T08:00:00Z</updated></entry>"
        for guid, link, item_title in items
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
        f"<title>{escape(title)}</title><id>urn:test:feed</id>"
        f"<updated>2026-11-20T08:00:00Z</updated>{body}</feed>"
    ).encode()


BILLION_LAUGHS = (
    b"<?xml version='1.0'?><!DOCTYPE rss ["
    b"<!ENTITY lol 'lol'>"
    + b"".join(
        f"<!ENTITY lol{i} '{('&lol' + (str(i - 1) if i > 1 else '') + ';') * 10}'>".encode()
        for i in range(1, 10)
    )
    + b"]><rss version='2.0'><channel><title>&lol9;</title>"
    b"<item><guid>x</guid><link>http://127.0.0.1/x</link><title>&lol9;</title></item>"
    b"</channel></rss>"
)
