import os

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from claims.sitemaps import SITEMAPS

from .health import health

urlpatterns = [
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
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
