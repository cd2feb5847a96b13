"""Input hygiene, written as the attacks: text, dates, spans and bodies that once reached
the database or a reader, or made a 500.

1. Control characters, noncharacters and lone surrogates are refused wherever a person's
   text enters (desk API, admin, split view, ``import_article``), dropped from fetched
   pages, and never break the XML outputs, not even when a row holds them already.
2. Impossible dates (2022-02-30) are refused; partial dates stay valid.
3. Spans start and end on grapheme-cluster boundaries and hold something visible.
4. API limits: nesting depth, body size (413/411), strict cursors, a declared 500.
5. Hostile text stored directly in every row a reader sees: no public URL answers 500.
"""

import io
import json
import logging
import xml.etree.ElementTree as ET
from base64 import b64encode
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from claims import anchoring, services, text, workflow
from claims.errors import InvalidInput
from claims.models import (
    Article,
    Claim,
    Correction,
    Rating,
    Speaker,
    Verdict,
    partial_date_validator,
)
from claims.services import MAX_ARTICLE_CHARS
from partners import services as partner_services
from partners.api.parsers import MAX_DEPTH, json_depth
from sources import extraction
from sources.models import Citation, Snapshot
from tests import factories
from tests.helpers.api import api_client, desk_api_client
from tests.helpers.text import HOSTILE
from tests.helpers.workflow import publish_claim, write_verdict

pytestmark = pytest.mark.django_db

# The characters of the attack (\x01, \x0b, \x1b, \uffff) and their relatives: DEL, a C1
# control, noncharacters at the start of their range and in the last plane.
REFUSED = ["\x01", "\x0b", "\x1b", "\x7f", "\x85", "\ufdd0", "\uffff", "\U0010fffe"]
# Everything a row can hold (PostgreSQL refuses NUL, UTF-8 lone surrogates), and markup.
STORABLE_HOSTILE = "".join(REFUSED) + "\x08\x0c\x1f\x9f\U0001ffff\r" + HOSTILE

TEXT = (
    'Die Regierung erklärte, die Inflation sei "so niedrig wie nie". '
    "Der Minister sagte, es gebe keine Probleme."
)


def _span(haystack: str, quote: str) -> tuple[int, int]:
    start = haystack.index(quote)
    return start, start + len(quote)


@pytest.fixture
def partner(db):
    _row, key = partner_services.partner_key_create(name="Hygiene partner")
    return api_client(f"Api-Key {key}")


# --- 1. The text rule (pure) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "code"),
    [
        ("a\x00b", "control character", "U+0000"),  # NUL: a binary file's tell
        ("a\x01b", "control character", "U+0001"),  # the reported attack
        ("a\x0bb", "control character", "U+000B"),  # vertical tab: XML 1.0 refuses it
        ("\x1b[31mred", "control character", "U+001B"),  # a terminal escape
        ("DEL\x7f", "control character", "U+007F"),  # DEL
        ("NEL\x85", "control character", "U+0085"),  # C1: next line
        ("x\x9f", "control character", "U+009F"),  # last of C1
        ("\ufdd0", "Unicode noncharacter", "U+FDD0"),  # the noncharacter block
        ("\ufdef", "Unicode noncharacter", "U+FDEF"),
        ("end\uffff", "Unicode noncharacter", "U+FFFF"),  # the reported attack
        ("\ufffe", "Unicode noncharacter", "U+FFFE"),  # a byte-order mark reversed
        ("\U0001fffe", "Unicode noncharacter", "U+1FFFE"),  # every plane's last two
        ("\U0010ffff", "Unicode noncharacter", "U+10FFFF"),
        ("\ud800", "lone surrogate", "U+D800"),  # half of a UTF-16 pair
        ("x\udfff", "lone surrogate", "U+DFFF"),
    ],
)
def test_the_text_rule_refuses_and_names_the_field(value, kind, code):
    with pytest.raises(InvalidInput) as excinfo:
        text.clean_text(value, field="headline")
    message = str(excinfo.value)
    assert message.startswith("headline contains"), message
    assert kind in message and f"({code})" in message
    assert excinfo.value.details == {"field": "headline"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Zeile\r\nZeile", "Zeile\nZeile"),  # browsers post CRLF
        ("alt\rMac", "alt\nMac"),  # a lone CR
        ("\r\n\r\n", "\n\n"),
        ("Tab\tund\nZeile", "Tab\tund\nZeile"),  # tab and newline stay
        ("„Ausland“ 🙂 é\u0301 \u00a0\u2028", "„Ausland“ 🙂 é\u0301 \u00a0\u2028"),  # text is text
        ("\ue000 private use", "\ue000 private use"),
    ],
)
def test_the_text_rule_keeps_text_and_normalises_newlines(value, expected):
    assert text.clean_text(value, field="text") == expected


