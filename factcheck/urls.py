import os

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView
from django.views.i18n import set_language

from partners.api.urls import not_found_pattern, schema_patterns
from publishing.sitemaps import SITEMAPS

from .health import health

# ``/api/``: the schema and docs, the desk API, the partner API, and a JSON 404 for the rest.
api_patterns = [
    *schema_patterns,
    path("v1/desk/", include("newsdesk.api.urls")),
    path("v1/", include("partners.api.urls")),
    not_found_pattern,
]

urlpatterns = [
    path("health/", health, name="health"),
    # The partner models moved from the claims app to the partners app: old admin links
    # (bookmarks, links in e-mails) lead to the same pages.
    re_path(
        r"^admin/claims/(?P<rest>(?:partnerkey|webhook|webhookdelivery)/.*)$",
        RedirectView.as_view(url="/admin/partners/%(rest)s", permanent=True, query_string=True),
    ),
    path("admin/", admin.site.urls),
    # Without a CSRF token, so that public pages hold nothing per reader and are cached
    # whole; forging a reader's language choice gains an attacker nothing.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("api/", include((api_patterns, "api"))),
    # Tips from readers: the form, never cached (it carries the reader's CSRF token).
    path("tips/", include("intake.urls")),
    path("", include("publishing.urls")),
]

# Django's own 400 and 500 in the API's JSON shape under /api/ (the schema declares them).
handler400 = "partners.api.exceptions.bad_request"
handler500 = "partners.api.exceptions.server_error"

# Benchmark-only views (bench/baseline.py), mounted when the bench asks; off in production.
if os.environ.get("FACTCHECK_BENCH_VIEWS") == "true":
    urlpatterns += [path("bench/", include("bench.baseline"))]
