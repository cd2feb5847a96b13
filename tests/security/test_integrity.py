"""No path around the workflow (issue 13): each test is an attack on published content.

Published content changes only through the workflow's services, with four eyes before
publication and a public correction note after it: not through a history revert, not by
editing the article a fact-check quotes, not by editing a public claim, and not by an
editor who changed a claim and then publishes it alone.
"""

from collections.abc import Iterator

import pytest
from django.contrib import admin
from django.test import Client, TestCase
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from claims import services, workflow
from claims.errors import InvalidInput, NotAllowed
from claims.models import Article, Claim, Correction, Speaker, Verdict
from claims.signals import public_change
from newsdesk.admin.history import ReadOnlyHistoryAdmin
from publishing import caching
from tests import factories
from tests.helpers.api import desk_api_client
from tests.helpers.workflow import publish, submit, write_verdict

pytestmark = pytest.mark.django_db

QUOTE = "so niedrig wie nie"
NEW_WORDS = "Der Minister sagte, alles sei bestens."
NEW_TEXT = factories.SAMPLE_TEXT.replace("Der Minister sagte, es gebe keine Probleme.", NEW_WORDS)


@pytest.fixture
def announced() -> Iterator[list[tuple[int, str]]]:
    """The public changes announced (after the commit) while the test runs."""
    events: list[tuple[int, str]] = []

    def record(sender, *, claim_id: int, event: str, **kwargs) -> None:
        events.append((claim_id, event))

    public_change.connect(record, dispatch_uid="tests.security.announced")
    yield events
    public_change.disconnect(dispatch_uid="tests.security.announced")


def _fresh(claim: Claim) -> Claim:
    return Claim.objects.select_related("verdict", "article", "speaker").get(pk=claim.pk)


