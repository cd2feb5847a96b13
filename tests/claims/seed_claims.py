"""Hand-labelled claims of the seed article, and how suggestions are scored against them.

Every statement in `claims/fixtures/kasachstan-2022-01.de.txt` that somebody is reported
to have made, labelled by hand: the span a fact-checker would select (an exact substring
that occurs once in the article), who made it, and how it is attributed. Narration (what
the article itself states) is not a claim; neither is the scare quote "Führer der Nation".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from claims.attribution import Attribution, KnownSpeaker, SpeakerRef, Suggestion

ARTICLE_PATH = (
    Path(__file__).resolve().parents[2] / "claims" / "fixtures" / "kasachstan-2022-01.de.txt"
)
# The same rule as the importer: a leading "date YYYY[-MM[-DD]]" marker is metadata.
_DATE_LINE_RE = re.compile(r"^\s*date\s+([0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?)\b\s*")


def load_seed_text() -> str:
    raw = ARTICLE_PATH.read_text(encoding="utf-8")
    return _DATE_LINE_RE.sub("", raw, count=1).strip()


# The desk's speakers for this article, as an editor would have entered them.
SEED_SPEAKERS: tuple[KnownSpeaker, ...] = (
    KnownSpeaker(
        1, "Kassym-Schomart Tokajew", ("Tokajew", "Kassym-Jomart Tokayev", "Tokayev"), False, "m"
    ),
    KnownSpeaker(2, "Jen Psaki", (), False, "f"),
    KnownSpeaker(3, "Netblocks", ("NetBlocks",), True),
    KnownSpeaker(
        4,
        "Russisches Außenministerium",
        ("russische Außenministerium", "Außenministerium Russlands"),
        True,
    ),
    KnownSpeaker(5, "Bundesregierung", ("Deutsche Bundesregierung",), True),
    KnownSpeaker(6, "Auswärtiges Amt", (), True),
    KnownSpeaker(7, "USA", ("Vereinigte Staaten", "US-Regierung"), True),
    KnownSpeaker(8, "Innenministerium Kasachstans", ("Innenministerium",), True),
    KnownSpeaker(9, "Russland", ("Russische Föderation",), True),
    KnownSpeaker(10, "Joe Biden", (), False, "m"),
    KnownSpeaker(11, "Wladimir Putin", ("Putin",), False, "m"),
    KnownSpeaker(12, "Nursultan Nasarbajew", ("Nasarbajew",), False, "m"),
)
_BY_NAME = {speaker.name: speaker for speaker in SEED_SPEAKERS}

TOKAJEW = "Kassym-Schomart Tokajew"
PSAKI = "Jen Psaki"


@dataclass(frozen=True)
class GoldClaim:
    span: str  # exact text of the claim in the article (occurs once)
    speaker: str | None  # a SEED_SPEAKERS name, another name ("Behörden"), or None: nobody
    attribution: Attribution


A = Attribution
GOLD_CLAIMS: tuple[GoldClaim, ...] = (
    GoldClaim(
        'Bei der aktuellen Situation handele es sich "nicht nur mehr um eine Bedrohung"',
        TOKAJEW,
        A.INDIRECT,
    ),
    GoldClaim('Die Lage untergrabe vielmehr "die Integrität des Staates"', TOKAJEW, A.INDIRECT),
    GoldClaim(
        "Berichten zufolge standen sowohl das Büro des Bürgermeisters als auch die "
        "Präsidentenresidenz in der Stadt in Flammen",
        None,
        A.REPORTED,
    ),
    GoldClaim(
        "dies diene offenbar der Einschränkung einer umfassenden Berichterstattung über die "
        "Situation vor Ort",
        "Netblocks",
        A.INDIRECT,
    ),
    # The required one: the "terror groups" trained abroad, over two sentences.
    GoldClaim(
        'Tokajew warf "Terrorgruppen" vor, hinter den Protesten zu stecken und im ganzen Land '
        'zu "randalieren", Geschäfte zu plündern und "Frauen anzugreifen". "Ausgebildet" '
        'worden seien die Gruppen im "Ausland"',
        TOKAJEW,
        A.INDIRECT,
    ),
    GoldClaim(
        "Sie beschlagnahmen Gebäude und die öffentliche Infrastruktur und, was am wichtigsten "
        "ist, sie beschlagnahmen Orte, in denen sich kleine Waffen befinden",
        TOKAJEW,
        A.DIRECT,
    ),
    GoldClaim(
        "Zwischenzeitlich sei es den Menschen gelungen, die Kontrolle über fünf Flugzeuge am "
        "Flughafen von Almaty zu erlangen",
        TOKAJEW,
        A.INDIRECT,
    ),
    # "sagte Tojakew weiter": misspelt.
    GoldClaim(
        "Derzeit findet ein Kampf in der Nähe von Almaty unter Beteiligung der Streitkräfte "
        "des Verteidigungsministeriums statt",
        TOKAJEW,
        A.DIRECT,
    ),
    GoldClaim(
        "Kasachischen Medienberichten zufolge wurden im Zuge der Unruhen mindestens acht "
        "Polizisten und Soldaten getötet",
        None,
        A.REPORTED,
    ),
    GoldClaim(
        "317 weitere Sicherheitskräfte wurden demnach nach Angaben des Innenministeriums "
        '"von der tobenden Menge" verletzt',
        "Innenministerium Kasachstans",
        A.REPORTED,
    ),
    GoldClaim(
        "Allein in der Nacht zum Mittwoch wurden nach Behördenangaben mehr als 200 Menschen "
        "im Zusammenhang mit den Protesten festgenommen",
        "Behörden",
        A.REPORTED,
    ),
    # Unbalanced quotation mark, and the speaker only as "sagte er".
    GoldClaim("Ich beabsichtige, so hart wie möglich zu sein", TOKAJEW, A.DIRECT),
    GoldClaim(
        'Moskau hoffe auf "eine schnellstmögliche Normalisierung der Lage" und unterstütze '
        'eine "friedliche Lösung" aller Probleme im Nachbarland',
        "Russisches Außenministerium",
        A.INDIRECT,
    ),
    GoldClaim(
        'sie verfolge die aktuellen Entwicklungen in Kasachstan "sehr aufmerksam"',
        "Bundesregierung",
        A.INDIRECT,
    ),
    GoldClaim(
        'Es sei "entscheidend, dass sich die Lage wieder beruhigt"', "Auswärtiges Amt", A.INDIRECT
    ),
    GoldClaim(
        'Die USA riefen die kasachischen Behörden zur "Zurückhaltung" auf', "USA", A.PARAPHRASE
    ),
    # "sagte die Sprecherin von US-Präsident Joe Biden, Jen Psaki": Psaki, not Biden.
    GoldClaim(
        "Demonstranten in dem zentralasiatischen Land müssten die Möglichkeit haben, ihre "
        'Meinung "friedlich zum Ausdruck zu bringen"',
        PSAKI,
        A.INDIRECT,
    ),
    # The required rebuttal.
    GoldClaim(
        "Psaki wies zugleich russische Behauptungen zurück, wonach die USA eine Rolle bei den "
        'Protesten in Kasachstan spielten. Diese Vorwürfe seien "absolut falsch und eindeutig '
        'Teil des russischen Drehbuchs für Desinformation"',
        PSAKI,
        A.INDIRECT,
    ),
    # The Russian claim that the rebuttal relays.
    GoldClaim(
        "wonach die USA eine Rolle bei den Protesten in Kasachstan spielten",
        "Russland",
        A.REPORTED,
    ),
)


def gold_span(text: str, claim: GoldClaim) -> tuple[int, int]:
    start = text.index(claim.span)
    assert text.find(claim.span, start + 1) == -1, f"not unique: {claim.span!r}"
    return start, start + len(claim.span)


def spans_match(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Substantial overlap: at least half of the shorter span and a quarter of the longer
    (so that a suggestion swallowing a paragraph matches nothing)."""
    overlap = min(a[1], b[1]) - max(a[0], b[0])
    if overlap <= 0:
        return False
    shorter, longer = sorted((a[1] - a[0], b[1] - b[0]))
    return overlap >= 0.5 * shorter and overlap >= 0.25 * longer


