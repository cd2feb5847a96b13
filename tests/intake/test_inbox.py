"""The inbox: computed from an imported article, ranked with explanations, acted on."""

import pytest
from django.test import TestCase

from claims.errors import InvalidInput, NotAllowed
from claims.models import Appearance, Claim, DismissedSuggestion
from intake import inbox
from intake.models import InboxItem
from intake.tasks import inbox_compute_article
from tests import factories

pytestmark = pytest.mark.django_db


def _items(article):
    return list(InboxItem.objects.filter(article=article).order_by("-score"))


def test_signal_computes_ranked_items_with_reasons(computed, published_check):
    items = _items(computed)
    assert len(items) >= 2
    top = items[0]
    quotes = [i.quote for i in items]
    assert any("Renten" in q for q in quotes)
    repeat = next(i for i in items if "Kriminalität" in i.quote)
    assert repeat.matched_claim_id == published_check.pk
    assert "repeat" in repeat.reasons
    rente = next(i for i in items if "Renten" in i.quote)
    assert {"figure", "percentage", "known_speaker"} <= set(rente.reasons)
    assert rente.speaker is not None and rente.outlet == "Beispielbote"
    assert top.score == max(i.score for i in items)
    opinion = [i for i in items if "Radwege" in i.quote]
    if opinion:
        assert "opinion" in opinion[0].reasons and opinion[0].score < rente.score
    ranked = list(inbox.inbox_items())
    assert [i.pk for i in ranked] == [i.pk for i in sorted(ranked, key=lambda i: -i.score)]


def test_computing_again_is_idempotent(computed):
    before = sorted(InboxItem.objects.values_list("article", "start", "end"))
    inbox_compute_article(computed.pk)
    assert sorted(InboxItem.objects.values_list("article", "start", "end")) == before


def test_unimported_article_gets_nothing(db):
    article = factories.ArticleFactory(import_state="importing", text="")
    assert inbox_compute_article(article.pk) == 0


def test_draft_never_offered_as_already_checked(imported_article, speaker, checker):
    article = factories.ArticleFactory(text="Die Renten sind seit 2010 um 40 Prozent gestiegen.")
    factories.ClaimFactory(
        article=article,
        speaker=speaker,
        quote="Die Renten sind seit 2010 um 40 Prozent gestiegen",
        claim="Die Renten sind seit 2010 um 40 Prozent gestiegen",
    )
    inbox_compute_article(imported_article.pk)
    assert not InboxItem.objects.filter(matched_claim__isnull=False).exists()


def test_dismiss_records_a_dismissal_and_who(computed, checker):
    item = _items(computed)[0]
    inbox.inbox_dismiss(item=item, user=checker)
    item.refresh_from_db()
    assert item.state == "dismissed" and item.decided_by == checker and item.decided_at
    assert DismissedSuggestion.objects.filter(
        article=computed, start=item.start, end=item.end
    ).exists()
    with pytest.raises(InvalidInput):
        inbox.inbox_dismiss(item=item, user=checker)


def test_accept_opens_split_view_prefilled(computed, checker):
    item = _items(computed)[0]
    url = inbox.inbox_accept(item=item, user=checker)
    assert f"/split/?start={item.start}&end={item.end}" in url
    item.refresh_from_db()
    assert item.state == "accepted" and item.decided_by == checker


def test_assign_to_staff_only(computed, checker, editor):
    item = _items(computed)[0]
    inbox.inbox_assign(item=item, user=checker, assignee=editor)
    item.refresh_from_db()
    assert item.assignee == editor
    outsider = factories.UserFactory(username="reader", is_staff=False)
    with pytest.raises(InvalidInput):
        inbox.inbox_assign(item=item, user=checker, assignee=outsider)


def test_actions_need_the_permission(computed):
    nobody = factories.UserFactory(username="plainstaff", is_staff=True)
    item = _items(computed)[0]
    for action in (inbox.inbox_dismiss, inbox.inbox_accept, inbox.inbox_record_appearance):
        with pytest.raises(NotAllowed):
            action(item=item, user=nobody)


def test_record_appearance_moves_the_check(computed, checker, published_check):
    item = next(i for i in _items(computed) if i.matched_claim_id)
    before = Claim.objects.get(pk=published_check.pk)
    with TestCase.captureOnCommitCallbacks(execute=True):
        appearance = inbox.inbox_record_appearance(item=item, user=checker)
    after = Claim.objects.get(pk=published_check.pk)
    assert after.version == before.version + 1 and after.updated_at > before.updated_at
    assert appearance.article == computed and appearance.outlet == "Beispielbote"
    assert appearance.url == "https://beispielbote.example/rente"
    item.refresh_from_db()
    assert item.state == "appearance" and item.claim_id == published_check.pk
    assert after.history.first().history_change_reason.startswith("Appeared again")
    assert Appearance.objects.count() == 1
