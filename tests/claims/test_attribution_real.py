"""Claim suggestions on the kinds of sentences real news is made of (issue #16).

Each table is one error class found on real articles; every sentence here is written for
the test (none is taken from an article). The speaker is checked by name as the text
gives it, with no known speakers, as for a new article on an empty desk.
"""

from __future__ import annotations

import pytest

from claims.attribution import Attribution, SpeakerResolution, Suggestion
from tests.claims.test_attribution import KNOWN, suggest

DIRECT, INDIRECT, PARAPHRASE, REPORTED = (
    Attribution.DIRECT,
    Attribution.INDIRECT,
    Attribution.PARAPHRASE,
    Attribution.REPORTED,
)
NAMED, ALIAS, ROLE, PRONOUN, PREVIOUS, NONE = (
    SpeakerResolution.NAMED,
    SpeakerResolution.ALIAS,
    SpeakerResolution.ROLE,
    SpeakerResolution.PRONOUN,
    SpeakerResolution.PREVIOUS,
    SpeakerResolution.NONE,
)


def found(text: str, language: str, **kwargs) -> list[tuple[str, str | None]]:
    return [
        (s.quote, s.speaker.name if s.speaker else None)
        for s in suggest(text, language=language, **kwargs)
    ]


# --------------------------------------------------------------------------------------
# English indirect speech: "X said (that) …", "X told reporters …", "according to X, …"
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a weekday between verb and "that" is neither speaker nor statement
        (
            "Rivera said Thursday that the talks had stalled.",
            [("the talks had stalled", "Rivera")],
        ),
        # a time phrase between subject and verb
        (
            "Health officials on Tuesday said the outbreak was contained.",
            [("the outbreak was contained", "Health officials")],
        ),
        (
            "County officials this week said the water was safe to drink.",
            [("the water was safe to drink", "County officials")],
        ),
        # "told" and its addressee
        (
            "Kim Novak told reporters the vote had been postponed.",
            [("the vote had been postponed", "Kim Novak")],
        ),
        (
            "Novak told the Daily Ledger she would not run again.",
            [("she would not run again", "Novak")],
        ),
        # a lower-case role between the name's parts of the phrase
        (
            "Weather Service forecaster Tom Reyes predicted heavy rain for the coast.",
            [("heavy rain for the coast", "Tom Reyes")],
        ),
        # "according to" with adjectives, up to its comma
        (
            "According to a new Harlow County survey, ridership fell by a third.",
            [("ridership fell by a third", "Harlow County survey")],
        ),
        (
            "According to the city's finance department, taxes will rise by $180.",
            [("taxes will rise by $180", "city's finance department")],
        ),
        # a lower-case group as the speaker, after the statement
        (
            "The fair will open on time, organizers say.",
            [("The fair will open on time", "organizers")],
        ),
        # an opening participle clause is not the statement
        (
            "Asked whether he would stay, Ortega said he had not decided.",
            [("he had not decided", "Ortega")],
        ),
        # a speaker in a subordinate clause
        (
            "The ban came after regional health officials said the river was polluted.",
            [("the river was polluted", "regional health officials")],
        ),
        # an age between commas, a comma inside the statement, "the <noun>" as a speaker
        ("Smith, 45, said he had not been informed.", [("he had not been informed", "Smith")]),
        (
            "Police said the suspect, a 34-year-old man, was arrested at home.",
            [("the suspect, a 34-year-old man, was arrested at home", "Police")],
        ),
        (
            "The storm cut power to 20,000 homes, the utility said.",
            [("The storm cut power to 20,000 homes", "utility")],
        ),
        # the attribution inside the statement
        (
            "The new policy, the senator argued, would save billions.",
            [("The new policy, the senator argued, would save billions", "senator")],
        ),
        # "…, adding that …": a second statement
        (
            "Spokeswoman Mei Lin said she knew nothing of it, adding that the city welcomed "
            "foreign firms.",
            [
                ("she knew nothing of it", "Mei Lin"),
                ("the city welcomed foreign firms", "Mei Lin"),
            ],
        ),
        # groups joined by "and"
        (
            "Residents, shop owners and local officials said the water tasted of metal.",
            [("the water tasted of metal", "shop owners and local officials")],
        ),
        # "estimated", "stressed on <day> that", "indicated … that"
        (
            "Dr Lena Hart estimated that 4,000 homes had lost power.",
            [("4,000 homes had lost power", "Lena Hart")],
        ),
        (
            "Governor Amy Stone stressed on Friday that schools would stay open.",
            [("schools would stay open", "Amy Stone")],
        ),
    ],
)
def test_english_indirect_speech(text, expected):
    assert found(text, "en") == expected


