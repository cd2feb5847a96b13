import os

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from claims.sitemaps import SITEMAPS

from .health import health

urlpatterns = [
    path("health/", health, name="health"),
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
    path("api/", include("claims.api.urls")),
    path("", include("sources.urls")),
    path("", include("claims.urls")),
]

# Benchmark-only views (bench/baseline.py), mounted when the bench asks; off in production.
if os.environ.get("FACTCHECK_BENCH_VIEWS") == "true":
    urlpatterns += [path("bench/", include("bench.baseline"))]
