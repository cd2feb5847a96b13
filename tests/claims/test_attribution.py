"""Claim suggestions (the claims.attribution package): pure, no database."""

from __future__ import annotations

import pytest

from claims.attribution import Attribution, KnownSpeaker, SpeakerRef, Suggestion, suggest_claims
from tests.claims.seed_claims import (
    GOLD_CLAIMS,
    SEED_SPEAKERS,
    gold_span,
    load_seed_text,
    score,
)

SEED = load_seed_text()
DIRECT, INDIRECT, PARAPHRASE, REPORTED = (
    Attribution.DIRECT,
    Attribution.INDIRECT,
    Attribution.PARAPHRASE,
    Attribution.REPORTED,
)

TOKAJEW = KnownSpeaker(1, "Kassym-Schomart Tokajew", ("Tokajew", "Tokayev"), gender="m")
PSAKI = KnownSpeaker(2, "Jen Psaki", gender="f")
PUTIN = KnownSpeaker(3, "Wladimir Putin", ("Putin", "Vladimir Putin"), gender="m")
AMT = KnownSpeaker(4, "Auswärtiges Amt", is_organization=True)
INNEN = KnownSpeaker(5, "Innenministerium Kasachstans", is_organization=True)
KNOWN = (TOKAJEW, PSAKI, PUTIN, AMT, INNEN)


def assert_well_formed(
    text: str, result: list[Suggestion], speakers: tuple[KnownSpeaker, ...] = ()
) -> None:
    """What every result must satisfy, whatever the text."""
    assert isinstance(result, list)
    assert result == sorted(result, key=lambda s: (s.start, s.end))
    assert len({(s.start, s.end) for s in result}) == len(result)  # one suggestion per span
    known = {speaker.id: speaker.name for speaker in speakers}
    for s in result:
        assert isinstance(s, Suggestion)
        assert 0 <= s.start < s.end <= len(text)
        assert s.quote == text[s.start : s.end]
        assert any(c.isalnum() for c in s.quote)
        assert isinstance(s.attribution, Attribution)
        assert 0.0 <= s.confidence <= 1.0
        if s.speaker is not None:
            assert isinstance(s.speaker, SpeakerRef)
            assert isinstance(s.speaker.name, str)
            assert s.speaker.name and s.speaker.name == s.speaker.name.strip()
            # an id only for a known speaker, and then with its canonical name
            assert s.speaker.id is None or known.get(s.speaker.id) == s.speaker.name


def suggest(text: str, **kwargs) -> list[Suggestion]:
    """suggest_claims, checking what every result must satisfy."""
    result = suggest_claims(text, **kwargs)
    assert_well_formed(text, result, tuple(kwargs.get("speakers", ())))
    return result


def only(text: str, **kwargs) -> Suggestion:
    result = suggest(text, **kwargs)
    assert len(result) == 1, result
    return result[0]


def name(s: Suggestion) -> str | None:
    return s.speaker.name if s.speaker else None


# --------------------------------------------------------------------------------------
# Quotation marks
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "quote", "speaker"),
    [
        ("de", "„Wir sind bereit“, sagte Tokajew.", "Wir sind bereit", "Tokajew"),
        ("de", '"Wir sind bereit", sagte Tokajew.', "Wir sind bereit", "Tokajew"),
        ("de", "»Wir sind bereit«, sagte Tokajew.", "Wir sind bereit", "Tokajew"),
        # Swiss/French guillemets point the other way
        ("de", "«Wir sind bereit», sagte Tokajew.", "Wir sind bereit", "Tokajew"),
        ("de", "‚Wir sind bereit‘, sagte Tokajew.", "Wir sind bereit", "Tokajew"),
        # German opener with an English closer, as sloppy typing leaves it
        ("de", "„Wir sind bereit”, sagte Tokajew.", "Wir sind bereit", "Tokajew"),
        # the apostrophe in "geht's" must not open a quotation
        ("de", "„So geht's nicht weiter“, sagte Tokajew.", "So geht's nicht weiter", "Tokajew"),
        # nested German quotations: the outer one is the claim
        (
            "de",
            "„Sie nennen es ‚Protest‘, aber es ist Terror“, sagte Tokajew.",
            "Sie nennen es ‚Protest‘, aber es ist Terror",
            "Tokajew",
        ),
        ("en", "“We are ready,” Tokayev said.", "We are ready", "Tokayev"),
        ("en", '"We are ready," said Tokayev.', "We are ready", "Tokayev"),
        ("en", "‘We are ready,’ Tokayev said.", "We are ready", "Tokayev"),
        ("en", "'We are ready,' Tokayev said.", "We are ready", "Tokayev"),
        # apostrophes inside single quotes: Putin's, isn't
        (
            "en",
            "'Putin's army isn't ready,' Tokayev said.",
            "Putin's army isn't ready",
            "Tokayev",
        ),
        # typographic apostrophe, and nested English quotation
        (
            "en",
            "“They call it ‘peacekeeping’ but it’s an invasion,” Tokayev said.",
            "They call it ‘peacekeeping’ but it’s an invasion",
            "Tokayev",
        ),
    ],
)
def test_quote_styles(language, text, quote, speaker):
    s = only(text, language=language)
    assert (s.quote, name(s), s.attribution) == (quote, speaker, DIRECT)