def test_fetched_text_is_cleaned_not_refused():
    assert text.drop_refused("a\x01\r\nb\uffff\ud800c\x85") == "a\nbc"
    page = (
        b"<html><head><title>Titel\x1b mit \xef\xbf\xbf Zeichen</title></head>"
        b"<body><article><p>Ein Absatz\x01 mit \xc2\x85 Steuerzeichen und Text genug, "
        b"damit er als Haupttext gilt.</p></article></body></html>"
    )
    result = extraction.extract(
        page, content_type="text/html", charset="utf-8", url="https://example.org/a"
    )
    assert result.title == "Titel mit Zeichen"
    assert text.refused_character(result.text) is None
    assert "Steuerzeichen" in result.text


def test_xml_safe_removes_only_what_xml_cannot_carry():
    assert text.xml_safe("a\x01\x0b\x1f\ud800\ufffe\uffffb\t\n\r\x85\ufdd0🙂") == (
        "ab\t\n\r\x85\ufdd0🙂"
    )


# --- 1. The text rule where text enters ----------------------------------------------------


@pytest.mark.parametrize("char", REFUSED)
@pytest.mark.parametrize("field", ["title", "text", "outlet"])
def test_desk_api_refuses_an_article_with_a_control_character(checker, char, field):
    api = desk_api_client(checker)
    body = {"title": "Inflation", "text": TEXT, "language": "de", "outlet": "Zeitung"}
    body[field] += char
    response = api.post("/api/v1/desk/articles/", body, format="json")
    assert response.status_code == 400, response.content
    error = response.json()
    assert error["error"] == "invalid"
    assert list(error["detail"]) == [field]
    assert error["detail"][field][0].startswith(f"{field} contains")
    assert Article.objects.count() == 0


