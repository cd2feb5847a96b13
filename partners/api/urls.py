"""The partner API's routes (``urlpatterns``, mounted at ``/api/v1/``), the schema and docs
(``schema_patterns``, at ``/api/``) and the JSON 404 for anything else under ``/api/``
(``not_found_pattern``). ``factcheck.urls`` puts them together with the desk API under
the ``api`` namespace.
"""

from django.http import JsonResponse
from django.urls import path, re_path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import (
    converters,  # noqa: F401  (registers the ``id`` converter)
    tips,
    views,
)
from .exceptions import error_body


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


schema_patterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        docs_csp(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
]

urlpatterns = [
    path("claims/", views.ClaimListView.as_view(), name="claim-list"),
    path("claims/<id:pk>/", views.ClaimDetailView.as_view(), name="claim-detail"),
    path("speakers/", views.SpeakerListView.as_view(), name="speaker-list"),
    path("ratings/", views.RatingListView.as_view(), name="rating-list"),
    path("claimreview/", views.ClaimReviewFeedView.as_view(), name="claimreview"),
    path("tips/", tips.TipCreateView.as_view(), name="tip-create"),
]

# Matches any rest (newlines included); mounted after every typed route.
not_found_pattern = re_path(r"^", not_found)
