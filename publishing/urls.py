from django.urls import path
from django.views.generic import RedirectView

from . import archive, views

app_name = "publishing"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="publishing:index", permanent=False)),
    path("fact-checks/", views.index, name="index"),
    path("fact-checks/<slug:slug>/", views.verdict, name="verdict"),
    path("speakers/<slug:slug>/", views.speaker, name="speaker"),
    path("methodology/", views.methodology, name="methodology"),
    path("feeds/fact-checks.atom", views.feed, name="feed"),
    path("sources/snapshots/<int:snapshot_id>/", archive.snapshot_archive, name="snapshot"),
    path("sources/snapshots/<int:snapshot_id>/copy/", archive.snapshot_copy, name="snapshot-copy"),
    path(
        "sources/snapshots/<int:snapshot_id>/<str:part>/",
        archive.snapshot_evidence,
        name="snapshot-evidence",
    ),
]
