"""The desk API: the whole workflow through the same services as the admin, and errors
that are 4xx with a JSON body saying what is wrong (never a 500 for bad input)."""

import pytest

from claims.models import Claim, Speaker
from tests import factories
from tests.helpers.workflow import write_verdict

pytestmark = pytest.mark.django_db

TEXT = (
    'Die Regierung erklärte, die Inflation sei "so niedrig wie nie". '
    "Der Minister sagte, es gebe keine Probleme."
)


def _span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def test_the_whole_workflow(checker_api, editor_api, make_published):
    # Import an article.
    response = checker_api.post(
        "/api/v1/desk/articles/",
        {"title": "Inflation", "text": TEXT, "language": "de", "published_on": "2022-01"},
    )
    assert response.status_code == 201, response.json()
    article = response.json()
    assert article["text"] == TEXT
    assert checker_api.get(f"/api/v1/desk/articles/{article['id']}/").json()["title"] == (
        "Inflation"
    )
    assert article["id"] in [
        a["id"] for a in checker_api.get("/api/v1/desk/articles/").json()["results"]
    ]

    # Suggestions.
    suggestions = checker_api.get(f"/api/v1/desk/articles/{article['id']}/suggestions/").json()
    assert suggestions["results"], suggestions
    first = suggestions["results"][0]
    assert set(first) == {
        "start",
        "end",
        "quote",
        "speaker",
        "attribution",
        "confidence",
        "cue",
        "speaker_resolution",
    }
    assert TEXT[first["start"] : first["end"]] == first["quote"]
    # each suggestion says what it was found by and how its speaker was resolved
    for suggestion in suggestions["results"]:
        assert suggestion["cue"], suggestion
        assert suggestion["speaker_resolution"] in {
            "named",
            "alias",
            "role",
            "pronoun",
            "previous",
            "none",
        }
        assert (suggestion["speaker"] is None) == (suggestion["speaker_resolution"] == "none")
    explained = [(x["quote"], x["cue"], x["speaker_resolution"]) for x in suggestions["results"]]
    assert explained == [
        ('die Inflation sei "so niedrig wie nie"', "erklärte", "named"),
        ("es gebe keine Probleme", "sagte", "role"),  # "der Minister": nobody introduced so
    ]

    # A claim from a span, with a new speaker by name.
    start, end = _span(TEXT, "so niedrig wie nie")
    response = checker_api.post(
        "/api/v1/desk/claims/",
        {
            "article": article["id"],
            "start": start,
            "end": end,
            "speaker_name": "Die Regierung",
            "attribution": "indirect",
            "claim": "Die Inflation ist so niedrig wie nie",
            "quote": "so niedrig wie nie",
        },
    )
    assert response.status_code == 201, response.json()
    claim = response.json()
    assert claim["status"] == "draft"
    assert claim["version"] == 1
    assert claim["quote"] == "so niedrig wie nie"
    assert claim["speaker"]["name"] == "Die Regierung"
    assert claim["url"] is None
    base = f"/api/v1/desk/claims/{claim['id']}/"

    # A citation; the source is shared and fetched in the background.
    response = checker_api.post(
        base + "citations/", {"url": "https://statistik.example/inflation", "role": "refutes"}
    )
    assert response.status_code == 201, response.json()
    citation = response.json()
    assert citation["role"] == "refutes"
    assert citation["source"]["url"] == "https://statistik.example/inflation"
    assert citation["source"]["state"] == "pending"
    source = checker_api.get(f"/api/v1/desk/sources/{citation['source']['id']}/").json()
    assert source == {
        "id": citation["source"]["id"],
        "url": "https://statistik.example/inflation",
        "state": "pending",
        "reason": "",
        "snapshots": [],
    }

    # The verdict, with optimistic locking.
    verdict = {
        "rating": "falsch",
        "headline": "Nicht so niedrig wie nie",
        "summary": "1975 war sie niedriger.",
        "explanation": "Siehe Statistik.",
        "version": 1,
    }
    response = checker_api.put(base + "verdict/", verdict)
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2
    assert response.json()["verdict"]["rating"] == "falsch"

    stale = checker_api.put(base + "verdict/", {**verdict, "headline": "Alt"})
    assert stale.status_code == 409
    assert stale.json()["error"] == "stale_version"
    assert stale.json()["detail"]["current"]["version"] == 2
    assert stale.json()["detail"]["current"]["verdict"]["headline"] == "Nicht so niedrig wie nie"

    # Submit, publish (by another person), correct, retract.
    response = checker_api.post(base + "submit/", {"version": 2})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "in_review"

    # The cited source is still pending (nothing fetched it): publishing needs a reason.
    response = editor_api.post(base + "publish/", {"version": 3})
    assert response.status_code == 409 and response.json()["error"] == "sources_unresolved"
    response = editor_api.post(
        base + "publish/", {"version": 3, "acknowledge_sources": "Checked by phone"}
    )
    assert response.status_code == 200, response.json()
    published = response.json()
    assert published["status"] == "published"
    assert published["url"].endswith(f"/fact-checks/{published['slug']}/")
    assert isinstance(published["warnings"], list)

    response = editor_api.post(
        base + "correct/",
        {
            "note": "Bewertung präzisiert",
            "rating": "groesstenteils-falsch",
            "version": 4,
            "acknowledge_sources": "Checked by phone",
        },
    )
    assert response.status_code == 200, response.json()
    corrected = response.json()
    assert corrected["verdict"]["rating"] == "groesstenteils-falsch"
    assert [c["note"] for c in corrected["corrections"]] == ["Bewertung präzisiert"]

    response = editor_api.post(base + "retract/", {"reason": "Quelle zurückgezogen"})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "retracted"

    # An illegal transition says why.
    again = editor_api.post(base + "publish/", {})
    assert again.status_code == 409
    assert again.json()["error"] == "invalid_transition"
    assert again.json()["detail"] == {"status": "retracted"}

    # The partner API sees the retraction.
    listed = checker_api.get("/api/v1/desk/claims/", {"status": "retracted"}).json()
    assert [c["id"] for c in listed["results"]] == [claim["id"]]


