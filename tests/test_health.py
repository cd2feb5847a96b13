"""/health/ reports the database, cache, broker and worker; 503 when something is wrong."""

import time

import pytest

from factcheck import health
from factcheck.tasks import HEARTBEAT_KEY, worker_heartbeat

pytestmark = pytest.mark.django_db


def test_embedded_default_is_healthy(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "broker": "in-process",
        "worker": "in-process",
        "feeds": "ok",
    }
    assert "no-cache" in response["Cache-Control"]


def test_health_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/health/").status_code == 200


def test_a_dead_broker_and_a_missing_worker_make_it_unhealthy(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and body["broker"].startswith("error")
    assert body["worker"].startswith("no heartbeat")


def test_worker_heartbeat(client, settings, monkeypatch):
    from django.core.cache import cache

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    monkeypatch.setitem(health.CHECKS, "broker", lambda: "ok")
    worker_heartbeat()
    assert client.get("/health/").json()["worker"] == "ok"
    cache.set(HEARTBEAT_KEY, time.time() - 3600)
    response = client.get("/health/")
    assert response.status_code == 503 and "ago" in response.json()["worker"]


def test_json_log_lines():
    import json
    import logging

    from factcheck.logging import JsonFormatter

    record = logging.makeLogRecord(
        {
            "name": "sources",
            "levelname": "INFO",
            "msg": "fetched %s",
            "args": ("x",),
            "source_id": 7,
        }
    )
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "fetched x" and line["source_id"] == 7 and line["logger"] == "sources"


def test_a_feed_not_polled_for_three_intervals_makes_it_unhealthy(client):
    from datetime import timedelta

    from django.utils import timezone

    from intake.models import Feed

    feed = Feed.objects.create(name="Bote", url="https://bote.example/feed", interval_minutes=10)
    Feed.objects.filter(pk=feed.pk).update(last_polled_at=timezone.now() - timedelta(minutes=25))
    assert client.get("/health/").json()["feeds"] == "ok"
    Feed.objects.filter(pk=feed.pk).update(last_polled_at=timezone.now() - timedelta(minutes=31))
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["feeds"].startswith("1 feed(s) not polled for three intervals: Bote")
    # A paused feed is not expected to be polled.
    Feed.objects.filter(pk=feed.pk).update(state="paused")
    assert client.get("/health/").status_code == 200
