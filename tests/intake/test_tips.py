"""The tip service (``intake.tips.tip_submit``): what is checked, what is stored, and the
inbox entry each tip becomes, matched against the published checks."""

import pytest
from django.core.exceptions import ValidationError

from intake.models import InboxItem, Tip
from intake.tips import tip_submit

pytestmark = pytest.mark.django_db

CHECKED = "Die Arbeitslosigkeit hat sich seit 2019 verdoppelt"


def codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


def test_a_tip_is_stored_and_lands_in_the_inbox():
    tip = tip_submit(
        text="  Der Mond ist aus Käse, sagte 2024 ein Minister.  ",
        url="https://zeitung.example/artikel?id=1",
        email="leserin@example.org",
        language="de",
        channel="form",
    )
    tip.refresh_from_db()
    assert tip.text == "Der Mond ist aus Käse, sagte 2024 ein Minister."
    assert tip.url == "https://zeitung.example/artikel?id=1"
    assert tip.email == "leserin@example.org"
    item = tip.inbox_item
    assert item.kind == InboxItem.Kind.TIP
    assert item.quote == tip.text
    assert item.language == "de"
    assert item.state == InboxItem.State.OPEN
    assert item.matched_claim is None
    assert "figure" in item.reasons  # scored by intake.worthiness


def test_a_link_alone_is_enough_and_becomes_the_quote():
    tip = tip_submit(url="https://video.example/watch?v=abc", channel="partner", partner_name="P")
    assert tip.text == ""
    assert tip.inbox_item.quote == "https://video.example/watch?v=abc"
    assert tip.partner_name == "P"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        # nothing to check
        ({}, {"text": ["required"]}),
        ({"text": "   \n  ", "url": "  "}, {"text": ["required"]}),
        # a control character (a NUL, an escape sequence) is refused, not silently kept
        ({"text": "Zitat\x00mit NUL"}, {"text": ["invalid_text"]}),
        ({"text": "\x1b[31mrot"}, {"text": ["invalid_text"]}),
        # a link the fetcher's syntax rules refuse (never fetched either way)
        ({"url": "javascript:alert(1)"}, {"url": ["invalid_url"]}),
        ({"url": "https://user:pw@example.org/"}, {"url": ["invalid_url"]}),
        ({"url": "nicht eine Adresse"}, {"url": ["invalid_url"]}),
        ({"text": "x", "email": "not-an-address"}, {"email": ["invalid_email"]}),
        (
            {"text": "x", "email": "a@b.example\nBcc: victim@example.org"},
            {"email": ["invalid_email"]},
        ),
        ({"text": "x", "language": "Deutsch"}, {"language": ["invalid_language"]}),
        # several problems are reported together
        (
            {"url": "ftp://x.example/", "email": "@"},
            {"url": ["invalid_url"], "email": ["invalid_email"]},
        ),
    ],
)
def test_bad_input_is_refused_by_field_with_a_code_and_nothing_is_stored(fields, expected):
    with pytest.raises(ValidationError) as caught:
        tip_submit(channel="form", **fields)
    assert codes(caught.value) == expected
    assert Tip.objects.count() == 0
    assert InboxItem.objects.count() == 0


def test_the_size_limit_is_a_setting(settings):
    settings.TIPS_MAX_LENGTH = 100
    tip_submit(text="a" * 100, channel="form")
    with pytest.raises(ValidationError) as caught:
        tip_submit(text="a" * 101, channel="form")
    assert codes(caught.value) == {"text": ["too_long"]}
    assert "100" in caught.value.error_dict["text"][0].messages[0]
    assert Tip.objects.count() == 1


def test_carriage_returns_are_normalised():
    tip = tip_submit(text="Zeile eins\r\nZeile zwei\rdrei", channel="form")
    assert tip.text == "Zeile eins\nZeile zwei\ndrei"


def test_the_messages_are_translated(settings):
    from django.utils import translation

    with translation.override("de"), pytest.raises(ValidationError) as caught:
        tip_submit(channel="form")
    message = caught.value.error_dict["text"][0].messages[0]
    assert "Link" in message and "Send" not in message


def test_a_tip_that_repeats_a_published_check_is_already_checked(make_published):
    claim = make_published(claim=CHECKED)
    tip = tip_submit(text=CHECKED, language="de", channel="form")
    item = tip.inbox_item
    assert item.matched_claim == claim
    assert item.match_score is not None and item.match_score > 0.5
    assert "repeat" in item.reasons


def test_a_draft_is_never_matched(checker):
    from tests import factories

    factories.ClaimFactory(claim=CHECKED)  # a draft: not a published check
    tip = tip_submit(text=CHECKED, language="de", channel="form")
    assert tip.inbox_item.matched_claim is None
