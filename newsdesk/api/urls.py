"""``/api/v1/desk/``: the desk API (staff only). Mounted by ``factcheck.urls``."""

from django.urls import path

from partners.api import converters  # noqa: F401  (registers the ``id`` converter)

from . import evidence, inbox, views

app_name = "desk"

urlpatterns = [
    path("articles/", views.ArticleListView.as_view(), name="article-list"),
    path("articles/<id:pk>/", views.ArticleDetailView.as_view(), name="article-detail"),
    path(
        "articles/<id:pk>/suggestions/",
        views.ArticleSuggestionsView.as_view(),
        name="article-suggestions",
    ),
    path("claims/", views.ClaimListView.as_view(), name="claim-list"),
    path("claims/<id:pk>/", views.ClaimDetailView.as_view(), name="claim-detail"),
    path(
        "claims/<id:pk>/citations/",
        views.CitationCreateView.as_view(),
        name="claim-citations",
    ),
    path(
        "claims/<id:pk>/comments/",
        views.CommentListView.as_view(),
        name="claim-comments",
    ),
    path("claims/<id:pk>/verdict/", views.VerdictView.as_view(), name="claim-verdict"),
    path("claims/<id:pk>/submit/", views.SubmitView.as_view(), name="claim-submit"),
    path(
        "claims/<id:pk>/request-changes/",
        views.RequestChangesView.as_view(),
        name="claim-request-changes",
    ),
    path("claims/<id:pk>/publish/", views.PublishView.as_view(), name="claim-publish"),
    path("claims/<id:pk>/correct/", views.CorrectView.as_view(), name="claim-correct"),
    path("claims/<id:pk>/retract/", views.RetractView.as_view(), name="claim-retract"),
    path("inbox/", inbox.InboxListView.as_view(), name="inbox-list"),
    path("inbox/<id:pk>/dismiss/", inbox.InboxDismissView.as_view(), name="inbox-dismiss"),
    path("inbox/<id:pk>/assign/", inbox.InboxAssignView.as_view(), name="inbox-assign"),
    path(
        "inbox/<id:pk>/appearance/",
        inbox.InboxAppearanceView.as_view(),
        name="inbox-appearance",
    ),
    path("sources/<id:pk>/", views.SourceDetailView.as_view(), name="source-detail"),
    path(
        "snapshots/<id:pk>/<str:part>/",
        evidence.SnapshotEvidenceView.as_view(),
        name="snapshot-evidence",
    ),
]
