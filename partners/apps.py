from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        # Connect the receivers; register the tasks in every process (they are sent by name).
        from partners import checks, receivers, tasks  # noqa: F401