def _snapshot(claim: Claim) -> dict:
    """Everything of a claim that a reader or partner sees, and its version."""
    claim = _fresh(claim)
    verdict = claim.verdict
    article = claim.article
    return {
        "claim": (claim.claim, claim.start, claim.end, claim.exact, claim.speaker_id),
        "attribution": (claim.attribution, claim.stated_on, claim.status, claim.version),
        "verdict": (
            verdict.rating_id,
            verdict.headline,
            verdict.summary,
            verdict.explanation,
            verdict.reviewer_id,
            verdict.published_at,
        ),
        "article": (article.title, article.outlet, article.url, article.text),
        "speaker": (claim.speaker.name, claim.speaker.description),
        "corrections": Correction.objects.filter(claim=claim).count(),
    }


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(claim: Claim) -> str:
    response = Client().get(claim.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# --- 1. A history revert rewrites published content -------------------------------------------


@pytest.fixture
def published_with_history(checker, editor, make_published) -> Claim:
    """A published claim whose article, speaker and verdict each have an older version."""
    article = factories.ArticleFactory(text="Vorher. " + factories.SAMPLE_TEXT)
    services.article_update_text(article=article, text=factories.SAMPLE_TEXT, user=checker)
    speaker = factories.SpeakerFactory(name="Alte Schreibweise")
    services.speaker_update(speaker=speaker, user=checker, changes={"name": "Ministerin Muster"})
    return make_published(article=article, speaker=speaker)


def _oldest(instance) -> int:
    return instance.history.order_by("history_date", "history_id").first().history_id


def _revert_posts(claim: Claim) -> list[tuple[str, dict]]:
    """The version pages of the oldest versions, with what a revert would post."""
    claim = _fresh(claim)
    article, speaker, verdict = claim.article, claim.speaker, claim.verdict
    old_article = article.history.order_by("history_date", "history_id").first()
    return [
        (
            reverse("admin:claims_verdict_simple_history", args=[verdict.pk, _oldest(verdict)]),
            {"_save": "Revert"},
        ),
        (
            reverse("admin:claims_article_simple_history", args=[article.pk, _oldest(article)]),
            {
                "_save": "Revert",
                "title": old_article.title,
                "outlet": old_article.outlet,
                "url": old_article.url,
                "language": old_article.language,
                "published_on": old_article.published_on,
                "text": old_article.text,
            },
        ),
        (
            reverse("admin:claims_claim_simple_history", args=[claim.pk, _oldest(claim)]),
            {
                "_save": "Revert",
                "claim": "Eine ganz andere Behauptung",
                "speaker": claim.speaker_id,
                "attribution": Claim.Attribution.PARAPHRASE,
                "stated_on": "",
                "assignee": "",
                "base_version": claim.version,
            },
        ),
        (
            reverse("admin:claims_speaker_simple_history", args=[speaker.pk, _oldest(speaker)]),
            {"_save": "Revert", "name": "Alte Schreibweise", "kind": "person", "aliases": "[]"},
        ),
    ]


@pytest.mark.parametrize("role", ["checker", "editor"])
def test_posting_an_old_version_from_the_history_changes_nothing(
    request, published_with_history, role, announced
):
    claim = published_with_history
    before = _snapshot(claim)
    counts = {model: model.history.count() for model in (Article, Claim, Speaker, Verdict)}
    client = _logged_in(request.getfixturevalue(role))

    for url, data in _revert_posts(claim):
        response = client.post(url, data)
        assert response.status_code == 405, url

    assert _snapshot(claim) == before
    assert {model: model.history.count() for model in (Article, Claim, Speaker, Verdict)} == counts
    assert announced == []


@pytest.mark.parametrize("role", ["checker", "editor"])
def test_history_pages_stay_readable_and_offer_no_revert(request, published_with_history, role):
    claim = _fresh(published_with_history)
    client = _logged_in(request.getfixturevalue(role))
    for model, obj in (
        ("verdict", claim.verdict),
        ("article", claim.article),
        ("claim", claim),
        ("speaker", claim.speaker),
    ):
        assert (
            client.get(reverse(f"admin:claims_{model}_history", args=[obj.pk])).status_code == 200
        )
        version = client.get(
            reverse(f"admin:claims_{model}_simple_history", args=[obj.pk, _oldest(obj)])
        )
        assert version.status_code == 200, model
        page = version.content.decode()
        assert 'name="_save"' not in page, model  # no Revert button
        # Every field is shown as text, not as an input that looks savable.
        assert "<textarea" not in page and 'name="title"' not in page, model


def test_every_admin_with_a_history_is_read_only_there():
    history_admins = [
        model_admin
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, SimpleHistoryAdmin)
    ]
    assert len(history_admins) >= 4
    assert all(isinstance(model_admin, ReadOnlyHistoryAdmin) for model_admin in history_admins)


def test_a_verdict_is_never_saved_from_its_own_admin_page(published_with_history, editor):
    claim = _fresh(published_with_history)
    before = _snapshot(claim)
    url = reverse("admin:claims_verdict_change", args=[claim.verdict.pk])
    assert _logged_in(editor).post(url, {}).status_code == 403
    assert _snapshot(claim) == before


# --- 2a. Published content changes through the article it quotes ------------------------------


@pytest.fixture
def published(make_published) -> Claim:
    return make_published(article=factories.ArticleFactory(), quote=QUOTE)


def _article_form(article: Article, **changes) -> dict:
    data = {
        "title": article.title,
        "outlet": article.outlet,
        "url": article.url,
        "language": article.language,
        "published_on": article.published_on,
        "text": article.text,
    }
    return {**data, **changes}


def test_a_fact_checker_cannot_change_the_text_a_published_verdict_quotes(
    published, checker, announced
):
    before = _snapshot(published)
    with pytest.raises(NotAllowed, match="only an editor can change it"):
        services.article_update_text(article=published.article, text=NEW_TEXT, user=checker)
    with pytest.raises(NotAllowed, match="only an editor"):
        services.article_update(
            article=published.article, user=checker, changes={"text": NEW_TEXT}, note="Neu."
        )
    assert _snapshot(published) == before
    assert NEW_WORDS not in _page(published)
    assert announced == []


def test_a_fact_checker_cannot_change_it_in_the_admin(published, checker):
    before = _snapshot(published)
    client = _logged_in(checker)
    url = reverse("admin:claims_article_change", args=[published.article_id])
    form = client.get(url).content.decode()
    assert "only an editor can change it" in form
    assert "<textarea" not in form  # the fields are shown, not editable

    client.post(url, _article_form(published.article, text=NEW_TEXT, title="Neuer Titel"))

    assert _snapshot(published) == before
    assert NEW_WORDS not in _page(published)


