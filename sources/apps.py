from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SourcesConfig(AppConfig):
    name = "sources"
    verbose_name = _("Sources")

    def ready(self) -> None:
        # Registers the tasks in every process, not only in workers: sources.queue sends
        # fetches by the task's name, and without a broker (eager) runs them here.
        from . import tasks  # noqa: F401
