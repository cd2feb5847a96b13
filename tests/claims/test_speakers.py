"""One person, one speaker: aliases and near spellings resolve to the existing speaker,
the service refuses a second one, and merging moves everything to the kept one."""

import json

import pytest
from django.urls import reverse

from claims import selectors, services
from claims.errors import DuplicateSpeaker, NotAllowed
from claims.models import Claim, Speaker, SpeakerRedirect
from claims.speaker_names import NamedSpeaker, normalise_name, speaker_resolve, speakers_closest
from tests import factories

PSAKI = NamedSpeaker(1, "Jen Psaki", ("Psaki",))
SCHOLZ = NamedSpeaker(2, "Olaf Scholz", ())
MULLER = NamedSpeaker(3, "Jörg Müller", ())


@pytest.mark.parametrize(
    ("typed", "expected", "how"),
    [
        ("Psaki", 1, "alias"),  # the registered alias
        ("psaki", 1, "alias"),  # any case
        ("  JEN   PSAKI ", 1, "name"),  # spaces and case
        ("Jenn Psaki", 1, "similar"),  # a near-identical spelling
        ("Jorg Muller", 3, "name"),  # accents folded
        ("Jörg Müller.", 3, "name"),  # punctuation folded
        ("Olaf Schulz", None, None),  # one letter in a short name: maybe another person
        ("Psakiewicz", None, None),
        ("", None, None),
    ],
)
def test_a_typed_name_resolves_to_the_existing_speaker(typed, expected, how):
    match = speaker_resolve(typed, [PSAKI, SCHOLZ, MULLER])
    assert (match.id if match else None) == expected
    assert (match.how if match else None) == how


def test_normalise_folds_case_accents_and_punctuation():
    assert normalise_name("  Jén-Luc  D'ÉMILE ") == "jen luc d emile"


def test_closest_lists_each_speaker_once_best_first():
    closest = speakers_closest("Olaf Schulz", [PSAKI, SCHOLZ, MULLER])
    assert [m.id for m in closest][:1] == [2]
    assert len({m.id for m in closest}) == len(closest)


@pytest.mark.django_db
def test_the_service_refuses_a_second_speaker_with_a_known_name_or_alias():
    psaki = services.speaker_create(name="Jen Psaki", aliases=["Psaki"])
    for name, aliases in (("psaki", []), ("JÉN PSAKI", []), ("Someone", ["Jen Psaki"])):
        with pytest.raises(DuplicateSpeaker) as refused:
            services.speaker_create(name=name, aliases=aliases)
        assert "Jen Psaki" in str(refused.value)
        assert refused.value.details["existing"]["id"] == psaki.pk
    other = services.speaker_create(name="Karine Jean-Pierre")
    with pytest.raises(DuplicateSpeaker):
        services.speaker_add_alias(speaker=other, alias="Psaki")
    assert Speaker.objects.count() == 2


@pytest.mark.django_db
def test_speaker_for_name_finds_aliases_in_the_database():
    psaki = services.speaker_create(name="Jen Psaki", aliases=["Psaki"])
    found = selectors.speaker_for_name("psaki")
    assert found is not None and found[0] == psaki


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.mark.django_db
def test_split_view_attaches_an_alias_to_the_existing_speaker(client, checker, demo_desk):
    article = demo_desk.article
    psaki = Speaker.objects.get(name="Jen Psaki")  # the demo registers the alias "Psaki"
    assert "Psaki" in psaki.aliases
    client.force_login(checker)
    resolved = client.get(
        reverse("admin:claims_article_split_speaker_resolve"), {"q": "psaki"}
    ).json()
    assert resolved["match"]["id"] == psaki.pk and resolved["match"]["how"] == "alias"
    quote = "absolut falsch"
    start = article.text.index(quote)
    url = reverse("admin:claims_article_split_claims", args=[article.pk])
    body = {"start": start, "end": start + len(quote), "quote": quote, "claim": "Alles falsch"}
    speakers_before = Speaker.objects.count()
    response = _post(client, url, {**body, "speaker_name": "Psaki"})
    assert response.status_code == 201, response.content
    assert response.json()["claim"]["speaker"]["id"] == psaki.pk
    assert Speaker.objects.count() == speakers_before