def test_request_changes_sends_back_to_draft(checker_api, editor_api, checker):
    claim = write_verdict(factories.ClaimFactory(), checker)
    checker_api.post(f"/api/v1/desk/claims/{claim.pk}/submit/", {})
    response = editor_api.post(
        f"/api/v1/desk/claims/{claim.pk}/request-changes/", {"note": "Quelle fehlt"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "draft"


def test_claim_with_an_existing_speaker_id(checker_api):
    article = factories.ArticleFactory()
    speaker = factories.SpeakerFactory()
    start, end = _span(article.text, "keine Probleme")
    response = checker_api.post(
        "/api/v1/desk/claims/",
        {"article": article.pk, "start": start, "end": end, "speaker": speaker.pk, "claim": "X"},
    )
    assert response.status_code == 201
    assert response.json()["speaker"]["id"] == speaker.pk
    assert response.json()["attribution"] == "direct"


def test_speaker_name_reuses_an_existing_speaker(checker_api):
    article = factories.ArticleFactory()
    speaker = factories.SpeakerFactory(name="Der Minister")
    start, end = _span(article.text, "keine Probleme")
    response = checker_api.post(
        "/api/v1/desk/claims/",
        {
            "article": article.pk,
            "start": start,
            "end": end,
            "speaker_name": "der minister",
            "claim": "Es gibt keine Probleme",
        },
    )
    assert response.status_code == 201
    assert response.json()["speaker"]["id"] == speaker.pk
    assert Speaker.objects.count() == 1


def test_source_detail_lists_snapshots_newest_first(checker_api):
    from django.utils import timezone

    source = factories.SourceFactory(url="https://a.example/", state="fetched")
    now = timezone.now()
    for minutes, code in ((10, 500), (1, 200)):
        factories.SnapshotFactory(
            source=source,
            fetched_at=now - timezone.timedelta(minutes=minutes),
            status_code=code,
            final_url="https://a.example/",
            title=f"T{code}",
            content_type="text/html",
            sha256="b" * 64,
            text_sha256="c" * 64,
        )
    snapshots = checker_api.get(f"/api/v1/desk/sources/{source.pk}/").json()["snapshots"]
    assert [s["status_code"] for s in snapshots] == [200, 500]
    assert set(snapshots[0]) == {
        "id", "fetched_at", "status_code", "final_url", "title", "content_type", "sha256",
        "text_sha256", "warc_url", "warc_sha256", "screenshot_url", "pdf_url", "browser_reason",
        "blocked_requests",
    }  # fmt: skip
    # No evidence files on these snapshots: the URLs are null (tests/api/test_desk_evidence.py).
    assert (snapshots[0]["warc_url"], snapshots[0]["screenshot_url"]) == (None, None)


# --- Bad input: always a 4xx with a JSON body ---------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "article"),
        ({"article": "one", "start": 0, "end": 3, "speaker": 1, "claim": "x"}, "article"),
        ({"article": 10**30, "start": 0, "end": 3, "speaker": 1, "claim": "x"}, "article"),
        ({"article": 1, "start": -1, "end": 3, "speaker": 1, "claim": "x"}, "start"),
        ({"article": 1, "start": 5, "end": 3, "speaker": 1, "claim": "x"}, "end"),
        ({"article": 1, "start": 0, "end": 3, "claim": "x"}, "speaker"),
        ({"article": 1, "start": 0, "end": 3, "speaker": 1, "speaker_name": "A", "claim": "x"}, "speaker"),
        ({"article": 1, "start": 0, "end": 3, "speaker": 1, "claim": "x", "attribution": "y"}, "attribution"),
        ({"article": 1, "start": 0, "end": 3, "speaker": 1, "claim": "nul\x00"}, "claim"),
        ({"article": 999999, "start": 0, "end": 3, "speaker": 1, "claim": "x"}, "article"),
    ],
)  # fmt: skip
def test_malformed_claim_bodies_name_the_field(checker_api, body, field):
    response = checker_api.post("/api/v1/desk/claims/", body)
    assert response.status_code == 400, response.json()
    assert response.json()["error"] == "invalid"
    assert field in response.json()["detail"]


