"""Rules for the desk's wording of a claim, checked when an editor publishes it.

The claim as worded is ``claimReviewed`` in the ClaimReview: consumers show about 75
characters, and a claim that contains its own rating reads as the verdict.
"""

import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

# What ClaimReview consumers (search engines, fact-check explorers) display in full.
CLAIM_REVIEWED_MAX_CHARS = 75


def publish_warnings(claim_reviewed: str, rating_labels: Iterable[str]) -> list[str]:
    """What a ClaimReview consumer would show badly; shown to the editor at publish time."""
    warnings = []
    length = len(claim_reviewed)
    if length > CLAIM_REVIEWED_MAX_CHARS:
        warnings.append(
            _(
                "The claim is %(length)d characters long; search engines show only about "
                "%(max)d. Consider a shorter wording."
            )
            % {"length": length, "max": CLAIM_REVIEWED_MAX_CHARS}
        )
    for label in dict.fromkeys(label for label in rating_labels if label.strip()):
        pattern = r"(?<!\w)" + re.escape(label.strip()) + r"(?!\w)"
        if re.search(pattern, claim_reviewed, flags=re.IGNORECASE):
            warnings.append(
                _(
                    "The claim contains the rating label “%(label)s”; word the claim as the "
                    "speaker made it, not as the verdict."
                )
                % {"label": label}
            )
            break
    return warnings
