from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    """Articles by URL, watched outlets (feeds), the inbox of check-worthy claims, tips."""

    name = "intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        # Connect the receivers; register the tasks in every process (they are sent by name).
        from intake import checks, receivers, tasks  # noqa: F401
