"""Webhooks: partners are told when a verdict is published, corrected or retracted.

A partner registers an endpoint (``Webhook``) for its key. When a verdict is published,
corrected or retracted, the core announces it (``claims.signals.public_change``) and
``partners.receivers`` calls ``webhooks_enqueue``: one
``WebhookDelivery`` row per subscribed endpoint, with the body fixed at that moment, and
a Celery task per row after the commit. The row is the truth (status, attempts, next
attempt, last response); the task only carries the reminder.

Every attempt is a ``POST`` with ``Content-Type: application/json`` through the SSRF-safe
fetcher (the same rules as source fetching, ``FETCH_ALLOW_NETWORKS`` included; no
redirects followed), with these headers:

- ``X-Factcheck-Event``: ``published``, ``corrected`` or ``retracted``;
- ``X-Factcheck-Delivery``: the delivery id (the same on every retry: deduplicate on it);
- ``X-Factcheck-Signature``: ``t=<unix time>,v1=<hex>``, where ``<hex>`` is
  HMAC-SHA256 with the endpoint's secret over ``f"{t}.{body}"`` (``body``: the raw bytes
  of the request body, UTF-8).

To verify (see ``webhook_signature_verify``, a reference implementation): split the
header, recompute the HMAC over ``t + "." + raw body`` with your secret, compare in
constant time, and reject a ``t`` older than a few minutes (replays).

A 2xx answer is success. Anything else (another status, a timeout, a refused
connection) is retried with exponential backoff and jitter, up to
``WEBHOOK_MAX_ATTEMPTS`` attempts; then the delivery is ``failed`` with the last error in
the admin's delivery log. A destination the fetcher refuses (private address, bad
port…) fails at once: no packet is sent and retrying would not change that.
"""

import hashlib
import hmac
import json
import logging
import random
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import links
from claims.errors import InvalidInput
from claims.models import Claim
from sources import fetching

from .models import WEBHOOK_EVENTS, PartnerKey, Webhook, WebhookDelivery

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Factcheck-Signature"
EVENT_HEADER = "X-Factcheck-Event"
DELIVERY_HEADER = "X-Factcheck-Delivery"
# How old a signed timestamp a receiver should still accept.
SIGNATURE_TOLERANCE_SECONDS = 300
# How long an attempt may hold a delivery before the sweep may start another one.
DELIVERY_LEASE = timedelta(minutes=2)
USER_AGENT = "FactcheckDesk-Webhooks/1.0"


def webhook_policy() -> fetching.FetchPolicy:
    """The fetcher's rules for webhook deliveries (built when needed, never at import)."""
    return fetching.FetchPolicy.from_cidrs(
        settings.FETCH_ALLOW_NETWORKS,
        total_deadline=float(settings.WEBHOOK_TIMEOUT_SECONDS),
        read_timeout=float(settings.WEBHOOK_TIMEOUT_SECONDS),
        max_redirects=0,  # a webhook URL that redirects is a misconfiguration, not followed
        max_bytes=1024 * 1024,
        user_agent=USER_AGENT,
    )


def _clean_events(events: list[str] | None) -> list[str]:
    if events is None:
        return list(WEBHOOK_EVENTS)
    if (
        not isinstance(events, list)
        or not events
        or not all(isinstance(e, str) for e in events)
        or not set(events) <= set(WEBHOOK_EVENTS)
    ):
        raise InvalidInput(
            _("Choose one or more of: %(events)s.") % {"events": ", ".join(WEBHOOK_EVENTS)}
        )
    return sorted(set(events), key=WEBHOOK_EVENTS.index)


@transaction.atomic
def webhook_create(
    *, partner_key: PartnerKey, url: str, events: list[str] | None = None, secret: str = ""
) -> Webhook:
    """Register an endpoint for a partner key; the URL must pass the fetcher's rules."""
    try:
        fetching.validate_url(url, webhook_policy())
    except fetching.FetchError as error:
        raise InvalidInput(str(error)) from error
    webhook = Webhook(partner_key=partner_key, url=url, events=_clean_events(events))
    if secret:
        webhook.secret = secret
    try:
        webhook.full_clean()
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages)) from error
    webhook.save()
    return webhook


