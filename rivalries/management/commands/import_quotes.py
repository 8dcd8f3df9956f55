"""``manage.py import_quotes FILE [--dry-run] [--create-athletes]``."""

from athletes.management.commands.import_results import ImportCommand
from rivalries.importing import import_quotes


class Command(ImportCommand):
    help = (
        "Import quotes from a CSV file (columns: DESIGN.md, 'CSV import'). All or nothing:"
        " a file with a bad row writes nothing and lists every bad row."
    )
    kind = "quotes"
    importer = import_quotes
