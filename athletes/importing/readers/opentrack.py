"""OpenTrack competition JSON (DESIGN.md, "Intake"): every unit (heat) of every round a race.

A competition names its competitors once and its events' units (heats) by round; a result
names its competitor by ``bib``. Of R rounds, round R is the final, round R-1 (when R >= 3)
the semi-finals, round R-2 (when R >= 4) the quarter-finals, the rest heats. A race's date is
the competition's first day plus its unit's ``day`` - 1, its source the competition's
``results_link``. Every object read keeps the line it starts on, so a message points into the
file as a CSV one does.
"""

from __future__ import annotations

import bisect
import datetime
import json
import json.scanner
import re
from collections.abc import Iterator
from types import MappingProxyType
from typing import Any

from athletes import marks
from athletes.importing.files import ImportSource, reported_text
from athletes.importing.report import ImportReport
from athletes.importing.rows import ResultRow
from athletes.importing.values import (
    STATUS_WORDS,
    parse_country,
    parse_date,
    parse_place,
    parse_url,
)
from athletes.models import ResultStatus, Round, Sex

COLUMNS = MappingProxyType(
    {
        "time_ms": "performance",
        "hand_timed": "performance",
        "athlete": "bib",
        "date": "day",
        "event": "event_code",
        "meet": "full_name",
        "round": "round",
        "round_number": "heat",
        "source_url": "results_link",
    }
)
_SEXES = {"M": Sex.MEN, "W": Sex.WOMEN, "F": Sex.WOMEN}
_EVENT = re.compile(r"(?P<metres>\d+)|(?P<miles>\d*)MILES?")


class _Object(dict):
    """A JSON object and the line of the file it starts on."""

    line = 0


def _decode(text: str) -> Any:
    """``json.loads``, with every object a ``_Object`` that knows its line."""
    starts = [0, *(match.end() for match in re.finditer("\n", text))]
    decoder = json.JSONDecoder()
    parse_object = decoder.parse_object

    def positioned(s_and_end, *args, **kwargs):
        pairs, end = parse_object(s_and_end, *args, **kwargs)
        found = _Object(pairs)
        found.line = bisect.bisect_right(starts, s_and_end[1] - 1)
        return found, end

    decoder.parse_object = positioned
    decoder.scan_once = json.scanner.py_make_scanner(decoder)
    return decoder.decode(text)


def read(source: ImportSource, report: ImportReport) -> Iterator[ResultRow]:
    """The results of an OpenTrack competition, unit by unit; what cannot be read is reported
    with its line and key, and gives no row."""
    text = reported_text(source, report)
    if text is None:
        return
    try:
        data = _decode(text)
    except json.JSONDecodeError as error:
        report.error(error.lineno, "", "", f"the JSON cannot be read here: {error.msg}")
        return
    if not isinstance(data, _Object) or not isinstance(data.get("events"), list):
        report.error(
            1,
            "",
            "",
            "this is not an OpenTrack competition: its JSON has no list of 'events'",
        )
        return
    competition = _Competition(data, report)
    competitors = _competitors(data, report)
    if not competition.ok:
        return
    for event in data["events"]:
        if isinstance(event, _Object):
            yield from _event_rows(event, competition, competitors, report)
        else:
            report.error(data.line, "events", str(event)[:40], "an event is not a JSON object")


class _Competition:
    """What every race of the competition shares: the meet, its days and the source."""

    def __init__(self, data: _Object, report: ImportReport) -> None:
        self.ok = True
        self.report = report
        self.line = data.line
        self.name = self._text(data, "full_name", required=True)[:160]
        self.start = self._value(data, "date", parse_date, None)
        finish = self._text(data, "finish_date")
        self.finish = self._value(data, "finish_date", parse_date, None) if finish else self.start
        self.country = self._value(data, "country_id", parse_country, "")
        venue, _, city = self._text(data, "address").rpartition(",")
        self.venue, self.city = (venue.strip(), city.strip()) if venue else (city.strip(), "")
        self.source_url = self._value(data, "results_link", parse_url, "")

    def _text(self, data: _Object, key: str, *, required: bool = False) -> str:
        value = data.get(key)
        text = "" if value is None else str(value).strip()
        if required and not text:
            self.fail(key, text, f"'{key}' is empty: the competition needs one")
        return text

    def _value(self, data: _Object, key: str, parse: Any, default: Any) -> Any:
        text = self._text(data, key)
        try:
            return parse(text)
        except ValueError as error:
            self.fail(key, text, str(error))
            return default

    def fail(self, key: str, value: str, message: str) -> None:
        self.ok = False
        self.report.error(self.line, key, value, message)

    def day(self, number: int) -> datetime.date:
        return self.start + datetime.timedelta(days=number - 1)


def _competitors(data: _Object, report: ImportReport) -> dict[str, _Object]:
    competitors: dict[str, _Object] = {}
    for competitor in data.get("competitors") or []:
        if not isinstance(competitor, _Object):
            continue
        key = str(competitor.get("competitor_id", "")).strip()
        if not key:
            report.error(competitor.line, "competitor_id", "", "a competitor has no competitor_id")
        elif key in competitors:
            report.error(
                competitor.line,
                "competitor_id",
                key,
                f"'{key}' names two competitors: also on line {competitors[key].line}",
            )
        else:
            competitors[key] = competitor
    return competitors