@transaction.atomic
def webhook_update(
    *, webhook: Webhook, url: str, events: list[str] | None, active: bool
) -> Webhook:
    """Change an endpoint's URL (checked like a new one), events or active flag."""
    webhook = Webhook.objects.select_for_update().get(pk=webhook.pk)
    if url != webhook.url:
        try:
            fetching.validate_url(url, webhook_policy())
        except fetching.FetchError as error:
            raise InvalidInput(str(error)) from error
    webhook.url, webhook.events, webhook.active = url, _clean_events(events), bool(active)
    try:
        webhook.full_clean()
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages)) from error
    webhook.save(update_fields=["url", "events", "active"])
    return webhook


def webhook_payload(claim: Claim, event: str) -> dict[str, Any]:
    """The body of a delivery: what happened to which claim; fetch the claim for details."""
    return {
        "event": event,
        "occurred_at": timezone.now().isoformat(),
        "claim": {
            "id": claim.pk,
            "status": claim.status,
            "version": claim.version,
            "updated_at": claim.updated_at.isoformat(),
            "url": links.claim_url(claim),
            "api_url": links.api_claim_url(claim.pk),
        },
    }


def webhooks_enqueue(claim_id: int, event: str) -> list[int]:
    """Queue a delivery of ``event`` about a claim to every subscribed active endpoint.

    Called by ``partners.receivers`` after the change committed. Returns the ids of
    the new deliveries; their tasks are sent after this transaction commits.
    """
    if event not in WEBHOOK_EVENTS:
        return []  # e.g. "sources": a cited source changed; not a partner event
    claim = Claim.objects.filter(pk=claim_id).first()
    if claim is None:
        return []
    webhooks = [
        webhook
        for webhook in Webhook.objects.filter(
            active=True, partner_key__revoked=False
        ).select_related("partner_key")
        if event in (webhook.events or []) and not webhook.partner_key.has_expired
    ]
    if not webhooks:
        return []
    payload = webhook_payload(claim, event)
    now = timezone.now()
    with transaction.atomic():
        deliveries = WebhookDelivery.objects.bulk_create(
            # next_attempt_at: if the task message is lost, the sweep finds the row.
            WebhookDelivery(
                webhook=webhook, event=event, claim=claim, payload=payload, next_attempt_at=now
            )
            for webhook in webhooks
        )
        ids = [delivery.pk for delivery in deliveries]
        transaction.on_commit(lambda: _send_tasks(ids))
    return ids


#: The delivery task's registered name (``partners.tasks``, imported by the app's ``ready``).
DELIVER_TASK = "claims.tasks.webhook_deliver_task"


def _send_tasks(delivery_ids: list[int]) -> None:
    # Looked up by name, not imported: ``partners.tasks`` imports this module.
    task = current_app.tasks[DELIVER_TASK]
    for delivery_id in delivery_ids:
        task.delay(delivery_id, 1)


def webhook_sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Factcheck-Signature`` header value for ``body`` sent at ``timestamp``."""
    message = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def webhook_signature_verify(
    secret: str,
    header: str,
    body: bytes,
    *,
    now: float | None = None,
    tolerance: int = SIGNATURE_TOLERANCE_SECONDS,
) -> bool:
    """What a receiver does: check the HMAC and that the timestamp is recent (no replays)."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = webhook_sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def webhook_retry_delay(attempt: int) -> float:
    """Seconds before attempt ``attempt + 1``: exponential, with jitter, capped."""
    base = float(settings.WEBHOOK_RETRY_BASE_SECONDS)
    delay = min(base * 2 ** (attempt - 1), float(settings.WEBHOOK_RETRY_MAX_DELAY))
    return delay * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not cryptography


@dataclass(frozen=True)
class DeliveryOutcome:
    status: str  # WebhookDelivery.Status, or "skipped" when this attempt was not ours
    retry_in: float | None = None  # seconds until the next attempt, when one is due