@pytest.mark.parametrize(
    ("language", "text", "speaker", "direct"),
    [
        # possessive and contraction apostrophes, no quotation at all
        ("en", "Putin's spokesman said Moscow's position hadn't changed.", "Putin", None),
        # a plural possessive leaves a lone closing single mark
        (
            "en",
            "The protesters' spokesman said the demands weren't negotiable.",
            "protesters",
            None,
        ),
        ("de", "Wie's weitergeht, sagte Tokajew, wisse niemand.", "Tokajew", None),
        # a real quotation next to the apostrophes is found, and only it
        (
            "en",
            "“Moscow's position hasn't changed,” Putin's spokesman said.",
            "Putin",
            "Moscow's position hasn't changed",
        ),
        # straight single marks as quotation marks, an apostrophe inside and after
        ("en", "'It's over,' the protesters' spokesman said.", "protesters", "It's over"),
        (
            "de",
            "Wie's weitergeht, sagte Tokajew, wisse niemand. "
            "„Das geht's euch nichts an“, fügte er hinzu.",
            "Tokajew",
            "Das geht's euch nichts an",
        ),
    ],
)
def test_apostrophes_open_no_quotation(language, text, speaker, direct):
    result = suggest(text, language=language)
    assert result, "the statement around the apostrophes is found"
    # a mark right after a letter or digit: in these texts, always an apostrophe
    apostrophes = {i for i, c in enumerate(text) if c in "'’" and i > 0 and text[i - 1].isalnum()}
    for s in result:
        # no quotation opens or closes at an apostrophe
        assert s.start - 1 not in apostrophes, s
        assert s.end not in apostrophes, s
        assert name(s) == speaker
    # the only direct quote is the real quotation, if there is one
    assert [s.quote for s in result if s.attribution == DIRECT] == ([direct] if direct else [])