def test_desk_api_refuses_a_lone_surrogate_in_json(checker):
    api = desk_api_client(checker)
    body = '{"title": "x", "text": "Text \\ud800 mehr", "language": "de"}'
    response = api.post("/api/v1/desk/articles/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "parse_error"


def test_desk_api_normalises_newlines(checker):
    api = desk_api_client(checker)
    response = api.post(
        "/api/v1/desk/articles/",
        {"title": "T", "text": "Erste Zeile.\r\nZweite Zeile.\rDritte.", "language": "de"},
        format="json",
    )
    assert response.status_code == 201
    assert Article.objects.get().text == "Erste Zeile.\nZweite Zeile.\nDritte."


@pytest.mark.parametrize("char", ["\x01", "\x0b", "\x1b", "\uffff", "\x85"])
def test_desk_api_refuses_control_characters_in_every_workflow_text(
    checker, editor, second_editor, char
):
    checker_api, editor_api = desk_api_client(checker), desk_api_client(editor)
    article = factories.ArticleFactory(text=TEXT)
    start, end = _span(TEXT, "so niedrig wie nie")
    claim_body = {"article": article.pk, "start": start, "end": end, "claim": "Inflation"}

    def refused(response, field):
        assert response.status_code == 400, (field, response.content)
        error = response.json()
        detail = error["detail"] or {}
        assert field in detail or field in error["message"], (field, error)
        return error

    for field, body in (
        ("claim", {**claim_body, "speaker_name": "Regierung", "claim": f"Inflation{char}"}),
        ("speaker_name", {**claim_body, "speaker_name": f"Regierung{char}"}),
    ):
        refused(checker_api.post("/api/v1/desk/claims/", body, format="json"), field)
    assert Claim.objects.count() == 0 and Speaker.objects.count() == 0

    claim = factories.ClaimFactory(article=article)
    base = f"/api/v1/desk/claims/{claim.pk}/"
    verdict = {"rating": "falsch", "headline": "H", "summary": "S", "explanation": "E"}
    for field in ("headline", "summary", "explanation"):
        body = {**verdict, field: f"Text{char}", "version": claim.version}
        refused(checker_api.put(base + "verdict/", body, format="json"), field)
    citation = {"url": "https://quelle.example/a", "role": "refutes", "passage": f"Zitat{char}"}
    refused(checker_api.post(base + "citations/", citation, format="json"), "passage")
    assert Citation.objects.count() == 0

    write_verdict(claim, checker)
    workflow.claim_submit(claim=claim, user=checker, version=claim.version)
    refused(editor_api.post(base + "request-changes/", {"note": f"N{char}"}, format="json"), "note")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.IN_REVIEW
    workflow.claim_publish(claim=claim, user=editor, version=claim.version)
    claim.refresh_from_db()
    for field, body in (
        ("note", {"note": f"Korrektur{char}", "version": claim.version}),
        ("headline", {"note": "Korrektur", "headline": f"H{char}", "version": claim.version}),
    ):
        refused(editor_api.post(base + "correct/", body, format="json"), field)
    refused(editor_api.post(base + "retract/", {"reason": f"Grund{char}"}, format="json"), "reason")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PUBLISHED and not claim.corrections.exists()
    verdict_row = Verdict.objects.get(claim=claim)
    assert char not in verdict_row.headline + verdict_row.summary + verdict_row.explanation


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda a, s, c, u: services.speaker_create(name="Name\x1b"), "name"),
        (lambda a, s, c, u: services.speaker_create(name="N", description="D\x0b"), "description"),
        (lambda a, s, c, u: services.speaker_create(name="N", aliases=["A\uffff"]), "aliases"),
        (lambda a, s, c, u: services.speaker_add_alias(speaker=s, alias="A\x01"), "aliases"),
        (
            lambda a, s, c, u: services.speaker_update(
                speaker=s, user=u, changes={"name": "N\x85"}
            ),
            "name",
        ),
        (
            lambda a, s, c, u: services.article_update(
                article=a, user=u, changes={"title": "T\x1b"}
            ),
            "title",
        ),
        (
            lambda a, s, c, u: services.article_update(
                article=a, user=u, changes={"text": a.text + "\x0b"}
            ),
            "text",
        ),
        (
            lambda a, s, c, u: services.claim_update(
                claim=c, user=u, version=c.version, changes={"claim": "C\x7f"}
            ),
            "claim",
        ),
    ],
)
def test_services_refuse_control_characters_for_every_interface(checker, call, field):
    claim = factories.ClaimFactory()
    with pytest.raises(InvalidInput) as excinfo:
        call(claim.article, claim.speaker, claim, checker)
    assert str(excinfo.value).startswith(f"{field} contains")


def _login(client: Client, user) -> Client:
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("char", "kind"),
    [
        ("\x01", "a control character (U+0001)"),
        ("\x0b", "a control character (U+000B)"),
        ("\x1b", "a control character (U+001B)"),
        ("\uffff", "a Unicode noncharacter (U+FFFF)"),
    ],
)
def test_admin_refuses_an_article_with_a_control_character(client, checker, char, kind):
    _login(client, checker)
    response = client.post(
        reverse("admin:claims_article_add"),
        {
            "title": f"Ti{char}tel",  # inside: a form strips whitespace (\x0b) at the ends
            "outlet": "",
            "url": "",
            "language": "de",
            "published_on": "2022-01",
            "text": TEXT,
        },
        follow=True,
    )
    assert response.status_code == 200
    assert f"itle contains {kind} at character 3" in response.content.decode()
    assert Article.objects.count() == 0


