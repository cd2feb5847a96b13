"""The check-worthiness score: rule-based and explainable.

Interface (fixed; other modules build on it):

    assess(quote, *, language="", speaker=None, attribution="", match=None) -> Assessment

``Assessment.score`` ranks the inbox; ``Assessment.reasons`` are stable codes
(``REASONS`` maps each to the sentence shown on the row, translated). A first version;
issue 15 fills in the documented rules.
"""

from dataclasses import dataclass, field

import regex
from django.utils.translation import gettext_lazy as _

from claims.models import Speaker

from .matching import Match

REASONS = {
    "figure": _("contains a figure"),
    "known_speaker": _("known speaker"),
    "repeat": _("repeats a checked claim"),
}

_FIGURE = regex.compile(r"\d")


@dataclass(frozen=True)
class Assessment:
    score: float
    reasons: list[str] = field(default_factory=list)


def assess(
    quote: str,
    *,
    language: str = "",
    speaker: Speaker | None = None,
    attribution: str = "",
    match: Match | None = None,
) -> Assessment:
    reasons = []
    if _FIGURE.search(quote):
        reasons.append("figure")
    if speaker is not None:
        reasons.append("known_speaker")
    if match is not None:
        reasons.append("repeat")
    return Assessment(score=float(len(reasons)), reasons=reasons)
