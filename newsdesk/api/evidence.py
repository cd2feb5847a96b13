"""``/api/v1/desk/snapshots/<id>/<part>/``: a snapshot's evidence files for the desk.

The WARC file, the screenshot and the PDF print of any snapshot (also of sources that no
published claim cites), for staff sessions and staff tokens with the permission to view
snapshots. Everyone else gets a 404, as for a snapshot that does not exist: the address
tells nothing. The files are served with the archive's inert headers
(``publishing.archive.evidence_response``).
"""

from typing import Any

from django.http import Http404, HttpResponse
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import APIException, NotAuthenticated, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from partners.api.authentication import StaffTokenAuthentication
from partners.api.permissions import is_staff_user
from publishing.archive import EVIDENCE_PARTS, evidence_response
from sources import selectors

VIEW_PERMISSION = "sources.view_snapshot"


class SnapshotEvidenceView(APIView):
    authentication_classes = [StaffTokenAuthentication, SessionAuthentication]
    permission_classes = [AllowAny]  # checked in ``get``: a 404, never a 401/403
    metadata_class = None
    schema = None  # a file download, not JSON: left out of the OpenAPI schema

    def handle_exception(self, exc: Exception) -> Any:
        if isinstance(exc, NotAuthenticated | PermissionDenied) or (
            isinstance(exc, APIException) and exc.status_code == 401
        ):
            exc = Http404()
        return super().handle_exception(exc)

    def get(self, request: Request, pk: int, part: str) -> HttpResponse:
        user = request.user
        if not is_staff_user(user) or not user.has_perm(VIEW_PERMISSION):
            raise Http404
        if part not in EVIDENCE_PARTS:
            raise Http404
        snapshot = selectors.snapshot_for_desk(pk)
        if snapshot is None:
            raise Http404
        return evidence_response(snapshot, part)
