"""Types shared by the editorial core and the apps above it.

``DeskUser`` is the person acting in a service; services take ``DeskUser | None``, where
``None`` is the system (a migration or a command acting for the desk).
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # The concrete model, not AbstractBaseUser: django-stubs types the FKs to
    # ``settings.AUTH_USER_MODEL`` as this model, and permission checks need ``has_perm``.
    # Imported for the type checker only, so importing this module loads no models; the
    # alias's value is evaluated lazily and never at runtime (it is for annotations).
    from django.contrib.auth.models import User

type DeskUser = User
