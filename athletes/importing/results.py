"""The results pipeline: a reader's rows, checked and matched, written in one transaction.

``import_results`` reads a file in any format we take (CSV, OpenTrack JSON, a pasted table) and
``import_rows`` takes rows already made (the admin's paste page); both end here, so the rules,
the matching and the all-or-nothing report are the same for every way in. Rows are taken in
batches: names, meets and races are looked up a batch at a time, and results go into a
temporary table (``StagedResults``), so memory does not grow with the file.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.dispatch import Signal

from athletes.importing.files import ImportSource, source_name
from athletes.importing.matching import (
    AthleteMatcher,
    Events,
    Meets,
    free_slugs,
    unknown_athlete,
)
from athletes.importing.readers import reader_for
from athletes.importing.report import MAX_ERRORS, ImportAbort, ImportReport
from athletes.importing.rows import ResultRow
from athletes.importing.values import folded
from athletes.importing.writing import StagedResults, bulk_create_kept, chunks, record_creation
from athletes.models import Athlete, Race, Result, ResultStatus
from athletes.text import fold

RESULT_KINDS = ("athletes", "events", "meets", "races", "results")
OUTCOMES = frozenset(ResultStatus.values) - {ResultStatus.ENTERED}
BATCH_ROWS = 5_000
"""Rows matched and staged at a time: few enough to keep memory flat, many enough that the
lookups per batch cost nothing beside the rows."""

imported = Signal()
"""Sent once by an import that changed something, inside its transaction (``sender``: the
model imported). Bulk inserts send no ``post_save``; the page cache (rivalries/caching.py)
listens to this to bump its data version."""


def import_results(
    source: ImportSource,
    *,
    dry_run: bool = False,
    create_athletes: bool = False,
    filename: str | None = None,
    race: ResultRow | None = None,
) -> ImportReport:
    """Import a results file (DESIGN.md, "Intake"): all of it, or nothing and every error.

    The format is told by the name or the content: OpenTrack competition JSON (``.json``), a
    pasted results table (``.txt``, into ``race``: a row that gives the race and no result),
    else CSV. Creates the events, meets and races it names and does not match, athletes too
    when ``create_athletes``; a result already there for (race, athlete) is updated when its
    values differ. ``dry_run`` does everything and rolls back, so the report says what would
    happen.
    """
    name = filename or source_name(source)
    report = ImportReport(name, RESULT_KINDS, dry_run=dry_run)
    rows = reader_for(name, source, race)(source, report)
    return _run(rows, report, create_athletes=create_athletes)


def import_rows(
    rows: Iterable[ResultRow],
    *,
    filename: str,
    dry_run: bool = False,
    create_athletes: bool = False,
) -> ImportReport:
    """Import rows a caller has made (the admin's paste page), as ``import_results`` does."""
    report = ImportReport(filename, RESULT_KINDS, dry_run=dry_run)
    return _run(_counted(rows, report), report, create_athletes=create_athletes)


def _counted(rows: Iterable[ResultRow], report: ImportReport) -> Iterator[ResultRow]:
    for row in rows:
        report.rows += 1
        yield row


def _run(rows: Iterable[ResultRow], report: ImportReport, *, create_athletes: bool) -> ImportReport:
    try:
        with transaction.atomic():
            _Pipeline(report, create_athletes=create_athletes).run(rows)
            if not report.ok or report.dry_run:
                raise ImportAbort
            if report.changed:
                imported.send(sender=Result)
    except ImportAbort:
        pass
    return report


@dataclass(slots=True)
class _Race:
    """What the import knows of one race: its key, and what its first row said of it."""

    pk: int
    date: datetime.date
    source_url: str
    first_line: int
    created: bool = False


@dataclass(slots=True)
class _Resolved:
    """A row and what it was matched to."""

    row: ResultRow
    start: tuple
    athlete_pk: int | None = None
    athlete_sex: str = ""
    race: _Race | None = None


class _Pipeline:
    def __init__(self, report: ImportReport, *, create_athletes: bool) -> None:
        self.report = report
        self.create_athletes = create_athletes
        self.reason = f"imported from {report.filename}"
        self.athletes = AthleteMatcher()
        self.events = Events()
        self.meets = Meets()
        self.staged = StagedResults(Result, self.reason)
        self.sex_of_start: dict[tuple, str] = {}
        self.races: dict[tuple, _Race] = {}
        self.stored_races: dict[tuple, dict] = {}
        self.meets_with_races: set[int] = set()

    def run(self, rows: Iterable[ResultRow]) -> None:
        for batch in chunks(rows, BATCH_ROWS):
            self._batch(batch)
        if self.report.ok:
            self._write()
        self.meets.save(self.report.counts["meets"], self.reason)
        self.events.count_into(self.report.counts["events"])
        self.athletes.count_into(self.report.counts["athletes"])

    def error(self, row: ResultRow, field: str, value: object, message: str) -> None:
        self.report.error(row.line, row.column(field), "" if value is None else str(value), message)

    # -- a batch of rows ---------------------------------------------------------------------

    def _batch(self, batch: list[ResultRow]) -> None:
        self.athletes.load(
            row.athlete for row in batch if row.athlete_id is None and not row.new_athlete
        )
        self.meets.load(row for row in batch if row.race_id is None and row.date is not None)
        chosen = self._chosen_athletes(batch)
        given_races = self._given_races(batch)
        resolved = [
            item for row in batch if (item := self._resolve(row, chosen, given_races)) is not None
        ]
        self._settle_sexes(resolved)
        self._create_athletes([item for item in resolved if item.athlete_pk is None])
        self._place_in_races(resolved)
        if self.report.ok:
            self.staged.add(
                [self._staged(item) for item in resolved],
                [item.race.created for item in resolved],
            )

    def _chosen_athletes(self, batch: list[ResultRow]) -> dict[int, str]:
        """The athletes editors chose by id, with their sex; a missing one is an error."""
        ids = sorted({row.athlete_id for row in batch if row.athlete_id is not None})
        found: dict[int, str] = {}
        for ids_batch in chunks(ids):
            found.update(Athlete.objects.filter(pk__in=ids_batch).values_list("pk", "sex"))
        for pk in found:
            self.athletes.matched.add(pk)
        return found

    def _given_races(self, batch: list[ResultRow]) -> dict[int, Race]:
        ids = sorted({row.race_id for row in batch if row.race_id is not None})
        return {race.pk: race for race in Race.objects.filter(pk__in=ids)} if ids else {}

    def _resolve(
        self, row: ResultRow, chosen: dict[int, str], given_races: dict[int, Race]
    ) -> _Resolved | None:
        ok = self._check_outcome(row)
        if row.race_id is not None:
            if row.race_id not in given_races:
                self.error(row, "race", row.race_id, f"race #{row.race_id} is not there any more")
                ok = False
            start: tuple = ("race", row.race_id)
        else:
            start = self._start(row)
            ok = ok and bool(start)
        item = _Resolved(row, start)
        if row.athlete_id is not None:
            if row.athlete_id not in chosen:
                self.error(
                    row, "athlete", row.athlete, f"athlete #{row.athlete_id} is not there any more"
                )
                return None
            item.athlete_pk, item.athlete_sex = row.athlete_id, chosen[row.athlete_id]
        elif not row.athlete.strip():
            self.error(row, "athlete", "", "'' is empty: every row needs an athlete")
            return None
        elif not row.new_athlete:
            try:
                athlete = self.athletes.find(row.athlete, row.nationality)
            except ValueError as error:
                self.error(row, "athlete", row.athlete, str(error))
                return None
            if athlete is not None:
                item.athlete_pk, item.athlete_sex = athlete.pk, athlete.sex
            elif not self.create_athletes:
                self.error(row, "athlete", row.athlete, unknown_athlete(row.athlete))
                return None
        return item if ok else None

    def _check_outcome(self, row: ResultRow) -> bool:
        """The rules of a result, whatever its format: a finisher has a place and a mark, an
        athlete who did not finish has neither."""
        before = len(self.report.errors) + self.report.more_errors
        if row.status not in OUTCOMES:
            self.error(row, "status", row.status, f"'{row.status}' is not a status of a result")
        elif row.status == ResultStatus.FINISHED:
            if row.time_ms is None:
                self.error(row, "time_ms", "", "'' is not a time: a finisher needs a mark")
            if row.place is None:
                self.error(row, "place", "", "'' is not a place: a finisher needs a place")
        else:
            if row.place is not None:
                self.error(
                    row,
                    "place",
                    row.place,
                    f"'{row.place}' is a place, but a {row.status} has none",
                )
            if row.time_ms is not None:
                self.error(
                    row,
                    "time_ms",
                    row.time_ms,
                    f"a {row.status} result has no mark, but this row gives one",
                )
        return len(self.report.errors) + self.report.more_errors == before

    def _start(self, row: ResultRow) -> tuple:
        """What tells one start from another before its sex is settled; () when the race cannot
        be told (its error is reported)."""
        if row.date is None:
            self.error(row, "date", "", "'' is not a date: the date is empty (write YYYY-MM-DD)")
            return ()
        if not row.meet.strip():
            self.error(row, "meet", "", "'meet' is empty: every row needs one")
            return ()
        try:
            event = self.events.get(row.event)
        except ValueError as error:
            self.error(row, "event", row.event, str(error))
            return ()
        meet = self.meets.get(row)
        return (meet.pk, event.pk, row.round, row.round_number, folded(row.race_name), row.sex)

    def _settle_sexes(self, resolved: list[_Resolved]) -> None:
        """A start whose rows give no sex takes the sex most of its known athletes have."""
        unsettled: dict[tuple, list[str]] = defaultdict(list)
        for item in resolved:
            start = item.start
            if start[0] != "race" and not start[-1] and start not in self.sex_of_start:
                unsettled[start].append(item.athlete_sex)
        for start, sexes in unsettled.items():
            self.sex_of_start[start] = _majority_sex(sexes)

    def _race_key(self, start: tuple) -> tuple:
        if start[0] == "race":
            return start
        meet, event, round_name, number, name, sex = start
        sex = sex or self.sex_of_start.get(start, "")
        return (meet, event, sex, round_name, number, name)

    def _create_athletes(self, pending: list[_Resolved]) -> None:
        """Each new name once: its first row's nationality, its sex or else the race's."""
        first: dict[str, _Resolved] = {}
        for item in pending:
            first.setdefault(folded(item.row.athlete), item)
        if not first:
            return
        slugs = free_slugs(Athlete, (item.row.athlete for item in first.values()))
        created: dict[str, Athlete] = {}
        for key, item in first.items():
            race_sex = self._race_key(item.start)[2] if item.start[0] != "race" else ""
            created[key] = self.athletes.create(
                item.row.athlete,
                country=item.row.nationality,
                sex=item.row.sex or race_sex,
                slug=slugs[item.row.athlete],
                history=False,
            )
        record_creation(Athlete, [athlete.pk for athlete in created.values()], self.reason)
        for item in pending:
            if item.athlete_pk is None:
                athlete = created[folded(item.row.athlete)]
                item.athlete_pk, item.athlete_sex = athlete.pk, athlete.sex

    # -- races ---------------------------------------------------------------------------------

    def _place_in_races(self, resolved: list[_Resolved]) -> None:
        """Each row's race, found or made at its first row; later rows must agree on its date."""
        pending: dict[tuple, tuple[Race, int]] = {}
        self._load_stored_races(self._race_key(item.start) for item in resolved)
        for item in resolved:
            key = self._race_key(item.start)
            race = self.races.get(key)
            if race is None and key not in pending:
                found = self._first_row_of_race(key, item.row)
                if isinstance(found, Race):
                    pending[key] = (found, item.row.line)
                else:
                    race = found
            date, first_line = (
                (race.date, race.first_line) if race else (pending[key][0].date, pending[key][1])
            )
            row = item.row
            if row.race_id is None and row.date != date:
                self.error(
                    row,
                    "date",
                    row.date.isoformat(),
                    f"'{row.date}' is not the date of this race: line {first_line} dates it {date}",
                )
        if pending:
            bulk_create_kept(Race, [race for race, _ in pending.values()], self.reason)
            self.report.counts["races"].created += len(pending)
            for key, (race, line) in pending.items():
                self.races[key] = _Race(race.pk, race.date, race.source_url, line, created=True)
        for item in resolved:
            item.race = self.races[self._race_key(item.start)]

    def _first_row_of_race(self, key: tuple, row: ResultRow) -> _Race | Race:
        """The race a key names, as stored (brought up to date by its first row) or, when it
        is new, an unsaved Race for ``_place_in_races`` to insert with the batch's others."""
        counts = self.report.counts["races"]
        if key[0] == "race":
            race = Race.objects.get(pk=key[1])
            url = row.source_url or race.source_url
            if url != race.source_url:
                race.source_url = url
                race._change_reason = self.reason
                race.save(update_fields=["source_url"])
                counts.updated += 1
            else:
                counts.unchanged += 1
            self.races[key] = _Race(race.pk, race.date, race.source_url, row.line)
            return self.races[key]
        meet, event, sex, round_name, number, _ = key
        stored = self.stored_races.get(key)
        if stored is None:
            return Race(
                meet_id=meet,
                event_id=event,
                sex=sex,
                round=round_name,
                round_number=number,
                name=row.race_name,
                date=row.date,
                status=Race.Status.OFFICIAL,
                source_url=row.source_url,
            )
        changes = {"date": row.date, "status": Race.Status.OFFICIAL}
        if row.source_url:
            changes["source_url"] = row.source_url
        if any(stored[field] != value for field, value in changes.items()):
            race = Race.objects.get(pk=stored["pk"])
            for field, value in changes.items():
                setattr(race, field, value)
            race._change_reason = self.reason
            race.save()
            stored.update(changes)
            counts.updated += 1
        else:
            counts.unchanged += 1
        self.races[key] = _Race(stored["pk"], stored["date"], stored["source_url"], row.line)
        return self.races[key]

    def _load_stored_races(self, keys: Iterable[tuple]) -> None:
        """Every stored race of the meets ``keys`` name that were not read yet, a few queries
        a batch."""
        meets = sorted({key[0] for key in keys if key[0] != "race"} - self.meets_with_races)
        self.meets_with_races.update(meets)
        fields = ("pk", "meet_id", "event_id", "sex", "round", "round_number", "name")
        for batch in chunks(meets):
            for race in Race.objects.filter(meet_id__in=batch).values(
                *fields, "date", "status", "source_url"
            ):
                stored_key = (*(race[name] for name in fields[1:-1]), fold(race["name"]))
                self.stored_races[stored_key] = race

    # -- results -------------------------------------------------------------------------------

    def _staged(self, item: _Resolved) -> tuple:
        row, race = item.row, item.race
        own_source = row.source_url if row.source_url != race.source_url else ""
        return (
            row.line,
            race.pk,
            item.athlete_pk,
            row.athlete,
            row.column("athlete"),
            row.place,
            row.time_ms,
            row.hand_timed,
            row.status,
            row.flags,
            row.note,
            own_source,
        )

    def _write(self) -> None:
        duplicates = self.staged.duplicates(MAX_ERRORS + 1)
        for line, name, column, first_line in duplicates:
            self.report.error(
                line, column, name, f"'{name}' is in this race twice: also on line {first_line}"
            )
        if duplicates:
            return
        created, updated, unchanged = self.staged.apply()
        counts = self.report.counts["results"]
        counts.created, counts.updated, counts.unchanged = created, updated, unchanged


def _majority_sex(sexes: Iterable[str]) -> str:
    """The sex most of a race's known athletes have; "" when none is known or it is a tie."""
    tally = Counter(sex for sex in sexes if sex).most_common(2)
    if not tally or (len(tally) == 2 and tally[0][1] == tally[1][1]):
        return ""
    return tally[0][0]
