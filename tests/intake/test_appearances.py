"""A repeat claim recorded as another appearance: on the public page (escaped), in the
ClaimReview (``itemReviewed.appearance``), the DataFeed and the partner API
(``appearances``, a moved ``updated_at``); only on published checks, with permission."""

import json
import re

import pytest
from django.test import TestCase
from django.utils import timezone

from claims import services
from claims.errors import InvalidInput, NotAllowed
from claims.models import Claim
from tests import factories
from tests.helpers.api import api_client

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def partner(db):
    from partners.services import partner_key_create

    _key, secret = partner_key_create(name="Partner")
    return api_client(f"Api-Key {secret}")


def _record(claim, user, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.claim_appearance_add(claim=claim, user=user, **kwargs)


def _json_ld(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_appearance_on_page_claimreview_and_partner_api(client, make_published, checker, partner):
    claim = make_published()
    before = Claim.objects.get(pk=claim.pk)
    since = before.updated_at.isoformat()
    assert partner.get("/api/v1/claims/", {"updated_since": since}).json()["results"] == []
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "Also appeared in:" not in page
    assert isinstance(_json_ld(page)["itemReviewed"]["appearance"], dict)

    article = factories.ArticleFactory(
        title=f"Wieder da {HOSTILE}",
        outlet=f"Bote {HOSTILE}",
        url="https://bote.example/wieder",
        published_on="2026-11-30",
    )
    _record(claim, checker, article=article)

    after = Claim.objects.get(pk=claim.pk)
    assert after.updated_at > before.updated_at and after.version == before.version + 1

    page = client.get(claim.get_absolute_url()).content.decode()
    assert "Also appeared in:" in page
    assert HOSTILE not in page and "&lt;script&gt;" in page
    item = _json_ld(page)["itemReviewed"]
    assert isinstance(item["appearance"], list) and len(item["appearance"]) == 2
    assert item["appearance"][0] == item["firstAppearance"]  # the quoted article first
    assert item["appearance"][1] == {
        "@type": "CreativeWork",
        "url": "https://bote.example/wieder",
        "headline": f"Wieder da {HOSTILE}",
        "publisher": {"@type": "Organization", "name": f"Bote {HOSTILE}"},
        "datePublished": "2026-11-30",
    }

    listed = partner.get("/api/v1/claims/", {"updated_since": since}).json()["results"]
    assert [c["id"] for c in listed] == [claim.pk]
    detail = partner.get(f"/api/v1/claims/{claim.pk}/").json()
    assert detail["appearances"][0]["url"] == "https://bote.example/wieder"
    assert detail["appearances"][0]["outlet"] == f"Bote {HOSTILE}"
    assert detail["appearances"][0]["appeared_on"] == "2026-11-30"
    assert detail["appearances"][0]["recorded_at"]
    assert len(detail["claim_review"]["itemReviewed"]["appearance"]) == 2
    feed = partner.get("/api/v1/claimreview/").json()
    assert len(feed["dataFeedElement"][0]["itemReviewed"]["appearance"]) == 2


def test_the_same_article_twice_is_one_appearance(make_published, checker):
    claim = make_published()
    article = factories.ArticleFactory()
    first = _record(claim, checker, article=article)
    second = _record(claim, checker, article=article)
    assert first.pk == second.pk
    assert claim.appearances.count() == 1


def test_only_published_checks_and_with_permission(make_published, checker):
    draft = factories.ClaimFactory()
    with pytest.raises(InvalidInput):
        services.claim_appearance_add(claim=draft, user=checker, url="https://x.example/a")
    claim = make_published()
    with pytest.raises(InvalidInput):
        services.claim_appearance_add(claim=claim, user=checker, article=claim.article)
    with pytest.raises(InvalidInput):
        services.claim_appearance_add(claim=claim, user=checker)
    nobody = factories.UserFactory(username="plainstaff", is_staff=True)
    with pytest.raises(NotAllowed):
        services.claim_appearance_add(claim=claim, user=nobody, url="https://x.example/a")


def test_a_draft_appearance_never_reaches_the_partner_api(partner, checker):
    draft = factories.ClaimFactory()
    assert partner.get(f"/api/v1/claims/{draft.pk}/").status_code == 404
    assert timezone.now()