# --------------------------------------------------------------------------------------
# Speech verbs before and after the statement
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "quote", "speaker", "attribution"),
    [
        ("de", "Tokajew sagte: „Wir sind bereit.“", "Wir sind bereit", "Tokajew", DIRECT),
        (
            "de",
            "Tokajew erklärte am Mittwoch, die Lage sei unter Kontrolle.",
            "die Lage sei unter Kontrolle",
            "Tokajew",
            INDIRECT,
        ),
        # a fronted adverbial puts the speaker after the verb
        (
            "de",
            "Am Mittwoch erklärte Tokajew, die Lage sei unter Kontrolle.",
            "die Lage sei unter Kontrolle",
            "Tokajew",
            INDIRECT,
        ),
        (
            "de",
            "Die Lage sei unter Kontrolle, betonte Tokajew.",
            "Die Lage sei unter Kontrolle",
            "Tokajew",
            INDIRECT,
        ),
        # separable verb: fuhr … fort
        (
            "de",
            "„Die Lage ist unter Kontrolle“, fuhr Tokajew fort.",
            "Die Lage ist unter Kontrolle",
            "Tokajew",
            DIRECT,
        ),
        (
            "de",
            "Das Innenministerium teilte mit, 18 Polizisten seien getötet worden.",
            "18 Polizisten seien getötet worden",
            "Innenministerium",
            INDIRECT,
        ),
        (
            "de",
            "Tokajew kritisierte, die Medien verbreiteten Lügen.",
            "die Medien verbreiteten Lügen",
            "Tokajew",
            INDIRECT,
        ),
        # wies … zurück, warf … vor, rief … auf: the object is part of the claim
        (
            "de",
            "Psaki wies die Vorwürfe aus Moskau zurück.",
            "Psaki wies die Vorwürfe aus Moskau zurück",
            "Psaki",
            PARAPHRASE,
        ),
        (
            "de",
            'Tokajew warf dem Westen vor, die "Unruhen" zu schüren.',
            'Tokajew warf dem Westen vor, die "Unruhen" zu schüren',
            "Tokajew",
            PARAPHRASE,
        ),
        (
            "de",
            "Tokajew rief die Bevölkerung zur Ruhe auf.",
            "Tokajew rief die Bevölkerung zur Ruhe auf",
            "Tokajew",
            PARAPHRASE,
        ),
        # perfect tense: the speaker sits around the auxiliary
        (
            "de",
            "Tokajew hatte zuvor erklärt, die Lage sei ernst.",
            "die Lage sei ernst",
            "Tokajew",
            INDIRECT,
        ),
        ("de", "„Wir sind bereit“, so Tokajew.", "Wir sind bereit", "Tokajew", DIRECT),
        (
            "de",
            "Die Lage sei ernst, hieß es aus dem Kreml.",
            "Die Lage sei ernst",
            "Kreml",
            INDIRECT,
        ),
        # the inserted attribution stays inside the span of the two-part quotation
        (
            "de",
            "„Wir sind bereit“, sagte Tokajew, „und wir werden siegen.“",
            "Wir sind bereit“, sagte Tokajew, „und wir werden siegen",
            "Tokajew",
            DIRECT,
        ),
        ("en", 'Tokayev said: "We are ready."', "We are ready", "Tokayev", DIRECT),
        (
            "en",
            "Psaki told reporters that the claims were false.",
            "the claims were false",
            "Psaki",
            INDIRECT,
        ),
        (
            "en",
            "Psaki claimed the protests were peaceful.",
            "the protests were peaceful",
            "Psaki",
            INDIRECT,
        ),
        ("en", "Psaki denied that the US was involved.", "the US was involved", "Psaki", INDIRECT),
        (
            "en",
            "Psaki denied the allegations.",
            "Psaki denied the allegations",
            "Psaki",
            PARAPHRASE,
        ),
        (
            "en",
            "The situation is under control, Tokayev stated.",
            "The situation is under control",
            "Tokayev",
            INDIRECT,
        ),
        (
            "en",
            "Eight officers were killed, according to the interior ministry.",
            "Eight officers were killed",
            "interior ministry",
            REPORTED,
        ),
        (
            "en",
            "According to the interior ministry, eight officers were killed.",
            "eight officers were killed",
            "interior ministry",
            REPORTED,
        ),
        ("en", '"We will not retreat," Tokayev added.', "We will not retreat", "Tokayev", DIRECT),
    ],
)
def test_speech_verbs_before_and_after(language, text, quote, speaker, attribution):
    s = only(text, language=language)
    assert (s.quote, name(s), s.attribution) == (quote, speaker, attribution)


