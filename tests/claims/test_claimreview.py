"""ClaimReview: the mapping (pure), and what a structured-data extractor finds on the page."""

import json
from datetime import UTC, datetime

import extruct
import pytest

from claims.models import Article, Claim, Rating, RatingScale, Speaker, Verdict
from claims.wording import publish_warnings
from publishing.claimreview import claim_review, origin_of, to_script_json
from tests.helpers.text import HOSTILE

ORG = {"org_name": "Faktencheck-Desk", "org_url": "https://desk.example/"}


def _claim(*, kind=Speaker.Kind.PERSON, wikidata_id="Q123", url="https://news.example/a"):
    """An unsaved claim with everything loaded: the function needs no database."""
    scale = RatingScale(name="s", slug="s", best_value=6, worst_value=1)
    rating = Rating(
        scale=scale, slug="falsch", value=1, label_de="Falsch", label_en="False", symbol="✘"
    )
    article = Article(
        title="Unruhen in Kasachstan",
        outlet="Nachrichtenagentur",
        url=url,
        language="de",
        published_on="2022-01",
        text="x",
    )
    speaker = Speaker(name="Kassym-Schomart Tokajew", kind=kind, wikidata_id=wikidata_id)
    claim = Claim(
        article=article,
        speaker=speaker,
        claim="Terrorgruppen wurden im Ausland ausgebildet",
        slug="terror",
        stated_on="2022-01-07",
        published_at=datetime(2022, 1, 10, 9, 0, tzinfo=UTC),
        updated_at=datetime(2022, 1, 12, 9, 0, tzinfo=UTC),
    )
    claim.verdict = Verdict(
        claim=claim,
        rating=rating,
        headline="Keine Belege für ausländische Terrorgruppen",
        summary="Es gibt keine Belege.",
        published_at=datetime(2022, 1, 10, 9, 0, tzinfo=UTC),
    )
    return claim


def test_claim_review_has_every_property_consumers_read():
    review = claim_review(_claim(), **ORG, page_url="https://desk.example/fact-checks/terror/")
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["url"] == "https://desk.example/fact-checks/terror/"
    assert review["claimReviewed"] == "Terrorgruppen wurden im Ausland ausgebildet"
    assert review["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 1,
        "bestRating": 6,
        "worstRating": 1,
        "alternateName": "Falsch",
        "name": "Falsch",
        "ratingExplanation": "Es gibt keine Belege.",
    }
    assert review["author"] == {
        "@type": "Organization",
        "name": "Faktencheck-Desk",
        "url": "https://desk.example/",
    }
    assert review["datePublished"] == "2022-01-10T09:00:00+00:00"
    assert review["dateModified"] == "2022-01-12T09:00:00+00:00"
    assert review["inLanguage"] == "de"
    item = review["itemReviewed"]
    assert item["@type"] == "Claim" and item["datePublished"] == "2022-01-07"
    assert item["author"] == {
        "@type": "Person",
        "name": "Kassym-Schomart Tokajew",
        "sameAs": "https://www.wikidata.org/wiki/Q123",
    }
    appearance = {
        "@type": "CreativeWork",
        "url": "https://news.example/a",
        "headline": "Unruhen in Kasachstan",
        "publisher": {"@type": "Organization", "name": "Nachrichtenagentur"},
        "datePublished": "2022-01",
        "inLanguage": "de",
    }
    assert item["appearance"] == appearance and item["firstAppearance"] == appearance


def test_an_organisation_speaker_without_wikidata_and_an_article_without_url():
    review = claim_review(
        _claim(kind=Speaker.Kind.ORGANIZATION, wikidata_id="", url=""), **ORG, page_url="u"
    )
    author = review["itemReviewed"]["author"]
    assert author["@type"] == "Organization" and "sameAs" not in author
    assert "url" not in review["itemReviewed"]["appearance"]  # no empty values


def test_the_rating_label_is_in_the_review_language():
    claim = _claim()
    claim.article.language = "en"
    assert claim_review(claim, **ORG, page_url="u")["reviewRating"]["alternateName"] == "False"


def test_a_claim_without_a_rated_verdict_has_no_review():
    claim = _claim()
    claim.verdict.rating = None
    with pytest.raises(ValueError, match="no rated verdict"):
        claim_review(claim, **ORG, page_url="u")


@pytest.mark.parametrize(
    "text",
    [
        HOSTILE,
        "</SCRIPT >",  # upper case and a space still close a script element
        "<!-- <script>",  # the "double escaped" script state
        "\u2028\u2029 line separators",
        'quotes " and \\ backslashes',
    ],
)
def test_script_json_cannot_break_out_and_round_trips(text):
    encoded = to_script_json({"claimReviewed": text})
    assert "<" not in encoded and ">" not in encoded and "&" not in encoded
    assert json.loads(encoded) == {"claimReviewed": text}


