from django.urls import path

from . import views

app_name = "sources"

urlpatterns = [
    path("sources/snapshots/<int:snapshot_id>/", views.snapshot_archive, name="snapshot"),
]
