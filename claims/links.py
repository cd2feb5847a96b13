"""Public addresses: every absolute URL the desk hands out, built in one place.

A public address is ``FACTCHECK_ORG_URL`` (the organisation's public base URL, read at
call time) joined to the path of a route: the same in the verdict page's JSON-LD, the
sitemap, the feed, the partner API, webhooks and the desk API.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse

if TYPE_CHECKING:
    from .models import Claim, Speaker


def org_url() -> str:
    """The organisation's public base URL, e.g. ``https://factcheck.example/``."""
    return str(settings.FACTCHECK_ORG_URL)


def public_url(path: str) -> str:
    """The public address of a site path such as ``/fact-checks/x/``."""
    return org_url().rstrip("/") + path


def claim_url(claim: "Claim") -> str:
    """The verdict page of a claim (public only once published)."""
    return public_url(claim.get_absolute_url())


def speaker_url(speaker: "Speaker") -> str:
    return public_url(speaker.get_absolute_url())


def snapshot_url(snapshot_id: int) -> str:
    """The archived copy of a source as readers get it."""
    return public_url(reverse("publishing:snapshot", kwargs={"snapshot_id": snapshot_id}))


def api_claim_url(claim_id: int) -> str:
    """A claim in the partner API."""
    return public_url(reverse("api:claim-detail", kwargs={"pk": claim_id}))
