"""What must always hold for the domain model: constraints and the services that guard them."""

import pytest
from django.db import IntegrityError, transaction

from claims import services
from claims.errors import InvalidInput
from claims.models import Article, Claim, Rating, Speaker
from tests import factories

pytestmark = pytest.mark.django_db


def _claim_kwargs(article, **overrides):
    values = dict(
        article=article,
        speaker=factories.SpeakerFactory(),
        start=0,
        end=3,
        exact=article.text[0:3],
        claim="x",
        slug="unique-slug",
    )
    values.update(overrides)
    return values


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (10, 10, "empty"),  # an empty span
        (20, 10, "reversed"),  # ends before it starts
        (-1, 5, "outside"),  # before the text
        (0, 10_000, "outside"),  # beyond the end of the text
    ],
)
def test_service_refuses_a_span_outside_the_text(start, end, message):
    article = factories.ArticleFactory()
    with pytest.raises(InvalidInput, match=message):
        services.claim_create_from_span(
            article=article, start=start, end=end, speaker=factories.SpeakerFactory(), claim="c"
        )
    assert Claim.objects.count() == 0


def test_service_refuses_a_quote_that_is_not_the_text_at_the_span():
    article = factories.ArticleFactory()
    with pytest.raises(InvalidInput, match="does not match"):
        services.claim_create_from_span(
            article=article,
            start=0,
            end=12,
            exact="Die Opposition",
            speaker=factories.SpeakerFactory(),
            claim="c",
        )
    assert Claim.objects.count() == 0


def test_service_stores_both_w3c_selectors():
    article = factories.ArticleFactory()
    start = article.text.index("so niedrig")
    claim = services.claim_create_from_span(
        article=article,
        start=start,
        end=start + len("so niedrig wie nie"),
        exact="so niedrig wie nie",
        speaker=factories.SpeakerFactory(),
        claim="Die Inflation ist so niedrig wie nie",
    )
    assert (claim.exact, claim.status, claim.version) == ("so niedrig wie nie", "draft", 1)
    assert article.text[claim.start - len(claim.prefix) : claim.start] == claim.prefix
    assert article.text[claim.end : claim.end + len(claim.suffix)] == claim.suffix
    assert claim.verdict.pk is not None


def test_database_refuses_an_empty_span():
    article = factories.ArticleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(**_claim_kwargs(article, start=3, end=3, exact=""))


def test_database_refuses_a_quote_of_the_wrong_length():
    article = factories.ArticleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(**_claim_kwargs(article, exact="longer than three"))


def test_database_refuses_an_unknown_status():
    article = factories.ArticleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(**_claim_kwargs(article, status="approved"))


def test_database_refuses_published_without_a_publication_time():
    article = factories.ArticleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(**_claim_kwargs(article, status="published"))


def test_duplicate_claim_slug_is_refused():
    claim = factories.ClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ClaimFactory(slug=claim.slug, article=claim.article)


def test_duplicate_speaker_slug_is_refused():
    Speaker.objects.create(name="Jen Psaki", slug="jen-psaki")
    with pytest.raises(IntegrityError), transaction.atomic():
        Speaker.objects.create(name="Jen Psaki (2)", slug="jen-psaki")


def test_speaker_service_makes_slugs_unique():
    first = services.speaker_create(name="Jen Psaki")
    # Another name (the same name is refused: tests/claims/test_speakers.py) with the same slug.
    second = services.speaker_create(name="Jen Psaki 二世")
    assert first.slug == "jen-psaki"
    assert second.slug != first.slug and second.slug.startswith("jen-psaki-")


def test_duplicate_rating_slug_in_a_scale_is_refused():
    rating = factories.rating("falsch")
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(
            scale=rating.scale,
            slug="falsch",
            value=99,
            label_de="x",
            label_en="x",
            definition_de="x",
            definition_en="x",
        )


@pytest.mark.parametrize("published_on", ["2022", "2022-01", "2022-01-07", ""])
def test_partial_publication_dates_are_kept_as_given(published_on):
    article = services.article_create(title="t", text="Text.", published_on=published_on)
    article.refresh_from_db()
    assert article.published_on == published_on


@pytest.mark.parametrize("published_on", ["2022-13", "22-01", "Jan. 2022", "2022-01-32"])
def test_malformed_publication_dates_are_refused(published_on):
    with pytest.raises(InvalidInput, match="published_on"):
        services.article_create(title="t", text="Text.", published_on=published_on)
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(title="t", text="Text.", published_on=published_on)


def test_only_one_default_rating_scale():
    scale = factories.default_scale()
    assert scale.is_default
    with pytest.raises(IntegrityError), transaction.atomic():
        type(scale).objects.create(
            name="Zweite", slug="zweite", best_value=1, worst_value=0, is_default=True
        )


def test_default_scale_ships_ordered_with_definitions():
    scale = factories.default_scale()
    ratings = list(scale.ratings.order_by("-value"))
    assert ratings[0].slug == "richtig" and ratings[-1].slug == "falsch"
    assert ratings[0].value == scale.best_value and ratings[-1].value == scale.worst_value
    assert all(r.definition_de and r.definition_en and r.label_en and r.symbol for r in ratings)


def test_verdict_change_is_recorded_in_history(checker):
    claim = factories.ClaimFactory()
    services.verdict_update(
        claim=claim,
        user=checker,
        version=claim.version,
        rating=factories.rating("falsch"),
        headline="Falsch",
        summary="Kurz",
        explanation="Lang",
    )
    claim.refresh_from_db()
    services.verdict_update(
        claim=claim,
        user=checker,
        version=claim.version,
        rating=factories.rating("halbwahr"),
        headline="Halbwahr",
        summary="Kurz",
        explanation="Lang",
    )
    history = list(claim.verdict.history.order_by("history_date"))
    assert [h.headline for h in history][-2:] == ["Falsch", "Halbwahr"]
    delta = history[-1].diff_against(history[-2])
    assert {change.field for change in delta.changes} >= {"rating", "headline"}
    claim.refresh_from_db()
    assert claim.version == 3
    assert claim.history.count() >= 3


def test_a_stale_verdict_save_is_refused(checker):
    from claims.errors import StaleVersion

    claim = factories.ClaimFactory()
    services.verdict_update(
        claim=claim, user=checker, version=1, rating=None, headline="A", summary="", explanation=""
    )
    with pytest.raises(StaleVersion, match="changed this claim"):
        services.verdict_update(
            claim=claim,
            user=checker,
            version=1,
            rating=None,
            headline="B",
            summary="",
            explanation="",
        )
    claim.verdict.refresh_from_db()
    assert claim.verdict.headline == "A"


def test_groups_have_the_workflow_permissions(checker, editor):
    assert checker.has_perm("claims.add_claim") and checker.has_perm("claims.change_verdict")
    assert not checker.has_perm("claims.publish_claim")
    assert editor.has_perm("claims.publish_claim") and editor.has_perm("claims.review_claim")


def test_pasted_windows_line_endings_are_normalised(checker):
    article = services.article_create(title="t", text="Erster Absatz.\r\n\r\nZweiter\rAbsatz.")
    assert article.text == "Erster Absatz.\n\nZweiter\nAbsatz."
    services.article_update_text(article=article, text="Neu.\r\nText.", user=checker)
    article.refresh_from_db()
    assert article.text == "Neu.\nText."
