from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = _("Fact-checks")

    def ready(self) -> None:
        # Connects the interim receiver of claims.signals (see workflow._sources_changed).
        from . import workflow  # noqa: F401
