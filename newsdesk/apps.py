from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsdeskConfig(AppConfig):
    """The staff's interfaces: the admin customisations and the desk API."""

    name = "newsdesk"
    verbose_name = _("Desk")

    def ready(self) -> None:
        # Connect the receivers; register the tasks in every process (they are sent by name).
        from newsdesk import receivers, tasks  # noqa: F401
