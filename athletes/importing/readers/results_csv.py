"""Results CSV (DESIGN.md, "CSV import"): one result a line, the race described on every line."""

from __future__ import annotations

from collections.abc import Iterator
from types import MappingProxyType

from athletes import marks
from athletes.importing.files import ImportSource
from athletes.importing.report import ImportReport
from athletes.importing.rows import ResultRow
from athletes.importing.tables import Cells, Row, read_rows
from athletes.importing.values import (
    STATUS_WORDS,
    parse_bool,
    parse_country,
    parse_date,
    parse_flags,
    parse_place,
    parse_round,
    parse_sex,
    parse_status,
    parse_url,
)
from athletes.models import ResultStatus, Round

RESULT_COLUMNS = (
    "date",
    "meet",
    "race_name",
    "city",
    "country",
    "venue",
    "event",
    "round",
    "indoor",
    "place",
    "athlete",
    "nationality",
    "mark",
    "status",
    "flags",
    "source_url",
)
RESULT_OPTIONAL_COLUMNS = ("sex",)
COLUMNS = MappingProxyType({"time_ms": "mark", "hand_timed": "mark", "round_number": "round"})


def read(source: ImportSource, report: ImportReport) -> Iterator[ResultRow]:
    """The rows of a results CSV; a line with a value that cannot be read is reported and
    gives no row."""
    for row in read_rows(
        source, report, required=RESULT_COLUMNS, optional=RESULT_OPTIONAL_COLUMNS, kind="results"
    ):
        parsed = _result_row(row, report)
        if parsed is not None:
            yield parsed


def _result_row(row: Row, report: ImportReport) -> ResultRow | None:
    cells = Cells(row, report)
    date = cells.parse("date", parse_date, None)
    meet = cells.text("meet", required=True, max_length=160)
    event = cells.text("event", required=True, max_length=40)
    athlete = cells.text("athlete", required=True, max_length=120)
    round_name, round_number = cells.parse("round", parse_round, (Round.FINAL, None))
    place = cells.parse("place", parse_place, None)
    status, mark = _outcome(cells, row)
    if status and status != ResultStatus.FINISHED and place is not None:
        cells.fail("place", row["place"], f"'{row['place']}' is a place, but a {status} has none")
    parsed = ResultRow(
        line=row.line,
        date=date,
        meet=meet,
        event=event,
        race_name=cells.text("race_name", max_length=120),
        city=cells.text("city", max_length=120),
        country=cells.parse("country", parse_country, ""),
        venue=cells.text("venue", max_length=160),
        round=round_name,
        round_number=round_number,
        indoor=cells.parse("indoor", parse_bool, False),
        sex=cells.parse("sex", parse_sex, ""),
        athlete=athlete,
        nationality=cells.parse("nationality", parse_country, ""),
        place=place,
        time_ms=mark.time_ms if mark else None,
        hand_timed=mark.hand_timed if mark else False,
        status=status or ResultStatus.FINISHED,
        flags=cells.parse("flags", parse_flags, ""),
        source_url=cells.parse("source_url", parse_url, ""),
        columns=COLUMNS,
    )
    return parsed if cells.ok else None


def _outcome(cells: Cells, row: Row) -> tuple[str, marks.Mark | None]:
    """The status and the mark, read together: a mark column may hold a status ("DNF")."""
    status = cells.parse("status", parse_status, "")
    text = row["mark"]
    mark_status = STATUS_WORDS.get(text.lower())
    if mark_status and mark_status != ResultStatus.FINISHED:
        if status and status != mark_status:
            cells.fail("mark", text, f"'{text}' contradicts the status '{row['status']}'")
        return mark_status, None
    if text:
        mark = cells.parse("mark", marks.read, None)
        if status and status != ResultStatus.FINISHED:
            cells.fail("mark", text, f"'{text}' is a time, but a {status} result has no mark")
        return status or ResultStatus.FINISHED, mark
    if not status:
        cells.fail("mark", "", "'' is not a time: give a mark, or a status (DNF, DNS, DQ)")
    elif status == ResultStatus.FINISHED:
        cells.fail("mark", "", "'' is not a time: a finisher needs a mark")
    return status, None
