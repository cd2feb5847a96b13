"""The desk API's import by URL: 202 while importing, 200 for an article the desk has,
400 for a bad or refused address; GET shows the state, the reason and, once imported,
the text."""

from __future__ import annotations

import pytest

from claims.models import Article
from tests.helpers.api import desk_api_client
from tests.intake.pages import INDEX_PAGE, german_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("intake_env", "loopback_only")]

ARTICLES = "/api/v1/desk/articles/"


@pytest.fixture
def api(checker):
    return desk_api_client(checker)


def test_post_url_answers_202_then_get_shows_the_article(
    api, http_server, django_capture_on_commit_callbacks
):
    http_server.respond("/bus", body=german_page())
    url = http_server.url("/bus")
    with django_capture_on_commit_callbacks(execute=False) as sent:
        response = api.post(ARTICLES, {"url": url}, format="json")
    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["import_state"] == "importing"
    assert body["title"] == url and body["text"] == ""
    pending = api.get(f"{ARTICLES}{body['id']}/").json()
    assert pending["import_state"] == "importing"
    for callback in sent:  # the background fetch
        callback()
    done = api.get(f"{ARTICLES}{body['id']}/").json()
    assert done["import_state"] == "imported"
    assert done["import_reason"] == ""
    assert done["title"] == "Neuer Busfahrplan für Birkenfeld"
    assert "Anna Keller" in done["text"]
    assert done["url"] == url
    assert done["language"] == "de"
    assert done["published_on"] == "2026-11-24"
    # The same URL again: 200 with the article the desk has.
    again = api.post(ARTICLES, {"url": url}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == body["id"] and again.json()["text"] == done["text"]
    listed = api.get(ARTICLES).json()["results"]
    assert listed[0]["import_state"] == "imported"


def test_a_failed_import_says_why_in_the_requests_language(
    api, http_server, django_capture_on_commit_callbacks
):
    http_server.respond("/", body=INDEX_PAGE)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(ARTICLES, {"url": http_server.url("/")}, format="json")
    article_id = response.json()["id"]
    english = api.get(f"{ARTICLES}{article_id}/").json()
    assert english["import_state"] == "failed"
    assert english["text"] == ""
    assert "no article text" in english["import_reason"]
    german = api.get(f"{ARTICLES}{article_id}/", HTTP_ACCEPT_LANGUAGE="de").json()
    assert german["import_reason"] != english["import_reason"]


def test_a_duplicate_points_to_the_existing_article(
    api, http_server, django_capture_on_commit_callbacks
):
    http_server.respond("/one", body=german_page())
    http_server.respond("/two", body=german_page())
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(ARTICLES, {"url": http_server.url("/one")}, format="json").json()
        second = api.post(ARTICLES, {"url": http_server.url("/two")}, format="json").json()
    got = api.get(f"{ARTICLES}{second['id']}/").json()
    assert got["import_state"] == "failed"
    assert got["duplicate_of"] == first["id"]
    again = api.post(ARTICLES, {"url": http_server.url("/two")}, format="json")
    assert again.status_code == 200 and again.json()["id"] == first["id"]


@pytest.mark.parametrize(
    "url",
    ["", "not a url", "ftp://example.org/a", "http://10.0.0.1/a", "http://169.254.169.254/"],
)
def test_a_bad_or_refused_url_is_a_400_with_a_message(api, url, loopback_only):
    response = api.post(ARTICLES, {"url": url}, format="json")
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["message"]
    assert not Article.objects.exists()
    assert not loopback_only


def test_pasted_text_still_answers_201(api):
    response = api.post(
        ARTICLES,
        {
            "title": "T",
            "text": "Der Minister sagte, es gebe keine Probleme.",
            "url": "https://x.example/a",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["import_state"] == "imported"


def test_import_needs_the_permission_to_add_articles(http_server, django_user_model):
    user = django_user_model.objects.create_user("visitor", is_staff=True)
    response = desk_api_client(user).post(ARTICLES, {"url": http_server.url("/a")}, format="json")
    assert response.status_code == 403