@pytest.mark.parametrize("note", ["", "   "])
def test_an_editor_needs_a_public_note(published, editor, note):
    before = _snapshot(published)
    with pytest.raises(InvalidInput, match="public correction note"):
        services.article_update_text(
            article=published.article, text=NEW_TEXT, user=editor, note=note
        )
    assert _snapshot(published) == before


def test_an_editors_text_correction_reanchors_records_and_announces(
    published, editor, make_published, announced
):
    other = make_published(article=published.article, quote="keine Probleme")
    draft = factories.ClaimFactory(article=published.article, quote="Die Regierung erklärte")
    text = "Ein neuer erster Satz. " + NEW_TEXT
    versions = {c.pk: _fresh(c).version for c in (published, other, draft)}
    generation = caching.generation()
    announced.clear()

    with TestCase.captureOnCommitCallbacks(execute=True):
        report = services.article_update_text(
            article=published.article, text=text, user=editor, note="Zitat im Kontext ergänzt."
        )

    claim = _fresh(published)
    assert (claim.anchor_status, text[claim.start : claim.end]) == ("moved", QUOTE)
    assert claim.version == versions[claim.pk] + 1
    correction = Correction.objects.get(claim=claim)
    assert (correction.note, correction.created_by) == ("Zitat im Kontext ergänzt.", editor)
    latest = claim.history.first()
    assert latest.history_change_reason.startswith("correction of the article: Zitat")
    assert latest.history_user == editor
    # The quote of the other verdict is gone: orphaned (kept as it was), and corrected too.
    other = _fresh(other)
    assert other.anchor_status == "orphaned" and other.exact == "keine Probleme"
    assert Correction.objects.filter(claim=other).count() == 1
    assert report.orphaned == 1 and report.moved == 2
    # A draft is re-anchored (a new version), never "corrected" in public.
    draft = _fresh(draft)
    assert draft.version == versions[draft.pk] + 1 and not draft.corrections.exists()
    assert sorted(announced) == sorted([(claim.pk, "corrected"), (other.pk, "corrected")])
    assert caching.generation() != generation
    page = _page(claim)
    assert NEW_WORDS in page and "Zitat im Kontext ergänzt." in page


def test_an_editor_corrects_the_article_in_the_admin_with_a_note(published, editor, announced):
    client = _logged_in(editor)
    url = reverse("admin:claims_article_change", args=[published.article_id])
    assert "Public correction note" in client.get(url).content.decode()

    without = client.post(url, _article_form(published.article, text=NEW_TEXT))
    assert without.status_code == 200 and "public correction note" in without.content.decode()
    assert _fresh(published).article.text == factories.SAMPLE_TEXT

    # A browser posts CRLF: resending the text unchanged is no change and needs no note.
    same = _article_form(published.article, text=factories.SAMPLE_TEXT.replace("\n", "\r\n"))
    assert client.post(url, same).status_code == 302
    assert not Correction.objects.exists()

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            url,
            _article_form(published.article, text=NEW_TEXT, correction_note="Satz korrigiert."),
        )
    assert response.status_code == 302
    assert _fresh(published).article.text == NEW_TEXT
    assert Correction.objects.get(claim=published).note == "Satz korrigiert."
    assert announced == [(published.pk, "corrected")]


@pytest.mark.parametrize(
    "field, value",
    [("title", "Ein anderer Titel"), ("outlet", "Andere Zeitung"), ("published_on", "2021")],
)
def test_the_articles_other_public_details_follow_the_same_rule(
    published, checker, editor, field, value, announced
):
    # They are on the verdict page and in ClaimReview's itemReviewed.appearance.
    before = _snapshot(published)
    with pytest.raises(NotAllowed):
        services.article_update(article=published.article, user=checker, changes={field: value})
    with pytest.raises(InvalidInput):
        services.article_update(article=published.article, user=editor, changes={field: value})
    assert _snapshot(published) == before

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.article_update(
            article=published.article,
            user=editor,
            changes={field: value},
            note="Angabe berichtigt.",
        )
    assert getattr(_fresh(published).article, field) == value
    assert Correction.objects.get(claim=published).note == "Angabe berichtigt."
    assert announced == [(published.pk, "corrected")]


