"""Run the periodic source jobs once (for setups without ``celery beat``, e.g. cron).

With a broker the fetches go to the workers; without one (the embedded default) they
run here, in this process.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sources import engine


class Command(BaseCommand):
    help = "Re-send lost or due source fetches and queue due re-checks (what beat runs)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-recheck", action="store_true", help="Only the sweep, no re-checks."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = engine.source_sweep()
        rechecks = 0 if options["no_recheck"] else engine.source_recheck_due()
        self.stdout.write(
            f"sweep: {report.enqueued} enqueued, {report.crashed} given up; "
            f"re-checks queued: {rechecks}"
        )