# --------------------------------------------------------------------------------------
# Speakers: pronouns, misspellings, roles, institutions
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "speakers", "expected"),
    [
        # "er": the last man mentioned
        (
            "de",
            "Tokajew traf Psaki. „Wir sind bereit“, sagte er.",
            KNOWN,
            "Kassym-Schomart Tokajew",
        ),
        # "sie": the last woman, not the man mentioned after her
        ("de", "Psaki traf Tokajew. „Wir sind bereit“, sagte sie.", KNOWN, "Jen Psaki"),
        # no known speakers: the antecedent comes from an earlier attribution
        (
            "de",
            "„Die Lage ist ernst“, sagte Tokajew. Er traf Psaki. „Wir sind bereit“, sagte er.",
            (),
            "Tokajew",
        ),
        # "sie" for an institution: die Bundesregierung
        (
            "de",
            "Die Bundesregierung erklärte, man sei besorgt. „Wir beobachten die Lage“, teilte "
            "sie mit.",
            (),
            "Bundesregierung",
        ),
        ("en", 'Psaki met Tokayev. "It is false," she said.', KNOWN, "Jen Psaki"),
        ("en", 'Psaki met Tokayev. "It is false," he said.', KNOWN, "Kassym-Schomart Tokajew"),
        (
            "en",
            'Tokayev spoke on television. "We will act," Tokayev said. "The situation is under '
            'control," he added.',
            (),
            "Tokayev",
        ),
    ],
)
def test_pronoun_resolves_to_last_fitting_speaker(language, text, speakers, expected):
    last = suggest(text, language=language, speakers=speakers)[-1]
    assert name(last) == expected


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # transposed letters
        ("„Wir sind bereit“, sagte Tojakew.", TOKAJEW),
        # an alias: the English transcription
        ("„Wir sind bereit“, sagte Tokayev.", TOKAJEW),
        # last name only
        ("„Wir sind bereit“, sagte Psaki.", PSAKI),
        # one letter too many in a full name
        ("„Wir sind bereit“, sagte Jen Psacki.", PSAKI),
        # a short alias
        ("„Wir sind bereit“, sagte Putin.", PUTIN),
        # genitive of an institution, and a known name that says more
        ("Es sei ernst, sagte ein Sprecher des Auswärtigen Amts.", AMT),
        ("Nach Angaben des Innenministeriums wurden 18 Polizisten getötet.", INNEN),
    ],
)
def test_spelling_variants_match_known_speakers(text, speaker):
    s = only(text, speakers=KNOWN)
    assert s.speaker == SpeakerRef(speaker.id, speaker.name)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # same last name, another first name: another person
        ("„Ja, wir kommen“, sagte Hunter Biden.", SpeakerRef(None, "Hunter Biden")),
        ("„Ja, wir kommen“, sagte Joe Biden.", SpeakerRef(10, "Joe Biden")),
        # an initial fits the first name
        ("„Ja, wir kommen“, sagte J. Biden.", SpeakerRef(10, "Joe Biden")),
        # a transliteration of the first name
        (
            "„Ja, wir kommen“, sagte Kassym-Jomart Tokajew.",
            SpeakerRef(1, "Kassym-Schomart Tokajew"),
        ),
    ],
)
def test_first_names_tell_people_apart(text, expected):
    speakers = (*KNOWN, KnownSpeaker(10, "Joe Biden", gender="m"))
    assert only(text, speakers=speakers).speaker == expected


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        # "der SPD-Politiker" points back to the last man named
        (
            "de",
            "Bundeskanzler Olaf Scholz besuchte Berlin. „Wer Reporter angreift, greift die "
            "Demokratie an“, sagte der SPD-Politiker.",
            "Olaf Scholz",
        ),
        # "die Ministerin": the last woman, not the man named after her
        (
            "de",
            "Innenministerin Nancy Faeser traf Olaf Scholz. Die Lage sei ernst, sagte die "
            "Ministerin.",
            "Nancy Faeser",
        ),
        (
            "en",
            'President Joe R. Biden met Jen Psaki. "We stand with the people," the president said.',
            "Joe R. Biden",
        ),
    ],
)
def test_role_with_definite_article_points_back(language, text, expected):
    assert name(suggest(text, language=language)[-1]) == expected


def test_unknown_name_is_returned_as_found():
    s = only("„Wir sind bereit“, sagte Nursultan Nasarbajew.", speakers=KNOWN)
    assert s.speaker == SpeakerRef(None, "Nursultan Nasarbajew")


@pytest.mark.parametrize(
    ("language", "text", "speaker"),
    [
        # the apposition names the spokeswoman, not the president she speaks for
        (
            "de",
            "„Das ist falsch“, sagte die Sprecherin von US-Präsident Joe Biden, Jen Psaki.",
            "Jen Psaki",
        ),
        (
            "de",
            "„Wir sind bereit“, sagte Kasachstans Präsident Kassym-Schomart Tokajew.",
            "Kassym-Schomart Tokajew",
        ),
        ("de", "Die Organisation Netblocks kritisierte, das diene der Zensur.", "Netblocks"),
        (
            "de",
            "Jen Psaki, die Sprecherin des Weißen Hauses, sagte, die Vorwürfe seien falsch.",
            "Jen Psaki",
        ),
        # a role before the name, and an English possessive in front
        ("en", "White House press secretary Jen Psaki said the claims were false.", "Jen Psaki"),
        ("en", "Russia's President Vladimir Putin said the troops would stay.", "Vladimir Putin"),
        (
            "en",
            "The White House press secretary, Jen Psaki, said the claims were false.",
            "Jen Psaki",
        ),
    ],
)
def test_speaker_with_title_or_role(language, text, speaker):
    assert name(only(text, language=language)) == speaker