# --------------------------------------------------------------------------------------
# German Konjunktiv chains over several sentences
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # every sentence of the chain is its own claim of the same speaker
        (
            "Die Ministerin Petra Lang sagte, das Gesetz komme noch in diesem Jahr. Es sei "
            "mit den Ländern abgestimmt. Die Kosten teilten sich Bund und Länder.",
            [
                ("das Gesetz komme noch in diesem Jahr", "Petra Lang"),
                ("Es sei mit den Ländern abgestimmt", "Petra Lang"),
            ],
        ),
        # one narration sentence may stand between a statement and its continuation
        (
            "Der Verband erklärte, die Preise seien gestiegen. Im Vorjahr lag der Umsatz "
            "höher. Eine Besserung sei nicht in Sicht.",
            [
                ("die Preise seien gestiegen", "Verband"),
                ("Eine Besserung sei nicht in Sicht", "Verband"),
            ],
        ),
        # a subhead between paragraphs does not end the statement
        (
            "„Die Mannschaft ist bereit“, sagt Trainer Jan Kolb.\nTraining am Morgen\n"
            "Die Stimmung im Team sei gut.",
            [
                ("Die Mannschaft ist bereit", "Jan Kolb"),
                ("Die Stimmung im Team sei gut", "Jan Kolb"),
            ],
        ),
        # a Konjunktiv after a dash behind the attribution goes on with the speaker
        (
            "„Die Saison wird hart“, sagt Jan Kolb – die Mannschaft sei aber gut vorbereitet.",
            [
                ("Die Saison wird hart", "Jan Kolb"),
                ("die Mannschaft sei aber gut vorbereitet", "Jan Kolb"),
            ],
        ),
        # "Das teilte … mit": the sentence before is the statement
        (
            "Die Zahl der Arbeitslosen ist gesunken. Das teilte die Bundesagentur mit.",
            [("Die Zahl der Arbeitslosen ist gesunken", "Bundesagentur")],
        ),
        # the attribution inside the statement
        (
            "Die Lage, sagte Tokajew, sei ernst.",
            [("Die Lage, sagte Tokajew, sei ernst", "Tokajew")],
        ),
        # the statement before and the quotation after a colon are two claims
        (
            "Die Stadt erklärt, dass die Brücke gesperrt bleibe: „Wir gehen kein Risiko "
            "ein“, sagte ihr Sprecher.",
            [
                ("die Brücke gesperrt bleibe", "Stadt"),
                ("Wir gehen kein Risiko ein", "Stadt"),
            ],
        ),
    ],
)
def test_german_konjunktiv_chains(text, expected):
    assert found(text, "de") == expected


@pytest.mark.parametrize(
    "text",
    [
        # after a paragraph break, Konjunktiv II may be the author's own
        "Der Minister sagte, die Lage sei stabil.\nOhne neue Kredite könnte die Stadt bald "
        "zahlungsunfähig werden.",
        # the Konjunktiv of a subordinate question is no reported speech
        "Der Minister sagte, die Lage sei stabil. Die Besucher müssen angeben, ob sie "
        "geimpft seien.",
    ],
)
def test_author_sentences_do_not_continue_a_statement(text):
    assert found(text, "de") == [("die Lage sei stabil", "Minister")]


