"""The DataFeed as a file built in the background (partners.api.datafeed): the same bytes
as the streamed feed, served like a static file (ETag, 304, Range, gzip), debounced builds
after public changes, and the fallback while no file is built."""

import gzip
import json

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage

from partners.api import datafeed, selectors
from partners.api import middleware as partner_middleware
from partners.api.serializers import datafeed_stream
from publishing import caching

pytestmark = pytest.mark.django_db

FEED = "/api/v1/claimreview/"


def _streamed() -> bytes:
    queryset = selectors.claimreview_feed()
    _count, newest = selectors.claims_stamp(queryset)
    return b"".join(datafeed_stream(queryset.iterator(chunk_size=500), newest=newest))


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def published(make_published, datafeed_builds):
    """Three published verdicts (one with hostile text); each publication built the file."""
    return [
        make_published(verdict={"headline": "</script> \u2028 „Zitat“"}),
        make_published(rating="richtig"),
        make_published(),
    ]


def test_the_file_holds_the_bytes_of_the_streamed_feed(partner, published, monkeypatch):
    response = partner.get(FEED)
    assert response.streaming and response.status_code == 200
    body = _body(response)
    assert body == _streamed()
    assert len(json.loads(body)["dataFeedElement"]) == 3
    assert response["Content-Type"] == "application/json"
    assert response["Content-Length"] == str(len(body))
    assert response["Accept-Ranges"] == "bytes"
    # Byte for byte what DRF renders for the whole feed (the small desk's fallback).
    monkeypatch.setattr(datafeed, "datafeed_current", lambda count, newest: None)
    monkeypatch.setattr(datafeed, "datafeed_request_build", lambda: None)
    caching.bump_generation()
    rendered = partner.get(FEED)
    assert not rendered.streaming and rendered.content == body


def test_etag_304_range_and_gzip(partner, published):
    whole = partner.get(FEED)
    body = _body(whole)
    etag = whole["ETag"]
    assert partner.get(FEED, HTTP_IF_NONE_MATCH=etag).status_code == 304

    part = partner.get(FEED, HTTP_RANGE="bytes=10-19")
    assert part.status_code == 206 and _body(part) == body[10:20]
    assert part["Content-Range"] == f"bytes 10-19/{len(body)}"
    assert part["Content-Length"] == "10"
    assert _body(partner.get(FEED, HTTP_RANGE="bytes=-5")) == body[-5:]
    assert _body(partner.get(FEED, HTTP_RANGE=f"bytes={len(body) - 3}-")) == body[-3:]
    refused = partner.get(FEED, HTTP_RANGE=f"bytes={len(body)}-")
    assert refused.status_code == 416 and refused["Content-Range"] == f"bytes */{len(body)}"
    stale = partner.get(FEED, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"another"')
    assert stale.status_code == 200 and _body(stale) == body  # If-Range: the whole file

    packed = partner.get(FEED, HTTP_ACCEPT_ENCODING="br, gzip")
    assert packed["Content-Encoding"] == "gzip" and packed["ETag"] != etag
    assert gzip.decompress(_body(packed)) == body
    assert "Accept-Encoding" in packed["Vary"] and "Accept-Encoding" in whole["Vary"]
    refused_gzip = partner.get(FEED, HTTP_ACCEPT_ENCODING="gzip;q=0")
    assert "Content-Encoding" not in refused_gzip and _body(refused_gzip) == body
    other = partner.get(FEED, HTTP_IF_NONE_MATCH=packed["ETag"])
    assert other.status_code == 200  # the identity bytes have their own ETag
    revalidated = partner.get(FEED, HTTP_IF_NONE_MATCH=packed["ETag"], HTTP_ACCEPT_ENCODING="gzip")
    assert revalidated.status_code == 304


def test_repeated_requests_are_answered_in_front(partner, published, django_assert_num_queries):
    first = partner.get(FEED)
    _body(first)
    with django_assert_num_queries(0):
        again = partner.get(FEED)
        body = _body(again)
    assert body == _streamed()
    assert list(again.items()) == list(first.items())
    keys = list(partner_middleware.copies.items)
    assert any(key.startswith("200|") for key in keys)


def test_a_publication_builds_a_new_file_and_the_old_one_is_not_served(
    partner, published, make_published
):
    before = partner.get(FEED)["ETag"]
    make_published(verdict={"headline": "Neu im Feed"})
    response = partner.get(FEED)
    assert response["ETag"] != before
    assert "Neu im Feed" in _body(response).decode()


def test_without_a_file_the_feed_is_built_per_request_and_a_build_is_queued(
    partner, make_published, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    make_published()  # no file: builds are off in this test
    queued = []
    monkeypatch.setattr(datafeed, "datafeed_request_build", lambda: queued.append(1))
    response = partner.get(FEED)
    assert response.status_code == 200 and not response.streaming
    assert len(response.json()["dataFeedElement"]) == 1
    assert queued == [1]
    assert not default_storage.exists(datafeed.DIRECTORY)


def test_builds_are_debounced(make_published, datafeed_builds, monkeypatch, settings):
    """A burst of changes queues one build; the build clears the mark first, so a change
    after it queues the next."""
    from celery import current_app

    sent = []
    task = current_app.tasks[datafeed.BUILD_TASK]
    monkeypatch.setattr(task, "apply_async", lambda **kwargs: sent.append(kwargs))
    settings.DATAFEED_DEBOUNCE_SECONDS = 10
    for _ in range(3):
        make_published()
    assert sent == [{"countdown": 10.0}]
    assert cache.get(datafeed.PENDING_KEY) == 1
    datafeed.datafeed_build()
    assert cache.get(datafeed.PENDING_KEY) is None
    make_published()
    assert len(sent) == 2


def test_a_build_of_an_unchanged_desk_keeps_its_file(published):
    files = set(default_storage.listdir(datafeed.DIRECTORY)[1])
    built = datafeed.datafeed_build()
    assert set(default_storage.listdir(datafeed.DIRECTORY)[1]) == files
    assert f"{built.etag}.json" in files and f"{built.etag}.json.gz" in files


def test_old_files_are_removed_after_a_while(published, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    later = timezone.now() + datafeed.KEEP_OLD + timedelta(minutes=1)
    monkeypatch.setattr(datafeed.timezone, "now", lambda: later)
    built = datafeed.datafeed_build()
    files = set(default_storage.listdir(datafeed.DIRECTORY)[1])
    pointers = {name for name in files if name.startswith("stamp-")}
    assert files - pointers == {f"{built.etag}.json", f"{built.etag}.json.gz"}
    assert len(pointers) == 1
