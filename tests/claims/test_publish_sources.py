"""The publish and correct confirmations list every cited source with its state; a
failed, blocked, dead or pending one needs a ticked acknowledgement with a reason."""

import pytest
from django.urls import reverse

from claims.models import Claim
from sources.models import Citation
from tests import factories

pytestmark = pytest.mark.django_db


def _cite(claim, **source):
    cited = factories.SourceFactory(**source)
    factories.CitationFactory(claim=claim, source=cited, role=Citation.Role.REFUTES)
    return cited


def test_publish_confirmation_lists_sources_and_asks_for_an_acknowledgement(
    client, editor, in_review
):
    _cite(in_review, url="https://a.example/ok", state="fetched")
    _cite(in_review, url="https://a.example/failed", state="failed", reason="ConnectTimeout")
    _cite(in_review, url="https://a.example/changed", state="fetched", is_changed=True)
    client.force_login(editor)
    url = reverse("admin:claims_claim_workflow", args=[in_review.pk, "publish"])
    page = client.get(url).content.decode()
    for state in ("archived", "failed", "text changed"):
        assert f">{state}<" in page or f"⚠ {state}<" in page, state
    assert "source-badge--failed" in page and "https://a.example/ok" in page
    assert 'name="acknowledge"' in page

    refused = client.post(url, {"version": in_review.version})
    assert refused.status_code == 200
    assert "tick this to go on" in refused.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == Claim.Status.IN_REVIEW

    done = client.post(
        url,
        {"version": in_review.version, "acknowledge": "on", "acknowledge_reason": "PDF on file"},
    )
    assert done.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == Claim.Status.PUBLISHED
    assert any("PDF on file" in (r.history_change_reason or "") for r in in_review.history.all())


def test_publish_without_unresolved_sources_needs_no_acknowledgement(client, editor, in_review):
    _cite(in_review, url="https://a.example/ok", state="fetched")
    client.force_login(editor)
    url = reverse("admin:claims_claim_workflow", args=[in_review.pk, "publish"])
    assert client.post(url, {"version": in_review.version}).status_code == 302


def test_correct_confirmation_lists_sources(client, editor, make_published):
    claim = make_published()
    _cite(claim, url="https://a.example/blocked", state="blocked")
    client.force_login(editor)
    page = client.get(reverse("admin:claims_claim_workflow", args=[claim.pk, "correct"]))
    assert "source-badge--blocked" in page.content.decode()