# --------------------------------------------------------------------------------------
# Verbs and markers of saying
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "quote", "speaker", "cue"),
    [
        # present-tense plurals
        ("de", "Die Experten warnen, die Zinsen blieben hoch.", "die Zinsen blieben hoch",
         "Experten", "warnen"),
        ("de", "Ökonomen prognostizieren, die Mieten stiegen weiter.",
         "die Mieten stiegen weiter", "Ökonomen", "prognostizieren"),
        # separable verbs in the present, the complementiser left out
        ("de", "Der Bürgermeister räumt ein, dass Fehler gemacht worden seien.",
         "Fehler gemacht worden seien", "Bürgermeister", "räumt ein"),
        ("de", "Die Stadtwerke teilen mit, die Leitung sei repariert.",
         "die Leitung sei repariert", "Stadtwerke", "teilen mit"),
        # "erklärt" is both a finite verb and a participle
        ("de", "Die Bahn erklärt, der Zug falle aus.", "der Zug falle aus", "Bahn", "erklärt"),
        # verbs of telling and believing behind the statement
        ("de", "„Das ist ein Erfolg“, erzählt Trainerin Lena Vogt.", "Das ist ein Erfolg",
         "Lena Vogt", "erzählt"),
        ("de", "Die Mieten stiegen weiter, glaubt der Ökonom Paul Kern.",
         "Die Mieten stiegen weiter", "Paul Kern", "glaubt"),
        # ", so X" with a role and a name
        ("de", "Die Lage bleibe angespannt, so Polizeisprecherin Anja Berg.",
         "Die Lage bleibe angespannt", "Anja Berg", "so"),
        # ", so X" followed by an adverbial
        ("de", "Die Gespräche gingen weiter, so der Sprecher am Montag.",
         "Die Gespräche gingen weiter", "Sprecher", "so"),
        # "nach Aussage des …": a weak noun in the genitive
        ("de", "Nach Aussage des Polizisten war der Täter bewaffnet.",
         "Nach Aussage des Polizisten war der Täter bewaffnet", "Polizist",
         "Nach Aussage"),
        # a naming verb with a quoted word: the word is the claim
        ("de", "Karl Ott nennt den Plan „unseriös“.", "unseriös", "Karl Ott", "nennt"),
        ("en", "Molina called the plan “reckless” and left.", "reckless", "Molina", "called"),
        # English verbs of speaking the lexicon lacked
        ("en", "“I never lose,” quipped Ortega.", "I never lose", "Ortega", "quipped"),
        ("en", "“Is that legal?” Harper asked.", "Is that legal?", "Harper", "asked"),
        ("en", "The ministry wrote in a statement that the tests were safe.",
         "the tests were safe", "ministry", "wrote"),
        # a semicolon before the quotation
        ("en", "Via a translator she added; “We will be back.”", "We will be back",
         None, "added"),
    ],
)  # fmt: skip
def test_verbs_and_markers_of_saying(language, text, quote, speaker, cue):
    [s] = suggest(text, language=language)
    assert (s.quote, s.cue) == (quote, cue)
    if speaker is not None:
        assert s.speaker is not None and s.speaker.name == speaker


# --------------------------------------------------------------------------------------
# Speaker resolution
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "speaker"),
    [
        # a time is never the speaker
        ("en", "“We are ready,” Ortega said Wednesday.", "Ortega"),
        ("de", "„Die Reform kommt“, versprach Bauer vergangene Woche.", "Bauer"),
        # a role and a name after the quotation, the role in lower case
        ("en", "“The storm has passed,” Weather Service forecaster Tom Reyes said.", "Tom Reyes"),
        ("en", "“It was a long night,” said fire department spokeswoman Lisa Grant.", "Lisa Grant"),
        ("en", "“The road is closed,” said Department of Transportation spokesman Ken Lowe.",
         "Ken Lowe"),
        # the particles of a name
        ("en", "“We are not there yet,” said Mayor Ana de Souza.", "Ana de Souza"),
        # a body speaking through a member
        ("en", "“We were blocked,” said a member of the Tenants Union, who asked not to be named.",
         "Tenants Union"),
        # a subject before an apposition set off by commas
        ("de", "Karl Ott, Vorsitzender des Mieterbunds in Köln, nennt den Plan „unseriös“.",
         "Karl Ott"),
        ("de", "Der Landesverband Hessen, dem die Klinik angehört, sagte, er prüfe den Fall.",
         "Landesverband Hessen"),
        ("en", "Lena Hart, the panel's chair, told the Ledger the risk was low.", "Lena Hart"),
        # a capitalised role standing alone is a surname
        ("en", "“Who pays for it?” Bishop asked.", "Bishop"),
    ],
)  # fmt: skip
def test_speaker_phrases(language, text, speaker):
    [s] = suggest(text, language=language)
    assert s.speaker is not None and s.speaker.name == speaker


