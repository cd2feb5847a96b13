"""The partner API: the contract's fields, published-only reads, filters, search, paging,
ETags, throttling, and errors that say what is wrong."""

import json

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from claims import workflow
from claims.models import Claim
from partners import services as partner_services
from tests import factories
from tests.helpers.workflow import submit, write_verdict

pytestmark = pytest.mark.django_db

LIST = "/api/v1/claims/"


def detail(pk: int) -> str:
    return f"/api/v1/claims/{pk}/"


# --- Shape --------------------------------------------------------------------------------


def test_claim_detail_has_every_field_of_the_contract(partner, make_published):
    speaker = factories.SpeakerFactory(name="Anna Beispiel", slug="anna-beispiel")
    article = factories.ArticleFactory(
        title="Inflation", outlet="Testzeitung", url="https://zeitung.example/a", language="de"
    )
    claim = make_published(speaker=speaker, article=article, rating="falsch", stated_on="2022-01")
    source = factories.SourceFactory(url="https://stat.example/r", state="fetched")
    factories.CitationFactory(claim=claim, source=source, role="refutes")
    snapshot = factories.SnapshotFactory(source=source, title="Statistik", sha256="a" * 64)

    response = partner.get(detail(claim.pk))

    assert response.status_code == 200, response.json()
    data = response.json()
    assert set(data) >= {
        "id", "url", "claim", "quote", "speaker", "attribution", "language", "stated_on",
        "article", "verdict", "sources", "corrections", "claim_review", "status", "updated_at",
    }  # fmt: skip
    assert data["id"] == claim.pk
    assert data["url"] == f"https://faktencheck.example/fact-checks/{claim.slug}/"
    assert data["quote"] == "so niedrig wie nie"
    assert data["speaker"] == {
        "name": "Anna Beispiel",
        "slug": "anna-beispiel",
        "description": "Ministerin",
    }
    assert data["attribution"] == "direct"
    assert data["language"] == "de"
    assert data["stated_on"] == "2022-01"
    assert data["article"] == {
        "title": "Inflation",
        "outlet": "Testzeitung",
        "url": "https://zeitung.example/a",
        "published_on": "2022-01",
    }
    assert data["verdict"]["rating"] == {
        "slug": "falsch",
        "label": "Falsch",
        "value": 1,
        "best": 6,
        "worst": 1,
    }
    assert data["verdict"]["headline"] == "Die Inflation ist nicht so niedrig wie nie"
    assert data["verdict"]["summary"].startswith("Die Zahlen")
    assert data["verdict"]["published_at"].endswith("Z")
    assert data["sources"] == [
        {
            "url": "https://stat.example/r",
            "title": "Statistik",
            "role": "refutes",
            "snapshot_url": f"https://faktencheck.example/sources/snapshots/{snapshot.pk}/",
            "sha256": "a" * 64,
            "fetched_at": data["sources"][0]["fetched_at"],
        }
    ]
    assert data["corrections"] == []
    assert data["claim_review"]["@type"] == "ClaimReview"
    assert data["claim_review"]["url"] == data["url"]
    assert data["claim_review"]["reviewRating"]["ratingValue"] == 1
    assert data["status"] == "published"
    assert data["retraction"] is None


def test_the_claim_review_is_the_one_builder_s(partner, make_published):
    from partners.api.selectors import partner_claim
    from publishing import claimreview

    claim = make_published()
    expected = claimreview.claim_review(
        partner_claim(claim.pk),
        org_name="Faktencheck-Desk",
        org_url="http://localhost:8000/",
        page_url=f"https://faktencheck.example/fact-checks/{claim.slug}/",
    )

    data = partner.get(detail(claim.pk)).json()

    assert data["claim_review"]["claimReviewed"] == expected["claimReviewed"]
    assert data["claim_review"]["reviewRating"] == expected["reviewRating"]


@pytest.mark.parametrize("status", ["draft", "in_review"])
def test_an_unpublished_claim_is_not_found_exactly_like_a_missing_one(partner, checker, status):
    claim = factories.ClaimFactory()
    if status == "in_review":
        submit(write_verdict(claim, checker), checker)

    unpublished = partner.get(detail(claim.pk))
    missing = partner.get(detail(claim.pk + 1000))

    assert unpublished.status_code == missing.status_code == 404
    assert unpublished.json() == missing.json()
    assert partner.get(LIST).json()["results"] == []


