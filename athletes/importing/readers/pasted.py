"""A pasted results table (``athletes.pasting``) for a race given apart: one row a result line.

The table says who ran and how; the race (meet, date, event, round, sex, or an existing race)
comes from the editor, as a ``ResultRow`` that carries it and no result. A line the table
reader could not read fully is reported with what it quoted, and gives no row.

A table put together from several places (the top of the field from one report, a row from
another) says so with a ``source: URL`` line before each part: the rows after it cite that
URL, so the whole race goes in at once and its source is the first part's.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from types import MappingProxyType

from athletes import pasting
from athletes.importing.files import ImportSource, reported_text
from athletes.importing.report import ImportReport
from athletes.importing.rows import ResultRow
from athletes.importing.values import parse_country, parse_url
from athletes.models import ResultStatus, normalise_flags

STATUSES = {
    "finished": ResultStatus.FINISHED,
    "dnf": ResultStatus.DNF,
    "dns": ResultStatus.DNS,
    "dq": ResultStatus.DQ,
}
COLUMNS = MappingProxyType(
    {"time_ms": "mark", "athlete": "name", "nationality": "country", "flags": "notes"}
)
SOURCE_LINE = re.compile(r"^\s*source:\s*(?P<url>\S.*?)\s*$", re.IGNORECASE | re.MULTILINE)


def reader(race: ResultRow | None) -> Callable[[ImportSource, ImportReport], Iterator[ResultRow]]:
    """The reader of a pasted table whose lines are results of ``race``."""

    def read(source: ImportSource, report: ImportReport) -> Iterator[ResultRow]:
        if race is None:
            report.error(
                0,
                "",
                "",
                "a pasted results table needs its race: give --race, or --meet, --date and"
                " --event (and --round, --sex)",
            )
            return
        text = reported_text(source, report)
        if text is None:
            return
        for offset, url, part in parts(text):
            try:
                part_race = dataclasses.replace(race, source_url=parse_url(url)) if url else race
            except ValueError as error:
                report.error(offset, "source", url, str(error))
                continue
            for pasted in pasting.parse(part):
                report.rows += 1
                row = from_pasted(
                    dataclasses.replace(pasted, line=pasted.line + offset), part_race, report
                )
                if row is not None:
                    yield row

    return read


def parts(text: str) -> Iterator[tuple[int, str, str]]:
    """The table's parts as (lines before it, the URL its ``source:`` line gives or "", its
    text); a table without ``source:`` lines is one part citing the race's source."""
    start, line, url = 0, 0, ""
    for match in SOURCE_LINE.finditer(text):
        yield line, url, text[start : match.start()]
        line += text.count("\n", start, match.end()) + 1
        start, url = match.end() + 1, match["url"]
    yield line, url, text[start:]


def from_pasted(
    pasted: pasting.PastedRow, race: ResultRow, report: ImportReport
) -> ResultRow | None:
    """The pipeline's row for one pasted line; None (and the line reported) when it was not
    read fully or names a country we do not know."""
    if pasted.problem:
        report.error(pasted.line, "line", pasted.name, pasted.problem)
        return None
    try:
        nationality = parse_country(pasted.country)
    except ValueError as error:
        report.error(pasted.line, "country", pasted.country, str(error))
        return None
    try:
        flags = normalise_flags(" ".join(pasted.flags))
    except ValueError as error:
        report.error(pasted.line, "notes", " ".join(pasted.flags), str(error))
        return None
    return dataclasses.replace(
        race,
        line=pasted.line,
        athlete=pasted.name,
        nationality=nationality,
        place=pasted.place,
        time_ms=pasted.time_ms,
        hand_timed=pasted.hand_timed,
        status=STATUSES[pasted.status],
        flags=flags,
        columns=COLUMNS,
    )