@pytest.mark.parametrize(
    ("language", "text", "speaker", "resolution"),
    [
        # a role noun goes to the person introduced with that role ...
        (
            "de",
            "Gesundheitsministerin Petra Lang besuchte die Klinik. Der Bürgermeister Karl "
            "Ott kam später. „Wir brauchen mehr Personal“, sagte die Ministerin.",
            "Petra Lang",
            ROLE,
        ),
        (
            "en",
            "Governor Ellen Park toured the site with Senator Joe Ruiz. “We will rebuild,” "
            "the governor said.",
            "Ellen Park",
            ROLE,
        ),
        # ... and a spokesperson nobody was introduced as is not the last person named
        (
            "de",
            "Bürgermeister Karl Ott lobte die Feuerwehr. „Die Lage ist ruhig“, sagt der Sprecher.",
            "Sprecher",
            ROLE,
        ),
        (
            "en",
            "Mayor Karl Ott praised the crews. “The area is calm,” the spokesman said.",
            "spokesman",
            ROLE,
        ),
        # a spokesperson for a role: the person introduced with it
        (
            "en",
            "Mayor Tom Bradley will sign the budget. A spokeswoman for the mayor said he "
            "supports the plan.",
            "Tom Bradley",
            ROLE,
        ),
        # a pronoun goes to the speaker, not to a noun in the object of the sentence
        (
            "de",
            "Karl Ott, Vorsitzender des Mieterbunds, nennt die Erhöhung „maßlos“. Er "
            "verlangt Gespräche. „Die Vermieter müssen nachrechnen“, sagte er.",
            "Karl Ott",
            PRONOUN,
        ),
        (
            "en",
            "Senator Ray Molina, a member of the finance committee, called the plan "
            "“reckless.” “It will not pass,” he said.",
            "Ray Molina",
            PRONOUN,
        ),
        # the subject of the sentence before, not its object
        (
            "en",
            "“We will appeal,” said Dan Smith. “We will not,” said Paul Jones. Smith met "
            "Jones on Friday. “It went well,” he said.",
            "Dan Smith",
            PRONOUN,
        ),
        (
            "de",
            "„Wir gehen in Berufung“, sagte Dan Schmidt. „Wir nicht“, sagte Paul Jonas. "
            "Schmidt traf Jonas am Freitag. „Es lief gut“, sagte er.",
            "Dan Schmidt",
            PRONOUN,
        ),
        # "demnach": whoever spoke before, even when that sentence states nothing
        (
            "de",
            "Von einem Rückschlag für die Forschung spricht die Direktorin des Instituts. Die "
            "Mittel seien demnach gekürzt worden.",
            "Direktorin des Instituts",
            PREVIOUS,
        ),
    ],
)
def test_roles_and_pronouns_resolve(language, text, speaker, resolution):
    last = suggest(text, language=language)[-1]
    assert last.speaker is not None and last.speaker.name == speaker
    assert last.speaker_resolution == resolution


