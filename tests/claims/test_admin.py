"""The admin answers for every model, and edits go through the services."""

import pytest
from django.contrib import admin
from django.urls import reverse

from claims.models import Claim
from tests import factories

pytestmark = pytest.mark.django_db


def _admin_urls():
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        yield f"admin:{opts.app_label}_{opts.model_name}_changelist", model_admin
        yield f"admin:{opts.app_label}_{opts.model_name}_add", model_admin


@pytest.fixture
def populated(demo_desk, checker):
    claim = factories.ClaimFactory(article=demo_desk.article, quote="die Integrität des Staates")
    return claim


@pytest.mark.parametrize("url_name", [name for name, _admin in _admin_urls()])
def test_every_changelist_and_add_page_answers_for_a_superuser(admin_client, populated, url_name):
    response = admin_client.get(reverse(url_name))
    # Some models are only added through their parent (verdicts, corrections): 403, not 500.
    assert response.status_code in (200, 403), url_name


def test_every_changelist_answers_with_search_and_filters(admin_client, populated):
    for model in admin.site._registry:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert admin_client.get(url, {"q": "Tokajew"}).status_code == 200, url


@pytest.mark.parametrize("role", ["fact-checker", "editor"])
def test_desk_roles_can_work_in_the_admin(client, populated, role):
    user = factories.desk_user(f"u-{role}", role=role)
    client.force_login(user)
    for name in ("changelist", "add"):
        assert client.get(reverse(f"admin:claims_claim_{name}")).status_code == 200
    change = reverse("admin:claims_claim_change", args=[populated.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert "Integrität des Staates" in page.content.decode()
    assert client.get(reverse("admin:claims_claim_history", args=[populated.pk])).status_code == 200


def test_claim_add_in_the_admin_goes_through_the_service(client, demo_desk, checker):
    client.force_login(checker)
    article = demo_desk.article
    quote = "die Integrität des Staates"
    start = article.text.index(quote)
    speaker = article.claims.model.speaker.field.related_model.objects.get(
        name="Kassym-Schomart Tokajew"
    )
    response = client.post(
        reverse("admin:claims_claim_add"),
        {
            "article": article.pk,
            "start": start,
            "end": start + len(quote),
            "speaker": speaker.pk,
            "claim": "Die Lage untergräbt die Integrität des Staates",
            "attribution": "indirect",
            "stated_on": "",
            "assignee": "",
            "verdict-TOTAL_FORMS": "0",
            "verdict-INITIAL_FORMS": "0",
            "corrections-TOTAL_FORMS": "0",
            "corrections-INITIAL_FORMS": "0",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    claim = Claim.objects.get()
    assert (claim.exact, claim.created_by, claim.stated_on) == (quote, checker, "2022-01")


def test_claim_add_with_a_bad_span_shows_an_error(client, demo_desk, checker):
    client.force_login(checker)
    response = client.post(
        reverse("admin:claims_claim_add"),
        {
            "article": demo_desk.article.pk,
            "start": 10,
            "end": 10**6,
            "speaker": "",
            "claim": "x",
            "attribution": "direct",
        },
    )
    assert response.status_code == 200
    assert "outside the text" in response.content.decode()
    assert Claim.objects.count() == 0


def _change_payload(instance, **overrides):
    claim = instance
    payload = {
        "claim": claim.claim,
        "speaker": claim.speaker_id,
        "attribution": claim.attribution,
        "stated_on": claim.stated_on,
        "assignee": "",
        "base_version": claim.version,
        "verdict-TOTAL_FORMS": "1",
        "verdict-INITIAL_FORMS": "1",
        "verdict-MIN_NUM_FORMS": "0",
        "verdict-MAX_NUM_FORMS": "1",
        "verdict-0-id": claim.verdict.pk,
        "verdict-0-claim": claim.pk,
        "verdict-0-rating": factories.rating("falsch").pk,
        "verdict-0-headline": "Nein, das stimmt nicht",
        "verdict-0-summary": "Kurz gesagt",
        "verdict-0-explanation": "Ausführlich",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }
    payload.update(overrides)
    return payload


def test_verdict_inline_edit_is_saved_and_recorded(client, populated, checker):
    client.force_login(checker)
    url = reverse("admin:claims_claim_change", args=[populated.pk])
    response = client.post(url, _change_payload(populated))
    assert response.status_code == 302, response.content.decode()[:3000]
    populated.refresh_from_db()
    assert populated.verdict.headline == "Nein, das stimmt nicht"
    assert populated.version == 2
    latest = populated.verdict.history.first()
    assert latest.history_user == checker and latest.headline == "Nein, das stimmt nicht"


def test_a_stale_admin_edit_is_refused_and_nothing_is_overwritten(
    client, populated, checker, editor
):
    client.force_login(checker)
    url = reverse("admin:claims_claim_change", args=[populated.pk])
    stale = _change_payload(populated, claim="Meine Fassung")
    client.force_login(editor)
    assert (
        client.post(url, _change_payload(populated, claim="Fassung der Redaktion")).status_code
        == 302
    )
    client.force_login(checker)
    response = client.post(url, stale)
    assert response.status_code == 200
    assert "changed by editor1" in response.content.decode()
    populated.refresh_from_db()
    assert populated.claim == "Fassung der Redaktion"


def test_view_on_site_only_for_public_claims(admin_client, populated):
    from django.utils import timezone

    url = reverse("admin:claims_claim_change", args=[populated.pk])
    assert "viewsitelink" not in admin_client.get(url).content.decode()
    Claim.objects.filter(pk=populated.pk).update(status="published", published_at=timezone.now())
    assert "viewsitelink" in admin_client.get(url).content.decode()
