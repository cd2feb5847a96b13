"""Publishing or correcting with a cited source that is failed, blocked, dead or pending
answers 409 ``sources_unresolved`` unless the editor acknowledges it with a reason."""

import pytest

from claims.models import Claim
from sources.models import Citation
from tests import factories
from tests.helpers.workflow import submit, write_verdict

pytestmark = pytest.mark.django_db


def _in_review(checker, **source):
    claim = factories.ClaimFactory(created_by=checker)
    cited = factories.SourceFactory(**source)
    factories.CitationFactory(claim=claim, source=cited, role=Citation.Role.REFUTES)
    write_verdict(claim, checker)
    return submit(claim, checker), cited


@pytest.mark.parametrize(
    ("source", "state"),
    [
        ({"url": "https://a.example/failed", "state": "failed", "reason": "timeout"}, "failed"),
        ({"url": "https://a.example/blocked", "state": "blocked"}, "blocked"),
        ({"url": "https://a.example/pending", "state": "pending"}, "pending"),
        ({"url": "https://a.example/dead", "state": "fetched", "is_dead": True}, "dead"),
    ],
)
def test_publish_with_an_unresolved_source_answers_409(checker, editor_api, source, state):
    claim, cited = _in_review(checker, **source)
    url = f"/api/v1/desk/claims/{claim.pk}/publish/"
    response = editor_api.post(url, {"version": claim.version})
    assert response.status_code == 409, response.json()
    body = response.json()
    expected = [{"id": cited.pk, "url": cited.url, "state": state}]
    assert body["error"] == "sources_unresolved"
    assert body["sources"] == expected  # the contract, literally
    assert body["detail"] == {"sources": expected}  # and the API's error format
    assert body["message"]
    claim.refresh_from_db()
    assert claim.status == Claim.Status.IN_REVIEW


def test_acknowledged_sources_publish_and_the_reason_is_in_the_history(checker, editor_api):
    claim, _cited = _in_review(checker, url="https://a.example/x", state="failed")
    response = editor_api.post(
        f"/api/v1/desk/claims/{claim.pk}/publish/",
        {"version": claim.version, "acknowledge_sources": "Archived on paper in the office"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PUBLISHED
    reasons = [r.history_change_reason or "" for r in claim.history.all()]
    assert any("Archived on paper in the office" in r for r in reasons), reasons


def test_a_changed_or_fetched_source_needs_no_acknowledgement(checker, editor_api):
    claim, _cited = _in_review(checker, url="https://a.example/c", state="fetched", is_changed=True)
    response = editor_api.post(
        f"/api/v1/desk/claims/{claim.pk}/publish/", {"version": claim.version}
    )
    assert response.status_code == 200, response.json()


def test_correct_with_an_unresolved_source_answers_409_unless_acknowledged(
    checker, editor, editor_api, make_published
):
    claim = make_published()
    cited = factories.SourceFactory(url="https://a.example/gone", state="fetched", is_dead=True)
    factories.CitationFactory(claim=claim, source=cited, role=Citation.Role.REFUTES)
    url = f"/api/v1/desk/claims/{claim.pk}/correct/"
    body = {"version": claim.version, "note": "Zahl korrigiert", "summary": "Neu."}
    refused = editor_api.post(url, body, format="json")
    assert refused.status_code == 409
    assert refused.json()["sources"] == [{"id": cited.pk, "url": cited.url, "state": "dead"}]
    done = editor_api.post(
        url, {**body, "acknowledge_sources": "The copy is in the PDF"}, format="json"
    )
    assert done.status_code == 200, done.json()