# --------------------------------------------------------------------------------------
# False positives: titles, slogans, demands, the author's sentences, headlines
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text"),
    [
        # quoted titles of films and campaigns
        ("de", "Der Film „Stille Tage“ läuft ab Donnerstag im Kino."),
        ("de", "Die Kampagne „Sauber bleiben“ startet im Mai."),
        ("en", "The thriller “Quiet Harbour” opened in 300 cinemas on Friday."),
        # a subhead that is a quotation, with nobody saying it
        ("de", "„Wir bleiben hier“\nDer Verein kämpft um sein Vereinsheim."),
        # pure demands and goals
        ("de", "Die Gewerkschaft fordert höhere Löhne."),
        ("en", "The union urged lawmakers to act."),
        ("en", "In a statement, the health department urged both sides to return to talks."),
        # verbs of saying in another sense
        ("en", "The ministry maintains strict rules for its staff."),
        ("en", "Prices continued to rise in March."),
        ("en", "Snow continued to fall across the region."),
        # a participle before a noun is an adjective
        ("en", "The company's confirmed losses topped $2 million."),
        ("de", "Nach dem Unfall droht der Firma eine hohe Strafe."),
        # a separable verb's particle ends its clause; followed by words, it is a preposition
        ("de", "Die Eltern geben ihre Kinder an der Schule ab."),
        ("de", "Er teilte das Brot mit seinem Bruder."),
        # an indirect question asserts nothing
        ("de", "Der Reporter fragte, wann die Brücke fertig werde."),
        # the paper's own reporting, and the author's facts with an anonymous "heißt es"
        ("de", "Nach Informationen der Zeitung plant der Konzern einen Stellenabbau."),
        ("de", "Der Umsatz stieg im Jahr um zehn Prozent, heißt es."),
    ],
)
def test_not_claims(language, text):
    assert suggest(text, language=language) == []


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        # a title in front of the speaker is part of the phrase, not a quotation
        (
            "en",
            "“Northern Lights” director Sam Hale said the film took six years.",
            [("the film took six years", "Sam Hale")],
        ),
        # the author's sentences after a quotation are nobody's claims
        (
            "de",
            "„Wir bauen aus“, sagte Ott. Die Firma beschäftigt 200 Menschen. Sie wurde "
            "1990 gegründet.",
            [("Wir bauen aus", "Ott")],
        ),
        # a speaker and a verb with nothing said: no claim, but the speaker of what follows
        (
            "de",
            "Gewerkschaftschef Markus Bell widersprach. „Niemand ist gegangen“, sagte er.",
            [("Niemand ist gegangen", "Markus Bell")],
        ),
        # a call after a colon, without quotation marks, goes on through the calls
        (
            "de",
            "Die Bürgermeisterin warnte: Bleibt zu Hause! Meidet Gedränge! Am Montag "
            "öffnen die Schulen.",
            [("Bleibt zu Hause! Meidet Gedränge!", "Bürgermeisterin")],
        ),
    ],
)
def test_only_the_claims(language, text, expected):
    assert found(text, language) == expected


# --------------------------------------------------------------------------------------
# The engine explains itself: cue and speaker resolution
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "speakers", "cue", "resolution"),
    [
        ("de", "„Wir sind bereit“, sagte Tokajew.", (), "sagte", NAMED),
        # the desk knows him by another spelling
        ("de", "„Wir sind bereit“, sagte Tokayev.", KNOWN, "sagte", ALIAS),
        ("de", "Tokajew warf dem Westen vor, die Proteste zu steuern.", (), "warf … vor", NAMED),
        ("de", "Laut Innenministerium wurden 18 Polizisten getötet.", (), "Laut", NAMED),
        ("de", "Berichten zufolge brannten mehrere Gebäude.", (), "zufolge", NONE),
        ("de", "Die Lage sei ernst, so ein Sprecher des Auswärtigen Amts.", (), "so", NAMED),
        ("de", "Tokajew: „Wir geben nicht auf.“", (), ":", NAMED),
        ("en", "According to the interior ministry, eight officers were killed.", (),
         "according to", NAMED),
        ("en", "“It was a long night,” said fire department spokeswoman Lisa Grant.", (),
         "said", NAMED),
        ("en", "A spokesman said the line was repaired.", (), "said", ROLE),
    ],
)  # fmt: skip
def test_each_suggestion_carries_its_cue(language, text, speakers, cue, resolution):
    [s] = suggest(text, language=language, speakers=speakers)
    assert (s.cue, s.speaker_resolution) == (cue, resolution)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a pronoun, then the statement going on in Konjunktiv and in a quotation
        (
            "Tokajew traf Psaki. „Wir sind bereit“, sagte er. Die Armee stehe bereit. „Wir "
            "geben nicht auf.“",
            [("sagte", PRONOUN), ("Konjunktiv", PREVIOUS), ("quotation", PREVIOUS)],
        ),
        # a role with the definite article
        (
            "Innenministerin Nancy Faeser traf Olaf Scholz. Die Lage sei ernst, sagte die "
            "Ministerin.",
            [("sagte", ROLE)],
        ),
    ],
)
def test_cues_of_statements_that_go_on(text, expected):
    result: list[Suggestion] = suggest(text, speakers=KNOWN)
    assert [(s.cue, s.speaker_resolution) for s in result] == expected


def test_no_speaker_means_resolution_none():
    # a Konjunktiv I sentence with nobody to attribute it to
    [s] = suggest("Die Regierung habe versagt.")
    assert s.speaker is None and s.speaker_resolution == NONE and s.cue == "Konjunktiv"