def test_a_retracted_claim_stays_visible_with_its_status_and_no_claim_review(
    partner, editor, make_published
):
    claim = make_published()
    workflow.claim_retract(claim=claim, user=editor, version=claim.version, reason="Falsche Zahl")

    data = partner.get(detail(claim.pk)).json()

    assert data["status"] == "retracted"
    assert data["claim_review"] is None
    assert data["retraction"]["reason"] == "Falsche Zahl"
    feed = partner.get("/api/v1/claimreview/").json()
    assert feed["dataFeedElement"] == []


def test_claimreview_datafeed(partner, make_published):
    first, second = make_published(), make_published(rating="richtig")

    response = partner.get("/api/v1/claimreview/")

    assert response.status_code == 200
    feed = response.json()
    assert feed["@context"] == "https://schema.org"
    assert feed["@type"] == "DataFeed"
    urls = [element["url"] for element in feed["dataFeedElement"]]
    assert urls == [
        f"https://faktencheck.example/fact-checks/{second.slug}/",
        f"https://faktencheck.example/fact-checks/{first.slug}/",
    ]
    assert {e["@type"] for e in feed["dataFeedElement"]} == {"ClaimReview"}
    assert (
        partner.get("/api/v1/claimreview/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    )


def test_a_large_datafeed_is_streamed_with_the_same_bytes(
    partner, make_published, monkeypatch, django_assert_num_queries
):
    from partners.api import views
    from publishing import caching

    make_published(verdict={"headline": "</script> \u2028 „Zitat“"})
    make_published(rating="richtig")
    make_published()
    whole = partner.get("/api/v1/claimreview/")
    assert not whole.streaming

    monkeypatch.setattr(views, "DATAFEED_CACHED_ITEMS", 1)
    caching.bump_generation()
    with django_assert_num_queries(3):  # stamp, the feed (server-side cursor), appearances
        streamed = partner.get("/api/v1/claimreview/")
        body = b"".join(streamed.streaming_content)
    assert streamed.streaming and streamed["Content-Type"] == "application/json"
    assert body == whole.content  # byte for byte what DRF renders
    assert len(json.loads(body)["dataFeedElement"]) == 3
    revalidated = partner.get("/api/v1/claimreview/", HTTP_IF_NONE_MATCH=streamed["ETag"])
    assert revalidated.status_code == 304


def test_speakers_and_ratings(partner, make_published):
    public = factories.SpeakerFactory(name="Öffentlich", slug="oeffentlich")
    make_published(speaker=public)
    factories.ClaimFactory(speaker=factories.SpeakerFactory(slug="nur-entwurf"))

    speakers = partner.get("/api/v1/speakers/").json()
    ratings = partner.get("/api/v1/ratings/").json()

    assert [s["slug"] for s in speakers["results"]] == ["oeffentlich"]
    assert speakers["results"][0]["claims"] == 1
    assert speakers["results"][0]["url"] == "https://faktencheck.example/speakers/oeffentlich/"
    assert ratings["results"][0]["slug"] == "richtig"
    assert ratings["results"][0]["labels"] == {"de": "Richtig", "en": "True"}
    assert {r["best"] for r in ratings["results"]} == {6}


# --- Filters and search -------------------------------------------------------------------


def test_filters_by_speaker_rating_and_language(partner, make_published):
    anna = factories.SpeakerFactory(slug="anna")
    english = factories.ArticleFactory(
        language="en", text='The minister said inflation was "as low as ever".'
    )
    a = make_published(speaker=anna, rating="falsch")
    b = make_published(rating="richtig")
    c = make_published(article=english, quote="as low as ever", rating="halbwahr")

    def ids(**params):
        return [item["id"] for item in partner.get(LIST, params).json()["results"]]

    assert ids(speaker="anna") == [a.pk]
    assert ids(rating="richtig") == [b.pk]
    assert ids(language="en") == [c.pk]
    assert ids(language="de") == [b.pk, a.pk]
    assert ids(speaker="nobody") == []


def _postgresql() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def test_search_finds_words_on_any_database(partner, make_published):
    # PostgreSQL: the stored vector; SQLite (the embedded default): substring matching.
    article = factories.ArticleFactory(
        language="de", text='Der Minister sagte, die Regierung habe "alle Schulen renoviert".'
    )
    # The stored search vector is computed by publishing.receivers, after the commit:
    # make_published runs what follows the commit.
    claim = make_published(article=article, quote="alle Schulen renoviert")
    make_published()

    found = partner.get(LIST, {"q": "Schulen"}).json()["results"]

    assert [c["id"] for c in found] == [claim.pk]


def test_full_text_search_uses_the_claim_s_language(partner, make_published):
    if not _postgresql():
        pytest.skip("stemming needs PostgreSQL's text search")
    german = factories.ArticleFactory(
        language="de", text='Der Minister sagte, die Regierung habe "alle Schulen renoviert".'
    )
    english = factories.ArticleFactory(
        language="en", text='The minister said the government "renovated all schools".'
    )
    de_claim = make_published(
        article=german,
        quote="alle Schulen renoviert",
        claim="Die Regierung hat alle Schulen renoviert",
    )
    en_claim = make_published(
        article=english,
        quote="renovated all schools",
        claim="The government renovated all schools",
    )

    def ids(q):
        response = partner.get(LIST, {"q": q})
        assert response.status_code == 200, response.json()
        return {item["id"] for item in response.json()["results"]}

    # German stemming: "Schule" finds "Schulen"; English: "renovating" finds "renovated".
    assert ids("Schule") == {de_claim.pk}
    assert ids("renovating") == {en_claim.pk}
    assert ids('"alle Schulen" -Krankenhaus') == {de_claim.pk}
    assert ids("Krankenhaus") == set()


def test_search_vector_is_stored_and_indexed(make_published):
    from django.db import connection

    if not _postgresql():
        pytest.skip("the stored vector exists on PostgreSQL only")
    claim = make_published()
    assert Claim.objects.filter(pk=claim.pk, search_vector__isnull=False).exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'claim_search_vector_gin'"
        )
        (indexdef,) = cursor.fetchone()
    assert "gin (search_vector)" in indexdef


def test_correction_updates_the_search_vector(
    partner, editor, make_published, django_capture_on_commit_callbacks
):
    claim = make_published()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.claim_correct(
            claim=claim,
            user=editor,
            version=claim.version,
            note="Überschrift präzisiert",
            changes={"headline": "Die Teuerung war 1975 niedriger"},
        )
    assert [c["id"] for c in partner.get(LIST, {"q": "Teuerung"}).json()["results"]] == [claim.pk]


# --- Paging, ETags, errors ----------------------------------------------------------------


def test_cursor_pagination_newest_update_first(partner, make_published):
    claims = [make_published() for _ in range(5)]

    first = partner.get(LIST, {"page_size": 2}).json()
    second = partner.get(first["next"]).json()
    third = partner.get(second["next"]).json()

    seen = [c["id"] for page in (first, second, third) for c in page["results"]]
    assert seen == [c.pk for c in reversed(claims)]
    assert third["next"] is None
    assert first["previous"] is None
    assert partner.get(second["previous"]).json()["results"] == first["results"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"updated_since": "2022-13-45T00:00:00Z"}, "updated_since"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"language": "Deutsch!"}, "language"),
        ({"speaker": "not a slug"}, "speaker"),
        ({"q": "x" * 201}, "q"),
        ({"q": "null\x00byte"}, "q"),
        ({"cursor": "garbage"}, "cursor"),
        # A forged cursor: valid base64, but its position is not a date-time.
        ({"cursor": "cD1ub3QtYS1kYXRl"}, "cursor"),
    ],
)
def test_malformed_parameters_are_a_400_that_names_them(partner, params, field):
    response = partner.get(LIST, params)

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid"
    assert field in body["detail"], body