def test_a_span_outside_the_text_is_the_service_s_400(checker_api):
    article = factories.ArticleFactory()
    speaker = factories.SpeakerFactory()
    response = checker_api.post(
        "/api/v1/desk/claims/",
        {"article": article.pk, "start": 5000, "end": 5010, "speaker": speaker.pk, "claim": "x"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_input"
    assert response.json()["message"]


def test_a_quote_that_is_not_the_text_there_is_refused(checker_api):
    article = factories.ArticleFactory()
    speaker = factories.SpeakerFactory()
    start, end = _span(article.text, "keine Probleme")
    response = checker_api.post(
        "/api/v1/desk/claims/",
        {
            "article": article.pk,
            "start": start,
            "end": end,
            "speaker": speaker.pk,
            "claim": "x",
            "quote": "etwas anderes!",
        },
    )
    assert response.status_code == 400
    assert Claim.objects.count() == 0


@pytest.mark.parametrize(
    ("raw", "content_type", "status", "error"),
    [
        (b"{not json", "application/json", 400, "parse_error"),
        (b'{"text": NaN}', "application/json", 400, "parse_error"),
        (b'{"text": "\\ud800"}', "application/json", 400, "parse_error"),
        (b"[1, 2]", "application/json", 400, "invalid"),
        (b'"text"', "application/json", 400, "invalid"),
        (b"text=abc", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        (b"\xff\xfe", "application/json", 400, "parse_error"),
    ],
)
def test_malformed_bodies(checker_api, raw, content_type, status, error):
    response = checker_api.generic("POST", "/api/v1/desk/articles/", raw, content_type)
    assert response.status_code == status
    assert response.json()["error"] == error


def test_unknown_rating_and_missing_verdict_fields(checker_api):
    claim = factories.ClaimFactory()
    url = f"/api/v1/desk/claims/{claim.pk}/verdict/"
    response = checker_api.put(
        url,
        {"rating": "sehr-falsch", "headline": "", "summary": "", "explanation": "", "version": 1},
    )
    assert response.status_code == 400
    assert "rating" in response.json()["detail"]

    response = checker_api.put(url, {"rating": "falsch"})
    assert response.status_code == 400
    assert {"headline", "summary", "explanation", "version"} <= set(response.json()["detail"])


def test_submit_without_a_complete_verdict_says_what_is_missing(checker_api):
    claim = factories.ClaimFactory()
    response = checker_api.post(f"/api/v1/desk/claims/{claim.pk}/submit/", {"version": 1})
    assert response.status_code == 400
    assert "rating" in response.json()["message"]


def test_missing_objects_are_json_404s(checker_api):
    for path in (
        "/api/v1/desk/claims/999999/",
        "/api/v1/desk/articles/999999/",
        "/api/v1/desk/articles/999999/suggestions/",
        "/api/v1/desk/sources/999999/",
    ):
        response = checker_api.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"] == "not_found"
    response = checker_api.post("/api/v1/desk/claims/999999/submit/", {})
    assert response.status_code == 404


def test_citation_errors(checker_api, editor):
    claim = factories.ClaimFactory()
    url = f"/api/v1/desk/claims/{claim.pk}/citations/"
    assert checker_api.post(url, {"url": "ftp://x.example/", "role": "refutes"}).status_code == 400
    assert checker_api.post(url, {"url": "https://x.example/", "role": "nope"}).status_code == 400
    ok = checker_api.post(url, {"url": "https://x.example/", "role": "refutes"})
    assert ok.status_code == 201
    twice = checker_api.post(url, {"url": "https://x.example/", "role": "refutes"})
    assert twice.status_code == 400
    assert twice.json()["error"] == "invalid_input"


def test_desk_list_filters_and_paging(checker_api):
    article = factories.ArticleFactory()
    claims = [factories.ClaimFactory(article=article) for _ in range(3)]
    factories.ClaimFactory()
    page = checker_api.get("/api/v1/desk/claims/", {"article": article.pk, "page_size": 2}).json()
    assert [c["id"] for c in page["results"]] == [claims[2].pk, claims[1].pk]
    rest = checker_api.get(page["next"]).json()
    assert [c["id"] for c in rest["results"]] == [claims[0].pk]
    bad = checker_api.get("/api/v1/desk/claims/", {"status": "nonsense"})
    assert bad.status_code == 400
    assert "status" in bad.json()["detail"]


def test_speaker_name_that_is_an_alias_attaches_the_existing_speaker(checker_api):
    from claims import services

    article = factories.ArticleFactory()
    psaki = services.speaker_create(name="Jén Psaki", aliases=["Psaki"])
    for typed in ("PSAKI", "jen psaki"):
        start, end = _span(article.text, "keine Probleme")
        response = checker_api.post(
            "/api/v1/desk/claims/",
            {
                "article": article.pk,
                "start": start,
                "end": end,
                "speaker_name": typed,
                "claim": "Es gibt keine Probleme",
            },
        )
        assert response.status_code == 201, response.json()
        assert response.json()["speaker"]["id"] == psaki.pk
    assert Speaker.objects.count() == 1
