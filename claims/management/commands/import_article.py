from django.core.management.base import BaseCommand, CommandError

from claims import services
from claims.errors import DeskError


class Command(BaseCommand):
    help = (
        "Import a UTF-8 text file as an article. A first line such as 'date 2022-01' "
        "becomes the publication date."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--language", default="de", help="BCP 47 language tag (default: de)")
        parser.add_argument("--title", default="", help="Title (default: the first sentence)")
        parser.add_argument("--outlet", default="")

    def handle(self, *args, **options):
        try:
            article = services.article_import_file(
                path=options["file"],
                language=options["language"],
                title=options["title"],
                outlet=options["outlet"],
            )
        except DeskError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported article {article.pk}: {article.title} "
                f"({len(article.text)} characters, published {article.published_on or 'unknown'})"
            )
        )
