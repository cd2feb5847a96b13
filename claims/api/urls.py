"""``/api/``: the schema, the docs, the partner API (``v1/``) and the desk API (``v1/desk/``).

Anything else under ``/api/`` is a JSON 404, never an HTML page or a redirect.
"""

from django.http import JsonResponse
from django.urls import include, path, re_path, register_converter
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import desk_views, views
from .exceptions import error_body

app_name = "api"


class IdConverter:
    """A database id: 1–18 digits, so every match fits a 64-bit integer column."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")


@csrf_exempt  # a JSON 404 for any method; nothing here reads or changes anything
def not_found(request):
    hint = "" if request.path.endswith("/") else " (the API's addresses end with a slash)"
    return JsonResponse(
        error_body("not_found", f"There is no API endpoint at {request.path}{hint}."),
        status=404,
    )


# swagger-ui's init script comes from this view (?script), so scripts stay 'self' only;
# its page carries an inline <style> and swagger-ui sets styles at run time, hence
# 'unsafe-inline' for styles on this page alone (no nonce, which would disable it).
docs_csp = csp_override(
    {
        "default-src": [CSP.SELF],
        "script-src": [CSP.SELF],
        "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
        "img-src": [CSP.SELF, "data:"],
        "object-src": [CSP.NONE],
        "base-uri": [CSP.NONE],
        "frame-ancestors": [CSP.NONE],
        "form-action": [CSP.SELF],
    }
)

desk_patterns = [
    path("articles/", desk_views.ArticleListView.as_view(), name="article-list"),
    path("articles/<id:pk>/", desk_views.ArticleDetailView.as_view(), name="article-detail"),
    path(
        "articles/<id:pk>/suggestions/",
        desk_views.ArticleSuggestionsView.as_view(),
        name="article-suggestions",
    ),
    path("claims/", desk_views.ClaimListView.as_view(), name="claim-list"),
    path("claims/<id:pk>/", desk_views.ClaimDetailView.as_view(), name="claim-detail"),
    path(
        "claims/<id:pk>/citations/",
        desk_views.CitationCreateView.as_view(),
        name="claim-citations",
    ),
    path("claims/<id:pk>/verdict/", desk_views.VerdictView.as_view(), name="claim-verdict"),
    path("claims/<id:pk>/submit/", desk_views.SubmitView.as_view(), name="claim-submit"),
    path(
        "claims/<id:pk>/request-changes/",
        desk_views.RequestChangesView.as_view(),
        name="claim-request-changes",
    ),
    path("claims/<id:pk>/publish/", desk_views.PublishView.as_view(), name="claim-publish"),
    path("claims/<id:pk>/correct/", desk_views.CorrectView.as_view(), name="claim-correct"),
    path("claims/<id:pk>/retract/", desk_views.RetractView.as_view(), name="claim-retract"),
    path("sources/<id:pk>/", desk_views.SourceDetailView.as_view(), name="source-detail"),
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        docs_csp(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
    path("v1/claims/", views.ClaimListView.as_view(), name="claim-list"),
    path("v1/claims/<id:pk>/", views.ClaimDetailView.as_view(), name="claim-detail"),
    path("v1/speakers/", views.SpeakerListView.as_view(), name="speaker-list"),
    path("v1/ratings/", views.RatingListView.as_view(), name="rating-list"),
    path("v1/claimreview/", views.ClaimReviewFeedView.as_view(), name="claimreview"),
    path("v1/desk/", include((desk_patterns, "desk"))),
    # Matches any rest (newlines included); the typed routes above come first.
    re_path(r"^", not_found),
]
