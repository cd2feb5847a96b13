"""Run intake's periodic jobs once (for setups without ``celery beat``, e.g. cron).

With a broker the polls and imports go to the workers; without one (the embedded default)
they run here, in this process.
"""

from typing import Any

from django.core.management.base import BaseCommand

from intake import feeds, importing


class Command(BaseCommand):
    help = "Poll the watched feeds that are due and re-send waiting article imports."

    def handle(self, *args: Any, **options: Any) -> None:
        polled = feeds.feeds_poll_due()
        resent = importing.article_import_sweep()
        self.stdout.write(f"feeds polled: {len(polled)}; article imports re-sent: {resent}")
