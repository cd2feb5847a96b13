"""Why a fetch failed, said for people: the engine records the fetcher's technical
reason (English, with addresses and library messages); this turns it into a translated
sentence a fact-checker can act on and keeps the technical text as the detail.

Pure: text in, values out (Django's translation only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

_ATTEMPT = re.compile(r"^Attempt (\d+) failed, retrying in \d+ s: (.*)$", re.S)
_GAVE_UP = re.compile(r"^Gave up after (\d+) attempts: (.*)$", re.S)
# What a re-check records is a sentence for people already (sources.engine._compare).
_ALREADY_HUMAN = ("The text of the source changed.", "now leads to another site")
_STATUS = re.compile(r"answered (\d{3})\b")


@dataclass(frozen=True, slots=True)
class HumanReason:
    sentence: str  # translated, for people
    detail: str  # the technical reason as recorded, shown collapsed


def _for_status(status: int) -> str:
    if status in (404, 410):
        return _("The page does not exist (any more): the site answered %(status)s.") % {
            "status": status
        }
    if status in (401, 403):
        return _("The site refused the desk access to the page (%(status)s).") % {"status": status}
    if status == 429:
        return _("The site asked the desk to slow down (%(status)s).") % {"status": status}
    if status >= 500:
        return _("The site had a server error (%(status)s).") % {"status": status}
    return _("The site answered with an error (%(status)s) instead of the page.") % {
        "status": status
    }


def _sentence(text: str) -> str:
    status = _STATUS.search(text)
    if status:
        return _for_status(int(status.group(1)))
    lowered = text.casefold()
    if "could not be resolved" in lowered or "has no addresses" in lowered:
        return _("The site's name could not be found: check the address for typos.")
    if "refused" in lowered and ("address" in lowered or "host name" in lowered):
        return _("The desk does not fetch this address: it points into a private network.")
    if "backslash" in lowered or "invalid url" in lowered or "cannot be looked up" in lowered:
        return _("The address is not a valid web address.")
    if "certificate" in lowered:
        return _("The site's security certificate is not valid.")
    if "took longer" in lowered or "deadline" in lowered or "timed out" in lowered:
        return _("The site took too long to answer.")
    if "larger than" in lowered or "too large" in lowered:
        return _("The page is larger than the desk archives.")
    if "redirect" in lowered:
        return _("The page sends the desk from one address to the next without end.")
    if "connect" in lowered or "connection" in lowered or "tls" in lowered:
        return _("The site could not be reached.")
    if "decoded" in lowered or "content coding" in lowered or "malformed" in lowered:
        return _("The site's answer could not be read.")
    return _("The page could not be fetched.")


def human_reason(reason: str) -> HumanReason | None:
    """The sentence for a recorded reason (None for no reason). Retries and giving up
    are said as such, with the underlying cause."""
    reason = (reason or "").strip()
    if not reason:
        return None
    if any(phrase in reason for phrase in _ALREADY_HUMAN):
        return HumanReason(reason, "")  # a re-check's finding, written for people already
    attempt = _ATTEMPT.match(reason)
    if attempt:
        sentence = _("Attempt %(n)s failed; the desk tries again. %(cause)s") % {
            "n": attempt.group(1),
            "cause": _sentence(attempt.group(2)),
        }
        return HumanReason(sentence, reason)
    gave_up = _GAVE_UP.match(reason)
    if gave_up:
        sentence = _("The desk gave up after %(n)s attempts. %(cause)s") % {
            "n": gave_up.group(1),
            "cause": _sentence(gave_up.group(2)),
        }
        return HumanReason(sentence, reason)
    return HumanReason(_sentence(reason), reason)