def test_updated_since_accepts_iso_8601(partner, make_published):
    claim = make_published()
    before = (claim.updated_at - timezone.timedelta(seconds=1)).isoformat()
    after = claim.updated_at.isoformat()

    assert [c["id"] for c in partner.get(LIST, {"updated_since": before}).json()["results"]] == [
        claim.pk
    ]
    assert partner.get(LIST, {"updated_since": after}).json()["results"] == []


def test_etag_304_and_a_change_makes_a_new_etag(
    partner, editor, make_published, django_capture_on_commit_callbacks
):
    claim = make_published()
    first = partner.get(LIST)
    etag = first["ETag"]

    assert partner.get(LIST, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert partner.get(detail(claim.pk), HTTP_IF_NONE_MATCH=etag).status_code == 200
    # Other parameters, other ETag.
    assert partner.get(LIST, {"page_size": 1})["ETag"] != etag

    with django_capture_on_commit_callbacks(execute=True):  # the commit starts a generation
        workflow.claim_retract(claim=claim, user=editor, version=claim.version, reason="Irrtum")
    changed = partner.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed.json()["results"][0]["status"] == "retracted"


def test_detail_etag(partner, make_published):
    claim = make_published()
    etag = partner.get(detail(claim.pk))["ETag"]
    response = partner.get(detail(claim.pk), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag


def test_unknown_api_paths_are_json_404s(partner):
    for path in ("/api/v1/nothing/", "/api/v1/claims/-1/", "/api/v1/claims/1" + "0" * 30 + "/"):
        response = partner.get(path)
        assert response.status_code == 404
        assert response.json()["error"] == "not_found"


def test_write_methods_are_405_with_a_json_body(partner):
    response = partner.post(LIST, {"claim": "x"})
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


# --- Auth and throttling --------------------------------------------------------------------


def test_without_a_key_401_with_the_scheme(anon):
    response = anon.get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Api-Key")
    assert response.json()["error"] == "not_authenticated"


@pytest.mark.parametrize(
    "header",
    ["Api-Key", "Api-Key a b", "Api-Key nodot", "Api-Key abcdefgh.wrongsecretwrongsecret123456"],
)
def test_bad_keys_are_refused(anon, header):
    anon.credentials(HTTP_AUTHORIZATION=header)
    response = anon.get(LIST)
    assert response.status_code == 401
    assert response.json()["error"] == "authentication_failed"


def test_revocation_takes_effect_at_once(partner, partner_key):
    assert partner.get(LIST).status_code == 200
    partner_key.row.revoked = True
    partner_key.row.save()
    assert partner.get(LIST).status_code == 401


def test_last_used_is_recorded(partner, partner_key):
    assert partner_key.row.last_used_at is None
    partner.get(LIST)
    partner_key.row.refresh_from_db()
    assert partner_key.row.last_used_at is not None


def test_throttled_per_key_with_retry_after(settings, partner, partner_key):
    from rest_framework.test import APIClient

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"partner": "3/minute"},
    }
    cache.clear()
    statuses = [partner.get("/api/v1/ratings/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = partner.get("/api/v1/ratings/")
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["error"] == "throttled"
    # Another key has its own budget.
    _row, other = partner_services.partner_key_create(name="Partner B")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {other}")
    assert client.get("/api/v1/ratings/").status_code == 200


def test_reverse_names():
    assert reverse("api:claim-list") == LIST
    assert reverse("api:desk:claim-detail", kwargs={"pk": 3}) == "/api/v1/desk/claims/3/"


def test_the_migration_backfill_computes_the_same_vector_as_the_service(make_published):
    import importlib

    from django.db import connection

    from publishing.search import claim_update_search_vector

    if not _postgresql():
        pytest.skip("the stored vector exists on PostgreSQL only")
    english = factories.ArticleFactory(language="en-GB", text='He said "prices fell sharply".')
    # Without the service's vector (computed after the commit), so the backfill fills them.
    claims = [
        make_published(run_on_commit=False),
        make_published(article=english, quote="prices fell sharply", run_on_commit=False),
    ]
    migration = importlib.import_module("claims.migrations.0005_partners_search_vector")
    with connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL_SQL)
    backfilled = dict(Claim.objects.values_list("pk", "search_vector"))
    for claim in claims:
        claim_update_search_vector(claim.pk)
    computed = dict(Claim.objects.values_list("pk", "search_vector"))

    assert all(backfilled[c.pk] for c in claims)
    assert backfilled == computed
