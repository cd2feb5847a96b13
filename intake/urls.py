"""Intake's public addresses: the tip form, its thank-you page, the unsubscribe link.

Mounted at ``/tips/`` by ``factcheck.urls`` under the ``intake`` namespace.
"""

from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("", views.tip_form, name="tip-form"),
    path("thanks/", views.tip_thanks, name="tip-thanks"),
    path("unsubscribe/<str:token>/", views.tip_unsubscribe_view, name="tip-unsubscribe"),
]