def test_an_article_a_retracted_verdict_quotes_no_longer_changes(published, editor):
    workflow.claim_retract(
        claim=published, user=editor, version=_fresh(published).version, reason="Irrtum."
    )
    before = _snapshot(published)
    with pytest.raises(InvalidInput, match="retracted"):
        services.article_update(
            article=published.article,
            user=editor,
            changes={"text": NEW_TEXT, "title": "Neu"},
            note="Korrigiert.",
        )
    assert _snapshot(published) == before
    page = _logged_in(editor).get(
        reverse("admin:claims_article_change", args=[published.article_id])
    )
    assert "can no longer be changed" in page.content.decode()


def test_an_article_without_public_claims_changes_freely(checker):
    claim = factories.ClaimFactory(quote=QUOTE)
    write_verdict(claim, checker)
    services.article_update_text(
        article=claim.article, text="Vorab. " + factories.SAMPLE_TEXT, user=checker
    )
    claim = _fresh(claim)
    assert claim.anchor_status == "moved" and not claim.corrections.exists()


# --- 2b. A published claim's wording, quote, speaker or attribution ----------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"claim": "Eine andere Behauptung"},
        {"speaker": "other"},
        {"attribution": Claim.Attribution.PARAPHRASE},
        {"stated_on": "2020"},
    ],
)
def test_a_public_claim_is_not_edited_through_the_service(published, editor, changes):
    if changes.get("speaker") == "other":
        changes = {"speaker": factories.SpeakerFactory()}
    before = _snapshot(published)
    with pytest.raises(InvalidInput, match="no longer change"):
        services.claim_update(
            claim=published, user=editor, version=_fresh(published).version, changes=changes
        )
    assert _snapshot(published) == before


@pytest.mark.parametrize("field", ["start", "end", "exact", "slug", "status"])
def test_a_claims_quote_and_state_are_not_fields_of_the_edit(published, editor, field):
    with pytest.raises(InvalidInput, match="cannot be changed here"):
        services.claim_update(
            claim=published, user=editor, version=_fresh(published).version, changes={field: 1}
        )


