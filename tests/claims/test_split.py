"""Splitting an article: the split view's endpoints, re-anchoring, "already checked?"."""

import json

import pytest
from django.urls import reverse

from claims import services, suggestions
from claims.models import Claim, DismissedSuggestion, Speaker
from tests import factories
from tests.helpers.workflow import publish_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(demo_desk):
    return demo_desk.article


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _span(article, quote):
    start = article.text.index(quote)
    return start, start + len(quote)


def test_split_page_lists_claims_and_answers_for_checkers(client, checker, article):
    factories.ClaimFactory(article=article, quote="die Integrität des Staates")
    client.force_login(checker)
    response = client.get(reverse("admin:claims_article_split", args=[article.pk]))
    assert response.status_code == 200
    data = response.context["split_data"]
    assert data["text"] == article.text
    assert [c["quote"] for c in data["claims"]] == ["die Integrität des Staates"]
    assert 'id="split-data"' in response.content.decode()


def test_split_page_explains_suggestions_in_the_desk_language(client, checker, article):
    """The hint under each suggestion ("found by “sagte” · speaker: by pronoun") takes its
    words from the page, translated; the suggestions carry the cue and the resolution."""
    client.force_login(checker)
    response = client.get(
        reverse("admin:claims_article_split", args=[article.pk]), HTTP_ACCEPT_LANGUAGE="de"
    )
    explain = response.context["split_data"]["explain"]
    assert explain["cue"] == "gefunden über"
    assert explain["resolutions"]["pronoun"] == "über ein Pronomen"
    assert explain["cues"]["quotation"] == "ein fortgesetztes Zitat"
    assert set(explain["resolutions"]) == {
        "named",
        "alias",
        "role",
        "pronoun",
        "previous",
        "none",
    }
    url = reverse("admin:claims_article_split_suggestions", args=[article.pk])
    results = client.get(url).json()["results"]
    terror = next(s for s in results if "Terrorgruppen" in s["quote"])
    # "Tokajew warf … vor": the desk knows him as Kassym-Schomart Tokajew
    assert (terror["cue"], terror["speaker_resolution"]) == ("warf … vor", "alias")
    pronoun = next(s for s in results if "beabsichtige" in s["quote"])
    assert (pronoun["cue"], pronoun["speaker_resolution"]) == ("sagte", "pronoun")


def test_split_page_needs_staff(client, article):
    response = client.get(reverse("admin:claims_article_split", args=[article.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_create_a_claim_from_a_span_with_a_new_speaker(client, checker, article):
    client.force_login(checker)
    start, end = _span(article, "absolut falsch")
    response = _post(
        client,
        reverse("admin:claims_article_split_claims", args=[article.pk]),
        {
            "start": start,
            "end": end,
            "quote": "absolut falsch",
            "speaker_name": "Weißes Haus",
            "new_speaker": True,  # an explicit choice (the closest were shown)
            "attribution": "direct",
            "claim": "Die Vorwürfe sind absolut falsch",
        },
    )
    assert response.status_code == 201, response.content
    claim = Claim.objects.get()
    assert claim.speaker.name == "Weißes Haus" and claim.created_by == checker
    assert response.json()["claim"]["status"] == "draft"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"start": 5, "end": 5, "speaker_name": "X", "new_speaker": True, "claim": "c"}, "empty"),
        (
            {"start": 0, "end": 10**7, "speaker_name": "X", "new_speaker": True, "claim": "c"},
            "outside",
        ),
        (
            {"start": "0", "end": 5, "speaker_name": "X", "new_speaker": True, "claim": "c"},
            "whole number",
        ),
        ({"start": 0, "end": 5, "speaker_name": "", "claim": "c"}, "speaker"),
        ({"start": 0, "end": 5, "speaker": 999999, "claim": "c"}, "no speaker"),
        (
            {
                "start": 0,
                "end": 10,
                "quote": "stale text",
                "speaker_name": "X",
                "new_speaker": True,
                "claim": "c",
            },
            "match",
        ),
        (
            {"start": 0, "end": 10, "speaker_name": "X", "new_speaker": True, "claim": "   "},
            "Word the claim",
        ),
        (
            {
                "start": 0,
                "end": 10,
                "speaker_name": "X",
                "new_speaker": True,
                "claim": "c",
                "attribution": "rumour",
            },
            "attribution",
        ),
    ],
)
def test_bad_claim_input_gets_a_clear_error_and_creates_nothing(
    client, checker, article, body, message
):
    client.force_login(checker)
    response = _post(client, reverse("admin:claims_article_split_claims", args=[article.pk]), body)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert Claim.objects.count() == 0


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"\xff\xfe"])
def test_malformed_json_is_refused(client, checker, article, raw):
    client.force_login(checker)
    response = client.post(
        reverse("admin:claims_article_split_claims", args=[article.pk]),
        data=raw,
        content_type="application/json",
    )
    assert response.status_code == 400 and "error" in response.json()