def test_admin_stores_article_text_with_normalised_newlines(client, checker):
    _login(client, checker)
    response = client.post(
        reverse("admin:claims_article_add"),
        {"title": "T", "language": "de", "published_on": "", "text": "Eins.\r\nZwei.\r\n"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Article.objects.get().text == "Eins.\nZwei."  # the form strips the end


def test_admin_workflow_forms_refuse_control_characters(client, make_published, editor):
    claim = make_published()
    _login(client, editor)
    url = reverse("admin:claims_claim_workflow", args=[claim.pk, "retract"])
    response = client.post(url, {"version": claim.version, "reason": "Grund\uffff"})
    assert response.status_code == 200
    assert "eason contains a Unicode noncharacter (U+FFFF)" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PUBLISHED


def test_split_view_refuses_control_characters(client, checker):
    article = factories.ArticleFactory(text=TEXT)
    start, end = _span(TEXT, "so niedrig wie nie")
    _login(client, checker)
    response = client.post(
        reverse("admin:claims_article_split_claims", args=[article.pk]),
        json.dumps(
            {
                "start": start,
                "end": end,
                "speaker_name": "R",
                "new_speaker": True,
                "claim": "Infla\x0btion",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith("claim contains a control character")


@pytest.mark.parametrize("char", ["\x01", "\x0b", "\x1b", "\uffff"])
def test_import_article_refuses_a_file_with_a_control_character(tmp_path, char):
    path = tmp_path / "artikel.txt"
    path.write_text(f"date 2022-01\nEin Satz.\nNoch{char} einer.\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"text contains .* at character 15"):
        call_command("import_article", str(path), stdout=StringIO())
    assert Article.objects.count() == 0


def test_import_article_normalises_crlf(tmp_path):
    path = tmp_path / "artikel.txt"
    path.write_bytes(b"date 2022-01\r\nEin Satz.\r\nNoch einer.\r\n")
    call_command("import_article", str(path), stdout=StringIO())
    assert Article.objects.get().text == "Ein Satz.\nNoch einer."


# --- 2. Impossible dates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2022", True),  # a year is a partial date
        ("2022-01", True),  # so is a month
        ("2022-02-28", True),
        ("2024-02-29", True),  # a leap day
        ("2022-02-29", False),  # not in 2022
        ("2022-02-30", False),  # the reported attack
        ("2021-04-31", False),  # April has 30 days
        ("0000-01-01", False),  # there is no year 0 in the calendar
        ("2022-13", False),  # the pattern already refused these
        ("2022-1-7", False),
    ],
)
def test_partial_dates_must_exist_in_the_calendar(value, valid):
    from django.core.exceptions import ValidationError

    if valid:
        partial_date_validator(value)
    else:
        with pytest.raises(ValidationError):
            partial_date_validator(value)


def test_impossible_dates_are_refused_by_the_desk_api(checker):
    api = desk_api_client(checker)
    body = {"title": "T", "text": TEXT, "language": "de", "published_on": "2022-02-30"}
    response = api.post("/api/v1/desk/articles/", body, format="json")
    assert response.status_code == 400
    assert "not a day of the calendar" in response.json()["detail"]["published_on"][0]
    article = factories.ArticleFactory(text=TEXT)
    start, end = _span(TEXT, "so niedrig wie nie")
    response = api.post(
        "/api/v1/desk/claims/",
        {
            "article": article.pk,
            "start": start,
            "end": end,
            "speaker_name": "R",
            "claim": "Inflation",
            "stated_on": "2022-02-30",
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["detail"]) == ["stated_on"]
    assert (
        api.post(
            "/api/v1/desk/articles/", {**body, "published_on": "2022-02"}, format="json"
        ).status_code
        == 201
    )


def test_impossible_dates_are_refused_by_the_services_and_the_command(tmp_path, checker):
    with pytest.raises(InvalidInput, match="published_on: 2022-02-30 is not a day"):
        services.article_create(title="T", text=TEXT, published_on="2022-02-30")
    claim = factories.ClaimFactory()
    with pytest.raises(InvalidInput, match="stated_on: 2022-02-30 is not a day"):
        services.claim_update(
            claim=claim, user=checker, version=claim.version, changes={"stated_on": "2022-02-30"}
        )
    articles = Article.objects.count()
    path = tmp_path / "artikel.txt"
    path.write_text("date 2022-02-30\nEin Satz.\n", encoding="utf-8")
    with pytest.raises(CommandError, match="2022-02-30 is not a day of the calendar"):
        call_command("import_article", str(path), stdout=StringIO())
    assert Article.objects.count() == articles


def test_impossible_dates_are_refused_by_the_admin(client, checker):
    _login(client, checker)
    response = client.post(
        reverse("admin:claims_article_add"),
        {"title": "T", "language": "de", "published_on": "2022-02-30", "text": TEXT},
    )
    assert response.status_code == 200
    assert "2022-02-30 is not a day of the calendar" in response.content.decode()
    assert Article.objects.count() == 0


# --- 3. Spans on grapheme-cluster boundaries ---------------------------------------------------

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # man ZWJ woman ZWJ girl: one cluster
FLAGS = "\U0001f1e9\U0001f1ea\U0001f1eb\U0001f1f7"  # DE FR: two clusters of two
HANGUL = "\u1112\u1161\u11ab"  # conjoining jamo of 한: one cluster
CAFE = "Cafe\u0301 au lait"  # e + COMBINING ACUTE ACCENT


@pytest.mark.parametrize(
    ("haystack", "start", "end", "problem"),
    [
        (CAFE, 0, 4, "ends at 4"),  # keeps the e, drops its accent
        (CAFE, 4, 8, "starts at 4"),  # starts with a lone accent
        (f"Wir {FAMILY} hier", 4, 5, "ends at 5"),  # the man without his family
        (f"Wir {FAMILY} hier", 5, 9, "starts at 5"),  # starts at the ZWJ
        (f"Wir {FAMILY} hier", 6, 13, "starts at 6"),  # starts at the woman
        (f"x {FLAGS} y", 2, 3, "ends at 3"),  # half a flag
        (f"x {FLAGS} y", 3, 5, "starts at 3"),  # the end of one flag, start of the next
        (f"x {FLAGS} y", 2, 5, "ends at 5"),  # one and a half flags
        (f"{HANGUL} ok", 0, 1, "ends at 1"),  # a jamo of a syllable
        (f"{HANGUL} ok", 1, 5, "starts at 1"),
        ("Zeile\r\nZeile", 0, 6, "ends at 6"),  # between CR and LF
        ("Zeile\r\nZeile", 6, 12, "starts at 6"),
        ("Wort   Wort", 4, 7, "only spaces"),  # nothing but spaces
        ("Wort\t\n\nWort", 4, 7, "only spaces"),  # tab and newlines
        ("Wort \u00a0\u2003\u3000 Wort", 4, 9, "only spaces"),  # no-break and wide spaces
        ("Wort \u200b\u2060 Wort", 4, 8, "only spaces"),  # zero-width characters
    ],
)
def test_spans_must_not_split_clusters_or_hold_only_spaces(haystack, start, end, problem):
    with pytest.raises(anchoring.SpanError, match=problem):
        anchoring.selector_for_span(haystack, start, end)
    with pytest.raises(anchoring.SpanError, match=problem):
        anchoring.check_selector(
            haystack,
            anchoring.Selector(start, end, haystack[start:end], "", ""),
        )


@pytest.mark.parametrize(
    ("haystack", "quote"),
    [
        (CAFE, "Cafe\u0301"),  # the letter with its accent
        (f"Wir {FAMILY} hier", FAMILY),  # the whole family
        (f"Wir {FAMILY} hier", f"{FAMILY} hier"),
        (f"x {FLAGS} y", FLAGS[:2]),  # one whole flag
        (f"x {FLAGS} y", FLAGS),
        (f"{HANGUL} ok", HANGUL),
        ("Zeile\r\nZeile", "Zeile\r\n"),  # CRLF whole
        ("Zeile\r\nZeile", "Zeile"),
        ("Wort   Wort", " Wort"),  # spaces around words are fine
        ("a\U0001f642b", "\U0001f642"),  # an emoji alone
        ("x" * 3000 + "e\u0301" + "y", "e\u0301"),  # far from any safe point
        ("中" * 3000 + "e\u0301中", "e\u0301"),  # no ASCII to start from
    ],
)
def test_spans_on_cluster_boundaries_are_accepted(haystack, quote):
    start = haystack.rindex(quote) if quote == "Zeile" else haystack.index(quote)
    selector = anchoring.selector_for_span(haystack, start, start + len(quote))
    assert selector.exact == quote
    anchoring.check_selector(haystack, selector)


def test_cluster_boundaries_agree_with_regex_everywhere():
    import random

    import regex

    # Every kind of character a segmentation rule treats specially, mixed at random.
    alphabet = [
        "a", " ", "中", "\n", "\r", "\t", "\u0301", "\u200d", "\U0001f468", "\U0001f1e9",
        "\u1100", "\u1161", "\u11a8", "\uac00", "\u0915", "\u094d", "\u0600", "\u0903",
    ]  # fmt: skip
    rng = random.Random(20220107)
    samples = [CAFE, f"Wir {FAMILY} hier", f"x {FLAGS}{FLAGS[:2]} y", f"{HANGUL}\r\n"]
    samples += ["".join(rng.choice(alphabet) for _ in range(300)) for _ in range(30)]
    for haystack in samples:
        expected = {0} | {m.end() for m in regex.finditer(r"\X", haystack)}
        found = {i for i in range(len(haystack) + 1) if anchoring.is_grapheme_boundary(haystack, i)}
        assert found == expected, haystack


def test_desk_api_split_view_and_admin_refuse_a_split_cluster(client, checker):
    article = factories.ArticleFactory(text=f"Er sagte: {CAFE} ist gut.")
    start = article.text.index("Cafe")
    api = desk_api_client(checker)
    response = api.post(
        "/api/v1/desk/claims/",
        {
            "article": article.pk,
            "start": start,
            "end": start + 4,
            "speaker_name": "R",
            "claim": "C",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_input"
    assert "inside a character" in response.json()["message"]

    _login(client, checker)
    response = client.post(
        reverse("admin:claims_article_split_claims", args=[article.pk]),
        json.dumps({"start": start, "end": start + 4, "speaker_name": "R", "claim": "C"}),
        content_type="application/json",
    )
    assert response.status_code == 400 and "inside a character" in response.json()["error"]

    response = client.post(
        reverse("admin:claims_claim_add"),
        {
            "article": article.pk,
            "start": start + 4,
            "end": start + 9,
            "speaker": factories.SpeakerFactory().pk,
            "claim": "C",
            "attribution": "direct",
        },
    )
    assert response.status_code == 200 and "inside a character" in response.content.decode()
    assert Claim.objects.count() == 0


# --- 4. API limits -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "depth"),
    [
        ("{}", 1),
        ('{"a": [1, {"b": []}]}', 4),
        ('{"text": "[[[[{{{{ not structure ]]]"}', 1),  # brackets in strings do not count
        ('{"text": "a \\" [[[ quoted"}', 1),  # nor after an escaped quote
        ('"just a string"', 0),
        ("[" * 500 + "]" * 500, 500),
    ],
)
def test_json_depth_ignores_strings(body, depth):
    assert json_depth(body) == depth


@pytest.mark.parametrize(
    "body",
    [
        "[" * 500 + "]" * 500,  # the reported attack
        '{"a":' * 500 + "1" + "}" * 500,
        "[" * 200_000,  # deeper than Python could ever recurse, and unterminated
        '{"title": ' + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "}",
    ],
)
def test_deep_json_is_a_400_without_a_traceback(checker, caplog, body):
    api = desk_api_client(checker)
    with caplog.at_level(logging.INFO):
        response = api.post("/api/v1/desk/articles/", body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    error = response.json()
    assert error["error"] == "parse_error" and f"{MAX_DEPTH} levels" in error["message"]
    assert len(caplog.records) <= 2
    assert not any(record.exc_info for record in caplog.records)


def test_json_as_deep_as_the_limit_is_parsed(checker):
    api = desk_api_client(checker)
    nested = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    response = api.post(
        "/api/v1/desk/articles/", '{"title": ' + nested + "}", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"  # parsed; the title is not a string


def test_deep_json_in_the_split_view_is_a_400(client, checker):
    article = factories.ArticleFactory(text=TEXT)
    _login(client, checker)
    response = client.post(
        reverse("admin:claims_article_split_claims", args=[article.pk]),
        "[" * 60_000,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "The request is not valid JSON."


def test_a_3_mb_article_is_accepted_by_the_desk_api(checker):
    api = desk_api_client(checker)
    article_text = "Ein Satz über die Lage in Almaty. " * 90_000  # 3 million characters
    response = api.post(
        "/api/v1/desk/articles/",
        {"title": "Groß", "text": article_text, "language": "de"},
        format="json",
    )
    assert response.status_code == 201, response.content[:500]
    assert len(Article.objects.get().text) == len(article_text)


def test_the_body_limit_admits_every_valid_article():
    # The most bytes one character takes in a body: an astral character escaped in JSON
    # (what json.dumps sends by default), or percent-encoded in a form.
    worst = max(
        len(json.dumps("\U0001f642")) - 2,
        len("%F0%9F%99%82"),
        len(json.dumps("\uffef")) - 2,
    )
    assert worst == 12
    assert worst * MAX_ARTICLE_CHARS + 1024 * 1024 <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_an_article_over_the_limit_is_refused_by_the_service():
    with pytest.raises(InvalidInput, match="too long"):
        services.article_create(title="T", text="x" * (MAX_ARTICLE_CHARS + 1))


def test_an_oversized_body_is_a_json_413_naming_the_limit(checker, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    api = desk_api_client(checker)
    response = api.post(
        "/api/v1/desk/articles/",
        {"title": "T", "text": "x" * 20_000, "language": "de"},
        format="json",
    )
    assert response.status_code == 413
    assert response.json() == {
        "error": "too_large",
        "message": "The request body is too large: at most 10,000 bytes.",
        "detail": {"limit": 10_000},
    }
    assert Article.objects.count() == 0


def test_an_oversized_body_in_the_admin_is_a_413_page(client, checker, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    _login(client, checker)
    response = client.post(
        reverse("admin:claims_article_add"),
        {"title": "T", "language": "de", "text": "x" * 20_000},
    )
    assert response.status_code == 413
    assert "at most 10,000 bytes" in response.content.decode()


def test_paths_without_articles_keep_a_small_body_limit(client):
    response = client.post(reverse("set_language"), {"language": "en", "pad": "x" * 3_000_000})
    assert response.status_code == 413
    response = api_client().post("/api/v1/claims/", "x" * 3_000_000, content_type="text/plain")
    assert response.status_code == 413 and response.json()["error"] == "too_large"


def test_a_chunked_body_is_a_411_not_an_empty_body(checker):
    api = desk_api_client(checker)
    response = api.post(
        "/api/v1/desk/articles/",
        {"title": "T", "text": TEXT},
        format="json",
        HTTP_TRANSFER_ENCODING="chunked",
    )
    assert response.status_code == 411
    assert response.json()["error"] == "length_required"


@pytest.mark.parametrize(
    "cursor",
    [
        "%%%",  # the reported attack: decoded to nothing, read as the first page
        "",
        "0",
        "AAAA",  # base64 of NUL bytes
        b64encode(b"x=1").decode(),  # an unknown key
        b64encode(b"o=1&o=2").decode(),  # a key twice
        b64encode(b"o=-1").decode(),
        b64encode(b"r=2").decode(),
        b64encode(b"p=not-a-date").decode(),
        b64encode("p=\u00e9".encode()).decode(),  # not ASCII
    ],
)
def test_a_malformed_cursor_is_a_400_naming_it(partner, checker, make_published, cursor):
    make_published()
    for api, url in (
        (partner, "/api/v1/claims/"),
        (desk_api_client(checker), "/api/v1/desk/claims/"),
    ):
        response = api.get(f"{url}?cursor={cursor}")
        assert response.status_code == 400, (url, response.content)
        error = response.json()
        assert error["error"] == "invalid" and list(error["detail"]) == ["cursor"]


def test_the_cursors_the_api_hands_out_still_work(partner, make_published):
    for _ in range(3):
        make_published()
    first = partner.get("/api/v1/claims/?page_size=2").json()
    second = partner.get(first["next"]).json()
    assert len(first["results"]) == 2 and len(second["results"]) == 1
    back = partner.get(second["previous"]).json()
    assert [c["id"] for c in back["results"]] == [c["id"] for c in first["results"]]


def test_a_bug_under_api_is_a_json_500(partner, monkeypatch):
    def broken(self, request, *args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("partners.api.views.RatingListView.get", broken)
    partner.raise_request_exception = False
    response = partner.get("/api/v1/ratings/")
    assert response.status_code == 500
    assert response.json()["error"] == "server_error"


# --- 1 and 5. What readers see: every public URL, whatever the rows hold -----------------------


def _assert_every_public_url_answers(client: Client, partner, claims: list[Claim]) -> None:
    """Every public page, feed, sitemap and partner endpoint: 200, and it parses."""
    pages = ["/fact-checks/", "/fact-checks/?q=Inflation", "/methodology/"]
    for claim in claims:
        claim.refresh_from_db()
        pages += [claim.get_absolute_url(), claim.speaker.get_absolute_url()]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        response.content.decode("utf-8")
    for url in ("/feeds/fact-checks.atom", "/sitemap.xml"):
        response = client.get(url)
        assert response.status_code == 200, url
        ET.fromstring(response.content)  # XML 1.0, well-formed
    api_urls = ["/api/v1/claims/", "/api/v1/claimreview/", "/api/v1/speakers/", "/api/v1/ratings/"]
    api_urls += [f"/api/v1/claims/{claim.pk}/" for claim in claims]
    for url in api_urls:
        response = partner.get(url)
        assert response.status_code == 200, url
        json.loads(response.content)


def test_refused_input_never_reaches_a_reader(client, partner, checker, editor):
    """The reported attack, end to end: the desk API refuses the characters, the claim is
    published with what it accepts, and every public URL answers."""
    checker_api, editor_api = desk_api_client(checker), desk_api_client(editor)
    article = checker_api.post(
        "/api/v1/desk/articles/", {"title": "T", "text": TEXT, "language": "de"}, format="json"
    ).json()
    start, end = _span(TEXT, "so niedrig wie nie")
    body = {"article": article["id"], "start": start, "end": end, "speaker_name": "Regierung"}
    for char in REFUSED:
        response = checker_api.post("/api/v1/desk/claims/", {**body, "claim": f"C{char}"})
        assert response.status_code == 400
    claim_id = checker_api.post("/api/v1/desk/claims/", {**body, "claim": "Inflation"}).json()["id"]
    base = f"/api/v1/desk/claims/{claim_id}/"
    verdict = {"rating": "falsch", "headline": "H", "summary": "S\r\nT", "explanation": "E"}
    for char in REFUSED:
        for field in ("headline", "summary"):
            bad = {**verdict, field: f"X{char}", "version": 1}
            assert checker_api.put(base + "verdict/", bad).status_code == 400
    assert checker_api.put(base + "verdict/", {**verdict, "version": 1}).status_code == 200
    assert checker_api.post(base + "submit/", {}).status_code == 200
    assert editor_api.post(base + "publish/", {}).status_code == 200
    claim = Claim.objects.get(pk=claim_id)
    assert claim.verdict.summary == "S\nT"
    _assert_every_public_url_answers(client, partner, [claim])


def test_rows_stored_before_the_rule_never_break_a_public_url(
    client, partner, checker, editor, make_published
):
    source = factories.SourceFactory(url="https://statistik.example/bericht", state="fetched")
    factories.SnapshotFactory(source=source, title="Statistik")
    published = factories.ClaimFactory()
    factories.CitationFactory(claim=published, source=source, role="refutes", passage="Zitat")
    publish_claim(published, checker, editor)
    published.refresh_from_db()
    workflow.claim_correct(claim=published, user=editor, version=published.version, note="Fix")
    retracted = make_published()
    workflow.claim_retract(claim=retracted, user=editor, version=retracted.version, reason="Irrtum")

    # Written directly, as rows from before the rule (or from a restored backup) would be.
    bad = STORABLE_HOSTILE
    claims = Claim.objects.filter(pk__in=[published.pk, retracted.pk])
    Article.objects.filter(claims__in=claims).update(title=f"Titel {bad}", outlet=f"Zeitung {bad}")
    Speaker.objects.filter(claims__in=claims).update(
        name=f"Name {bad}", description=f"Rolle {bad}", aliases=[f"Alias {bad}"]
    )
    claims.update(claim=f"Behauptung {bad}", retraction_reason=f"Grund {bad}")
    Verdict.objects.filter(claim__in=claims).update(
        headline=f"Überschrift {bad}", summary=f"Kurz {bad}", explanation=f"Lang {bad}"
    )
    Correction.objects.filter(claim__in=claims).update(note=f"Korrektur {bad}")
    Citation.objects.filter(claim__in=claims).update(passage=f"Zitat {bad}")
    Snapshot.objects.filter(source=source).update(title=f"Seite {bad}")
    Rating.objects.filter(slug="falsch").update(
        label_de=f"Falsch {bad}", label_en=f"False {bad}", symbol="\x1b\uffff"
    )

    _assert_every_public_url_answers(client, partner, [published, retracted])
    feed = client.get("/feeds/fact-checks.atom").content.decode()
    assert "Behauptung" in feed and "\x1b" not in feed and "\uffff" not in feed
    assert "&lt;/script&gt;" in feed  # still escaped, only the unsayable is gone
    german = Client(HTTP_ACCEPT_LANGUAGE="de")
    for url in ("/feeds/fact-checks.atom", "/fact-checks/", published.get_absolute_url()):
        assert german.get(url).status_code == 200, url


def test_the_feed_parses_after_a_body_with_every_refused_character(client, partner, make_published):
    claim = make_published()
    every = "".join(chr(c) for c in range(1, 0x20) if chr(c) not in "\t\n")
    every += "\x7f" + "".join(chr(c) for c in range(0x80, 0xA0))
    every += "".join(chr(c) for c in range(0xFDD0, 0xFDF0))
    every += "".join(chr(p << 16 | 0xFFFE) + chr(p << 16 | 0xFFFF) for p in range(17))
    Verdict.objects.filter(claim=claim).update(headline=every, summary=every)
    response = client.get("/feeds/fact-checks.atom")
    assert response.status_code == 200
    ET.parse(io.BytesIO(response.content))
