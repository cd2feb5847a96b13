from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from claims import demo


class Command(BaseCommand):
    help = (
        "Load the seed article, the default rating scale and the demo users checker and "
        "editor. Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give the demo users new passwords and print them.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            result = demo.demo_load(reset_passwords=options["reset_passwords"])
        style = self.style
        self.stdout.write(
            style.SUCCESS(f"Article: {result.article.title} (id {result.article.pk})")
        )
        self.stdout.write(
            f"Rating scale: {result.scale.name} ({result.scale.ratings.count()} ratings)"
        )
        self.stdout.write(f"Speakers: {result.speakers}")
        for username, password in result.logins:
            if password:
                self.stdout.write(f"Demo login: {username} / {password}")
            else:
                self.stdout.write(
                    f"Demo login: {username} (exists already; password unchanged; "
                    "--reset-passwords prints a new one)"
                )
