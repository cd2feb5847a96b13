from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from claims.errors import DeskError
from newsdesk import services


class Command(BaseCommand):
    help = (
        "Create an API token for a staff user of the desk. The token is printed once, as the "
        "last line of the output; only a hash of it is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"How long the token is valid (default: {settings.API_TOKEN_DAYS} days).",
        )

    def handle(self, *args, **options):
        try:
            row, token = services.api_token_create(
                username=options["username"], days=options["days"]
            )
        except DeskError as error:
            raise CommandError(str(error)) from error
        expiry = timezone.localtime(row.expiry)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created an API token for {row.user.get_username()}, "
                f"valid until {expiry:%Y-%m-%d %H:%M %Z}."
            )
        )
        self.stdout.write(
            "Keep it now: it is not shown again. Send it as the header "
            "'Authorization: Token <token>'. Revoke it in the admin (Knox: Auth tokens)."
        )
        # Last line, alone and unstyled, so scripts can take it with `tail -n 1`.
        self.stdout.write(token)
