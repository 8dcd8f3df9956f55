"""``manage.py import_results FILE [--dry-run] [--create-athletes]``: a results CSV, an OpenTrack
competition's JSON, or a pasted results table (``.txt``) with its race given as options."""

import os
import sys
from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError, CommandParser

from athletes.importing import ImportReport, ResultRow, import_results, race_row


class ImportCommand(BaseCommand):
    """The shape both CSV import commands share: a file, --dry-run, --create-athletes.

    Bad rows go to stderr and the command fails (exit status 1) having written nothing; a
    good file prints what was created, updated and left unchanged.
    """

    kind = ""
    importer: Callable[..., ImportReport]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=f"the {self.kind} CSV file ('-' reads standard input)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check and count everything, then roll back: report what the import would do",
        )
        parser.add_argument(
            "--create-athletes",
            action="store_true",
            help="create the athletes the file names that are not in the database (by name or"
            " alias); without it an unknown athlete is an error",
        )

    def handle(self, *args, file: str, dry_run: bool, create_athletes: bool, **options) -> None:
        if file == "-":
            source, filename = sys.stdin.buffer, "<stdin>"
        elif not os.path.isfile(file):
            raise CommandError(f"{file}: no such file")
        else:
            source, filename = file, file
        importer = type(self).importer
        report = importer(
            source,
            dry_run=dry_run,
            create_athletes=create_athletes,
            filename=filename,
            **self.importer_options(options),
        )
        if not report.ok:
            for line in report.lines()[1:]:
                self.stderr.write(line)
            raise CommandError(report.lines()[0])
        self.stdout.write(report.summary())

    def importer_options(self, options: dict) -> dict:
        return {}


class Command(ImportCommand):
    help = (
        "Import race results from a CSV file (columns: DESIGN.md, 'CSV import'). All or nothing:"
        " a file with a bad row writes nothing and lists every bad row."
    )
    kind = "results"
    importer = import_results

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        race = parser.add_argument_group(
            "the race of a pasted results table (a .txt file): --race, or --meet, --date, --event"
        )
        race.add_argument("--race", type=int, help="the id of a race already stored")
        race.add_argument("--meet", help='the meet\'s name: "Prefontaine Classic"')
        race.add_argument("--date", help="the race's day, YYYY-MM-DD")
        race.add_argument("--event", help='"1500m", "Mile", "5000m"')
        race.add_argument("--round", default="final", help='"final" (default), "SF1", "heat 2"')
        race.add_argument("--sex", default="", help="men or women")
        race.add_argument("--race-name", default="", help='"Bowerman Mile"')
        race.add_argument("--city", default="")
        race.add_argument("--country", default="", help="IOC code of the meet's country")
        race.add_argument("--source-url", default="", help="where the table was read")

    def importer_options(self, options: dict) -> dict:
        """The race a pasted table goes into, read like a CSV row's race: a bad value is an
        error that names its option."""
        if options["race"] is None and not any(options[name] for name in ("meet", "date", "event")):
            return {}
        try:
            if options["race"] is not None:
                return {"race": ResultRow(line=0, race_id=options["race"])}
            return {
                "race": race_row(
                    date=options["date"] or "",
                    meet=options["meet"] or "",
                    event=options["event"] or "",
                    round=options["round"],
                    sex=options["sex"],
                    race_name=options["race_name"],
                    city=options["city"],
                    country=options["country"],
                    source_url=options["source_url"],
                )
            }
        except ValueError as error:
            raise CommandError(str(error)) from None
