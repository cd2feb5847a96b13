"""The Atom feed of fact-checks: newest changes first.

A retraction stays in the feed as an update marked "Retracted", so subscribers learn
that a verdict they saw was withdrawn. The feed is XML 1.0 whatever the rows hold: text
stored before the desk's text rule (``claims.text``) may hold characters XML cannot
carry, and one of them must not make the feed unreadable for every subscriber.
"""

from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.translation import gettext as _

from claims import links
from claims.models import Claim
from claims.text import xml_safe

from . import selectors


def _xml_safe_values(values: dict[str, Any]) -> dict[str, Any]:
    def safe(value: Any) -> Any:
        if isinstance(value, str):
            return xml_safe(value)
        if isinstance(value, list | tuple):
            return [safe(item) for item in value]
        return value

    return {name: safe(value) for name, value in values.items()}


class XmlSafeAtom1Feed(Atom1Feed):
    """Atom whose every text (feed and entries, attributes too) is XML 1.0."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.feed = _xml_safe_values(self.feed)

    def add_item(self, *args: Any, **kwargs: Any) -> None:
        super().add_item(*args, **kwargs)
        self.items[-1] = _xml_safe_values(self.items[-1])


class FactCheckFeed(Feed):
    feed_type = XmlSafeAtom1Feed

    def title(self) -> str:
        return _("Fact-checks by %(org)s") % {"org": settings.FACTCHECK_ORG_NAME}

    def subtitle(self) -> str:
        return _("Verdicts, corrections and retractions.")

    # Addresses on FACTCHECK_ORG_URL (as in the sitemap and the ClaimReview), so entry ids
    # stay the same whichever host name the feed was fetched from.
    def link(self) -> str:
        return links.public_url(reverse("publishing:index"))

    def feed_url(self) -> str:
        return links.public_url(reverse("publishing:feed"))

    def author_name(self) -> str:
        return settings.FACTCHECK_ORG_NAME

    def items(self):
        return selectors.claims_for_feed()

    # Atom titles are plain text (the feed generator escapes them for XML); summaries
    # are HTML, so everything in them is escaped here.
    def item_title(self, item: Claim) -> str:
        title = item.verdict.headline or item.claim
        if item.status == Claim.Status.RETRACTED:
            return _("Retracted: %(title)s") % {"title": title}
        return title

    def item_description(self, item: Claim) -> str:
        rating = item.verdict.rating
        # The desk's wording is the desk's summary; only the speaker's own words (the
        # anchored direct quote) are put in quotation marks.
        parts = []
        if item.exact and item.attribution == Claim.Attribution.DIRECT:
            parts.append(format_html("<p>{}: <q>{}</q></p>", item.speaker.name, item.exact))
        parts.append(format_html("<p>{} {}</p>", _("Claim checked:"), item.claim))
        if item.status == Claim.Status.RETRACTED:
            parts.append(
                format_html(
                    "<p><strong>{}</strong> {}</p>",
                    _("This fact-check has been retracted."),
                    item.retraction_reason,
                )
            )
        if rating is not None:
            parts.append(format_html("<p>{}: {} {}</p>", _("Rating"), rating.symbol, rating.label))
        if item.verdict.summary:
            parts.append(format_html("<p>{}</p>", item.verdict.summary))
        return "".join(parts)

    def item_link(self, item: Claim) -> str:
        return links.claim_url(item)

    def item_pubdate(self, item: Claim):
        return item.published_at

    def item_updateddate(self, item: Claim):
        return item.updated_at

    def item_author_name(self, item: Claim) -> str:
        return settings.FACTCHECK_ORG_NAME

    def item_categories(self, item: Claim) -> list[str]:
        rating = item.verdict.rating
        categories = [rating.label] if rating is not None else []
        if item.status == Claim.Status.RETRACTED:
            categories.append(str(Claim.Status.RETRACTED.label))
        return categories
