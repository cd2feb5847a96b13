"""Watched feeds (intake.feeds): conditional polls, new entries imported by URL at most N
per poll, deduplication by GUID and URL, hostile feeds, pausing, the beat's choice."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from claims.errors import InvalidInput, NotAllowed
from claims.models import Article
from intake import feeds
from intake.models import Feed, FeedEntry
from intake.signals import article_imported, feed_paused
from tests.intake.pages import BILLION_LAUGHS, atom, german_page, numbered_page, rss

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("intake_env", "loopback_only")]


@pytest.fixture
def poll(django_capture_on_commit_callbacks):
    """Poll a feed and run what the commit sends (the imports, in-process)."""

    def run(feed: Feed, **kwargs) -> feeds.PollReport:
        with django_capture_on_commit_callbacks(execute=True):
            report = feeds.feed_poll(feed_id=feed.pk, **kwargs)
        feed.refresh_from_db()
        return report

    return run


def make_feed(url: str, **kwargs) -> Feed:
    kwargs.setdefault("name", "Birkenfelder Bote")
    return Feed.objects.create(url=url, next_poll_at=timezone.now(), **kwargs)


def serve_feed(
    server, path: str, body: bytes, *, etag: str = '"v1"', content_type: str = "application/rss+xml"
):
    """Serve ``body`` with an ETag and Last-Modified, answering 304 to a matching request."""

    def handler(ex):
        if ex.request.headers.get("if-none-match") == etag:
            ex.respond(304, b"", content_type=None)
            return
        ex.respond(
            200,
            body,
            headers={"ETag": etag, "Last-Modified": "Tue, 24 Nov 2026 08:00:00 GMT"},
            content_type=content_type,
        )

    server.route(path, handler)


def test_a_rss_feed_imports_its_entries_and_answers_304_next_time(poll, http_server):
    for n in range(3):
        http_server.respond(f"/artikel/{n}", body=numbered_page(n))
    items = [(f"guid-{n}", http_server.url(f"/artikel/{n}"), f"Meldung {n}") for n in range(3)]
    serve_feed(http_server, "/feed.xml", rss(items))
    feed = make_feed(http_server.url("/feed.xml"), language="de", outlet="Bote")
    seen = []
    article_imported.connect(
        lambda sender, **kw: seen.append(kw["feed"]), weak=False, dispatch_uid="t1"
    )
    try:
        report = poll(feed)
    finally:
        article_imported.disconnect(dispatch_uid="t1")
    assert (report.outcome, report.new, report.imported) == ("polled", 3, 3)
    assert set(FeedEntry.objects.values_list("state", flat=True)) == {"imported"}
    assert Article.objects.filter(import_state="imported").count() == 3
    assert seen == [feed, feed, feed]  # each new article announced with its feed
    assert feed.etag == '"v1"' and feed.last_modified
    assert feed.failures == 0 and feed.last_success_at is not None
    assert feed.next_poll_at > timezone.now() + timedelta(minutes=25)

    report = poll(feed)
    assert report.outcome == "not-modified"
    assert http_server.requests[-1].headers["if-none-match"] == '"v1"'
    assert http_server.requests[-1].headers["if-modified-since"] == "Tue, 24 Nov 2026 08:00:00 GMT"
    assert Article.objects.count() == 3


def test_an_atom_feed_and_new_entries_later(poll, http_server):
    for n in range(3):
        http_server.respond(f"/en/{n}", body=numbered_page(n + 10))
    items = [(f"urn:x:{n}", http_server.url(f"/en/{n}"), f"Story {n}") for n in range(2)]
    serve_feed(http_server, "/atom", atom(items), content_type="application/atom+xml")
    feed = make_feed(http_server.url("/atom"))
    assert poll(feed).imported == 2
    # The feed grows: one entry more, a new ETag.
    items.append(("urn:x:2", http_server.url("/en/2"), "Story 2"))
    serve_feed(http_server, "/atom", atom(items), etag='"v2"', content_type="application/atom+xml")
    report = poll(feed)
    assert (report.new, report.imported) == (1, 1)
    assert FeedEntry.objects.filter(feed=feed).count() == 3


def test_entries_are_deduplicated_by_guid_and_by_url(poll, http_server):
    http_server.respond("/a", body=german_page())
    # The same GUID twice in one feed, and another GUID pointing to the same article.
    items = [
        ("g1", http_server.url("/a"), "A"),
        ("g1", http_server.url("/a"), "A again"),
        ("g2", http_server.url("/a") + "?utm_source=rss", "A by another id"),
    ]
    serve_feed(http_server, "/feed", rss(items))
    feed = make_feed(http_server.url("/feed"))
    report = poll(feed)
    assert report.new == 2 and report.imported == 2  # both sent; one is the other's article
    states = dict(FeedEntry.objects.values_list("guid", "state"))
    assert states == {"g1": "imported", "g2": "duplicate"}
    article = Article.objects.get()
    assert set(FeedEntry.objects.values_list("article", flat=True)) == {article.pk}
    # A second feed carrying the same article: no second article.
    serve_feed(http_server, "/other", rss([("o1", http_server.url("/a"), "A")]))
    other = make_feed(http_server.url("/other"), name="Other")
    poll(other)
    assert Article.objects.count() == 1
    assert FeedEntry.objects.get(feed=other).state == "duplicate"


def test_the_same_text_from_a_feed_leaves_no_second_row(poll, http_server):
    http_server.respond("/one", body=german_page())
    http_server.respond("/two", body=german_page())
    serve_feed(
        http_server,
        "/feed",
        rss([("1", http_server.url("/one"), "1"), ("2", http_server.url("/two"), "2")]),
    )
    poll(make_feed(http_server.url("/feed")))
    assert Article.objects.count() == 1
    assert sorted(FeedEntry.objects.values_list("state", flat=True)) == ["duplicate", "imported"]
    assert FeedEntry.objects.filter(article__isnull=True).count() == 0


def test_at_most_n_entries_per_poll_and_the_rest_next_time(poll, http_server, settings):
    settings.INTAKE_FEED_MAX_ENTRIES = 2
    for n in range(5):
        http_server.respond(f"/n/{n}", body=numbered_page(n))
    serve_feed(
        http_server, "/feed", rss([(str(n), http_server.url(f"/n/{n}"), str(n)) for n in range(5)])
    )
    feed = make_feed(http_server.url("/feed"))
    report = poll(feed)
    assert (report.new, report.imported) == (5, 2)
    assert FeedEntry.objects.filter(state="new").count() == 3
    report = poll(feed)  # 304, yet the waiting entries are imported
    assert (report.outcome, report.imported) == ("not-modified", 2)
    poll(feed)
    assert Article.objects.filter(import_state="imported").count() == 5
    # The feed's own limit wins over the setting.
    feed.max_entries = 1
    feed.save()
    assert feeds._max_entries(feed) == 1


def test_entry_urls_go_through_the_ssrf_rules(poll, http_server, loopback_only):
    serve_feed(
        http_server,
        "/feed",
        rss(
            [
                ("meta", "http://169.254.169.254/latest/", "x"),
                ("lan", "http://10.0.0.1/", "y"),
                ("none", "", "no link"),
            ]
        ),
    )
    feed = make_feed(http_server.url("/feed"))
    report = poll(feed)
    assert report.outcome == "polled"
    entries = {e.guid: e for e in FeedEntry.objects.all()}
    assert entries["meta"].state == entries["lan"].state == "failed"
    assert "private network" in entries["lan"].reason
    assert entries["none"].state in ("skipped",)
    assert not Article.objects.exists()
    assert not loopback_only


# --- Hostile feeds ------------------------------------------------------------------------


def test_entity_expansion_is_refused_without_expanding(poll, http_server):
    serve_feed(http_server, "/lol", BILLION_LAUGHS)
    feed = make_feed(http_server.url("/lol"))
    report = poll(feed)
    assert report.outcome == "failed"
    assert "entities" in feed.last_reason
    assert feed.failures == 1
    assert not FeedEntry.objects.exists()


def test_a_50_mb_feed_is_cut_off_by_the_size_limit(poll, http_server):
    chunk = b"<item><title>" + b"x" * 65_000 + b"</title></item>"
    sent = []

    def huge(ex):
        ex.start(200, [("Content-Type", "application/rss+xml")])
        ex.write(b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>")
        for _ in range(50 * 1024 * 1024 // len(chunk)):
            if not ex.write(chunk):
                break
            sent.append(len(chunk))

    http_server.route("/huge", huge)
    feed = make_feed(http_server.url("/huge"))
    report = poll(feed)  # returns normally
    assert report.outcome == "failed"
    assert "larger than the desk reads" in feed.last_reason
    assert sum(sent) < 10 * 1024 * 1024  # the fetcher stopped reading near the 1 MB limit
    assert not FeedEntry.objects.exists()


def test_an_announced_50_mb_feed_is_not_read_at_all(poll, http_server):
    def announced(ex):
        ex.start(
            200,
            [("Content-Type", "application/rss+xml"), ("Content-Length", str(50 * 1024 * 1024))],
        )
        ex.write(b"<rss>")

    http_server.route("/big", announced)
    feed = make_feed(http_server.url("/big"))
    assert poll(feed).outcome == "failed"
    assert "larger" in feed.last_reason


@pytest.mark.parametrize(
    "body",
    [
        b"<!doctype html><html><body><p>Nur eine Seite</p></body></html>",
        b'{"items": []}',
        bytes(range(256)) * 10,
        b"",
    ],
    ids=["html", "json", "binary", "empty"],
)
def test_not_a_feed_is_a_reason_not_a_crash(poll, http_server, body):
    serve_feed(http_server, "/notfeed", body, content_type="text/html")
    feed = make_feed(http_server.url("/notfeed"))
    report = poll(feed)
    assert report.outcome == "failed"
    assert "not an RSS or Atom feed" in feed.last_reason


def test_a_feed_at_a_private_address_fails_with_a_reason(poll, loopback_only):
    feed = make_feed("http://169.254.169.254/feed")
    report = poll(feed)
    assert report.outcome == "failed"
    assert "private network" in feed.last_reason
    assert not loopback_only


def test_an_http_error_is_a_reason(poll, http_server):
    http_server.route("/feed", lambda ex: ex.respond(500, b"no"))
    feed = make_feed(http_server.url("/feed"))
    poll(feed)
    assert "server error" in feed.last_reason


# --- Pausing, resuming, polling now -------------------------------------------------------


def test_a_feed_that_keeps_failing_is_paused_with_a_notice(poll, http_server, settings, editor):
    settings.INTAKE_FEED_PAUSE_AFTER = 3
    http_server.route("/feed", lambda ex: ex.respond(404, b"no"))
    feed = make_feed(http_server.url("/feed"))
    paused = []
    feed_paused.connect(
        lambda sender, **kw: paused.append(kw["feed"].pk), weak=False, dispatch_uid="t2"
    )
    try:
        for _ in range(3):
            poll(feed)
    finally:
        feed_paused.disconnect(dispatch_uid="t2")
    assert feed.state == Feed.State.PAUSED
    assert feed.failures == 3
    assert "Paused after 3 failed polls" in feed.paused_reason
    assert paused == [feed.pk]
    # A paused feed is not polled by the beat …
    assert feeds.feeds_poll_due() == []
    assert poll(feed).outcome == "skipped"
    # … until an editor resumes it.
    http_server.respond("/feed", body=rss([]), content_type="application/rss+xml")
    feeds.feed_resume(feed=feed, user=editor)
    feed.refresh_from_db()
    assert feed.state == Feed.State.ACTIVE and feed.failures == 0 and not feed.paused_reason
    assert poll(feed).outcome == "polled"


def test_a_success_resets_the_failures(poll, http_server):
    state = {"ok": False}
    http_server.route(
        "/feed",
        lambda ex: (
            ex.respond(200, rss([]), content_type="application/rss+xml")
            if state["ok"]
            else ex.respond(503, b"")
        ),
    )
    feed = make_feed(http_server.url("/feed"))
    poll(feed)
    assert feed.failures == 1
    state["ok"] = True
    poll(feed)
    assert feed.failures == 0 and feed.last_reason == ""


def test_poll_now_polls_a_paused_feed(
    http_server, editor, checker, django_capture_on_commit_callbacks
):
    http_server.respond("/feed", body=rss([]), content_type="application/rss+xml")
    feed = make_feed(http_server.url("/feed"), state=Feed.State.PAUSED)
    with pytest.raises(NotAllowed):
        feeds.feed_poll_now(feed=feed, user=checker)
    feeds.feed_poll_now(feed=feed, user=editor)
    feed.refresh_from_db()
    assert feed.last_polled_at is not None and feed.state == Feed.State.PAUSED


# --- The beat -------------------------------------------------------------------------------


def test_the_beat_picks_only_due_active_feeds(http_server, django_capture_on_commit_callbacks):
    http_server.respond("/feed", body=rss([]), content_type="application/rss+xml")
    now = timezone.now()
    due = make_feed(http_server.url("/feed"))
    later = Feed.objects.create(
        name="later", url=http_server.url("/feed?later"), next_poll_at=now + timedelta(minutes=5)
    )
    paused = Feed.objects.create(
        name="paused",
        url=http_server.url("/feed?p"),
        next_poll_at=now - timedelta(minutes=5),
        state="paused",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert feeds.feeds_poll_due() == [due.pk]
    due.refresh_from_db()
    later.refresh_from_db()
    paused.refresh_from_db()
    assert due.last_polled_at is not None
    assert later.last_polled_at is None and paused.last_polled_at is None
    # Taken once: the next beat finds nothing due.
    assert feeds.feeds_poll_due() == []


@pytest.mark.django_db(transaction=True)
def test_two_beats_never_take_one_feed_twice(http_server):
    from django.db import connection, transaction

    feed = make_feed(http_server.url("/feed"))
    taken: list[list[int]] = []
    locked = threading.Event()
    release = threading.Event()

    def first():
        try:
            with transaction.atomic():
                Feed.objects.select_for_update().get(pk=feed.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert locked.wait(10)
    try:
        # While another transaction holds the row, the beat skips it (and does not wait).
        taken.append(feeds.feeds_poll_due())
    finally:
        release.set()
        thread.join()
    assert taken == [[]]


# --- The editors' form ------------------------------------------------------------------------


def test_feed_save_checks_the_address_and_permission(editor, checker, http_server):
    with pytest.raises(NotAllowed):
        feeds.feed_save(feed=Feed(name="x", url=http_server.url("/f")), user=checker)
    with pytest.raises(InvalidInput):
        feeds.feed_save(feed=Feed(name="x", url="http://10.1.2.3/feed"), user=editor)
    with pytest.raises(InvalidInput):
        feeds.feed_save(feed=Feed(name="x", url="file:///etc/passwd"), user=editor)
    feed = feeds.feed_save(feed=Feed(name="x", url=http_server.url("/f")), user=editor)
    assert feed.next_poll_at is not None and feed.created_by == editor
    with pytest.raises(InvalidInput):
        feeds.feed_save(feed=Feed(name="y", url=http_server.url("/f")), user=editor)


def test_a_new_feed_is_polled_at_once_a_changed_one_is_not(
    editor, http_server, django_capture_on_commit_callbacks
):
    http_server.respond("/a", body=german_page())
    serve_feed(http_server, "/f", rss([("g1", http_server.url("/a"), "A")]))
    with django_capture_on_commit_callbacks(execute=True):
        feed = feeds.feed_save(feed=Feed(name="x", url=http_server.url("/f")), user=editor)
    feed.refresh_from_db()
    assert len(http_server.requests_to("/f")) == 1
    assert feed.last_success_at is not None and feed.next_poll_at > timezone.now()
    assert FeedEntry.objects.get(feed=feed).state == "imported"
    feed.name = "renamed"
    with django_capture_on_commit_callbacks(execute=True):
        feeds.feed_save(feed=feed, user=editor)
    assert len(http_server.requests_to("/f")) == 1  # a change waits for its next poll


def test_the_health_check_names_an_overdue_feed(http_server):
    now = timezone.now()
    fresh = make_feed(http_server.url("/a"), interval_minutes=10)
    Feed.objects.filter(pk=fresh.pk).update(last_polled_at=now - timedelta(minutes=20))
    stale = make_feed(http_server.url("/b"), interval_minutes=10, name="stale")
    Feed.objects.filter(pk=stale.pk).update(last_polled_at=now - timedelta(minutes=31))
    paused = make_feed(http_server.url("/c"), interval_minutes=10, name="p", state="paused")
    Feed.objects.filter(pk=paused.pk).update(last_polled_at=now - timedelta(days=3))
    assert [f.pk for f in feeds.feeds_overdue()] == [stale.pk]


def test_the_editors_are_notified_when_a_feed_is_paused(
    poll, http_server, settings, editor, checker
):
    from newsdesk.models import Notification

    settings.INTAKE_FEED_PAUSE_AFTER = 1
    http_server.route("/feed", lambda ex: ex.respond(200, b"<html>no feed</html>"))
    feed = make_feed(http_server.url("/feed"), name="Bote")
    poll(feed)
    notes = Notification.objects.filter(kind="feed_paused")
    assert [n.recipient for n in notes] == [editor]
    assert "Bote" in notes[0].text and "not an RSS or Atom feed" in notes[0].text


def test_the_feeds_poll_command_does_what_beat_does(
    http_server, django_capture_on_commit_callbacks
):
    from io import StringIO

    from django.core.management import call_command

    http_server.respond("/feed", body=rss([]), content_type="application/rss+xml")
    feed = make_feed(http_server.url("/feed"))
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("feeds_poll", stdout=out)
    assert "feeds polled: 1" in out.getvalue()
    feed.refresh_from_db()
    assert feed.last_success_at is not None


def test_entries_whose_import_task_was_lost_wait_again(http_server, settings):
    from datetime import timedelta

    for n in range(2):
        http_server.respond(f"/n/{n}", body=numbered_page(n))
    serve_feed(
        http_server, "/feed", rss([(str(n), http_server.url(f"/n/{n}"), str(n)) for n in range(2)])
    )
    feed = make_feed(http_server.url("/feed"))
    # Polled, but the commit's messages never reach a worker (no capture: never sent).
    assert feeds.feed_poll(feed_id=feed.pk).imported == 2
    assert set(FeedEntry.objects.values_list("state", flat=True)) == {"importing"}
    Feed.objects.filter(pk=feed.pk).update(
        last_polled_at=timezone.now() - timedelta(hours=1), next_poll_at=timezone.now()
    )
    assert feeds._release_lost_entries(timezone.now()) == 2
    assert set(FeedEntry.objects.values_list("state", flat=True)) == {"new"}
    # A late task of a released entry does nothing; the next poll sends it again.
    entry = FeedEntry.objects.first()
    assert feeds.feed_entry_import(entry_id=entry.pk) == "skipped"


# --- A poll waits on the network without holding the feed's row ------------------------------


@pytest.mark.django_db(transaction=True)
def test_while_a_poll_fetches_the_feed_can_be_saved_and_a_second_poll_is_busy(http_server):
    from django.db import DatabaseError, connection, transaction

    feed = make_feed(http_server.url("/feed"))
    item = rss([("a-1", http_server.url("/a"), "Eins")])
    seen: dict[str, object] = {}

    def handler(ex):
        # This runs while the poll waits for the answer, on another database connection.
        try:
            with transaction.atomic():
                row = Feed.objects.select_for_update(nowait=True).get(pk=feed.pk)
                row.name = "Umbenannt"
                row.save(update_fields=["name"])
            seen["saved"] = True
        except DatabaseError as error:
            seen["saved"] = error
        seen["second poll"] = feeds.feed_poll(feed_id=feed.pk).outcome
        connection.close()
        ex.respond(200, item, content_type="application/rss+xml")

    http_server.route("/feed", handler)
    report = feeds.feed_poll(feed_id=feed.pk)
    assert seen == {"saved": True, "second poll": "busy"}
    assert report.outcome == "polled" and report.new == 1
    feed.refresh_from_db()
    assert feed.name == "Umbenannt"  # the editor's change stands
    assert (feed.poll_token, feed.poll_until) == ("", None)  # free for the next poll


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("meanwhile", ["taken over", "address changed"])
def test_a_poll_records_nothing_on_a_feed_that_is_no_longer_its_own(http_server, meanwhile):
    from django.db import connection

    feed = make_feed(http_server.url("/feed"))
    items = rss([("a-1", http_server.url("/a"), "Eins"), ("a-2", http_server.url("/b"), "Zwei")])

    def handler(ex):
        if meanwhile == "taken over":  # its time ran out and another poll took the feed
            Feed.objects.filter(pk=feed.pk).update(poll_token="another")
        else:
            Feed.objects.filter(pk=feed.pk).update(url=http_server.url("/other"))
        connection.close()
        ex.respond(200, items, content_type="application/rss+xml")

    http_server.route("/feed", handler)
    report = feeds.feed_poll(feed_id=feed.pk)
    assert report.outcome == ("busy" if meanwhile == "taken over" else "skipped")
    assert not FeedEntry.objects.filter(feed=feed).exists()
    feed.refresh_from_db()
    assert feed.etag == "" and feed.failures == 0


def test_a_poll_that_died_holds_its_feed_only_until_its_deadline(poll, http_server):
    serve_feed(http_server, "/feed", rss([("a-1", http_server.url("/a"), "Eins")]))
    feed = make_feed(http_server.url("/feed"))
    Feed.objects.filter(pk=feed.pk).update(
        poll_token="dead", poll_until=timezone.now() + timedelta(seconds=30)
    )
    assert poll(feed).outcome == "busy"
    Feed.objects.filter(pk=feed.pk).update(poll_until=timezone.now() - timedelta(seconds=1))
    assert poll(feed).outcome == "polled"
