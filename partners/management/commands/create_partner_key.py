from django.core.management.base import BaseCommand, CommandError

from claims.errors import DeskError
from partners import services as partner_services


class Command(BaseCommand):
    help = (
        "Create a partner API key. The key is printed once, as the last line of the output; "
        "only a hash of it is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="Who the key is for, e.g. the partner's name.")

    def handle(self, *args, **options):
        try:
            key_row, key = partner_services.partner_key_create(name=options["name"])
        except DeskError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Created partner key {key_row.prefix} for {key_row.name}.")
        )
        self.stdout.write(
            "Give it to the partner now: it is not shown again. They send it as the header "
            "'Authorization: Api-Key <key>'. Revoke it in the admin (Partner API keys)."
        )
        # Last line, alone and unstyled, so scripts can take it with `tail -n 1`.
        self.stdout.write(key)