def _lease_attempt(delivery_id: int, attempt: int) -> WebhookDelivery | None:
    """Take attempt number ``attempt`` of a pending delivery, or None if it is not ours.

    Compare-and-set on ``attempts``: a duplicate message (broker redelivery, the sweep)
    for an attempt that already ran finds the counter moved on and does nothing.
    """
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("webhook")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
            return None
        if delivery.attempts != attempt - 1:
            return None
        delivery.attempts = attempt
        delivery.last_attempt_at = now
        delivery.next_attempt_at = now + DELIVERY_LEASE
        delivery.save(
            update_fields=["attempts", "last_attempt_at", "next_attempt_at", "updated_at"]
        )
    return delivery


def _finish(delivery: WebhookDelivery, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(delivery, name, value)
    delivery.save(update_fields=[*fields, "updated_at"])


def webhook_deliver(*, delivery_id: int, attempt: int) -> DeliveryOutcome:
    """Make attempt ``attempt`` (1-based) of a delivery and record the result.

    Never holds a database lock while talking to the partner's server.
    """
    delivery = _lease_attempt(delivery_id, attempt)
    if delivery is None:
        return DeliveryOutcome(status="skipped")
    max_attempts = int(settings.WEBHOOK_MAX_ATTEMPTS)
    if attempt > max_attempts:
        # The sweep found the last attempt abandoned (its worker died): do not exceed the limit.
        _finish(
            delivery,
            status=WebhookDelivery.Status.FAILED,
            error=_("Gave up after %(n)d attempts; the last one did not finish.")
            % {"n": max_attempts},
            next_attempt_at=None,
        )
        return DeliveryOutcome(status=WebhookDelivery.Status.FAILED)
    webhook = delivery.webhook
    body = json.dumps(delivery.payload, cls=DjangoJSONEncoder, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.pk),
        SIGNATURE_HEADER: webhook_sign(webhook.secret, int(time.time()), body),
    }
    code: int | None = None
    try:
        result = fetching.fetch(
            webhook.url, policy=webhook_policy(), method="POST", body=body, headers=headers
        )
    except (fetching.BlockedDestination, fetching.InvalidURL) as error:
        _finish(
            delivery,
            status=WebhookDelivery.Status.FAILED,
            error=str(error),
            next_attempt_at=None,
        )
        logger.warning("webhook %s refused: %s", webhook.pk, error)
        return DeliveryOutcome(status=WebhookDelivery.Status.FAILED)
    except fetching.FetchError as error:
        problem = str(error)
    else:
        code = result.status_code
        if 200 <= code < 300:
            _finish(
                delivery,
                status=WebhookDelivery.Status.SUCCEEDED,
                response_code=code,
                error="",
                delivered_at=timezone.now(),
                next_attempt_at=None,
            )
            return DeliveryOutcome(status=WebhookDelivery.Status.SUCCEEDED)
        problem = _("The endpoint answered HTTP %(code)d.") % {"code": code}
    if attempt >= max_attempts:
        _finish(
            delivery,
            status=WebhookDelivery.Status.FAILED,
            response_code=code,
            error=_("Gave up after %(n)d attempts. Last error: %(error)s")
            % {"n": attempt, "error": problem},
            next_attempt_at=None,
        )
        logger.warning("webhook delivery %s failed for good: %s", delivery.pk, problem)
        return DeliveryOutcome(status=WebhookDelivery.Status.FAILED)
    delay = webhook_retry_delay(attempt)
    _finish(
        delivery,
        response_code=code,
        error=problem,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
    )
    return DeliveryOutcome(status=WebhookDelivery.Status.PENDING, retry_in=delay)


def webhook_deliveries_due(*, limit: int = 500) -> list[tuple[int, int]]:
    """(delivery id, next attempt number) of pending deliveries whose reminder was lost.

    A delivery is due when its next attempt time (or its lease) passed a while ago:
    the broker lost the message, or a worker died during the attempt.
    """
    cutoff = timezone.now() - DELIVERY_LEASE
    rows = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, next_attempt_at__lt=cutoff
    ).values_list("pk", "attempts")[:limit]
    return [(pk, attempts + 1) for pk, attempts in rows]
