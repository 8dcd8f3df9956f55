"""``manage.py import_results FILE [--dry-run] [--create-athletes]``."""

import os
import sys
from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError, CommandParser

from athletes.importing import ImportReport, import_results


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
            source, dry_run=dry_run, create_athletes=create_athletes, filename=filename
        )
        if not report.ok:
            for line in report.lines()[1:]:
                self.stderr.write(line)
            raise CommandError(report.lines()[0])
        self.stdout.write(report.summary())


class Command(ImportCommand):
    help = (
        "Import race results from a CSV file (columns: DESIGN.md, 'CSV import'). All or nothing:"
        " a file with a bad row writes nothing and lists every bad row."
    )
    kind = "results"
    importer = import_results
