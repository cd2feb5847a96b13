"""A partner page costs the same few queries whatever its size (no per-row queries)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import workflow
from partners.api import keycache
from partners.api.selectors import ClaimFilters, claims_stamp, partner_claims
from publishing import caching
from tests import factories
from tests.helpers.workflow import publish_claim

pytestmark = pytest.mark.django_db

# The ETag aggregate (once per cache generation and filters), the page (claims with
# speaker, article, verdict, rating and scale joined), its corrections, its citations with
# sources and archived copies, its appearances (issue 15). The key is verified once and then kept while the keys'
# generation stands (partners.api.keycache): the warm-up request below verifies it.
CLAIMS_PAGE_QUERIES = 5


@pytest.fixture
def hundred_claims(checker, editor):
    """100 published claims, each with a correction and two cited, archived sources."""
    speakers = [factories.SpeakerFactory() for _ in range(7)]
    articles = [factories.ArticleFactory() for _ in range(5)]
    sources = [
        factories.SourceFactory(url=f"https://s{n}.example/", state="fetched") for n in range(12)
    ]
    for n, source in enumerate(sources):
        factories.SnapshotFactory(source=source, title=f"S{n}", sha256=f"{n:064x}")
    claims = []
    for n in range(100):
        claim = factories.ClaimFactory(speaker=speakers[n % 7], article=articles[n % 5])
        factories.CitationFactory(claim=claim, source=sources[n % 12], role="refutes")
        factories.CitationFactory(
            claim=claim, source=sources[(n + 1) % 12], role="context", order=1
        )
        claim = publish_claim(claim, checker, editor)
        workflow.claim_correct(claim=claim, user=editor, version=claim.version, note=f"Note {n}")
        claims.append(claim)
    return claims


def _count(client, params) -> tuple[int, int]:
    caching.bump_generation()  # a new generation: the list's stamp is counted again
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/claims/", params)
    assert response.status_code == 200, response.json()
    return len(queries), len(response.json()["results"])


def test_a_page_of_10_and_of_100_cost_the_same_queries(partner, hundred_claims):
    partner.get("/api/v1/ratings/")  # the key's last_used_at is written on first use

    small, small_items = _count(partner, {"page_size": 10})
    large, large_items = _count(partner, {"page_size": 100})

    assert (small_items, large_items) == (10, 100)
    assert small == large == CLAIMS_PAGE_QUERIES
    item = partner.get("/api/v1/claims/", {"page_size": 1}).json()["results"][0]
    assert len(item["sources"]) == 2
    assert len(item["corrections"]) == 1


def test_pinned_with_django_assert_num_queries(partner, hundred_claims, django_assert_num_queries):
    partner.get("/api/v1/ratings/")
    with django_assert_num_queries(CLAIMS_PAGE_QUERIES):
        partner.get("/api/v1/claims/", {"page_size": 10, "language": "de"})
    # The same filters in the same generation: the stamp is not counted again.
    with django_assert_num_queries(CLAIMS_PAGE_QUERIES - 1):
        partner.get("/api/v1/claims/", {"page_size": 100, "language": "de"})
    # A revalidation: no query at all (the stamp of these filters is cached, the key
    # verified, and the 304 answered by the first middleware or from the stamp).
    etag = partner.get("/api/v1/claims/")["ETag"]
    with django_assert_num_queries(0):
        assert partner.get("/api/v1/claims/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    # Never the whole table: the stamp reads the partial index of the public claims.
    if connection.vendor == "postgresql":
        plan = _explain_stamp()
        assert "claim_public_updated" in plan and "Seq Scan on claims_claim" not in plan


def test_detail_and_feed_query_counts(partner, hundred_claims, django_assert_num_queries):
    partner.get("/api/v1/ratings/")
    with django_assert_num_queries(5):  # stamp, claim, corrections, citations, appearances
        partner.get(f"/api/v1/claims/{hundred_claims[0].pk}/")
    caching.bump_generation()
    with django_assert_num_queries(3):  # ETag aggregate, the feed, its appearances (no file)
        feed = partner.get("/api/v1/claimreview/").json()
    assert len(feed["dataFeedElement"]) == 100
    with django_assert_num_queries(1):  # the speakers with their counts
        partner.get("/api/v1/speakers/")
    keycache.forget()  # a process that has not seen the key yet verifies it
    with django_assert_num_queries(2):  # key, the speakers with their counts
        partner.get("/api/v1/speakers/")


def _explain_stamp() -> str:
    """The plan of the list's stamp, with sequential scans priced out of reach as on a
    large table (the test table is small enough that PostgreSQL would rather scan it)."""
    with CaptureQueriesContext(connection) as queries:
        claims_stamp(partner_claims(ClaimFilters()))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + queries.captured_queries[-1]["sql"])
        return "\n".join(row[0] for row in cursor.fetchall())
