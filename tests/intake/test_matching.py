"""Repeat-claim matching on PostgreSQL: the matching set's floor, published checks only."""

import pytest

from bench.bench_matching import evaluate, figures, load_published_claims, load_set
from claims.models import Claim
from intake import matching

pytestmark = pytest.mark.django_db

PRECISION_FLOOR = 0.9
RECALL_FLOOR = 0.85


def test_matching_set_precision_and_recall_stay_above_the_floor():
    data = load_set()
    assert len(data["pairs"]) >= 60
    ids = load_published_claims(data)
    result = figures(evaluate(data, ids), ids, matching.MATCH_THRESHOLD)
    assert result["precision"] >= PRECISION_FLOOR, result
    assert result["recall"] >= RECALL_FLOOR, result


def test_drafts_and_retracted_are_never_matched():
    data = load_set()
    ids = load_published_claims(data)
    text = "Net migration hit a record 700,000 last year."
    assert matching.published_match(text, language="en").claim.pk == ids["en-immigration"]
    Claim.objects.filter(pk=ids["en-immigration"]).update(status="draft", published_at=None)
    assert matching.published_match(text, language="en") is None


def test_language_is_respected():
    ids = load_published_claims(load_set())
    assert ids
    assert matching.published_match("Knife crime is at a record high.", language="de") is None
    assert matching.published_match("Knife crime is at a record high.", language="en")
