"""Webhooks against a local receiver (a threaded HTTP server on 127.0.0.1): signed
deliveries on publish, correction and retraction; retries on errors; a bounded number of
attempts, with the failure in the delivery log; no packet to a refused destination."""

import hashlib
import hmac
import json
import time
from collections.abc import Iterator

import pytest

from claims import workflow
from partners import webhooks
from partners.models import Webhook, WebhookDelivery
from partners.tasks import webhook_sweep_task
from tests.sources.httpserver import LocalHTTPServer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _loopback_allowed_and_eager(settings) -> Iterator[None]:
    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    settings.WEBHOOK_TIMEOUT_SECONDS = 5
    # Tasks run in-process (no broker): retries happen at once, backoff is not waited for.
    from factcheck.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def receiver() -> Iterator[LocalHTTPServer]:
    """Answers /hook with the statuses in ``receiver.statuses`` (then 200)."""
    with LocalHTTPServer() as server:
        server.statuses = []

        def hook(exchange):
            status = server.statuses.pop(0) if server.statuses else 200
            exchange.respond(status, b"ok", content_type="text/plain")

        server.route("/hook", hook)
        yield server
    assert not server.errors


@pytest.fixture
def webhook(partner_key, receiver) -> Webhook:
    return webhooks.webhook_create(partner_key=partner_key.row, url=receiver.url("/hook"))


def _verify(secret: str, request) -> dict:
    """What the partner does (as documented): check the HMAC over "t.body", then parse."""
    header = request.headers["x-factcheck-signature"]
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(
        secret.encode(), f"{parts['t']}.".encode() + request.body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(expected, parts["v1"])
    assert abs(time.time() - int(parts["t"])) < 60
    return json.loads(request.body)


def test_publish_sends_a_signed_delivery(webhook, receiver, make_published):
    claim = make_published()  # runs what follows the commit, as a real one would

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert request.method == "POST"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-factcheck-event"] == "published"
    body = _verify(webhook.secret, request)
    assert body["event"] == "published"
    assert body["claim"]["id"] == claim.pk
    assert body["claim"]["status"] == "published"
    assert body["claim"]["api_url"] == f"https://faktencheck.example/api/v1/claims/{claim.pk}/"
    assert webhooks.webhook_signature_verify(
        webhook.secret, request.headers["x-factcheck-signature"], request.body
    )

    delivery = WebhookDelivery.objects.get()
    assert request.headers["x-factcheck-delivery"] == str(delivery.pk)
    assert delivery.status == "succeeded"
    assert delivery.attempts == 1
    assert delivery.response_code == 200
    assert delivery.delivered_at is not None


def test_the_signature_refuses_tampering_and_replays():
    body = b'{"event":"published"}'
    now = int(time.time())
    header = webhooks.webhook_sign("s3cret", now, body)
    assert webhooks.webhook_signature_verify("s3cret", header, body)
    assert not webhooks.webhook_signature_verify("s3cret", header, body + b" ")
    assert not webhooks.webhook_signature_verify("other", header, body)
    old = webhooks.webhook_sign("s3cret", now - 3600, body)
    assert not webhooks.webhook_signature_verify("s3cret", old, body)
    assert not webhooks.webhook_signature_verify("s3cret", "garbage", body)


def test_retries_on_500_until_it_succeeds(webhook, receiver, make_published):
    receiver.statuses = [500, 503]
    make_published()

    assert len(receiver.requests) == 3
    ids = {r.headers["x-factcheck-delivery"] for r in receiver.requests}
    assert len(ids) == 1  # the same delivery each time: partners deduplicate on it
    for request in receiver.requests:
        _verify(webhook.secret, request)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("succeeded", 3, 200)
    assert delivery.error == ""


def test_gives_up_after_the_limit_with_the_failure_in_the_log(webhook, receiver, make_published):
    receiver.statuses = [500] * 10
    make_published()

    assert len(receiver.requests) == 3  # WEBHOOK_MAX_ATTEMPTS
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed"
    assert delivery.attempts == 3
    assert delivery.response_code == 500
    assert "Gave up after 3 attempts" in delivery.error
    assert "HTTP 500" in delivery.error
    assert delivery.next_attempt_at is None
    # A late duplicate of an attempt that ran does nothing.
    assert webhooks.webhook_deliver(delivery_id=delivery.pk, attempt=3).status == "skipped"
    assert len(receiver.requests) == 3


def test_a_connection_error_is_retried_then_logged(partner_key, make_published):
    with LocalHTTPServer() as gone:
        url = gone.url("/hook")  # nothing listens here once it stops
    Webhook.objects.create(partner_key=partner_key.row, url=url)
    make_published()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("failed", 3, None)
    assert delivery.error


def test_correction_and_retraction_are_delivered(
    webhook, receiver, editor, make_published, django_capture_on_commit_callbacks
):
    claim = make_published()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.claim_correct(claim=claim, user=editor, version=claim.version, note="Präzisiert")
    claim.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.claim_retract(claim=claim, user=editor, version=claim.version, reason="Irrtum")

    events = [r.headers["x-factcheck-event"] for r in receiver.requests]
    assert events == ["published", "corrected", "retracted"]
    retraction = _verify(webhook.secret, receiver.requests[-1])
    assert retraction["claim"]["status"] == "retracted"


def test_only_subscribed_events_and_active_endpoints_of_valid_keys(
    partner_key, revoked_key, receiver, editor, make_published, django_capture_on_commit_callbacks
):
    webhooks.webhook_create(
        partner_key=partner_key.row, url=receiver.url("/hook"), events=["retracted"]
    )
    inactive = webhooks.webhook_create(partner_key=partner_key.row, url=receiver.url("/hook"))
    inactive.active = False
    inactive.save()
    Webhook.objects.create(partner_key=revoked_key.row, url=receiver.url("/hook"))

    claim = make_published()
    assert receiver.requests == []
    with django_capture_on_commit_callbacks(execute=True):
        workflow.claim_retract(claim=claim, user=editor, version=claim.version, reason="Irrtum")
    assert [r.headers["x-factcheck-event"] for r in receiver.requests] == ["retracted"]


def test_a_refused_destination_fails_at_once_without_a_packet(
    settings, partner_key, receiver, make_published
):
    # Registered while loopback was allowed; the rules changed since.
    Webhook.objects.create(partner_key=partner_key.row, url=receiver.url("/hook"))
    settings.FETCH_ALLOW_NETWORKS = []
    make_published()

    assert receiver.connections == 0
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert "refused" in delivery.error.lower() or "loopback" in delivery.error.lower()


def test_registration_applies_the_fetcher_rules(settings, partner_key):
    from claims.errors import InvalidInput

    settings.FETCH_ALLOW_NETWORKS = []
    for url in ("http://127.0.0.1:8000/hook", "http://169.254.169.254/", "ftp://x.example/"):
        with pytest.raises(InvalidInput):
            webhooks.webhook_create(partner_key=partner_key.row, url=url)
    with pytest.raises(InvalidInput):
        webhooks.webhook_create(
            partner_key=partner_key.row, url="https://p.example/hook", events=["deleted"]
        )


def test_the_sweep_resends_a_lost_reminder(webhook, receiver, make_published):
    from django.utils import timezone

    claim = make_published(run_on_commit=False)  # on_commit not run: the task message is "lost"
    webhooks.webhooks_enqueue(claim.pk, "published")
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and receiver.requests == []
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timezone.timedelta(minutes=10)
    )

    assert webhook_sweep_task() == 1

    delivery.refresh_from_db()
    assert delivery.status == "succeeded"
    assert len(receiver.requests) == 1
