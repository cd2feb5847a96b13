"""The public pages: what readers see, what they never see, escaping, caching, queries."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from claims import workflow
from claims.models import Claim
from publishing import selectors
from tests import factories
from tests.helpers.text import HOSTILE
from tests.helpers.workflow import publish, submit, write_verdict

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
MISSING = "/fact-checks/does-not-exist/"


@pytest.fixture
def client():
    """A reader whose browser asks for German, the desk's default language; tests for
    English say so per request."""
    from django.test import Client

    return Client(headers={"Accept-Language": "de"})


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _public_urls(claim: Claim) -> list[str]:
    return [
        "/fact-checks/",
        claim.get_absolute_url(),
        claim.speaker.get_absolute_url(),
        "/methodology/",
        "/feeds/fact-checks.atom",
        "/sitemap.xml",
    ]


@pytest.fixture
def seed_article(seed_text):
    return factories.ArticleFactory(
        title="Unruhen in Kasachstan",
        outlet="Nachrichtenagentur",
        url="https://news.example/kasachstan",
        text=seed_text,
    )


@pytest.fixture
def psaki_claim(make_published, seed_article):
    return make_published(
        article=seed_article,
        quote="Teil des russischen Drehbuchs für Desinformation",
        claim="Die USA spielten eine Rolle bei den Protesten",
        speaker__name="Jen Psaki",
        speaker__slug="jen-psaki",
        stated_on="2022-01-06",
        rating="falsch",
        verdict={
            "headline": "Keine Belege für eine Rolle der USA",
            "summary": "Für eine Rolle der USA gibt es keine Belege.",
            "explanation": "Die russische Regierung nannte keine Belege.",
        },
    )


# --- The verdict page -----------------------------------------------------------------------


def test_verdict_page_shows_the_quote_in_its_context(client, psaki_claim):
    html = _html(client.get(psaki_claim.get_absolute_url()))
    assert (
        "Diese Vorwürfe seien &quot;absolut falsch und eindeutig "
        "<mark>Teil des russischen Drehbuchs für Desinformation</mark>&quot;." in html
    )
    assert "Psaki wies zugleich russische Behauptungen zurück" in html  # the sentence before
    assert '<blockquote lang="de" cite="https://news.example/kasachstan">' in html


def test_verdict_page_shows_speaker_rating_verdict_and_article(client, psaki_claim):
    html = _html(client.get(psaki_claim.get_absolute_url()))
    for expected in (
        '<a href="/speakers/jen-psaki/">Jen Psaki</a>',
        '<span class="rating__symbol" aria-hidden="true">✘</span>',  # the symbol …
        '<strong class="rating__label">Falsch</strong>',  # … and the label, never colour alone
        "Die Behauptung ist nicht zutreffend.",  # what the rating means
        "Keine Belege für eine Rolle der USA",
        "Für eine Rolle der USA gibt es keine Belege.",
        "Die russische Regierung nannte keine Belege.",
        '<cite lang="de">Unruhen in Kasachstan</cite>',
        "Nachrichtenagentur",
    ):
        assert expected in html, expected


def test_verdict_page_language_follows_the_reader_and_the_content_the_article(
    client, make_published
):
    article = factories.ArticleFactory(
        language="en", text='The minister said it was "the lowest ever". Then he left.'
    )
    claim = make_published(article=article, quote="the lowest ever", claim="Inflation is low")
    german = _html(client.get(claim.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de"))
    english = _html(client.get(claim.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en"))
    assert '<html lang="de">' in german and "Unsere Bewertung" in german
    assert '<html lang="en">' in english and "Our rating" in english
    assert '<blockquote lang="en"' in german and '<blockquote lang="en"' in english


def test_verdict_page_lists_sources_with_archived_copies(client, psaki_claim, monkeypatch):
    fetched = timezone.now()
    monkeypatch.setattr(
        selectors,
        "claim_public_sources",
        lambda claim: [
            {
                "url": "https://www.whitehouse.gov/briefing",
                "title": "Press Briefing by Press Secretary Jen Psaki",
                "role": "refutes",
                "role_label": "widerlegt",
                "passage": "absolutely false",
                "archive_url": "https://desk.example/media/snapshots/1.html",
                "fetched_at": fetched,
            },
            {
                "url": "javascript:alert(1)",  # never a link, whatever a source says
                "title": "Bad",
                "role": "context",
                "role_label": "Kontext",
                "passage": "",
                "archive_url": "",
                "fetched_at": None,
            },
        ],
    )
    html = _html(client.get(psaki_claim.get_absolute_url()))
    assert (
        '<a href="https://www.whitehouse.gov/briefing" rel="nofollow noopener">'
        "Press Briefing by Press Secretary Jen Psaki</a>" in html
    )
    assert "widerlegt" in html and "absolutely false" in html
    assert 'href="https://desk.example/media/snapshots/1.html"' in html
    assert "javascript:" not in html


def test_corrections_appear_on_the_page_and_in_the_history(
    client, psaki_claim, editor, django_capture_on_commit_callbacks
):
    url = psaki_claim.get_absolute_url()
    assert "Keine Belege für eine Rolle der USA" in _html(client.get(url))  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        workflow.claim_correct(
            claim=psaki_claim,
            user=editor,
            version=psaki_claim.version,
            note="Wir haben die Überschrift präzisiert.",
            changes={"headline": "Keine Belege für eine Rolle der US-Regierung"},
        )
    html = _html(client.get(url))
    assert "Keine Belege für eine Rolle der US-Regierung" in html
    assert "Wir haben die Überschrift präzisiert." in html
    assert re.search(r'<li><time datetime="[^"]+">[^<]+</time>: <span lang="de">Wir haben', html)
    headlines = [h.headline for h in psaki_claim.verdict.history.order_by("history_date")]
    assert headlines[-2:] == [
        "Keine Belege für eine Rolle der USA",
        "Keine Belege für eine Rolle der US-Regierung",
    ]
    # the index shows the corrected headline on the next request too
    assert "Keine Belege für eine Rolle der US-Regierung" in _html(client.get("/fact-checks/"))


# --- Retraction ---------------------------------------------------------------------------


@pytest.fixture
def retracted(psaki_claim, editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.claim_retract(
            claim=psaki_claim,
            user=editor,
            version=psaki_claim.version,
            reason="Das Zitat war falsch zugeordnet.",
        )
    psaki_claim.refresh_from_db()
    return psaki_claim


def test_a_retracted_verdict_page_stays_and_says_so(client, retracted):
    html = _html(client.get(retracted.get_absolute_url()))
    assert "Dieser Faktencheck wurde zurückgezogen" in html
    assert "Das Zitat war falsch zugeordnet." in html
    assert '<meta name="robots" content="noindex">' in html
    assert "application/ld+json" not in html  # no rating is advertised any more


def test_a_retracted_verdict_is_marked_in_the_index_and_feed_and_left_out_of_the_sitemap(
    client, retracted
):
    index = _html(client.get("/fact-checks/"))
    assert "card--retracted" in index and "Zurückgezogen" in index
    feed = ET.fromstring(client.get("/feeds/fact-checks.atom").content)
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert titles == ["Zurückgezogen: Keine Belege für eine Rolle der USA"]
    sitemap = client.get("/sitemap.xml").content.decode()
    assert retracted.get_absolute_url() not in sitemap


# --- Nothing unpublished leaks -----------------------------------------------------------------


@pytest.fixture
def unpublished(checker):
    speaker = factories.SpeakerFactory(name="Geheime Sprecherin", slug="geheim")
    draft = factories.ClaimFactory(speaker=speaker, claim="GEHEIMER ENTWURF eins", slug="entwurf")
    write_verdict(draft, checker, headline="GEHEIME ÜBERSCHRIFT")
    review = factories.ClaimFactory(speaker=speaker, claim="GEHEIMER ENTWURF zwei", slug="pruefung")
    write_verdict(review, checker, headline="GEHEIME ÜBERSCHRIFT")
    submit(review, checker)
    return [draft, review]


def test_unpublished_claims_are_a_404_exactly_like_a_missing_one(client, unpublished):
    missing = client.get(MISSING)
    assert missing.status_code == 404
    for claim in unpublished:
        response = client.get(claim.get_absolute_url())
        assert response.status_code == 404
        assert response.content == missing.content
        assert "ETag" not in response and "ETag" not in missing


def test_unpublished_content_is_on_no_public_page(client, unpublished, psaki_claim):
    assert client.get("/speakers/geheim/").status_code == 404  # a speaker with drafts only
    pages = [client.get(url).content.decode() for url in _public_urls(psaki_claim)]
    pages.append(client.get("/fact-checks/", {"q": "GEHEIMER ENTWURF"}).content.decode())
    pages.append(client.get("/fact-checks/", {"speaker": "geheim"}).content.decode())
    secrets = ("GEHEIME ÜBERSCHRIFT", "ENTWURF eins", "ENTWURF zwei", "Geheime Sprecherin")
    for page in pages:
        assert not [secret for secret in secrets if secret in page]
        assert "/fact-checks/entwurf/" not in page and "/fact-checks/pruefung/" not in page
    assert "Jen Psaki" in pages[0]  # the published one is there


# --- Hostile text ------------------------------------------------------------------------------


@pytest.fixture
def hostile_claim(make_published, hostile_article, monkeypatch):
    monkeypatch.setattr(
        selectors,
        "claim_public_sources",
        lambda claim: [
            {
                "url": "https://example.org/?a=1&b=2",
                "title": f"Quelle {HOSTILE}",
                "role": "supports",
                "role_label": f"Rolle {HOSTILE}",
                "passage": f"Passage {HOSTILE}",
                "archive_url": "",
                "fetched_at": None,
            }
        ],
    )
    return make_published(
        article=hostile_article,
        quote=HOSTILE,
        claim=f"Behauptung {HOSTILE}",
        speaker__name=f"Name {HOSTILE}",
        verdict={"headline": f"Kopf {HOSTILE}", "explanation": f"Erklärung {HOSTILE}"},
    )


def test_hostile_text_is_escaped_on_every_page(client, hostile_claim):
    escaped = "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!--"
    for url in _public_urls(hostile_claim):
        page = client.get(url).content.decode()
        assert "<script>alert(1)" not in page, url
        assert "<img src=x" not in page, url
        assert "<!--" not in page, url
        assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", page), url  # no inline handlers
        if url != "/sitemap.xml" and url != "/methodology/":
            assert escaped in page or "&lt;/script&gt;" in page, url
    verdict = client.get(hostile_claim.get_absolute_url()).content.decode()
    for field in ("Behauptung", "Name", "Kopf", "Erklärung", "Quelle", "Rolle", "Passage"):
        assert f"{field} {escaped}" in verdict, field
    assert 'href="https://example.org/?a=1&amp;b=2"' in verdict


def test_hostile_text_round_trips_through_the_feed(client, hostile_claim):
    feed = ET.fromstring(client.get("/feeds/fact-checks.atom").content)
    entry = next(feed.iter(f"{ATOM}entry"))
    assert entry.findtext(f"{ATOM}title") == f"Kopf {HOSTILE}"  # plain text, exact
    summary = entry.findtext(f"{ATOM}summary")  # HTML, escaped once more
    assert "Behauptung &lt;/script&gt;&lt;script&gt;alert(1)" in summary
    assert "<script" not in summary


# --- The index ---------------------------------------------------------------------------------


def test_index_lists_published_claims_newest_first(client, make_published):
    older = make_published(verdict={"headline": "Ältere Prüfung"})
    Claim.objects.filter(pk=older.pk).update(published_at=timezone.now() - timedelta(days=2))
    make_published(verdict={"headline": "Neuere Prüfung"})
    html = _html(client.get("/fact-checks/"))
    assert html.index("Neuere Prüfung") < html.index("Ältere Prüfung")


def test_index_full_text_search_stems_german_words(client, psaki_claim, make_published):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("stemming is PostgreSQL's full-text search; SQLite matches substrings")
    make_published(verdict={"headline": "Terrorgruppen wurden im Ausland ausgebildet"})
    html = _html(client.get("/fact-checks/", {"q": "Terrorgruppe Ausland"}))
    assert "Terrorgruppen wurden im Ausland ausgebildet" in html
    assert "Keine Belege für eine Rolle der USA" not in html
    assert "Jen Psaki" in _html(client.get("/fact-checks/", {"q": "Psak"}))  # part of a name


def test_index_filters(client, psaki_claim, make_published):
    english = make_published(
        article=factories.ArticleFactory(language="en", text='He said "it works". Done.'),
        quote="it works",
        rating="richtig",
        verdict={"headline": "It does work"},
    )
    Claim.objects.filter(pk=english.pk).update(published_at=timezone.now() - timedelta(days=30))

    def headlines(**params) -> set[str]:
        html = _html(client.get("/fact-checks/", params))
        return {h for h in ("It does work", "Keine Belege für eine Rolle der USA") if h in html}

    assert headlines(rating="richtig") == {"It does work"}
    assert headlines(speaker="jen-psaki") == {"Keine Belege für eine Rolle der USA"}
    assert headlines(language="en") == {"It does work"}
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert headlines(published_from=since) == {"Keine Belege für eine Rolle der USA"}
    assert headlines(published_to=since) == {"It does work"}
    # a filter that makes no sense is reported and ignored, not a 500
    html = _html(client.get("/fact-checks/", {"published_from": "gestern", "language": "x<y"}))
    assert "It does work" in html and "x<y" not in html
    # search syntax that a naive to_tsquery would choke on
    for query in ('"unclosed', "a & | ! :* (", "-", "’’", "x" * 300):
        assert client.get("/fact-checks/", {"q": query}).status_code == 200, query


def test_index_is_paginated(client, make_published):
    for number in range(23):
        make_published(verdict={"headline": f"Prüfung Nummer {number:02d}"})
    first = _html(client.get("/fact-checks/"))
    second = _html(client.get("/fact-checks/", {"page": 2}))
    assert first.count('class="card"') == 20 and second.count('class="card"') == 3
    assert 'rel="next" href="?page=2"' in first
    assert "23 Faktenchecks" in first
    assert _html(client.get("/fact-checks/", {"page": "999"})).count('class="card"') == 3


# --- Speaker, methodology, feed, sitemap ------------------------------------------------------


def test_speaker_page_lists_their_public_claims(client, psaki_claim):
    html = _html(client.get("/speakers/jen-psaki/"))
    assert "<h1>Jen Psaki</h1>" in html and "Keine Belege für eine Rolle der USA" in html
    assert client.get("/speakers/nobody/").status_code == 404


def test_methodology_explains_every_rating(client, db):
    html = _html(client.get("/methodology/", HTTP_ACCEPT_LANGUAGE="en"))
    for label, definition in (
        ("True", "The statement is accurate and nothing significant is missing."),
        ("False", "The statement is not accurate."),
        ("Unproven", "There is no reliable evidence for or against the statement."),
    ):
        assert f'<span class="badge__label">{label}</span>' in html
        assert definition in html


def test_feed_is_atom_with_absolute_links(client, psaki_claim, settings):
    settings.FACTCHECK_ORG_URL = "https://desk.example/"
    response = client.get("/feeds/fact-checks.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    (entry,) = feed.iter(f"{ATOM}entry")
    link = entry.find(f"{ATOM}link").get("href")
    assert link == f"https://desk.example/fact-checks/{psaki_claim.slug}/"
    assert entry.findtext(f"{ATOM}title") == "Keine Belege für eine Rolle der USA"
    assert entry.find(f"{ATOM}category").get("term") == "Falsch"


def test_sitemap_lists_public_pages(client, psaki_claim, settings):
    settings.FACTCHECK_ORG_URL = "https://desk.example/"
    root = ET.fromstring(client.get("/sitemap.xml").content)
    locations = {url.findtext(f"{SITEMAP}loc") for url in root.iter(f"{SITEMAP}url")}
    assert locations == {
        f"https://desk.example/fact-checks/{psaki_claim.slug}/",
        "https://desk.example/speakers/jen-psaki/",
        "https://desk.example/fact-checks/",
        "https://desk.example/methodology/",
    }


# --- Languages, CSP ---------------------------------------------------------------------------


def test_the_language_switcher_switches(psaki_claim, settings):
    from django.test import Client

    settings.LANGUAGE_CODE = "de"  # as shipped
    client = Client(enforce_csrf_checks=True)  # the switcher's form carries no token
    html = _html(client.get("/fact-checks/"))
    assert '<html lang="de">' in html  # no Accept-Language: the default language
    assert (
        '<button type="submit" name="language" value="en" lang="en" aria-pressed="false">' in html
    )
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/fact-checks/"})
    assert response.status_code == 302 and response["Location"] == "/fact-checks/"
    html = _html(client.get("/fact-checks/"))
    assert '<html lang="en">' in html and "All ratings" in html


def test_public_pages_run_no_inline_script_and_carry_no_nonce(client, psaki_claim):
    response = client.get(psaki_claim.get_absolute_url())
    html = response.content.decode()
    # The JSON-LD is a data block (never executed, not governed by the CSP): no nonce.
    assert re.findall(r"<(?:script|style)\b[^>]*>", html) == ['<script type="application/ld+json">']
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "'unsafe-inline'" not in policy
    assert "nonce" not in policy


@pytest.mark.parametrize("url", ["verdict", "/fact-checks/?q=Belege", "/speakers/jen-psaki/"])
def test_every_reader_gets_the_same_bytes_and_no_cookie(psaki_claim, url):
    from django.test import Client

    url = psaki_claim.get_absolute_url() if url == "verdict" else url
    first, second = Client().get(url), Client().get(url)
    assert first.status_code == 200 and first.content == second.content
    assert not first.cookies and not second.cookies  # no CSRF cookie, no session


# --- Caching ---------------------------------------------------------------------------------


def test_publishing_shows_on_the_next_request_not_before_the_commit(
    client, psaki_claim, checker, editor, django_capture_on_commit_callbacks
):
    assert "Brandneue Prüfung" not in _html(client.get("/fact-checks/"))  # now cached
    claim = factories.ClaimFactory()
    write_verdict(claim, checker, headline="Brandneue Prüfung")
    submit(claim, checker)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publish(claim, editor, run_on_commit=False)
    assert "Brandneue Prüfung" not in _html(client.get("/fact-checks/"))  # served from cache
    for callback in callbacks:  # the commit
        callback()
    assert "Brandneue Prüfung" in _html(client.get("/fact-checks/"))


@pytest.mark.parametrize("url", ["verdict", "/fact-checks/", "/fact-checks/?q=Belege", "feed"])
def test_revalidation_answers_304(client, psaki_claim, url):
    url = {"verdict": psaki_claim.get_absolute_url(), "feed": "/feeds/fact-checks.atom"}.get(
        url, url
    )
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert "Accept-Language" in first["Vary"] and "Cookie" in first["Vary"]


def test_a_correction_changes_the_etag(
    client, psaki_claim, editor, django_capture_on_commit_callbacks
):
    url = psaki_claim.get_absolute_url()
    etag = client.get(url)["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        workflow.claim_correct(
            claim=psaki_claim, user=editor, version=psaki_claim.version, note="Präzisiert."
        )
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and "Präzisiert." in response.content.decode()


def test_a_german_page_is_never_served_to_an_english_reader(client, psaki_claim):
    url = psaki_claim.get_absolute_url()
    german = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en", HTTP_IF_NONE_MATCH=german["ETag"])
    assert english.status_code == 200 and english["ETag"] != german["ETag"]
    assert "Our rating" in english.content.decode()
    assert "Unsere Bewertung" in client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()


# --- Query counts --------------------------------------------------------------------------


def _clear_page_cache():
    from django.core.cache import cache

    cache.clear()


def test_index_queries_do_not_grow_with_the_number_of_claims(
    client, make_published, django_assert_num_queries
):
    for _ in range(3):
        make_published()
    _clear_page_cache()
    # count, page of claims (with speaker, article, verdict, rating, scale), ratings,
    # speakers, languages
    with django_assert_num_queries(5):
        client.get("/fact-checks/")
    for _ in range(25):
        make_published()
    _clear_page_cache()
    with django_assert_num_queries(5):
        assert client.get("/fact-checks/").status_code == 200
    with django_assert_num_queries(0):  # cached
        assert client.get("/fact-checks/").status_code == 200


def test_verdict_page_queries_do_not_grow_with_corrections(
    client, psaki_claim, editor, django_assert_num_queries
):
    url = psaki_claim.get_absolute_url()
    # stamp (ETag), the claim with everything it shows, its corrections, its appearances,
    # its sources
    with django_assert_num_queries(5):
        client.get(url)
    for number in range(4):
        psaki_claim.refresh_from_db()
        workflow.claim_correct(
            claim=psaki_claim, user=editor, version=psaki_claim.version, note=f"Nr. {number}"
        )
    _clear_page_cache()
    with django_assert_num_queries(5):
        assert "Nr. 3" in client.get(url).content.decode()
    with django_assert_num_queries(0):  # cached whole: no query, no rendering
        response = client.get(url)
        assert response.status_code == 200
    with django_assert_num_queries(0):  # a revalidation of a cached page
        assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_a_revalidation_of_an_uncached_page_renders_nothing(
    client, psaki_claim, django_assert_num_queries
):
    from django.core.cache import cache
    from django.utils import translation

    from publishing import caching

    url = psaki_claim.get_absolute_url()
    response = client.get(url)
    with translation.override(response["Content-Language"]):
        cache.delete(caching.page_key("verdict", url))  # evicted; the generation stays
    with django_assert_num_queries(1):  # the stamp only
        assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    with django_assert_num_queries(5):  # rendered and cached again
        assert client.get(url).content == response.content


# --- A dead cache ----------------------------------------------------------------------------


def test_pages_are_served_without_a_cache(client, psaki_claim, settings, caplog):
    import socket

    with socket.socket() as probe:  # a loopback port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "factcheck.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    for url in (psaki_claim.get_absolute_url(), "/fact-checks/", "/fact-checks/?q=Belege"):
        response = client.get(url)
        assert response.status_code == 200 and "Psaki" in response.content.decode()
    assert "cache unavailable" in caplog.text


# --- The per-process copy (PUBLIC_CACHE_LOCAL_SECONDS) -----------------------------------------


@pytest.fixture
def local_copy(settings, monkeypatch):
    """The per-process layer on, with a clock the test moves."""
    from publishing import caching

    now = [1000.0]
    monkeypatch.setattr(caching.time, "monotonic", lambda: now[0])
    settings.PUBLIC_CACHE_LOCAL_SECONDS = 1.0
    caching._process.clear()
    return now


def test_a_hit_within_the_second_asks_neither_database_nor_cache(
    client, psaki_claim, local_copy, monkeypatch, django_assert_num_queries
):
    from django.core.cache import cache

    url = psaki_claim.get_absolute_url()
    first = client.get(url)
    calls = []
    for name in ("get", "get_many", "set"):
        original = getattr(cache, name)
        monkeypatch.setattr(
            cache, name, lambda *a, _o=original, _n=name, **k: calls.append(_n) or _o(*a, **k)
        )
    with django_assert_num_queries(0):
        again = client.get(url)
        revalidated = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.content == first.content and revalidated.status_code == 304
    assert calls == []  # served from this process's memory
    local_copy[0] += 1.5  # the second is over: the generation is read again (one round trip)
    assert client.get(url).content == first.content
    assert calls[0] == "get_many" and "set" not in calls  # (locmem's get_many calls get)


def test_a_publication_elsewhere_shows_within_the_second(
    client, psaki_claim, make_published, local_copy
):
    from collections import OrderedDict

    from publishing import caching

    copy = caching._process
    for _ in range(2):  # built, then read back with the generation: now in this process
        assert "Brandneue Prüfung" not in _html(client.get("/fact-checks/"))
    before = (copy.gen, copy.gen_until, OrderedDict(copy.pages), copy.bytes)
    make_published(verdict={"headline": "Brandneue Prüfung"})
    # Published by another process: the shared generation moved, this process's copy not.
    copy.gen, copy.gen_until, copy.pages, copy.bytes = before
    assert "Brandneue Prüfung" not in _html(client.get("/fact-checks/"))  # within the second
    local_copy[0] += 1.01
    assert "Brandneue Prüfung" in _html(client.get("/fact-checks/"))


def test_a_publication_in_this_process_shows_at_once(
    client, psaki_claim, make_published, local_copy
):
    assert "Brandneue Prüfung" not in _html(client.get("/fact-checks/"))
    make_published(verdict={"headline": "Brandneue Prüfung"})  # bumps in this process
    assert "Brandneue Prüfung" in _html(client.get("/fact-checks/"))


def test_the_process_copy_is_bounded(settings):
    from publishing import caching

    settings.PUBLIC_CACHE_LOCAL_SECONDS = 1.0
    copy = caching._ProcessCopy()
    copy.set_gen(7)
    for number in range(copy.MAX_PAGES + 50):
        copy.keep(f"k{number}", (7, "etag", 0, b"x" * 1000))
    assert len(copy.pages) == copy.MAX_PAGES and copy.page("k0", 7) is None
    assert copy.page(f"k{copy.MAX_PAGES + 49}", 7) is not None
    copy.keep("huge", (7, "etag", 0, b"x" * copy.MAX_BYTES))  # never held
    assert copy.page("huge", 7) is None and copy.bytes <= copy.MAX_BYTES
    copy.set_gen(8)  # a new generation: the old pages go
    assert not copy.pages and copy.bytes == 0


def _quoted(html: str) -> list[str]:
    return re.findall(r"<q[^>]*>(.*?)</q>", html, flags=re.S)


def test_only_the_speakers_own_words_are_in_quotation_marks(client, psaki_claim, make_published):
    """The desk's wording is its summary, never put in the speaker's mouth; the anchored
    direct quote is the only text in <q> (index, speaker page, feed)."""
    reported = make_published(
        quote="so niedrig wie nie",
        claim="Die Inflation ist niedrig",
        attribution="indirect",
        speaker=psaki_claim.speaker,
    )
    for url in ("/fact-checks/", "/speakers/jen-psaki/"):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert _quoted(html) == ["Teil des russischen Drehbuchs für Desinformation"], url
        assert "Claim checked:" in html
        assert psaki_claim.claim in html and reported.claim in html
    feed = client.get("/feeds/fact-checks.atom", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "&lt;q&gt;Teil des russischen Drehbuchs für Desinformation&lt;/q&gt;" in feed
    assert f"Claim checked: {psaki_claim.claim}" in feed
    assert "&lt;q&gt;so niedrig wie nie" not in feed
    assert f"&lt;q&gt;{psaki_claim.claim}" not in feed
