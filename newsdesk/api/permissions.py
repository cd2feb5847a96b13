"""Who may call what in the desk API. Each class is small and says what it allows."""

from rest_framework.permissions import BasePermission

from partners.api.permissions import is_staff_user


class IsDeskStaff(BasePermission):
    """The desk API: active staff users only, as in the admin. Partner keys never."""

    message = "The desk API is for desk staff (fact-checkers and editors)."

    def has_permission(self, request, view) -> bool:
        return is_staff_user(request.user)


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