def test_a_public_claim_is_not_edited_in_the_admin(published, editor):
    before = _snapshot(published)
    claim = _fresh(published)
    response = _logged_in(editor).post(
        reverse("admin:claims_claim_change", args=[claim.pk]),
        {
            "claim": "Eine andere Behauptung",
            "speaker": factories.SpeakerFactory().pk,
            "attribution": Claim.Attribution.PARAPHRASE,
            "stated_on": "2020",
            "start": 0,
            "end": 3,
            "exact": "Die",
            "base_version": claim.version,
            "corrections-TOTAL_FORMS": "0",
            "corrections-INITIAL_FORMS": "0",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code in (200, 302)
    assert _snapshot(published) == before


def test_the_desk_api_has_no_way_to_edit_a_claim_or_an_article(published, editor):
    before = _snapshot(published)
    api = desk_api_client(editor)
    for url, data in (
        (f"/api/v1/desk/claims/{published.pk}/", {"claim": "Anders", "start": 0, "end": 3}),
        (f"/api/v1/desk/articles/{published.article_id}/", {"text": NEW_TEXT}),
    ):
        for method in (api.patch, api.put):
            assert method(url, data, format="json").status_code == 405, url
    assert _snapshot(published) == before


# --- 2c. Four eyes on every public field --------------------------------------------------------


def _claim_form(instance: Claim, **changes) -> dict:
    claim = _fresh(instance)
    verdict = claim.verdict
    data = {
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
        "verdict-0-id": verdict.pk,
        "verdict-0-claim": claim.pk,
        "verdict-0-rating": verdict.rating_id,
        "verdict-0-headline": verdict.headline,
        "verdict-0-summary": verdict.summary,
        "verdict-0-explanation": verdict.explanation,
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }
    return {**data, **changes}


@pytest.fixture
def in_review(checker) -> Claim:
    claim = factories.ClaimFactory(quote=QUOTE)
    write_verdict(claim, checker)
    return submit(claim, checker)


def _reworded_in_the_admin(claim: Claim, editor) -> Claim:
    client = _logged_in(editor)
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    response = client.post(url, _claim_form(claim, claim="Die Inflation ist auf Rekordtief"))
    assert response.status_code == 302
    claim = _fresh(claim)
    assert claim.claim == "Die Inflation ist auf Rekordtief"
    return claim


def test_an_editor_who_reworded_the_claim_cannot_publish_it_in_the_admin(in_review, editor):
    claim = _reworded_in_the_admin(in_review, editor)
    response = _logged_in(editor).post(
        reverse("admin:claims_claim_workflow", args=[claim.pk, "publish"]),
        {"version": claim.version},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Four eyes" in page and "wording" in page
    assert _fresh(claim).status == Claim.Status.IN_REVIEW


def test_an_editor_who_reworded_the_claim_cannot_publish_it_through_the_api(in_review, editor):
    claim = _reworded_in_the_admin(in_review, editor)
    response = desk_api_client(editor).post(
        f"/api/v1/desk/claims/{claim.pk}/publish/", {"version": claim.version}, format="json"
    )
    assert response.status_code == 403
    assert "Four eyes" in response.json()["message"] and "wording" in response.json()["message"]
    assert _fresh(claim).status == Claim.Status.IN_REVIEW


def test_another_editor_publishes_the_reworded_claim(in_review, editor, second_editor):
    claim = _reworded_in_the_admin(in_review, editor)
    response = desk_api_client(second_editor).post(
        f"/api/v1/desk/claims/{claim.pk}/publish/", {"version": claim.version}, format="json"
    )
    assert response.status_code == 200
    assert _fresh(claim).status == Claim.Status.PUBLISHED


def test_the_setting_allows_publishing_ones_own_changes(in_review, editor, settings):
    settings.FACTCHECK_ALLOW_SELF_PUBLISH = True
    claim = _reworded_in_the_admin(in_review, editor)
    assert publish(claim, editor).claim.status == Claim.Status.PUBLISHED


@pytest.mark.parametrize(
    "change, named",
    [
        ({"speaker": "other"}, "speaker"),
        ({"attribution": Claim.Attribution.INDIRECT}, "attribution"),
        ({"stated_on": "2020"}, "attribution"),
    ],
)
def test_four_eyes_covers_speaker_and_attribution(in_review, editor, change, named):
    if change.get("speaker") == "other":
        change = {"speaker": factories.SpeakerFactory()}
    services.claim_update(
        claim=in_review, user=editor, version=_fresh(in_review).version, changes=change
    )
    with pytest.raises(NotAllowed, match=f"Four eyes: you changed this claim's {named}"):
        publish(in_review, editor)


def test_four_eyes_covers_a_quote_moved_by_the_editors_text_change(in_review, editor):
    services.article_update_text(
        article=in_review.article, text="Vorab. " + factories.SAMPLE_TEXT, user=editor
    )
    with pytest.raises(NotAllowed, match="quote"):
        publish(in_review, editor)


def test_the_editor_who_created_the_claim_cannot_publish_it(checker, editor):
    article = factories.ArticleFactory()
    start = article.text.index(QUOTE)
    claim = services.claim_create_from_span(
        article=article,
        start=start,
        end=start + len(QUOTE),
        speaker=factories.SpeakerFactory(),
        claim="Die Inflation ist so niedrig wie nie",
        created_by=editor,
    )
    write_verdict(claim, checker)
    submit(claim, checker)
    with pytest.raises(NotAllowed, match="you created this claim"):
        publish(claim, editor)


def test_sending_a_claim_back_is_no_change_of_it(in_review, checker, editor):
    """Four eyes counts changes of what goes public, not an editor's review."""
    workflow.claim_request_changes(
        claim=in_review, user=editor, version=_fresh(in_review).version, note="Quelle fehlt."
    )
    submit(in_review, checker)
    assert publish(in_review, editor).claim.status == Claim.Status.PUBLISHED