@pytest.mark.parametrize(
    ("language", "text", "speaker"),
    [
        (
            "de",
            "Das russische Außenministerium erklärte, Moskau hoffe auf eine Lösung.",
            "russische Außenministerium",
        ),
        (
            "de",
            "Die Bundesregierung erklärte, sie verfolge die Lage „sehr aufmerksam“.",
            "Bundesregierung",
        ),
        # the spokesman speaks for the office: genitive turned into the office's name
        (
            "de",
            "Es sei ernst, sagte ein Sprecher des Auswärtigen Amts in Berlin.",
            "Auswärtiges Amt",
        ),
        ("de", "Laut Innenministerium wurden 18 Polizisten getötet.", "Innenministerium"),
        (
            "de",
            "317 Polizisten wurden nach Angaben des Innenministeriums verletzt.",
            "Innenministerium",
        ),
        ("de", "Die USA riefen die Behörden zur „Zurückhaltung“ auf.", "USA"),
        (
            "en",
            "Russia's foreign ministry said it hoped for a solution.",
            "Russia's foreign ministry",
        ),
        (
            "en",
            "A spokesman for the German Foreign Office said the situation was worrying.",
            "German Foreign Office",
        ),
        ("en", "Internet access was cut, the monitoring group NetBlocks reported.", "NetBlocks"),
    ],
)
def test_institutions_as_speakers(language, text, speaker):
    assert name(only(text, language=language)) == speaker


@pytest.mark.parametrize(
    "text",
    [
        # anonymous sources are reported, with nobody named
        "Berichten zufolge standen mehrere Gebäude in Flammen.",
        "Medienberichten zufolge wurden acht Polizisten getötet.",
    ],
)
def test_anonymous_reports(text):
    s = only(text)
    assert (s.attribution, s.speaker) == (REPORTED, None)


# --------------------------------------------------------------------------------------
# Indirect speech without quotation marks
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quotes"),
    [
        # Konjunktiv I in the claim, the speaker after it
        ("Die Regierung habe versagt, sagte Tokajew.", ["Die Regierung habe versagt"]),
        # Konjunktiv II (müssten) and verbs recognised by their form (diene, unterstütze)
        (
            "Demonstranten müssten friedlich bleiben können, sagte Psaki.",
            ["Demonstranten müssten friedlich bleiben können"],
        ),
        (
            "Netblocks kritisierte, dies diene der Zensur.",
            ["dies diene der Zensur"],
        ),
        (
            "Moskau erklärte, man unterstütze eine friedliche Lösung.",
            ["man unterstütze eine friedliche Lösung"],
        ),
        # a following sentence in Konjunktiv continues the statement (merged once) ...
        (
            "Tokajew warf dem Westen vor, die Proteste zu steuern. Die Gruppen seien im "
            "Ausland ausgebildet worden. Die Armee stehe bereit.",
            [
                "Tokajew warf dem Westen vor, die Proteste zu steuern. Die Gruppen seien im "
                "Ausland ausgebildet worden",
                "Die Armee stehe bereit",
            ],
        ),
        # ... but narration in the indicative ends it
        (
            "Tokajew sagte, die Lage sei ernst. Danach reiste er ab. Die Armee stand bereit.",
            ["die Lage sei ernst"],
        ),
    ],
)
def test_konjunktiv_without_quotes(text, quotes):
    result = suggest(text)
    assert [s.quote for s in result] == quotes
    assert all(s.attribution == INDIRECT for s in result)
    assert all(s.speaker is not None for s in result)


