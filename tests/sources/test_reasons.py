"""Fetch failures said for people (translated), with the technical reason kept apart;
an HTTP error page is a failed attempt, never the archived copy."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from sources.reasons import human_reason
from tests import factories


@pytest.mark.parametrize(
    ("recorded", "expected"),
    [
        ("The server answered 404 Not Found.", "The page does not exist (any more)"),
        ("Dead link: The server answered 410 Gone.", "The page does not exist (any more)"),
        ("The server answered 503 Service Unavailable.", "server error (503)"),
        ("The server answered 429 Too Many Requests.", "slow down"),
        ("The server answered 403 Forbidden.", "refused the desk access"),
        (
            "The host name nowhere.example could not be resolved ([Errno -2] Name or service "
            "not known).",
            "name could not be found",
        ),
        ("The address 10.0.0.1 is private and refused.", "private network"),
        ("Looking up a.example took longer than 5 s.", "took too long"),
        ("The TLS certificate of a.example is not valid: expired.", "certificate"),
        ("Could not connect: [Errno 111] Connection refused.", "could not be reached"),
        ("The body is larger than 10485760 bytes.", "larger than the desk archives"),
    ],
)
def test_a_recorded_reason_becomes_a_sentence_with_the_detail_kept(recorded, expected):
    found = human_reason(recorded)
    assert expected in found.sentence
    assert "Errno" not in found.sentence
    assert found.detail == recorded


def test_retries_and_giving_up_are_said_as_such():
    found = human_reason(
        "Attempt 2 failed, retrying in 60 s: Looking up a.example took longer than 5 s."
    )
    assert found.sentence.startswith("Attempt 2 failed; the desk tries again.")
    assert "took too long" in found.sentence
    gave_up = human_reason("Gave up after 5 attempts: The server answered 502 Bad Gateway.")
    assert gave_up.sentence.startswith("The desk gave up after 5 attempts.")


def test_reasons_are_translated():
    with translation.override("de"):
        found = human_reason("The server answered 404 Not Found.")
    assert "Seite" in found.sentence


def test_no_reason_is_no_sentence():
    assert human_reason("") is None


@pytest.mark.django_db
def test_the_source_page_shows_reason_detail_and_next_attempt(admin_client):
    source = factories.SourceFactory(
        url="https://a.example/slow",
        state="pending",
        attempts=1,
        reason="Attempt 1 failed, retrying in 30 s: Looking up a.example took longer than 5 s.",
        next_attempt_at=timezone.now() + timezone.timedelta(seconds=30),
    )
    page = admin_client.get(reverse("admin:sources_source_changelist")).content.decode()
    assert "Attempt 1 failed; the desk tries again." in page
    assert "<details><summary>Technical detail</summary>" in page
    assert "Next attempt" in page
    assert source.url in page


@pytest.mark.django_db
def test_an_http_error_snapshot_is_never_offered_as_the_archived_copy(admin_client):
    source = factories.SourceFactory(url="https://a.example/gone", state="fetched")
    error = factories.SnapshotFactory(source=source, status_code=404)
    ok = factories.SnapshotFactory(source=source, status_code=200)
    page = admin_client.get(reverse("admin:sources_source_change", args=[source.pk]))
    html = page.content.decode()
    assert "failed attempt (HTTP 404)" in html
    assert reverse("admin:sources_snapshot_archive", args=[error.pk]) not in html
    if ok.body:
        assert reverse("admin:sources_snapshot_archive", args=[ok.pk]) in html
