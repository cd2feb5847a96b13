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


def test_claim_list_and_split_view_show_source_badges(client, editor, checker, demo_desk):
    claim = factories.ClaimFactory(article=demo_desk.article, quote="absolut falsch")
    _cite(claim, url="https://a.example/f", state="failed")
    _cite(claim, url="https://a.example/p", state="pending")
    _cite(claim, url="https://a.example/d", state="fetched", is_dead=True)
    _cite(claim, url="https://a.example/c", state="fetched", is_changed=True)
    _cite(claim, url="https://a.example/b", state="blocked")
    client.force_login(editor)
    changelist = client.get(reverse("admin:claims_claim_changelist")).content.decode()
    for state in ("failed", "blocked", "dead", "changed", "pending"):
        assert f"source-badge--{state}" in changelist, state
    assert "claims/sources.css" in changelist
    split = client.get(reverse("admin:claims_article_split", args=[demo_desk.article.pk]))
    payload = split.context["split_data"]["claims"]
    (mine,) = [c for c in payload if c["id"] == claim.pk]
    assert [b["state"] for b in mine["source_badges"]] == [
        "failed",
        "blocked",
        "dead",
        "changed",
        "pending",
    ]
