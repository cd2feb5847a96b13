"""Each check-worthiness rule, in German and in English."""

import pytest

from intake.worthiness import REASONS, WEIGHTS, assess, reason_sentences

CASES = [
    # (rule, language, fires, does not fire)
    (
        "figure",
        "de",
        "Die Schulden liegen bei 40 Milliarden Euro im Jahr.",
        "Die Schulden sind das Problem der Regierung.",
    ),
    (
        "figure",
        "de",
        "Es fehlen zwei Drittel der Lehrkräfte an den Schulen.",
        "Es fehlen viele Lehrkräfte an den Schulen.",
    ),
    (
        "figure",
        "en",
        "The debt stands at 40 billion pounds a year.",
        "The debt is the problem of the government.",
    ),
    (
        "figure",
        "en",
        "Half of all teachers leave the job early on.",
        "Many teachers leave the job early on.",
    ),
    (
        "percentage",
        "de",
        "Die Preise sind um zwölf Prozent gestiegen im Jahr.",
        "Die Preise sind deutlich gestiegen im letzten Jahr.",
    ),
    (
        "percentage",
        "en",
        "Prices went up by 12% in a single year.",
        "Prices went up a lot in a single year.",
    ),
    (
        "comparison",
        "de",
        "Die Arbeitslosigkeit ist höher als vor zehn Jahren.",
        "Die Arbeitslosigkeit ist ein Thema in der Stadt.",
    ),
    (
        "comparison",
        "de",
        "Das ist die niedrigste Quote in ganz Europa heute.",
        "Das ist eine Quote in ganz Europa heute.",
    ),
    (
        "comparison",
        "en",
        "Unemployment is higher than ten years ago.",
        "Unemployment is a topic in the city.",
    ),
    (
        "comparison",
        "en",
        "This is the lowest rate in the whole of Europe.",
        "This is a rate in the whole of Europe.",
    ),
    (
        "causal",
        "de",
        "Die Preise steigen, weil die Energie teurer wurde.",
        "Die Preise steigen und die Energie wurde teurer.",
    ),
    (
        "causal",
        "en",
        "Prices rise because energy became dearer for firms.",
        "Prices rise and energy became dearer for firms.",
    ),
    (
        "opinion",
        "de",
        "Ich finde, die Stadt braucht mehr Radwege und Parks.",
        "Die Stadt hat mehr Radwege und Parks gebaut.",
    ),
    (
        "opinion",
        "en",
        "I think the city needs more cycle lanes and parks.",
        "The city has built more cycle lanes and parks.",
    ),
]


@pytest.mark.parametrize("rule,language,fires,quiet", CASES)
def test_each_rule_fires_only_on_its_cue(rule, language, fires, quiet):
    assert rule in assess(fires, language=language).reasons
    assert rule not in assess(quiet, language=language).reasons


def test_opinion_lowers_the_score():
    fact = assess("Die Stadt hat 2024 mehr Radwege gebaut als je zuvor.", language="de")
    opinion = assess("Ich finde, die Stadt sollte 2024 mehr Radwege bauen.", language="de")
    assert opinion.score < fact.score


@pytest.mark.django_db
def test_known_and_prominent_speaker(make_published):
    from tests import factories

    known = factories.SpeakerFactory()
    plain = assess("Die Steuern sind die höchsten der Welt.", language="de", speaker=known)
    assert "known_speaker" in plain.reasons and "prominent_speaker" not in plain.reasons
    claim = make_published()
    prominent = assess(
        "Die Steuern sind die höchsten der Welt.", language="de", speaker=claim.speaker
    )
    assert {"known_speaker", "prominent_speaker"} <= set(prominent.reasons)
    assert prominent.score > plain.score > assess("Die Steuern sind die höchsten der Welt.").score


@pytest.mark.parametrize(
    "attribution,code",
    [("direct", "direct_quote"), ("indirect", "indirect_speech"), ("reported", "reported")],
)
def test_direct_and_indirect_speech(attribution, code):
    assert (
        code
        in assess(
            "Die Mieten haben sich verdoppelt, in zehn Jahren.", attribution=attribution
        ).reasons
    )
    direct = assess(
        "Rents doubled within ten years in the city.", language="en", attribution="direct"
    )
    reported = assess(
        "Rents doubled within ten years in the city.", language="en", attribution="reported"
    )
    assert direct.score > reported.score


def test_repeat_and_short():
    class FakeMatch:
        claim = None
        score = 0.9

    repeat = assess("Knife crime is at a record high in England.", language="en", match=FakeMatch())
    assert "repeat" in repeat.reasons
    assert "short" in assess("Nein, niemals.", language="de").reasons


def test_every_code_has_a_sentence_and_a_weight(settings):
    from django.utils import translation

    assert set(REASONS) == set(WEIGHTS)
    assert reason_sentences(["figure", "unknown"]) == ["contains a figure"]
    with translation.override("de"):
        assert reason_sentences(["figure", "known_speaker", "repeat"]) == [
            "enthält eine Zahl",
            "bekannter Sprecher",
            "wiederholt eine geprüfte Behauptung",
        ]
