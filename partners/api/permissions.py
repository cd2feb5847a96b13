"""Who may call the partner API."""

from rest_framework.permissions import BasePermission

from ..models import PartnerKey


def is_staff_user(user) -> bool:
    """An active staff account (fact-checker or editor), as the admin requires."""
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


class IsPartnerOrStaff(BasePermission):
    """The partner API: a valid partner key, or an active staff user (token or session).

    Read-only: the partner API has GET endpoints only.
    """

    message = "A partner API key or a staff account is required."

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, PartnerKey) or is_staff_user(request.user)