@pytest.mark.parametrize(
    "text",
    [
        # narration, no speech at all
        "Die Proteste hatten am Sonntag begonnen. Größere Proteste sind selten.",
        # a scare quote is not a claim
        'Er kontrolliert die Politik als "Führer der Nation" nach wie vor.',
        # adjectives ending in -e are not Konjunktiv
        "Teils gewaltsame Proteste haben das Land in eine tiefe Krise gestürzt.",
        # a speech verb with nothing said
        "Er sagte nichts.",
        ("The protests began on Sunday. Large protests are rare in the country."),
    ],
)
def test_no_claim_in_plain_narration(text):
    assert suggest(text, language="en" if text.startswith("The") else "de") == []


# --------------------------------------------------------------------------------------
# Unbalanced quotation marks
# --------------------------------------------------------------------------------------


def test_unbalanced_quote_in_seed_article_stays_in_its_sentence():
    [s] = [s for s in suggest(SEED) if "beabsichtige" in s.quote]
    assert s.quote == "Ich beabsichtige, so hart wie möglich zu sein"
    assert (name(s), s.attribution) == ("Kassym-Schomart Tokajew", DIRECT)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an opening mark never closed: it stops before ", sagte …"
        (
            '"Wir sind bereit, sagte Tokajew. Danach reiste er ab.\n\nDie Lage sei "ernst", '
            "sagte Psaki.",
            [("Wir sind bereit", "Tokajew"), ('Die Lage sei "ernst"', "Psaki")],
        ),
        # an opening mark mid-paragraph runs to the end of its sentence at most
        (
            'Tokajew sagte: "Wir sind bereit. Danach reiste er ab.\n\n„Das ist falsch“, sagte '
            "Psaki.",
            [("Wir sind bereit", "Tokajew"), ("Das ist falsch", "Psaki")],
        ),
        # a closing mark never opened: the quotation starts after the colon
        (
            'Er warnte die Demonstranten: Wir greifen durch", sagte Tokajew. Die Lage sei '
            "ernst, sagte Psaki.",
            [("Wir greifen durch", "Tokajew"), ("Die Lage sei ernst", "Psaki")],
        ),
    ],
)
def test_unbalanced_quote_stays_inside_its_paragraph(text, expected):
    result = suggest(text)
    assert [(s.quote, name(s)) for s in result] == expected
    for s in result:
        assert "\n" not in s.quote


def test_quotation_opening_a_paragraph_continues_to_its_end_only():
    # the convention for quotations running over several paragraphs: no closing mark
    text = "„Wir werden siegen. Wir geben nicht auf.\n\nDie Lage sei „ernst“, sagte Psaki."
    result = suggest(text)
    assert [s.quote for s in result] == [
        "Wir werden siegen",
        "Wir geben nicht auf",
        "Die Lage sei „ernst“",
    ]
    assert name(result[-1]) == "Psaki"


# --------------------------------------------------------------------------------------
# Claims already made
# --------------------------------------------------------------------------------------


def test_existing_spans_are_not_suggested_again():
    everything = suggest(SEED)
    first, second, third = everything[:3]
    again = suggest(
        SEED,
        existing_spans=[
            (first.start, first.end),  # exactly a suggestion
            (second.start + 3, second.start + 5),  # inside one
        ],
    )
    assert first not in again and second not in again
    assert third in again
    assert len(again) == len(everything) - 2


@pytest.mark.parametrize(
    ("existing", "kept"),
    [
        ([], True),
        # touching is not overlapping: spans are end-exclusive
        ([(0, 1)], True),
        ([(20, 40)], True),
        ([(1, 2)], False),
        ([(15, 16)], False),
        # a span covering the suggestion, given end first
        ([(40, 0)], False),
        # an empty span overlaps nothing
        ([(5, 5)], True),
    ],
)
def test_existing_span_overlap(existing, kept):
    text = "„Wir sind bereit“, sagte Tokajew."  # the quote is text[1:16]
    assert (len(suggest(text, existing_spans=existing)) == 1) is kept


# --------------------------------------------------------------------------------------
# The seed article
# --------------------------------------------------------------------------------------


def _covering(result: list[Suggestion], *parts: str) -> Suggestion:
    [s] = [s for s in result if all(part in s.quote for part in parts)]
    return s


