"""The check-worthiness score: rule-based and explainable.

Interface (fixed; other modules build on it):

    assess(quote, *, language="", speaker=None, attribution="", match=None) -> Assessment

``Assessment.score`` ranks the inbox; ``Assessment.reasons`` are stable codes
(``REASONS`` maps each to the sentence shown on the row, translated). Each rule adds its
weight (``WEIGHTS``) once when it fires; the table is in the fact-checker's guide ("The
inbox"), keep the two in step.

The cue lists are German and English; ``language`` picks one ("de…", "en…"), an unknown
or empty language uses both. Digits and "%" count in every language.
"""

from dataclasses import dataclass, field

import regex
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from claims.models import Claim, Speaker

from .matching import Match

#: The code of each rule and the sentence shown for it on an inbox row.
REASONS = {
    "figure": _("contains a figure"),
    "percentage": _("contains a percentage"),
    "comparison": _("compares or uses a superlative"),
    "causal": _("states a cause"),
    "opinion": _("sounds like an opinion"),
    "known_speaker": _("known speaker"),
    "prominent_speaker": _("prominent speaker"),
    "direct_quote": _("direct quote"),
    "indirect_speech": _("indirect speech"),
    "reported": _("reported by a third party"),
    "short": _("very short"),
    "repeat": _("repeats a checked claim"),
}

#: What each rule adds to the score (negative: it lowers it).
WEIGHTS = {
    "figure": 2.0,
    "percentage": 1.0,
    "comparison": 1.5,
    "causal": 1.0,
    "opinion": -2.0,
    "known_speaker": 1.0,
    "prominent_speaker": 1.0,
    "direct_quote": 0.5,
    "indirect_speech": 0.0,
    "reported": -0.5,
    "short": -1.0,
    "repeat": 3.0,
}

#: A speaker is prominent with a published check, or with this many claims on the desk.
PROMINENT_CLAIMS = 3
#: Fewer words than this: "very short" (rarely a checkable statement on its own).
SHORT_WORDS = 5


def _words(*cues: str) -> str:
    # Whole words or phrases; a cue ending in "*" is a prefix ("verdoppel*").
    parts = []
    for cue in cues:
        if cue.endswith("*"):
            parts.append(regex.escape(cue[:-1]).replace(r"\ ", r"\s+") + r"\w*")
        else:
            parts.append(regex.escape(cue).replace(r"\ ", r"\s+"))
    return r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)"


def _compile(pattern: str) -> regex.Pattern[str]:
    return regex.compile(pattern, regex.IGNORECASE | regex.V1)


_DIGIT = _compile(r"\p{Nd}")
_PERCENT_ANY = _compile(r"%|‰|\bpp\b")