@pytest.mark.django_db
def test_split_view_creates_a_new_speaker_only_after_an_explicit_choice(client, checker, demo_desk):
    article = demo_desk.article
    client.force_login(checker)
    quote = "absolut falsch"
    start = article.text.index(quote)
    url = reverse("admin:claims_article_split_claims", args=[article.pk])
    body = {"start": start, "end": start + len(quote), "quote": quote, "claim": "Alles falsch"}
    before = Speaker.objects.count()
    asked = _post(client, url, {**body, "speaker_name": "Jen Psakowski"})
    assert asked.status_code == 400
    assert asked.json()["needs_choice"] is True
    assert "Jen Psaki" in [m["name"] for m in asked.json()["closest"]]
    assert Speaker.objects.count() == before and not Claim.objects.filter(claim="Alles falsch")
    chosen = _post(client, url, {**body, "speaker_name": "Jen Psakowski", "new_speaker": True})
    assert chosen.status_code == 201
    assert Speaker.objects.filter(name="Jen Psakowski").exists()


@pytest.mark.django_db
def test_merge_moves_claims_aliases_and_history_and_redirects(
    client, checker, editor, make_published, django_capture_on_commit_callbacks
):
    keep = services.speaker_create(name="Jen Psaki")
    old = services.speaker_create(name="J. Psaki", aliases=["Jennifer Psaki"])
    published = make_published(speaker=old)
    draft = factories.ClaimFactory(speaker=old)
    version = published.version
    updated_at = published.updated_at
    old_page = client.get(f"/speakers/{old.slug}/")
    assert old_page.status_code == 200  # cached now
    with pytest.raises(NotAllowed):
        services.speaker_merge(keep=keep, remove=old, user=checker)
    with django_capture_on_commit_callbacks(execute=True) as announced:
        services.speaker_merge(keep=keep, remove=old, user=editor)
    assert len(announced) == 1  # the public claim, announced as corrected
    published.refresh_from_db()
    draft.refresh_from_db()
    assert published.speaker == keep and draft.speaker == keep
    assert published.version == version + 1 and published.updated_at > updated_at
    keep.refresh_from_db()
    assert keep.aliases == ["J. Psaki", "Jennifer Psaki"]
    assert not Speaker.objects.filter(pk=old.pk).exists()
    assert keep.history.filter(name="J. Psaki").exists()  # the old one's history moved
    assert published.history.first().history_change_reason.startswith("Speaker J. Psaki merged")
    # The old address answers 301 (the cached page is obsolete), the new one lists the claim.
    response = client.get(f"/speakers/{old.slug}/")
    assert response.status_code == 301 and response["Location"] == f"/speakers/{keep.slug}/"
    assert published.claim in client.get(f"/speakers/{keep.slug}/").content.decode()
    # A new speaker never takes the old address.
    assert SpeakerRedirect.objects.filter(old_slug=old.slug, speaker=keep).exists()
    again = services.speaker_create(name="J. Psaki Two")
    assert again.slug != old.slug


@pytest.mark.django_db
def test_merge_action_in_the_admin(admin_client):
    keep = services.speaker_create(name="Jen Psaki")
    old = services.speaker_create(name="Jen Psaky")
    factories.ClaimFactory(speaker=old)
    url = reverse("admin:claims_speaker_changelist")
    ids = [str(keep.pk), str(old.pk)]
    page = admin_client.post(url, {"action": "merge_speakers", "_selected_action": ids})
    assert page.status_code == 200 and b'name="keep"' in page.content
    done = admin_client.post(
        url,
        {"action": "merge_speakers", "_selected_action": ids, "keep": keep.pk, "confirm": "yes"},
    )
    assert done.status_code == 302
    assert list(Speaker.objects.values_list("name", flat=True)) == ["Jen Psaki"]
    assert Claim.objects.get().speaker == keep


@pytest.mark.django_db
def test_the_claim_forms_speaker_search_finds_aliases_with_accents_folded(admin_client):
    psaki = services.speaker_create(name="Jen Psaki", aliases=["Psakí"])
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "claims", "model_name": "claim", "field_name": "speaker", "term": "psaki"},
    )
    assert [r["id"] for r in response.json()["results"]] == [str(psaki.pk)]
    near = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "claims",
            "model_name": "claim",
            "field_name": "speaker",
            "term": "Jenn Psaki",
        },
    )
    assert [r["id"] for r in near.json()["results"]] == [str(psaki.pk)]
