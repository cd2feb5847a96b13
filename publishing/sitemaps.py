"""The sitemap: published verdict pages, speakers, the index and the methodology.

Addresses use ``FACTCHECK_ORG_URL``, like the ClaimReview's ``url``. Retracted verdicts
are left out: their pages stay up for readers but are marked noindex. Every address is
made XML 1.0-safe, whatever a row holds (see ``claims.text``).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse

from claims.models import Claim, Speaker
from claims.text import xml_safe

from . import selectors


class _PublicSitemap(Sitemap):
    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.FACTCHECK_ORG_URL).scheme or "https"

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.FACTCHECK_ORG_URL).netloc

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            url["location"] = xml_safe(url["location"])
        return urls


class FactCheckSitemap(_PublicSitemap):
    changefreq = "weekly"

    def items(self):
        return selectors.claims_for_sitemap().only("slug", "updated_at")

    def lastmod(self, item: Claim):
        return item.updated_at


class SpeakerSitemap(_PublicSitemap):
    changefreq = "weekly"

    def items(self):
        return selectors.speakers_public().annotate(
            last_change=Max(
                "claims__updated_at",
                filter=Q(claims__in=selectors.claims_published(include_retracted=False)),
            )
        )

    def lastmod(self, item: Speaker):
        return item.last_change


class PagesSitemap(_PublicSitemap):
    changefreq = "daily"

    def items(self) -> list[str]:
        return ["publishing:index", "publishing:methodology"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {"fact-checks": FactCheckSitemap, "speakers": SpeakerSitemap, "pages": PagesSitemap}