def test_suggestions_skip_existing_claims_and_dismissed_spans(client, checker, article):
    client.force_login(checker)
    url = reverse("admin:claims_article_split_suggestions", args=[article.pk])
    first = client.get(url).json()["results"]
    assert first, "the seed article has suggestions"
    terror = next(s for s in first if "Terrorgruppen" in s["quote"])
    assert terror["speaker"]["name"] == "Kassym-Schomart Tokajew"
    assert terror["speaker"]["id"] == Speaker.objects.get(name="Kassym-Schomart Tokajew").pk
    dismissed = first[0]
    response = _post(
        client,
        reverse("admin:claims_article_split_dismiss", args=[article.pk]),
        {"start": dismissed["start"], "end": dismissed["end"]},
    )
    assert response.status_code == 200
    services.claim_create_from_span(
        article=article,
        start=terror["start"],
        end=terror["end"],
        speaker=Speaker.objects.get(pk=terror["speaker"]["id"]),
        claim="Terrorgruppen aus dem Ausland stecken hinter den Protesten",
    )
    second = client.get(url).json()["results"]
    spans = {(s["start"], s["end"]) for s in second}
    assert (dismissed["start"], dismissed["end"]) not in spans
    assert (terror["start"], terror["end"]) not in spans
    assert len(second) == len(first) - 2
    assert DismissedSuggestion.objects.count() == 1


def test_speaker_on_the_fly_and_alias(client, checker, article):
    client.force_login(checker)
    url = reverse("admin:claims_article_split_speaker")
    created = _post(client, url, {"name": "Kasachisches Staatsfernsehen", "kind": "organization"})
    assert created.status_code == 201
    tokajew = Speaker.objects.get(name="Kassym-Schomart Tokajew")
    alias = _post(client, url, {"name": "Tojakew", "alias_for": tokajew.pk})
    assert alias.status_code == 200
    tokajew.refresh_from_db()
    assert "Tojakew" in tokajew.aliases
    assert _post(client, url, {"name": ""}).status_code == 400


def test_fact_checkers_without_add_permission_cannot_post(client, article):
    viewer = factories.UserFactory(username="viewer", is_staff=True)
    client.force_login(viewer)
    response = _post(
        client,
        reverse("admin:claims_article_split_claims", args=[article.pk]),
        {"start": 0, "end": 5, "speaker_name": "X", "claim": "c"},
    )
    assert response.status_code == 403


def test_already_checked_finds_similar_published_claims(client, checker, editor):
    published = factories.ClaimFactory(
        claim="Terrorgruppen aus dem Ausland stecken hinter den Protesten"
    )
    publish_claim(published, checker, editor)
    draft = factories.ClaimFactory(claim="Terrorgruppen aus dem Ausland stecken dahinter (Entwurf)")
    unrelated = factories.ClaimFactory(claim="Die Gaspreise haben sich verdoppelt")
    publish_claim(unrelated, checker, editor)
    found = suggestions.claims_similar(
        text="Ausländische Terrorgruppen stecken hinter den Protesten"
    )
    assert [s.claim.pk for s in found][:1] == [published.pk]
    assert draft.pk not in {s.claim.pk for s in found}  # drafts are never "already checked"
    client.force_login(checker)
    response = client.get(
        reverse("admin:claims_article_split_similar"), {"q": "Terrorgruppen hinter den Protesten"}
    )
    assert response.json()["results"][0]["url"] == published.get_absolute_url()


# --- Re-anchoring when the text changes ------------------------------------------------


def test_editing_the_text_reanchors_every_claim(article, checker):
    tokajew = Speaker.objects.get(name="Kassym-Schomart Tokajew")
    psaki = Speaker.objects.get(name="Jen Psaki")
    keep = factories.ClaimFactory(
        article=article, speaker=tokajew, quote="die Integrität des Staates"
    )
    typo = factories.ClaimFactory(
        article=article, speaker=tokajew, quote="Ich beabsichtige, so hart wie möglich zu sein"
    )
    gone = factories.ClaimFactory(
        article=article, speaker=psaki, quote="absolut falsch und eindeutig"
    )
    text = "Vorab ein neuer Absatz.\n\n" + article.text.replace(
        "so hart wie möglich", "so hart wie irgend möglich"
    ).replace(
        'Diese Vorwürfe seien "absolut falsch und eindeutig Teil des russischen Drehbuchs für '
        'Desinformation".',
        "",
    )
    report = services.article_update_text(article=article, text=text, user=checker)
    assert (report.moved, report.fuzzy, report.orphaned) == (1, 1, 1)
    keep.refresh_from_db()
    typo.refresh_from_db()
    gone.refresh_from_db()
    assert keep.anchor_status == "moved" and text[keep.start : keep.end] == keep.exact
    assert typo.anchor_status == "fuzzy" and 0.75 <= typo.anchor_score < 1
    assert text[typo.start : typo.end] == typo.exact
    assert gone.anchor_status == "orphaned"
    assert gone.exact == "absolut falsch und eindeutig"  # kept, never re-pointed


def test_orphans_are_flagged_in_the_admin(admin_client, article, checker):
    claim = factories.ClaimFactory(article=article, quote="die Integrität des Staates")
    services.article_update_text(article=article, text="Ein ganz anderer Text.", user=checker)
    claim.refresh_from_db()
    assert claim.anchor_status == "orphaned"
    page = admin_client.get(reverse("admin:claims_claim_changelist"), {"anchor_status": "orphaned"})
    assert "desk-orphan" in page.content.decode()