CUES: dict[str, dict[str, regex.Pattern[str]]] = {
    "de": {
        "figure": _compile(
            _words(
                "zwei",
                "drei",
                "vier",
                "fünf",
                "sechs",
                "sieben",
                "acht",
                "neun",
                "zehn",
                "elf",
                "zwölf",
                "zwanzig",
                "dreißig",
                "hundert*",
                "tausend*",
                "Million*",
                "Milliarde*",
                "Billion*",
                "Hälfte",
                "Drittel",
                "Viertel",
                "Dutzend*",
                "doppelt*",
                "zweimal",
                "dreimal",
                "jede zweite",
                "jeder zweite",
                "jedes zweite",
            )
        ),
        "percentage": _compile(_words("Prozent", "Prozentpunkte*", "Promille")),
        "comparison": _compile(
            _words(
                "mehr als",
                "weniger als",
                "so viel wie",
                "so viele wie",
                "als je",
                "noch nie",
                "nie zuvor",
                "Rekord*",
                "höchste*",
                "niedrigste*",
                "größte*",
                "kleinste*",
                "meiste*",
                "wenigste*",
                "beste*",
                "schlechteste*",
                "teuerste*",
                "billigste*",
                "schnellste*",
                "am höchsten",
                "am meisten",
                "gestiegen",
                "gesunken",
                "verdoppel*",
                "halbiert",
                "im Vergleich",
                "gegenüber dem Vorjahr",
                "erstmals",
                "einzige*",
            )
            + r"|\b\w{3,}er\s+als\b"
        ),
        "causal": _compile(
            _words(
                "weil",
                "denn",
                "wegen",
                "aufgrund",
                "deshalb",
                "daher",
                "deswegen",
                "dadurch",
                "infolge",
                "führt zu",
                "führte zu",
                "führen zu",
                "verursacht*",
                "liegt an",
                "lag an",
                "schuld",
                "Ursache",
                "die Folge",
                "zur Folge",
                "sorgt für",
                "sorgte für",
            )
        ),
        "opinion": _compile(
            _words(
                "ich finde",
                "ich glaube",
                "ich denke",
                "ich hoffe",
                "ich meine",
                "meiner Meinung nach",
                "meines Erachtens",
                "aus meiner Sicht",
                "wir müssen",
                "wir sollten",
                "man sollte",
                "man muss",
                "sollte",
                "sollten",
                "wir werden",
                "wir wollen",
                "wir fordern",
                "hoffentlich",
                "schrecklich",
                "großartig",
                "wunderbar",
                "skandalös",
                "Skandal",
                "unverschämt*",
                "fantastisch",
            )
        ),
    },
    "en": {
        "figure": _compile(
            _words(
                "two",
                "three",
                "four",
                "five",
                "six",
                "seven",
                "eight",
                "nine",
                "ten",
                "eleven",
                "twelve",
                "twenty",
                "thirty",
                "hundred*",
                "thousand*",
                "million*",
                "billion*",
                "trillion*",
                "half",
                "a third",
                "a quarter",
                "dozen*",
                "twice",
                "double*",
                "triple*",
                "one in",
            )
        ),
        "percentage": _compile(_words("percent", "per cent", "percentage point*")),
        "comparison": _compile(
            _words(
                "more than",
                "less than",
                "fewer than",
                "as many as",
                "as much as",
                "than ever",
                "never before",
                "record",
                "highest",
                "lowest",
                "largest",
                "biggest",
                "smallest",
                "most",
                "least",
                "best",
                "worst",
                "fastest",
                "slowest",
                "cheapest",
                "greatest",
                "rose",
                "risen",
                "fell",
                "fallen",
                "doubled",
                "halved",
                "compared with",
                "compared to",
                "for the first time",
                "only",
            )
            + r"|\b\w{3,}er\s+than\b"
        ),
        "causal": _compile(
            _words(
                "because",
                "due to",
                "caused",
                "causes",
                "cause of",
                "leads to",
                "led to",
                "lead to",
                "result of",
                "as a result",
                "resulted in",
                "therefore",
                "thanks to",
                "blame*",
                "responsible for",
                "the reason",
            )
        ),
        "opinion": _compile(
            _words(
                "I think",
                "I believe",
                "I feel",
                "I hope",
                "in my view",
                "in my opinion",
                "we must",
                "we need to",
                "we should",
                "should",
                "ought to",
                "we will",
                "we want",
                "hopefully",
                "terrible",
                "wonderful",
                "fantastic",
                "disgrace*",
                "shameful",
                "outrageous",
            )
        ),
    },
}


@dataclass(frozen=True)
class Assessment:
    score: float
    reasons: list[str] = field(default_factory=list)

    @property
    def sentences(self) -> list[str]:
        return reason_sentences(self.reasons)


def reason_sentences(codes: list[str]) -> list[str]:
    """The translated sentence of each known code, in order (unknown codes are skipped)."""
    return [str(REASONS[code]) for code in codes if code in REASONS]


def _cue_sets(language: str) -> list[dict[str, regex.Pattern[str]]]:
    base = (language or "").split("-")[0].lower()
    if base in CUES:
        return [CUES[base]]
    return list(CUES.values())


def speaker_is_prominent(speaker: Speaker) -> bool:
    """A published check of the speaker, or ``PROMINENT_CLAIMS`` claims on the desk."""
    public = Q(status__in=[Claim.Status.PUBLISHED, Claim.Status.RETRACTED])
    if Claim.objects.filter(public, speaker=speaker).exists():
        return True
    return Claim.objects.filter(speaker=speaker)[:PROMINENT_CLAIMS].count() >= PROMINENT_CLAIMS


def assess(
    quote: str,
    *,
    language: str = "",
    speaker: Speaker | None = None,
    attribution: str = "",
    match: Match | None = None,
    prominent: bool | None = None,
) -> Assessment:
    """Score ``quote``; ``prominent`` (optional) saves the speaker's query when known."""
    quote = quote or ""
    cue_sets = _cue_sets(language)
    reasons: list[str] = []

    def fires(rule: str) -> bool:
        return any(cues[rule].search(quote) for cues in cue_sets)

    if _DIGIT.search(quote) or fires("figure"):
        reasons.append("figure")
    if _PERCENT_ANY.search(quote) or fires("percentage"):
        reasons.append("percentage")
    for rule in ("comparison", "causal", "opinion"):
        if fires(rule):
            reasons.append(rule)
    if speaker is not None:
        reasons.append("known_speaker")
        if prominent if prominent is not None else speaker_is_prominent(speaker):
            reasons.append("prominent_speaker")
    if attribution == Claim.Attribution.DIRECT:
        reasons.append("direct_quote")
    elif attribution in (Claim.Attribution.INDIRECT, Claim.Attribution.PARAPHRASE):
        reasons.append("indirect_speech")
    elif attribution == Claim.Attribution.REPORTED:
        reasons.append("reported")
    if len(regex.findall(r"\w+", quote)) < SHORT_WORDS:
        reasons.append("short")
    if match is not None:
        reasons.append("repeat")
    score = round(sum(WEIGHTS[code] for code in reasons), 2)
    return Assessment(score=score, reasons=reasons)
