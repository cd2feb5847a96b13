"""A published verdict's sources change only through a correction, with its public note."""

import pytest

from claims.errors import InvalidInput, InvalidTransition
from claims.models import Claim
from sources import services
from sources.models import Citation, Source
from tests import factories
from tests.helpers.api import desk_api_client
from tests.helpers.workflow import publish_claim

pytestmark = pytest.mark.django_db

CITED = "https://statistik.example/inflation"
NEW = "https://zentralbank.example/bericht"


@pytest.fixture
def cited(checker, editor) -> tuple[Claim, Citation]:
    """A published claim whose verdict cites one source (cited while it was a draft)."""
    claim = factories.ClaimFactory()
    citation = services.citation_add(claim=claim, url=CITED, role="refutes", user=checker)
    return publish_claim(claim, checker, editor), citation


def _state(claim: Claim) -> tuple:
    claim.refresh_from_db()
    citations = sorted(claim.citations.values_list("source__url", "role"))
    return claim.version, citations, claim.corrections.count(), Source.objects.count()


@pytest.mark.parametrize("change", ["add", "update", "remove"])
def test_outside_a_correction_the_sources_of_a_published_verdict_are_refused(cited, editor, change):
    claim, citation = cited
    before = _state(claim)
    with pytest.raises(InvalidTransition, match="change its sources with a correction"):
        if change == "add":
            services.citation_add(claim=claim, url=NEW, role="context", user=editor)
        elif change == "update":
            services.citation_update(citation=citation, role="context", passage="", user=editor)
        else:
            services.citation_remove(citation=citation, user=editor)
    assert _state(claim) == before


def test_a_correction_adds_and_drops_sources_with_its_note(cited, editor):
    claim, citation = cited
    correction = services.claim_correct_with_sources(
        claim=claim,
        user=editor,
        version=claim.version,
        note="Quelle ersetzt: der Bericht der Zentralbank.",
        sources_add=[{"url": NEW, "role": "refutes", "passage": "Die Teuerung lag bei 8,4 %."}],
        sources_remove=[citation.pk],
    )
    claim.refresh_from_db()
    assert [(c.source.url, c.role, c.passage) for c in claim.citations.all()] == [
        (NEW, "refutes", "Die Teuerung lag bei 8,4 %.")
    ]
    assert correction.note == "Quelle ersetzt: der Bericht der Zentralbank."
    assert Source.objects.filter(url=CITED).exists()  # the archive of the old source stays


@pytest.mark.parametrize(
    ("sources_add", "sources_remove", "message"),
    [
        ([{"url": "ftp://files.example/x", "role": "refutes"}], [], "scheme"),
        ([{"url": NEW, "role": "nonsense"}], [], "role"),
        ([], [987654], "no source citation with the id 987654"),
    ],
)
def test_a_refused_source_change_leaves_everything_as_it_was(
    cited, editor, sources_add, sources_remove, message
):
    claim, citation = cited
    before = _state(claim)
    with pytest.raises(InvalidInput, match=message):
        services.claim_correct_with_sources(
            claim=claim,
            user=editor,
            version=claim.version,
            note="Quelle ersetzt.",
            changes={"headline": "Geänderte Überschrift"},
            sources_add=sources_add,
            sources_remove=[citation.pk, *sources_remove] if sources_remove else [],
        )
    assert _state(claim) == before
    assert claim.verdict.headline != "Geänderte Überschrift"


def test_a_citation_of_another_claim_cannot_be_dropped(cited, editor, checker):
    claim, _citation = cited
    other = factories.ClaimFactory()
    foreign = services.citation_add(claim=other, url=NEW, role="context", user=checker)
    with pytest.raises(InvalidInput):
        services.claim_correct_with_sources(
            claim=claim, user=editor, version=claim.version, note="x", sources_remove=[foreign.pk]
        )
    assert Citation.objects.filter(pk=foreign.pk).exists()


def test_desk_api_sends_source_changes_through_the_correction(cited, editor):
    claim, citation = cited
    api = desk_api_client(editor)
    base = f"/api/v1/desk/claims/{claim.pk}/"
    refused = api.post(base + "citations/", {"url": NEW, "role": "context"}, format="json")
    assert refused.status_code == 409
    assert refused.json()["error"] == "invalid_transition"
    assert "correction" in refused.json()["message"]
    bad = api.post(
        base + "correct/",
        {"note": "Neu", "version": claim.version, "add_sources": [{"url": "javascript:x"}]},
        format="json",
    )
    assert bad.status_code == 400
    response = api.post(
        base + "correct/",
        {
            "note": "Eine bessere Quelle.",
            "version": claim.version,
            "add_sources": [{"url": NEW, "role": "supports"}],
            "remove_sources": [citation.pk],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [c["source"]["url"] for c in body["citations"]] == [NEW]
    assert body["corrections"][-1]["note"] == "Eine bessere Quelle."


def test_admin_correct_page_changes_sources_and_the_inline_is_read_only(client, cited, editor):
    claim, citation = cited
    client.force_login(editor)
    change = client.get(f"/admin/claims/claim/{claim.pk}/change/")
    assert change.status_code == 200
    html = change.content.decode()
    assert CITED in html  # shown, but nothing to edit, add or delete
    assert 'name="citations-0-role"' not in html and 'name="citations-0-DELETE"' not in html
    assert 'name="citations-1-url"' not in html
    url = f"/admin/claims/claim/{claim.pk}/workflow/correct/"
    page = client.get(url).content.decode()
    assert CITED in page and 'name="add_url"' in page
    data = {
        "version": claim.version,
        "note": "Quelle ergänzt.",
        "rating": claim.verdict.rating_id,
        "headline": claim.verdict.headline,
        "summary": claim.verdict.summary,
        "explanation": claim.verdict.explanation,
        "add_url": NEW,
    }
    missing_role = client.post(url, data)
    assert missing_role.status_code == 200
    assert "Say what the new source does" in missing_role.content.decode()
    response = client.post(url, {**data, "add_role": "supports", "remove_sources": [citation.pk]})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert [c.source.url for c in claim.citations.all()] == [NEW]
    assert claim.corrections.get().note == "Quelle ergänzt."
