"""Claims taken through the real workflow, as the desk takes them.

Every step calls the service a desk user's action calls (``claims.services.verdict_update``,
``claims.workflow.claim_submit`` and ``claim_publish``) with the version read just before,
so a test's claim passed the same checks as a real one: roles, a complete verdict, four
eyes. There is deliberately no helper that sets ``status`` directly.

The steps refresh the claim they are given and return it (``publish`` returns the
service's ``Published``, which carries the ClaimReview warnings).
"""

from collections.abc import Mapping

from django.test import TestCase

from claims import services, workflow
from claims.models import Claim
from tests import factories

HEADLINE = "Die Inflation ist nicht so niedrig wie nie"
SUMMARY = "Die Zahlen des Statistikamts zeigen das Gegenteil."
EXPLANATION = "Im Jahr 1975 war die Inflation niedriger.\n\nDas zeigt die Reihe."


def write_verdict(
    claim: Claim,
    user,
    *,
    rating: str = "falsch",
    headline: str = HEADLINE,
    summary: str = SUMMARY,
    explanation: str = EXPLANATION,
) -> Claim:
    """Save the verdict of a draft or a claim in review as ``user``; ``rating`` is a slug of
    the standard scale."""
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
    """Send a draft with a complete verdict to review."""
    claim.refresh_from_db()
    workflow.claim_submit(claim=claim, user=user, version=claim.version)
    claim.refresh_from_db()
    return claim


def publish(claim: Claim, user, *, run_on_commit: bool = True) -> workflow.Published:
    """Publish a claim in review as ``user`` (an editor who did not write the verdict).

    A test runs inside a transaction that never commits, so what the workflow does after
    the commit (the receivers of ``claims.signals.public_change``: search vector, cache generation, webhooks)
    would never run. With ``run_on_commit`` it runs before this returns, as after a real
    commit. Pass ``run_on_commit=False`` when the test captures those callbacks itself or
    wants them lost; never wrap a call that runs them in
    ``django_capture_on_commit_callbacks(execute=True)``, which would run them again.
    """
    claim.refresh_from_db()
    if run_on_commit:
        with TestCase.captureOnCommitCallbacks(execute=True):
            published = workflow.claim_publish(claim=claim, user=user, version=claim.version)
    else:
        published = workflow.claim_publish(claim=claim, user=user, version=claim.version)
    claim.refresh_from_db()
    return published


def publish_claim(
    claim: Claim,
    checker,
    editor,
    *,
    rating: str = "falsch",
    verdict: Mapping[str, str] | None = None,
    run_on_commit: bool = True,
) -> Claim:
    """The whole path of a draft: ``checker`` writes the verdict and submits it, ``editor``
    publishes it. ``verdict`` holds ``headline``, ``summary`` or ``explanation``;
    ``run_on_commit`` as for ``publish``."""
    write_verdict(claim, checker, rating=rating, **(verdict or {}))
    submit(claim, checker)
    publish(claim, editor, run_on_commit=run_on_commit)
    return claim


def make_published(
    *,
    checker,
    editor,
    rating: str = "falsch",
    verdict: Mapping[str, str] | None = None,
    run_on_commit: bool = True,
    **claim_kwargs,
) -> Claim:
    """A new claim (``claim_kwargs`` go to ``ClaimFactory``) taken through ``publish_claim``.

    Tests use it through the ``make_published`` fixture, which supplies the two users.
    """
    claim = factories.ClaimFactory(**claim_kwargs)
    return publish_claim(
        claim, checker, editor, rating=rating, verdict=verdict, run_on_commit=run_on_commit
    )
