"""CSV files as rows of named values: the reading every CSV format shares (results, quotes).

``read_rows`` checks the header against the format's columns and yields one ``Row`` a line,
lazily; ``Cells`` reads a row's values through the small parsers of ``values``, recording every
problem in the report rather than stopping at the first.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from athletes.importing.files import ImportSource, UnreadableFile, text_lines
from athletes.importing.report import ImportReport


@dataclass(frozen=True)
class Row:
    """One data row: its line in the file and its values, stripped, by lower-case column."""

    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


def read_rows(
    source: ImportSource,
    report: ImportReport,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    kind: str,
) -> Iterator[Row]:
    """The data rows of a CSV file, one at a time (``report.rows`` counts them).

    Problems with the file as a whole (encoding, header) are added to ``report`` and end the
    rows; blank lines are skipped; values are stripped of surrounding whitespace.
    """
    lines = text_lines(source)
    reader = csv.reader(lines)
    header: list[str] | None = None
    last_line = 0
    try:
        for cells in reader:
            line, last_line = last_line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = [cell.strip().lower() for cell in cells]
                if not _header_ok(header, line, report, required, optional, kind):
                    return
                continue
            report.rows += 1
            yield _row(cells, line, header, report)
    except UnreadableFile as error:
        report.error(error.line, "", "", error.message)
        return
    except OSError as error:
        report.error(0, "", "", f"the file cannot be read: {error.strerror or error}")
        return
    except csv.Error as error:
        report.error(reader.line_num, "", "", f"the CSV cannot be read here: {error}")
        return
    if header is None:
        report.error(0, "", "", f"the file is empty: a {kind} file starts with a header row")


def _header_ok(
    header: list[str],
    line: int,
    report: ImportReport,
    required: Sequence[str],
    optional: Sequence[str],
    kind: str,
) -> bool:
    known = set(required) | set(optional)
    before = len(report.errors)
    for name, times in Counter(name for name in header if name).items():
        if times > 1:
            report.error(line, name, name, f"the column '{name}' appears {times} times")
    for name in header:
        if name and name not in known:
            report.error(
                line,
                name,
                name,
                f"'{name}' is not a column of a {kind} file: the columns are"
                f" {', '.join(required)}"
                + (f" (and optionally {', '.join(optional)})" if optional else ""),
            )
    for name in required:
        if name not in header:
            report.error(line, name, "", f"the column '{name}' is missing")
    return len(report.errors) == before


CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""C0 controls but tab, line feed and carriage return: no text we keep has them, and
PostgreSQL cannot store a NUL at all."""


def _row(cells: list[str], line: int, header: list[str], report: ImportReport) -> Row:
    if len(cells) <= len(header) and all(header) and not CONTROL_CHARACTER.search("".join(cells)):
        return Row(line, {name: cell.strip() for name, cell in zip(header, cells, strict=False)})
    values: dict[str, str] = {}  # the slow way, to say what is wrong with which cell
    for index, cell in enumerate(cells):
        value = cell.strip()
        bad = CONTROL_CHARACTER.search(value)
        if bad:
            column = header[index] if index < len(header) else ""
            shown = CONTROL_CHARACTER.sub(lambda found: f"\\x{ord(found.group()):02x}", value)
            report.error(
                line,
                column,
                shown,
                f"'{shown}' contains a control character (U+{ord(bad.group()):04X}):"
                " remove it and import again",
            )
            continue
        if index >= len(header) or not header[index]:
            if value:
                report.error(
                    line,
                    "",
                    value,
                    f"'{value}' is in a column the header does not name"
                    f" (the row has {len(cells)} values, the header {len(header)} columns)",
                )
            continue
        values[header[index]] = value
    return Row(line, values)


class Cells:
    """Reads one row's values, recording every problem rather than stopping at the first."""

    def __init__(self, row: Row, report: ImportReport) -> None:
        self.row = row
        self.report = report
        self.ok = True

    def fail(self, column: str, value: str, message: str) -> None:
        self.ok = False
        self.report.error(self.row.line, column, value, message)

    def text(self, column: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self.row[column]
        if required and not value:
            self.fail(column, value, f"'{column}' is empty: every row needs one")
        elif max_length is not None and len(value) > max_length:
            self.fail(column, value, f"'{value[:40]}...' is too long: at most {max_length}")
        return value

    def parse[T](self, column: str, parse: Callable[[str], T], default: T) -> T:
        """``parse`` the value; a ValueError (whose message quotes the value) is a row error."""
        value = self.row[column]
        try:
            return parse(value)
        except ValueError as error:
            self.fail(column, value, str(error))
            return default
