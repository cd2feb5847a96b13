"""Who may call what. Each class is small and says what it allows."""

from rest_framework.permissions import BasePermission

from ..models import PartnerKey


def _is_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


class IsPartnerOrStaff(BasePermission):
    """The partner API: a valid partner key, or an active staff user (token or session).

    Read-only: the partner API has GET endpoints only.
    """

    message = "A partner API key or a staff account is required."

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, PartnerKey) or _is_staff(request.user)


class IsDeskStaff(BasePermission):
    """The desk API: active staff users only, as in the admin. Partner keys never."""

    message = "The desk API is for desk staff (fact-checkers and editors)."

    def has_permission(self, request, view) -> bool:
        return _is_staff(request.user)


class HasDeskPermissions(BasePermission):
    """The Django permissions the admin requires for the same action.

    The view lists them per HTTP method in ``required_permissions``, e.g.
    ``{"GET": ["claims.view_claim"], "POST": ["claims.add_claim"]}``. The services
    check again (they are the rule; this only answers early with a clear 403).
    """

    message = "You lack the permission for this action."

    def has_permission(self, request, view) -> bool:
        required = getattr(view, "required_permissions", {}).get(request.method, ())
        return request.user.has_perms(required)
