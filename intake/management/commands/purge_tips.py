from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from intake import tips


class Command(BaseCommand):
    help = (
        "Delete tips received more than TIPS_RETENTION_DAYS days ago (or --days N), with "
        "their inbox entries. Celery beat runs the same purge daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Delete tips older than this many days (default: TIPS_RETENTION_DAYS).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would be deleted."
        )

    def handle(self, *args, **options):
        days = options["days"]
        if days is not None and days < 1:
            raise CommandError("--days must be 1 or more (0 would delete every tip).")
        effective = settings.TIPS_RETENTION_DAYS if days is None else days
        if effective <= 0:
            self.stdout.write("TIPS_RETENTION_DAYS is 0: tips are kept; nothing deleted.")
            return
        if options["dry_run"]:
            count = tips.tips_expired(days=effective).count()
            self.stdout.write(f"{count} tips older than {effective} days would be deleted.")
            return
        count = tips.tips_purge(days=effective)
        self.stdout.write(f"Deleted {count} tips older than {effective} days.")