def _event_rows(
    event: _Object,
    competition: _Competition,
    competitors: dict[str, _Object],
    report: ImportReport,
) -> Iterator[ResultRow]:
    code = str(event.get("event_code", "")).strip()
    name = event_name(code)
    if name is None:
        report.error(
            event.line,
            "event_code",
            code,
            f"'{code}' is not an event code we read: 800, 1500, 3000, 5000, MILE, 2MILE, ...",
        )
        return
    units = [unit for unit in event.get("units") or [] if isinstance(unit, _Object)]
    plan = str(event.get("rounds", "")).strip()
    rounds = len([part for part in plan.split(",") if part.strip()]) if plan else 0
    rounds = rounds or max((_number(unit.get("round")) or 1 for unit in units), default=1)
    sex = _SEXES.get(str(event.get("genders", "")).strip().upper(), "")
    for unit in units:
        round_no = _number(unit.get("round"))
        heat = _number(unit.get("heat")) or 1
        day = _number(unit.get("day")) or 1
        if round_no is None or not 1 <= round_no <= rounds:
            report.error(
                unit.line,
                "round",
                str(unit.get("round")),
                f"'{unit.get('round')}' is not a round of this event: its plan has {rounds}",
            )
            continue
        date = competition.day(day)
        if competition.finish and date > competition.finish:
            report.error(
                unit.line,
                "day",
                str(day),
                f"'{day}' is not a day of the competition: it ends on {competition.finish}",
            )
            continue
        round_name, number, race_name = round_of(round_no, rounds, heat)
        for result in unit.get("results") or []:
            if not isinstance(result, _Object):
                continue
            report.rows += 1
            row = _result_row(result, competitors, report)
            if row is None:
                continue
            athlete, nationality, athlete_sex = row
            outcome = _outcome(result, report)
            if outcome is None:
                continue
            status, place, mark = outcome
            yield ResultRow(
                line=result.line,
                date=date,
                meet=competition.name,
                event=name,
                race_name=race_name,
                city=competition.city,
                country=competition.country,
                venue=competition.venue,
                round=round_name,
                round_number=number,
                sex=sex or athlete_sex,
                athlete=athlete,
                nationality=nationality,
                place=place,
                time_ms=mark.time_ms if mark else None,
                hand_timed=mark.hand_timed if mark else False,
                status=status,
                source_url=competition.source_url,
                columns=COLUMNS,
            )


def event_name(code: str) -> str | None:
    """ "1500" -> "1500m", "MILE" -> "Mile", "2MILE" -> "2 Miles"; None for what is not a flat
    distance we know ("3000SC", "HJ")."""
    match = _EVENT.fullmatch(code.upper().replace(" ", ""))
    if match is None:
        return None
    if match.group("metres"):
        metres = int(match.group("metres"))
        return (f"{metres:,}m" if metres >= 10_000 else f"{metres}m") if metres else None
    miles = int(match.group("miles") or 1)
    return "Mile" if miles == 1 else f"{miles} Miles"


def round_of(round_no: int, rounds: int, heat: int) -> tuple[str, int | None, str]:
    """(round, number, race name) of unit ``heat`` of round ``round_no`` of ``rounds``."""
    if round_no == rounds:
        return Round.FINAL, None, f"Final {heat}" if heat > 1 else ""
    if round_no == rounds - 1 and rounds >= 3:
        return Round.SEMI_FINAL, heat, ""
    if round_no == rounds - 2 and rounds >= 4:
        return Round.QUARTER_FINAL, heat, ""
    first_heats = max(rounds - 3, 1)
    return Round.HEAT, heat, "" if round_no == first_heats else f"Round {round_no}"


def _number(value: Any) -> int | None:
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isdigit() and int(text) >= 1 else None


def _result_row(
    result: _Object, competitors: dict[str, _Object], report: ImportReport
) -> tuple[str, str, str] | None:
    """(name, nationality, sex) of the competitor a result's bib names."""
    bib = str(result.get("bib", "")).strip()
    competitor = competitors.get(bib)
    if competitor is None:
        report.error(result.line, "bib", bib, f"'{bib}' is not the competitor_id of a competitor")
        return None
    first = str(competitor.get("first_name", "") or "").strip()
    last = str(competitor.get("last_name", "") or "").strip()
    if last.isupper() and len(last) > 1:
        last = last.title()
    name = " ".join(part for part in (first, last) if part)
    if not name:
        report.error(competitor.line, "last_name", "", "a competitor has no name")
        return None
    nationality_text = str(competitor.get("nationality", "") or "")
    try:
        nationality = parse_country(nationality_text)
    except ValueError as error:
        report.error(competitor.line, "nationality", nationality_text, str(error))
        return None
    sex = _SEXES.get(str(competitor.get("gender", "")).strip().upper(), "")
    return name[:120], nationality, sex


def _outcome(
    result: _Object, report: ImportReport
) -> tuple[str, int | None, marks.Mark | None] | None:
    """(status, place, mark) of a result: a performance is a mark, or DNF, DNS or DQ."""
    performance = str(result.get("performance", "") or "").strip()
    place_text = str(result.get("place", "") or "").strip()
    status = STATUS_WORDS.get(performance.lower())
    if status is not None and status != ResultStatus.FINISHED:
        return status, None, None
    if not performance:
        report.error(
            result.line,
            "performance",
            "",
            "'' is not a performance: give a mark, or DNF, DNS or DQ",
        )
        return None
    try:
        mark = marks.read(performance)
        place = parse_place(place_text)
    except ValueError as error:
        column = "performance" if isinstance(error, marks.MarkError) else "place"
        value = performance if column == "performance" else place_text
        report.error(result.line, column, value, str(error))
        return None
    if place is None:
        report.error(result.line, "place", "", "'' is not a place: a finisher needs a place")
        return None
    return ResultStatus.FINISHED, place, mark
