"""The inbox in the admin and the desk API: rows with reasons, "already checked",
filters, actions (POST with CSRF, permissions), and pinned query counts."""

import pytest
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Appearance
from intake.models import InboxItem
from tests import factories
from tests.helpers.api import desk_api_client

pytestmark = pytest.mark.django_db

INBOX = "/api/v1/desk/inbox/"


def _admin(user, *, csrf=False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def _seed(article, count, *, matched=None):
    InboxItem.objects.bulk_create(
        InboxItem(
            article=article,
            start=n * 10,
            end=n * 10 + 5,
            quote=f"Aussage {n} mit 40 Prozent",
            speaker_name="Anna Beispiel",
            language="de",
            outlet="Beispielbote" if n % 2 else "Anderes Blatt",
            score=float(n % 7),
            reasons=["figure", "percentage"],
            matched_claim=matched if n % 3 == 0 else None,
            match_score=0.8 if n % 3 == 0 else None,
        )
        for n in range(count)
    )


def test_admin_page_shows_rows_reasons_and_already_checked(computed, checker, published_check):
    response = _admin(checker).get(reverse("admin:intake_inboxitem_changelist"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "contains a figure" in body and "known speaker" in body
    assert "repeats a checked claim" in body
    assert "already checked:" in body
    assert "Die Kriminalität ist nicht auf einem Tiefstand" in body
    assert "Record as another appearance" in body
    assert "Beispielbote" in body


def test_admin_page_in_german(computed, checker):
    client = _admin(checker)
    response = client.get(reverse("admin:intake_inboxitem_changelist"), HTTP_ACCEPT_LANGUAGE="de")
    body = response.content.decode()
    assert "enthält eine Zahl" in body and "bereits geprüft:" in body


def test_admin_filters(computed, checker):
    client = _admin(checker)
    url = reverse("admin:intake_inboxitem_changelist")
    assert "Renten" in client.get(url, {"outlet": "Beispielbote"}).content.decode()
    assert "Renten" not in client.get(url, {"outlet": "Nirgendwo"}).content.decode()
    assert "Renten" not in client.get(url, {"language": "en"}).content.decode()
    assert "Renten" not in client.get(url, {"state": "dismissed"}).content.decode()


def test_admin_speaker_filter_offers_names(computed, checker):
    """The speaker filter lists the inbox's known speakers by name and filters by them."""
    item = InboxItem.objects.filter(speaker__isnull=False).select_related("speaker").first()
    assert item is not None
    client = _admin(checker)
    url = reverse("admin:intake_inboxitem_changelist")
    page = client.get(url).content.decode()
    assert f'<option value="{item.speaker.pk}">{item.speaker.name}</option>' in page
    chosen = client.get(url, {"speaker": item.speaker.pk}).content.decode()
    assert f'id="inbox-{item.pk}"' in chosen
    others = InboxItem.objects.exclude(speaker=item.speaker)
    assert all(f'id="inbox-{other.pk}"' not in chosen for other in others)


def test_admin_actions_need_csrf_and_permission(computed, checker):
    item = InboxItem.objects.filter(article=computed).first()
    url = reverse("admin:intake_inboxitem_action", args=[item.pk, "dismiss"])
    assert _admin(checker, csrf=True).post(url).status_code == 403  # no token
    nobody = factories.UserFactory(username="plainstaff", is_staff=True)
    assert _admin(nobody).post(url).status_code == 403
    assert _admin(checker).get(url).status_code == 405
    response = _admin(checker).post(url)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == "dismissed"


def test_admin_accept_redirects_to_prefilled_split(computed, checker):
    item = InboxItem.objects.filter(article=computed).first()
    url = reverse("admin:intake_inboxitem_action", args=[item.pk, "accept"])
    response = _admin(checker).post(url)
    assert response.status_code == 302
    assert f"start={item.start}&end={item.end}" in response["Location"]
    split = _admin(checker).get(response["Location"])
    assert split.status_code == 200
    assert f'"preselect": {{"start": {item.start}, "end": {item.end}' in split.content.decode()


def test_admin_record_appearance_shows_on_public_page(computed, checker, published_check, client):
    item = InboxItem.objects.get(article=computed, matched_claim__isnull=False)
    url = reverse("admin:intake_inboxitem_action", args=[item.pk, "appearance"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert _admin(checker).post(url).status_code == 302
    assert Appearance.objects.filter(claim=published_check, article=computed).exists()
    page = client.get(published_check.get_absolute_url()).content.decode()
    assert "Also appeared in:" in page and "Beispielbote — " in page
    assert "Rentenstreit im Landtag" in page


def test_api_lists_ranked_items(computed, checker, published_check):
    response = desk_api_client(checker).get(INBOX)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)
    first = results[0]
    assert {
        "id",
        "kind",
        "article",
        "start",
        "end",
        "quote",
        "speaker",
        "score",
        "reasons",
        "reason_codes",
        "already_checked",
    } <= set(first)
    repeat = next(r for r in results if r["already_checked"])
    assert repeat["already_checked"]["claim"] == published_check.pk
    assert repeat["already_checked"]["url"].endswith(published_check.get_absolute_url())
    assert "repeats a checked claim" in repeat["reasons"] and "repeat" in repeat["reason_codes"]
    assert desk_api_client(checker).get(INBOX, {"outlet": "Nirgendwo"}).json()["results"] == []
    assert desk_api_client(checker).get(INBOX, {"speaker": "x"}).status_code == 400


def test_api_actions(computed, checker, editor, published_check):
    api = desk_api_client(checker)
    items = api.get(INBOX).json()["results"]
    repeat = next(r for r in items if r["already_checked"])
    other = next(r for r in items if not r["already_checked"])
    assigned = api.post(f"{INBOX}{other['id']}/assign/", {"assignee": editor.pk}, format="json")
    assert assigned.status_code == 200 and assigned.json()["assignee"] == editor.username
    with TestCase.captureOnCommitCallbacks(execute=True):
        recorded = api.post(f"{INBOX}{repeat['id']}/appearance/", format="json")
    assert recorded.status_code == 200 and recorded.json()["state"] == "appearance"
    dismissed = api.post(f"{INBOX}{other['id']}/dismiss/", format="json")
    assert dismissed.status_code == 200 and dismissed.json()["state"] == "dismissed"
    again = api.post(f"{INBOX}{other['id']}/dismiss/", format="json")
    assert again.status_code == 400
    assert api.post(f"{INBOX}999999/dismiss/", format="json").status_code == 404


def test_api_needs_inbox_permission(computed):
    nobody = factories.UserFactory(username="plainstaff", is_staff=True)
    assert desk_api_client(nobody).get(INBOX).status_code == 403


def _count(fetch) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert fetch().status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_items(checker, published_check, imported_article):
    client, api = _admin(checker), desk_api_client(checker)
    page_url = reverse("admin:intake_inboxitem_changelist")
    _seed(imported_article, 10, matched=published_check)
    small = (_count(lambda: client.get(page_url)), _count(lambda: api.get(INBOX)))
    InboxItem.objects.all().delete()
    _seed(imported_article, 100, matched=published_check)
    large = (_count(lambda: client.get(page_url)), _count(lambda: api.get(INBOX)))
    assert small == large
    assert large[1] <= 8


def test_split_view_records_an_appearance(computed, checker, published_check):
    import json

    url = reverse("admin:claims_article_split_appearance", args=[computed.pk])
    client = _admin(checker)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            url, json.dumps({"claim": published_check.pk}), content_type="application/json"
        )
    assert response.status_code == 201
    assert Appearance.objects.filter(claim=published_check, article=computed).exists()
    draft = factories.ClaimFactory()
    refused = client.post(url, json.dumps({"claim": draft.pk}), content_type="application/json")
    assert refused.status_code == 400


def test_split_similar_offers_only_published_checks(checker, published_check, speaker):
    draft_article = factories.ArticleFactory(
        text="Die Renten sind seit 2010 um 40 Prozent gestiegen."
    )
    factories.ClaimFactory(
        article=draft_article,
        speaker=speaker,
        quote="Die Renten sind seit 2010 um 40 Prozent gestiegen",
        claim="Die Renten sind seit 2010 um 40 Prozent gestiegen",
    )
    client = _admin(checker)
    url = reverse("admin:claims_article_split_similar")
    found = client.get(
        url,
        {"q": "Die Kriminalität sei so niedrig wie seit 30 Jahren nicht mehr", "language": "de"},
    ).json()
    assert found["results"][0]["id"] == published_check.pk
    assert found["results"][0]["headline"] == "Die Kriminalität ist nicht auf einem Tiefstand"
    draft = client.get(
        url, {"q": "Die Renten sind seit 2010 um 40 Prozent gestiegen", "language": "de"}
    ).json()
    assert all(r.get("id") != draft_article.pk for r in draft["results"])
    assert not any("Renten" in r["claim"] for r in draft["results"])


def test_split_view_decisions_follow_into_the_inbox(computed, checker, speaker):
    import json

    client = _admin(checker)
    first, second = InboxItem.objects.filter(article=computed).order_by("start")[:2]
    body = {
        "start": first.start,
        "end": first.end,
        "speaker": speaker.pk,
        "claim": "Die Renten sind seit 2010 um 40 Prozent gestiegen",
        "attribution": "indirect",
    }
    made = client.post(
        reverse("admin:claims_article_split_claims", args=[computed.pk]),
        json.dumps(body),
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    first.refresh_from_db()
    assert first.state == "accepted" and first.claim_id == made.json()["claim"]["id"]
    dismissed = client.post(
        reverse("admin:claims_article_split_dismiss", args=[computed.pk]),
        json.dumps({"start": second.start, "end": second.end}),
        content_type="application/json",
    )
    assert dismissed.status_code == 200
    second.refresh_from_db()
    assert second.state == "dismissed" and second.decided_by == checker


def test_inbox_is_staff_only_data(computed, client, published_check):
    """No inbox word reaches a public page, the public search or the partner API."""
    from partners.services import partner_key_create
    from tests.helpers.api import api_client

    marker = "Radwege"
    assert InboxItem.objects.filter(quote__contains=marker).exists()
    assert client.get(reverse("admin:intake_inboxitem_changelist")).status_code == 302
    for url in ("/", published_check.get_absolute_url(), f"/?q={marker}"):
        assert marker not in client.get(url).content.decode()
    _key, secret = partner_key_create(name="P")
    partner = api_client(f"Api-Key {secret}")
    assert marker not in partner.get("/api/v1/claims/", {"q": marker}).content.decode()
    assert partner.get("/api/v1/desk/inbox/").status_code == 401
