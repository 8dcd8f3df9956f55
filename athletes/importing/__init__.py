"""The intake: every way results and quotes come in, through one pipeline.

    reader (a format) -> ResultRow -> checking and matching -> one transaction -> the report

- ``files``: a path, an upload, bytes or text, read as UTF-8 (a line at a time where it can be);
- ``readers``: one module per format (results CSV, OpenTrack JSON, a pasted table), each
  yielding ``rows.ResultRow``; ``tables`` is the CSV reading the quotes import shares;
- ``values``: the readers of single values (dates, places, rounds, countries, flags, URLs);
- ``matching``: athletes by name or alias, events, meets, and suggestions for an editor;
- ``results``: the pipeline itself (``import_results``, ``import_rows``);
- ``writing``: bulk inserts with their history rows, and the staging of a file's results;
- ``report``: counts and every bad value with its line, column and value.
"""

import io

from athletes.importing.files import (
    DEFAULT_MAX_IMPORT_BYTES,
    ImportSource,
    UnreadableFile,
    max_import_bytes,
    read_text,
    source_name,
    text_lines,
)
from athletes.importing.matching import AthleteMatcher, free_slugs, unknown_athlete
from athletes.importing.readers.results_csv import RESULT_COLUMNS, RESULT_OPTIONAL_COLUMNS
from athletes.importing.report import Counts, ImportAbort, ImportReport, RowError
from athletes.importing.results import RESULT_KINDS, import_results, import_rows, imported
from athletes.importing.rows import ResultRow, race_row
from athletes.importing.tables import Cells, Row, read_rows
from athletes.importing.values import (
    MILE_M,
    event_name,
    folded,
    guess_level,
    parse_bool,
    parse_country,
    parse_date,
    parse_distance,
    parse_flags,
    parse_place,
    parse_round,
    parse_sex,
    parse_status,
    parse_url,
)
from athletes.importing.writing import bulk_create_kept, chunks, copy_in, record_creation

__all__ = [
    "DEFAULT_MAX_IMPORT_BYTES",
    "MILE_M",
    "RESULT_COLUMNS",
    "RESULT_KINDS",
    "RESULT_OPTIONAL_COLUMNS",
    "AthleteMatcher",
    "Cells",
    "Counts",
    "ImportAbort",
    "ImportReport",
    "ImportSource",
    "ResultRow",
    "Row",
    "RowError",
    "UnreadableFile",
    "bulk_create_kept",
    "chunks",
    "copy_in",
    "event_name",
    "folded",
    "free_slugs",
    "guess_level",
    "import_results",
    "import_results_text",
    "import_rows",
    "imported",
    "max_import_bytes",
    "parse_bool",
    "parse_country",
    "parse_date",
    "parse_distance",
    "parse_flags",
    "parse_place",
    "parse_round",
    "parse_sex",
    "parse_status",
    "parse_url",
    "race_row",
    "read_rows",
    "read_text",
    "record_creation",
    "source_name",
    "text_lines",
    "unknown_athlete",
]


def import_results_text(text: str, **options) -> ImportReport:
    """Import CSV given as a string (tests, the admin's paste box)."""
    return import_results(io.StringIO(text), **options)
