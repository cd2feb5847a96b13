"""Fixtures for the workflow and the public pages: claims taken through the real services."""

from collections.abc import Callable

import pytest
from django.test import TestCase

from claims import services, workflow
from claims.models import Claim
from tests import factories

HOSTILE = "</script><script>alert(1)</script><!-- <img src=x onerror=alert(1)> \"q\" 'a' & b"


def write_verdict(
    claim: Claim,
    user,
    *,
    rating: str = "falsch",
    headline: str = "Die Inflation ist nicht so niedrig wie nie",
    summary: str = "Die Zahlen des Statistikamts zeigen das Gegenteil.",
    explanation: str = "Im Jahr 1975 war die Inflation niedriger.\n\nDas zeigt die Reihe.",
) -> Claim:
    claim.refresh_from_db()
    services.verdict_update(
        claim=claim,
        user=user,
        version=claim.version,
        rating=factories.rating(rating),
        headline=headline,
        summary=summary,
        explanation=explanation,
    )
    claim.refresh_from_db()
    return claim


def submit(claim: Claim, user) -> Claim:
    claim.refresh_from_db()
    return workflow.claim_submit(claim=claim, user=user, version=claim.version)


def publish(claim: Claim, user, *, commit: bool = True) -> workflow.Published:
    """Publish; with ``commit``, what follows the commit (search vector, cache, webhooks)
    runs as it would after a real commit."""
    claim.refresh_from_db()
    if not commit:
        return workflow.claim_publish(claim=claim, user=user, version=claim.version)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return workflow.claim_publish(claim=claim, user=user, version=claim.version)


@pytest.fixture
def make_published(checker, editor) -> Callable[..., Claim]:
    """A claim written by ``checker`` and published by ``editor``; kwargs go to the factory
    (``verdict`` holds the verdict's fields)."""

    def make(*, verdict: dict | None = None, **claim_kwargs) -> Claim:
        claim = factories.ClaimFactory(**claim_kwargs)
        write_verdict(claim, checker, **(verdict or {}))
        submit(claim, checker)
        publish(claim, editor)
        claim.refresh_from_db()
        return claim

    return make


@pytest.fixture
def in_review(checker) -> Claim:
    claim = factories.ClaimFactory()
    write_verdict(claim, checker)
    return submit(claim, checker)


@pytest.fixture
def hostile_article():
    text = (
        f'Die Ministerin sagte am Montag: "{HOSTILE}". Danach ging sie. Der Satz danach steht hier.'
    )
    return factories.ArticleFactory(
        title=f"Titel {HOSTILE}", outlet=f"Zeitung {HOSTILE}", text=text, language="de"
    )
