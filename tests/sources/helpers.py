"""Small helpers shared by the sources tests (services, tasks, admin, views)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from claims.models import Claim
from sources import engine
from sources.models import Source


def page(title: str, text: str, *, extra: str = "") -> bytes:
    """An HTML article page with enough text for extraction to find its main content."""
    paragraphs = "".join(f"<p>{text} Satz {i}.</p>" for i in range(6))
    return (
        f"<!doctype html><html lang='de'><head><meta charset='utf-8'><title>{title}</title>"
        f"</head><body><article><h1>{title}</h1>{paragraphs}</article>{extra}</body></html>"
    ).encode()


def publish(claim: Claim) -> Claim:
    """Mark a claim published without the workflow (which is not under test here)."""
    Claim.objects.filter(pk=claim.pk).update(status="published", published_at=timezone.now())
    claim.refresh_from_db()
    return claim


def make_due(source: Source, *, field: str = "next_attempt_at") -> None:
    """Pretend the time has come: move ``field`` into the past."""
    Source.objects.filter(pk=source.pk).update(**{field: timezone.now() - timedelta(seconds=1)})


def expire_lease(source: Source) -> None:
    Source.objects.filter(pk=source.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )


def fetch(source: Source) -> engine.Outcome:
    outcome = engine.source_fetch(source_id=source.pk)
    source.refresh_from_db()
    return outcome


def recheck_now(source: Source) -> None:
    """Make the source's re-check due and queue it (the caller runs the queued fetch)."""
    make_due(source, field="recheck_due_at")
    assert engine.source_recheck_due() >= 1
