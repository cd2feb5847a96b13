from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims import services
from claims.errors import DeskError


class Command(BaseCommand):
    help = "Create a staff user of the desk as fact-checker or editor."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(services.ROLES))
        parser.add_argument("--password", default=None, help="Default: a generated one, printed")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user, password = services.desk_user_create(
                username=options["username"], role=options["role"], password=options["password"]
            )
        except DeskError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Created {options['role']} {user.username}"))
        if not options["password"]:
            self.stdout.write(f"Password: {password}")
