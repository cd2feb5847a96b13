from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "claims"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="claims:index", permanent=False)),
    path("fact-checks/", views.index, name="index"),
    path("fact-checks/<slug:slug>/", views.verdict, name="verdict"),
    path("speakers/<slug:slug>/", views.speaker, name="speaker"),
    path("methodology/", views.methodology, name="methodology"),
    path("feeds/fact-checks.atom", views.feed, name="feed"),
]