def speaker_matches(gold: str | None, found: SpeakerRef | None, *, by_id: bool) -> bool:
    """With the desk's speakers (`by_id`), a known speaker must come back with its id;
    otherwise the name found must be the gold name, an alias, or a near spelling."""
    if gold is None or found is None:
        return gold is None and found is None
    known = _BY_NAME.get(gold)
    if by_id and known is not None:
        return found.id == known.id
    names = [gold, *(known.aliases if known else ())]
    return any(
        found.name.casefold() == name.casefold() or fuzz.ratio(found.name, name) >= 85
        for name in names
    )


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    attribution_agreement: float  # among the gold claims found
    missed: tuple[GoldClaim, ...]
    spurious: tuple[Suggestion, ...]


def score(text: str, suggestions: Sequence[Suggestion], *, by_id: bool) -> Score:
    """A gold claim is found when some suggestion overlaps it substantially with the
    right speaker; a suggestion is right when it finds some gold claim."""
    gold = [(claim, gold_span(text, claim)) for claim in GOLD_CLAIMS]

    def hits(claim: GoldClaim, span: tuple[int, int], s: Suggestion) -> bool:
        return spans_match(span, (s.start, s.end)) and speaker_matches(
            claim.speaker, s.speaker, by_id=by_id
        )

    found = [(c, [s for s in suggestions if hits(c, span, s)]) for c, span in gold]
    right = [s for s in suggestions if any(hits(c, span, s) for c, span in gold)]
    agreeing = sum(1 for c, ss in found if any(s.attribution == c.attribution for s in ss))
    n_found = sum(1 for _c, ss in found if ss)
    return Score(
        precision=len(right) / len(suggestions) if suggestions else 0.0,
        recall=n_found / len(gold),
        attribution_agreement=agreeing / n_found if n_found else 0.0,
        missed=tuple(c for c, ss in found if not ss),
        spurious=tuple(s for s in suggestions if s not in right),
    )