@pytest.mark.parametrize("speakers", [(), SEED_SPEAKERS], ids=["no-speakers", "desk-speakers"])
def test_seed_article_required_claims(speakers):
    result = suggest(SEED, speakers=speakers)
    terror = _covering(result, 'Tokajew warf "Terrorgruppen" vor', "Ausgebildet", '"Ausland"')
    rebuttal = _covering(result, "Diese Vorwürfe seien", "Drehbuchs für Desinformation")
    assert "Psaki wies zugleich russische Behauptungen zurück" in rebuttal.quote
    assert terror.attribution == rebuttal.attribution == INDIRECT
    if speakers:
        assert terror.speaker == SpeakerRef(1, "Kassym-Schomart Tokajew")
        assert rebuttal.speaker == SpeakerRef(2, "Jen Psaki")
    else:
        assert name(terror) in ("Tokajew", "Kassym-Schomart Tokajew")
        assert name(rebuttal) == "Jen Psaki"


def test_seed_article_misspelt_and_pronoun_speakers_resolve():
    result = suggest(SEED, speakers=SEED_SPEAKERS)
    tojakew = _covering(result, "Derzeit findet ein Kampf")  # "sagte Tojakew weiter"
    pronoun = _covering(result, "Ich beabsichtige")  # "sagte er"
    biden = _covering(result, "friedlich zum Ausdruck")  # "Sprecherin von … Joe Biden, Jen Psaki"
    assert tojakew.speaker == pronoun.speaker == SpeakerRef(1, "Kassym-Schomart Tokajew")
    assert biden.speaker == SpeakerRef(2, "Jen Psaki")


def test_gold_claims_are_well_formed():
    for claim in GOLD_CLAIMS:
        start, end = gold_span(SEED, claim)
        assert SEED[start:end] == claim.span


@pytest.mark.parametrize(
    ("speakers", "by_id"), [((), False), (SEED_SPEAKERS, True)], ids=["by-name", "by-id"]
)
def test_seed_article_precision_and_recall(speakers, by_id):
    result = suggest(SEED, speakers=speakers)
    figures = score(SEED, result, by_id=by_id)
    print(
        f"\nseed article ({'desk speakers, ids' if by_id else 'no speakers, names'}): "
        f"{len(result)} suggestions, {len(GOLD_CLAIMS)} gold claims, "
        f"precision {figures.precision:.2f}, recall {figures.recall:.2f}, "
        f"attribution agreement {figures.attribution_agreement:.2f}"
    )
    for claim in figures.missed:
        print(f"  missed: {claim.speaker}: {claim.span[:70]}")
    for s in figures.spurious:
        print(f"  spurious: {name(s)}: {s.quote[:70]}")
    # The rules were tuned on this article (19/19 and 19/19 when written): the floors
    # leave room for two misses either way.
    assert figures.recall >= 0.85
    assert figures.precision >= 0.85
    assert figures.attribution_agreement >= 0.85


# --------------------------------------------------------------------------------------
# English
# --------------------------------------------------------------------------------------

ENGLISH_ARTICLE = """\
Kazakhstan's President Kassym-Jomart Tokayev has asked a Russia-led military alliance for \
help after days of unrest. "We are facing an act of aggression by terrorist gangs," Tokayev \
said in a televised address. He said the gangs had been "trained abroad".

According to the interior ministry, eight police officers and soldiers were killed. The \
White House press secretary, Jen Psaki, said the United States was watching the situation \
closely. "These claims are absolutely false and part of the Russian playbook," she told \
reporters. Psaki denied that Washington had played any role in the unrest.

Russia's foreign ministry said it hoped for a "peaceful solution". 'We call on all sides to \
show restraint,' a spokesman for the German Foreign Office said. Putin's spokesman declined \
to comment, and the protesters' demands went unanswered.
"""


def test_english_article():
    result = suggest(ENGLISH_ARTICLE, language="en", speakers=SEED_SPEAKERS)
    got = [(s.quote, s.speaker, s.attribution) for s in result]
    tokajew, psaki = SpeakerRef(1, "Kassym-Schomart Tokajew"), SpeakerRef(2, "Jen Psaki")
    assert got == [
        ("We are facing an act of aggression by terrorist gangs", tokajew, DIRECT),
        ('the gangs had been "trained abroad"', tokajew, INDIRECT),
        (
            "eight police officers and soldiers were killed",
            SpeakerRef(None, "interior ministry"),
            REPORTED,
        ),
        ("the United States was watching the situation closely", psaki, INDIRECT),
        ("These claims are absolutely false and part of the Russian playbook", psaki, DIRECT),
        ("Washington had played any role in the unrest", psaki, INDIRECT),
        (
            'it hoped for a "peaceful solution"',
            SpeakerRef(None, "Russia's foreign ministry"),
            INDIRECT,
        ),
        (
            "We call on all sides to show restraint",
            SpeakerRef(None, "German Foreign Office"),
            DIRECT,
        ),
    ]