@pytest.mark.parametrize(
    ("claim", "labels", "expected"),
    [
        ("Die Inflation ist so niedrig wie nie", ["Falsch", "False"], []),
        # over 75 characters: consumers cut it
        ("x" * 76, ["Falsch"], ["76 characters"]),
        ("x" * 75, ["Falsch"], []),
        # the rating label in the claim reads as the verdict
        ("Es ist falsch, dass die Inflation steigt", ["Falsch", "False"], ["Falsch"]),
        ("That is false", ["Falsch", "False"], ["False"]),
        # but not inside another word
        ("Die Fälschung war ungefährlich", ["Falsch", "False"], []),
        ("Falschparker sind schuld", ["Falsch"], []),
    ],
)
def test_publish_warnings(claim, labels, expected):
    warnings = publish_warnings(claim, labels)
    assert len(warnings) == len(expected)
    for warning, needle in zip(warnings, expected, strict=True):
        assert needle in warning


# --- On the published page ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_carries_the_claim_review_an_extractor_finds(client, make_published, settings):
    settings.FACTCHECK_ORG_URL = "https://desk.example/"
    settings.FACTCHECK_ORG_NAME = "Faktencheck-Desk"
    claim = make_published(stated_on="2022-01-06", verdict={"summary": "Kurz gesagt: nein."})
    claim.speaker.wikidata_id = "Q42"
    claim.speaker.save()
    html = client.get(claim.get_absolute_url()).content.decode()
    found = extruct.extract(html, syntaxes=["json-ld"])["json-ld"]
    assert len(found) == 1
    review = found[0]
    claim.refresh_from_db()
    assert review["@type"] == "ClaimReview"
    assert review["url"] == f"https://desk.example/fact-checks/{claim.slug}/"
    assert review["claimReviewed"] == claim.claim
    rating = review["reviewRating"]
    assert rating["@type"] == "Rating"
    assert (rating["ratingValue"], rating["bestRating"], rating["worstRating"]) == (1, 6, 1)
    assert rating["alternateName"] == rating["name"] == "Falsch"
    assert review["author"] == {
        "@type": "Organization",
        "name": "Faktencheck-Desk",
        "url": "https://desk.example/",
    }
    assert review["datePublished"] == claim.published_at.isoformat()
    assert review["dateModified"] == claim.updated_at.isoformat()
    assert review["inLanguage"] == "de"
    item = review["itemReviewed"]
    assert item["@type"] == "Claim" and item["datePublished"] == claim.stated_on
    assert item["author"]["@type"] == "Person" and item["author"]["name"] == claim.speaker.name
    assert item["author"]["sameAs"] == "https://www.wikidata.org/wiki/Q42"
    assert item["appearance"]["@type"] == "CreativeWork"
    assert item["appearance"]["headline"] == claim.article.title
    assert item["appearance"]["publisher"]["name"] == claim.article.outlet
    assert item["appearance"]["datePublished"] == claim.article.published_on
    assert item["firstAppearance"] == item["appearance"]


@pytest.mark.django_db
def test_hostile_text_round_trips_exactly_through_the_json_ld(
    client, make_published, hostile_article
):
    claim = make_published(
        article=hostile_article,
        quote=hostile_article.text[hostile_article.text.index("</script>") :].split('".')[0],
        claim=f"Sie sagte {HOSTILE}"[:200],
        speaker__name=f"Name {HOSTILE}",
        verdict={"headline": f"Kopf {HOSTILE}", "summary": f"Kurz {HOSTILE}"},
    )
    html = client.get(claim.get_absolute_url()).content.decode()
    assert html.count("</script>") == 1  # only the JSON-LD element's own end tag
    assert "<!--" not in html
    review = extruct.extract(html, syntaxes=["json-ld"])["json-ld"][0]
    assert review["claimReviewed"] == claim.claim
    assert review["name"] == f"Kopf {HOSTILE}"
    assert review["itemReviewed"]["author"]["name"] == f"Name {HOSTILE}"
    assert review["itemReviewed"]["appearance"]["headline"] == f"Titel {HOSTILE}"
    assert review["itemReviewed"]["appearance"]["publisher"]["name"] == f"Zeitung {HOSTILE}"
    assert review["reviewRating"]["ratingExplanation"] == f"Kurz {HOSTILE}"


def test_a_source_cited_as_origin_is_the_first_appearance():
    origin = {"url": "https://video.example/interview", "title": "Das Interview", "role": "origin"}
    sources = [{"url": "https://stats.example/", "role": "refutes"}, origin]
    review = claim_review(
        _claim(), **ORG, page_url="https://desk.example/x/", origin=origin_of(sources)
    )
    item = review["itemReviewed"]
    assert item["firstAppearance"] == {
        "@type": "CreativeWork",
        "url": "https://video.example/interview",
        "headline": "Das Interview",
    }
    assert item["appearance"]["url"] == "https://news.example/a"  # the quoted article
    assert origin_of([{"url": "https://stats.example/", "role": "refutes"}]) is None


@pytest.mark.django_db
def test_the_page_and_partner_api_use_the_origin_source(client, make_published):
    from sources.models import Citation
    from tests import factories

    claim = make_published()
    factories.CitationFactory(
        claim=claim,
        role=Citation.Role.ORIGIN,
        source=factories.SourceFactory(url="https://video.example/interview"),
    )
    html = client.get(claim.get_absolute_url()).content.decode()
    review = extruct.extract(html, syntaxes=["json-ld"])["json-ld"][0]
    assert review["itemReviewed"]["firstAppearance"]["url"] == "https://video.example/interview"
