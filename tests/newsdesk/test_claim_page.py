"""The claim's page in the admin reads claim → quote → verdict → sources → corrections, the
technical fields collapsed after them; one link to the public page; offsets only in a
tooltip; and the German words for a rating and a verdict differ (issue 14, point 7)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from claims import workflow
from claims.models import Rating, Verdict
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(make_published, second_editor, django_capture_on_commit_callbacks):
    claim = make_published()
    factories.CitationFactory(claim=claim)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.claim_correct(
            claim=claim, user=second_editor, version=claim.version, note="Tippfehler behoben."
        )
    claim.refresh_from_db()
    return claim


def _page(client, user, claim) -> str:
    client.force_login(user)
    return client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()


def test_the_page_reads_claim_quote_verdict_sources_corrections_then_technical(
    client, editor, published
):
    html = _page(client, editor, published)
    marks = [
        'name="claim"',  # the claim's wording, first
        'class="desk-quote"',  # the quote in the article
        'id="verdict-group"',
        'id="citations-group"',
        'id="corrections-group"',
        "desk-technical",  # offsets, slug, version, anchoring score …
    ]
    positions = [html.find(mark) for mark in marks]
    assert -1 not in positions, dict(zip(marks, positions, strict=True))
    assert positions == sorted(positions), dict(zip(marks, positions, strict=True))
    technical = html[html.index("desk-technical") :]
    # Collapsed: Django renders a collapsible fieldset as a closed <details>.
    assert re.match(r"[^>]*>\s*<details>\s*<summary>", technical)
    for field in ("field-start", "field-end", "field-slug", "field-version", "field-anchor_score"):
        assert html.index(field) > html.index("desk-technical"), field


def test_one_link_to_the_public_page(client, editor, published):
    html = _page(client, editor, published)
    public = published.get_absolute_url()
    assert html.count(f'href="{public}"') == 1


def test_offsets_are_a_tooltip_not_text(client, editor, published):
    html = _page(client, editor, published)
    span = f"{published.start}–{published.end}"
    quote = re.search(r'<q class="desk-quote" title="([^"]*)">', html)
    assert quote and span in quote.group(1)
    # Shown as text only inside the collapsed technical details (start and end apart).
    before_technical = html[: html.index("desk-technical")]
    assert span not in re.sub(r'title="[^"]*"', "", before_technical)


def test_rating_and_verdict_have_distinct_german_names():
    with translation.override("de"):
        names = {
            "rating": (str(Rating._meta.verbose_name), str(Rating._meta.verbose_name_plural)),
            "verdict": (str(Verdict._meta.verbose_name), str(Verdict._meta.verbose_name_plural)),
        }
    assert names == {
        "rating": ("Bewertung", "Bewertungen"),
        "verdict": ("Prüfergebnis", "Prüfergebnisse"),
    }


def test_the_german_menu_names_each_model_once(client, editor):
    client.force_login(editor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    html = client.get(reverse("admin:app_list", args=["claims"])).content.decode()
    # (The sidebar repeats the list: one name per model id.)
    found = re.findall(
        r'<th scope="row" id="(claims-\w+)">\s*<a href="[^"]*"[^>]*>([^<]+)</a>', html
    )
    names = dict(found)
    assert len(names) >= 5 and len(set(names.values())) == len(names), names