@pytest.mark.parametrize("language", ["en", "en-GB", "en_US", "EN"])
def test_language_tags(language):
    s = only('"We are ready," Tokayev said.', language=language)
    assert s.quote == "We are ready"


# --------------------------------------------------------------------------------------
# Hostile input
# --------------------------------------------------------------------------------------

NESTED = "Tokajew sagte: " + "„a ‚b " * 100 + "c" + "‘ d“" * 100 + "."


HOSTILE_BOM = "\ufeff\x00\x01„Wir\x0b sind“, sagte\x0c Tokajew.\x1f"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # empty and blank
        ("", []),
        (" \n\t\r\n ", []),
        # only quotation marks, of every kind
        ("„“”\"»«‚‘’'›‹", []),
        ('"' * 400, []),
        ("'" * 400, []),
        ("»«" * 500, []),
        # 200 opening marks, never closed
        ("„" * 200 + "x", []),
        # 200 closing marks, never opened
        ("x" + "“" * 200, []),
        # 200 alternating straight marks around speech verbs (no expectation: which marks
        # pair up is anybody's guess)
        ('Er sagte "' * 200, None),
        # no punctuation at all in a long line
        ("wort " * 20_000, []),
        # control characters and a byte-order mark (what should be found: see
        # test_control_characters_before_a_quotation)
        (HOSTILE_BOM, None),
        # apostrophes everywhere
        ("Putin's it's geht's ’s '" * 300, []),
        # Windows line endings and a hard-wrapped line
        (
            "Tokajew sagte am Mittwoch\r\nim Fernsehen, die Lage sei ernst.\r\n",
            [("die Lage sei ernst", "Tokajew", INDIRECT)],
        ),
    ],
)
def test_hostile_input_does_not_break(text, expected):
    """Whatever the input, the result is well-formed; where it holds a claim, it is found
    (`expected`: the (quote, speaker, attribution) of the German rules; [] when there is
    nothing to find, None when nothing is asserted)."""
    german = suggest_claims(text)
    assert_well_formed(text, german)
    if expected is not None:
        assert [(s.quote, name(s), s.attribution) for s in german] == expected

    english = suggest_claims(text, language="en", speakers=KNOWN, existing_spans=[(0, 3)])
    assert_well_formed(text, english, KNOWN)
    assert all(s.start >= 3 for s in english), "nothing overlaps the claim already made"
    if expected == []:
        assert english == []


@pytest.mark.xfail(
    strict=True,
    reason="known gap: control characters before the opening mark are taken for narration, "
    "so the quotation is not read as a direct quote",
)
def test_control_characters_before_a_quotation():
    assert [(s.quote, name(s), s.attribution) for s in suggest(HOSTILE_BOM)] == [
        ("Wir\x0b sind", "Tokajew", DIRECT)
    ]


def test_two_hundred_nested_quotes():
    s = only(NESTED)
    assert (name(s), s.attribution) == ("Tokajew", DIRECT)
    assert s.quote.startswith("a ‚b „a") and s.quote.endswith("‘ d")


def test_text_without_quotes():
    text = SEED.translate(str.maketrans("", "", '"„“'))
    result = suggest(text)
    # indirect speech and attributions survive without the marks
    assert any("handele es sich" in s.quote for s in result)
    assert any("Moskau hoffe" in s.quote for s in result)


def test_megabyte_article():
    # Behaviour only: every copy of the article gives the same suggestions (no time asserted)
    copies = 1_000_000 // len(SEED) + 1
    text = "\n\n".join([SEED] * copies)
    assert len(text) > 1_000_000
    single = suggest(SEED)
    result = suggest(text)
    assert len(result) == copies * len(single)
    step = len(SEED) + 2
    last = result[-len(single) :]
    assert [(s.start - (copies - 1) * step, s.quote, s.speaker) for s in last] == [
        (s.start, s.quote, s.speaker) for s in single
    ]
