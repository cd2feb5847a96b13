from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims import services
from claims.errors import DeskError


class Command(BaseCommand):
    help = (
        "Import UTF-8 text files as articles, one article per file. A first line such as "
        "'date 2022-01' becomes the publication date. A file that cannot be imported is "
        "reported and creates nothing; the others are still imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--language", default="de", help="BCP 47 language tag (default: de)")
        parser.add_argument(
            "--title", default="", help="Title (default: the first sentence of each file)"
        )
        parser.add_argument("--outlet", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        files = options["files"]
        failures: list[str] = []
        for number, path in enumerate(files, start=1):
            progress = f"[{number}/{len(files)}] " if len(files) > 1 else ""
            try:
                article = services.article_import_file(
                    path=path,
                    language=options["language"],
                    title=options["title"],
                    outlet=options["outlet"],
                )
            except DeskError as error:
                failures.append(f"{path}: {error}")
                self.stderr.write(f"{progress}{error}")
                continue
            self.stdout.write(
                self.style.SUCCESS(
                    f"{progress}Imported article {article.pk}: {article.title} "
                    f"({len(article.text)} characters, published "
                    f"{article.published_on or 'unknown'})"
                )
            )
        if failures:
            if len(files) == 1:
                raise CommandError(failures[0].split(": ", 1)[1])
            raise CommandError(
                f"{len(failures)} of {len(files)} files were not imported:\n" + "\n".join(failures)
            )
