"""The admin: "Add by URL", the importing page that lands in the split view or says why
it failed, the import state in the articles list, and the editors' watched feeds."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims.models import Article
from intake.models import Feed
from tests.intake.pages import INDEX_PAGE, german_page, rss

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("intake_env", "loopback_only")]

ADD = reverse("admin:claims_article_add_by_url")


def test_add_by_url_then_importing_then_the_split_view(
    client, checker, http_server, django_capture_on_commit_callbacks
):
    http_server.respond("/bus", body=german_page())
    client.force_login(checker)
    listing = client.get(reverse("admin:claims_article_changelist"))
    assert ADD.encode() in listing.content  # the button on the articles list
    form = client.get(ADD)
    assert form.status_code == 200
    with django_capture_on_commit_callbacks(execute=False) as sent:
        response = client.post(ADD, {"url": http_server.url("/bus")})
    article = Article.objects.get()
    importing = reverse("admin:claims_article_importing", args=[article.pk])
    assert response.status_code == 302 and response["Location"] == importing
    page = client.get(importing)
    assert page.status_code == 200
    assert b'http-equiv="refresh"' in page.content  # it looks again by itself
    assert b"Importing" in page.content
    # The split view of an article not in yet leads back to the importing page.
    split = reverse("admin:claims_article_split", args=[article.pk])
    assert client.get(split)["Location"] == importing
    listing = client.get(reverse("admin:claims_article_changelist"))
    assert b"desk-state--pending" in listing.content
    for callback in sent:
        callback()
    landed = client.get(importing)
    assert landed.status_code == 302 and landed["Location"] == split
    assert client.get(split).status_code == 200
    listing = client.get(reverse("admin:claims_article_changelist") + "?import_state=imported")
    assert b"Neuer Busfahrplan" in listing.content


def test_a_failed_import_says_why_in_german(
    client, checker, http_server, django_capture_on_commit_callbacks
):
    http_server.respond("/", body=INDEX_PAGE)
    client.force_login(checker)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ADD, {"url": http_server.url("/")})
    article = Article.objects.get()
    page = client.get(
        reverse("admin:claims_article_importing", args=[article.pk]), HTTP_ACCEPT_LANGUAGE="de"
    )
    assert page.status_code == 200
    assert b"http-equiv" not in page.content  # done: no more refreshing
    assert b"Der Import ist fehlgeschlagen" in page.content


def test_a_bad_or_refused_address_is_a_form_error(client, checker, loopback_only):
    client.force_login(checker)
    for url in ("ftp://x.example/a", "http://169.254.169.254/latest/"):
        response = client.post(ADD, {"url": url})
        assert response.status_code == 200
        assert b"errorlist" in response.content
    assert not Article.objects.exists()
    assert not loopback_only


def test_a_known_article_leads_to_it(
    client, checker, http_server, django_capture_on_commit_callbacks
):
    http_server.respond("/one", body=german_page())
    http_server.respond("/two", body=german_page())
    client.force_login(checker)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ADD, {"url": http_server.url("/one")})
        response = client.post(ADD, {"url": http_server.url("/two")})
    first = Article.objects.get(import_state="imported")
    second = Article.objects.get(import_state="failed")
    landed = client.get(response["Location"])
    assert landed["Location"] == reverse("admin:claims_article_split", args=[first.pk])
    assert second.import_record.duplicate_of == first


def test_editors_add_feeds_checkers_only_see_them(
    client, editor, checker, http_server, django_capture_on_commit_callbacks
):
    http_server.respond("/feed", body=rss([]), content_type="application/rss+xml")
    add = reverse("admin:intake_feed_add")
    client.force_login(checker)
    assert client.get(add).status_code == 403
    assert client.get(reverse("admin:intake_feed_changelist")).status_code == 200
    client.force_login(editor)
    data = {
        "name": "Bote",
        "url": http_server.url("/feed"),
        "outlet": "Birkenfelder Bote",
        "language": "de",
        "interval_minutes": 15,
        "max_entries": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(add, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    feed = Feed.objects.get()
    assert feed.created_by == editor and feed.next_poll_at is not None
    # A private address is refused in the form.
    bad = client.post(add, {**data, "name": "Intern", "url": "http://10.0.0.1/feed"})
    assert bad.status_code == 200 and b"errorlist" in bad.content
    change = client.get(reverse("admin:intake_feed_change", args=[feed.pk]))
    assert change.status_code == 200
    assert b"Poll now" in change.content


def test_a_paused_feed_shows_why_and_can_be_resumed(
    client, editor, http_server, django_capture_on_commit_callbacks
):
    http_server.respond("/feed", body=rss([]), content_type="application/rss+xml")
    feed = Feed.objects.create(
        name="Bote",
        url=http_server.url("/feed"),
        state=Feed.State.PAUSED,
        failures=5,
        paused_reason="Paused after 5 failed polls in a row. The last one: not a feed",
    )
    client.force_login(editor)
    change = client.get(reverse("admin:intake_feed_change", args=[feed.pk]))
    assert b"Paused after 5 failed polls" in change.content
    assert b"Resume" in change.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:intake_feed_resume", args=[feed.pk]))
    assert response.status_code == 302
    feed.refresh_from_db()
    assert feed.state == Feed.State.ACTIVE and feed.failures == 0
    assert feed.last_polled_at is not None  # polled at once


def test_the_latest_entries_show_the_desk_time_zone(client, editor, settings):
    from datetime import UTC, datetime

    from intake.models import FeedEntry

    settings.TIME_ZONE = "Europe/Berlin"
    feed = Feed.objects.create(name="Bote", url="https://bote.example/feed")
    entry = FeedEntry.objects.create(feed=feed, guid="g1", url="https://bote.example/a")
    FeedEntry.objects.filter(pk=entry.pk).update(seen_at=datetime(2026, 11, 24, 7, 5, tzinfo=UTC))
    client.force_login(editor)
    page = client.get(reverse("admin:intake_feed_change", args=[feed.pk])).content.decode()
    entries = page[page.index('class="desk-feed-entries"') :]
    assert "2026-11-24 08:05" in entries  # 07:05 UTC is 08:05 in Berlin
    assert "07:05" not in entries
