"""seed_bench creates realistic published claims that pass every constraint."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from claims.models import Claim
from claims.selectors import claims_published

pytestmark = pytest.mark.django_db


def test_seed_bench_creates_published_claims_with_sources():
    from sources.models import Citation, Snapshot

    out = StringIO()
    call_command("seed_bench", "--claims", "45", "--batch", "20", stdout=out)
    assert "45/45 claims" in out.getvalue() and "Created 45 published claims" in out.getvalue()
    assert claims_published().count() == 45
    assert Citation.objects.count() == 135 and Snapshot.objects.count() == 135
    languages = set(Claim.objects.values_list("article__language", flat=True))
    assert languages == {"de", "en"}
    for claim in Claim.objects.select_related("article", "verdict__rating"):
        assert claim.article.text[claim.start : claim.end] == claim.exact
        assert claim.verdict.rating is not None and claim.updated_at == claim.published_at
    if connection.vendor == "postgresql":
        assert not Claim.objects.filter(search_vector__isnull=True).exists()


def test_seed_bench_refuses_nonsense():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("seed_bench", "--claims", "0", stdout=StringIO())
