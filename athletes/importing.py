"""CSV import of race results, and the CSV plumbing the quotes import shares.

One function per kind (``import_results`` here, ``rivalries.importing.import_quotes`` there)
serves both the management command and the admin upload, so the two cannot disagree. A file is
all or nothing: the whole import runs in one transaction that is rolled back when any row is
bad (every bad row is reported, with the file's own line number, column and value) or when it
is a dry run. Re-importing a file matches what is already there and changes nothing.

Speed matters (100,000-row files): meets, events, races and athletes are looked up in batches
and kept in dicts for the length of one import, and races and results are written in bulk
(PostgreSQL's ``COPY``, elsewhere ``bulk_create``), their history rows copied by the database
(``record_creation``).
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django_countries import countries
from django_countries.ioc_data import IOC_TO_ISO
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_update_with_history

from athletes import marks
from athletes.models import (
    Athlete,
    AthleteAlias,
    Event,
    Level,
    Meet,
    Race,
    Result,
    ResultStatus,
    Round,
    Sex,
    normalise_flags,
)
from athletes.text import ascii_slug, fold

ImportSource = str | os.PathLike | bytes | IO[str] | IO[bytes]
"""A path, the raw bytes of a file, or an open file (text or binary, e.g. an upload)."""

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
RESULT_KINDS = ("athletes", "events", "meets", "races", "results")

MILE_M = 1609.344
BATCH = 500  # rows per IN (...) lookup and per bulk insert: under every database's limits

imported = Signal()
"""Sent once by an import that changed something, inside its transaction (``sender``: the
model imported). Bulk inserts send no ``post_save``; the page cache (rivalries/caching.py)
listens to this to bump its data version."""


# --- the report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One bad value: where it is (the file's own line, header = 1), what it is, and why."""

    line: int
    """0 for a problem with the whole file (it is not UTF-8 text, say)."""
    column: str
    value: str
    message: str
    """Quotes the value: "'3:4x.12' is not a time: ..."."""

    def describe(self, filename: str) -> str:
        """ "results.csv:7: column 'mark': '3:4x.12' is not a time: ..."."""
        where = f"{filename}:{self.line}" if self.line else filename
        if self.column:
            return f"{where}: column '{self.column}': {self.message}"
        return f"{where}: {self.message}"


@dataclass
class Counts:
    """What happened to one kind of record: created, found and changed, found as it was."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def matched(self) -> int:
        """Records the file named that were already there."""
        return self.updated + self.unchanged


@dataclass
class ImportReport:
    """Counts per kind and every bad row; ``lines()`` is the text shown to people."""

    filename: str
    kinds: Sequence[str]
    dry_run: bool = False
    rows: int = 0
    counts: dict[str, Counts] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    def __post_init__(self) -> None:
        for kind in self.kinds:
            self.counts.setdefault(kind, Counts())

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        """Whether the import wrote (or, on a dry run, would write) anything."""
        return any(counts.created or counts.updated for counts in self.counts.values())

    @property
    def bad_lines(self) -> list[int]:
        return sorted({error.line for error in self.errors})

    def error(self, line: int, column: str, value: str, message: str) -> None:
        self.errors.append(RowError(line, column, value, message))

    def lines(self) -> list[str]:
        if self.errors:
            rows = len(self.bad_lines)
            head = (
                f"{self.filename}: {rows} bad row{'s' if rows != 1 else ''}"
                f" ({len(self.errors)} error{'s' if len(self.errors) != 1 else ''});"
                " nothing was written."
            )
            in_file_order = sorted(self.errors, key=lambda error: error.line)
            return [head, *(error.describe(self.filename) for error in in_file_order)]
        head = f"{self.filename}: {self.rows} row{'s' if self.rows != 1 else ''} read"
        if self.dry_run:
            head += "; dry run, nothing was written: this is what the import would do"
        if not self.changed:
            head += "; nothing changed, everything was already there"
        body = [
            f"  {kind}: {c.created} created, {c.updated} updated, {c.unchanged} unchanged"
            for kind, c in self.counts.items()
        ]
        return [head, *body]

    def summary(self) -> str:
        return "\n".join(self.lines())


class ImportAbort(Exception):
    """Rolls the import's transaction back: a bad row, or a dry run."""


# --- reading the file ------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One data row: its line in the file and its values, stripped, by lower-case column."""

    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


def source_name(source: ImportSource) -> str:
    """The name to put in messages: the path, or the open file's name."""
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    name = getattr(source, "name", None)
    return os.path.basename(name) if isinstance(name, str) and name else "upload.csv"


DEFAULT_MAX_IMPORT_BYTES = 50_000_000
"""The largest file an import reads (settings.IMPORT_MAX_BYTES overrides): a 100,000-row
results file is about 15 MB, and a bigger one is far more likely a wrong file than a real one."""


def max_import_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_IMPORT_BYTES))


def read_text(source: ImportSource) -> str:
    """The file as text: UTF-8, with or without a byte-order mark; anything else is refused.

    Raises ``UnreadableFile`` with the line of the first byte that is not UTF-8, so a file
    saved as Latin-1 or UTF-16 gets a message, not a traceback. A file over
    ``max_import_bytes()`` gets one too, from its size, before it is read.
    """
    limit = max_import_bytes()
    size = _size_of(source)
    if size is not None and size > limit:
        raise UnreadableFile(0, _too_big(_size_text(size), limit))
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as handle:
            data: str | bytes = handle.read(limit + 1)
    elif isinstance(source, bytes | bytearray):
        data = bytes(source)
    else:
        try:
            data = source.read(limit + 1)
        except UnicodeDecodeError as error:
            raise UnreadableFile(0, _not_utf8(error)) from None
    if len(data) > limit:  # it grew, or its size could not be told beforehand
        raise UnreadableFile(0, _too_big(f"over {_size_text(limit)}", limit))
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UnreadableFile(line, _not_utf8(error)) from None


def _size_of(source: ImportSource) -> int | None:
    """The size in bytes without reading: a path's, the bytes', an upload's or a seekable
    file's (what is left of it); None when it cannot be told."""
    if isinstance(source, str | os.PathLike):
        return os.path.getsize(source)
    if isinstance(source, bytes | bytearray):
        return len(source)
    size = getattr(source, "size", None)  # Django's UploadedFile
    if isinstance(size, int):
        return size
    try:
        if isinstance(source, io.BufferedIOBase | io.RawIOBase) and source.seekable():
            here = source.tell()
            end = source.seek(0, os.SEEK_END)
            source.seek(here)
            return end - here
    except (OSError, ValueError):
        pass
    return None


def _too_big(size: str, limit: int) -> str:
    return (
        f"the file is {size}: an import takes files of at most {_size_text(limit)};"
        " split it into smaller files and import each"
    )


def _size_text(size: int) -> str:
    """104857600 -> "104.9 MB", 50000000 -> "50 MB", 100 -> "100 bytes"."""
    if size < 1_000_000:
        return f"{size:,} bytes"
    return f"{size / 1_000_000:.1f}".removesuffix(".0") + " MB"


class UnreadableFile(Exception):
    """A file that is not UTF-8 text; ``line`` is 0 when the line cannot be told."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _not_utf8(error: UnicodeDecodeError) -> str:
    byte = error.object[error.start : error.start + 1].hex() if error.object else "?"
    return (
        f"the file is not UTF-8 text (byte 0x{byte} cannot be read): save it as UTF-8"
        " ('CSV UTF-8' in Excel) and import it again"
    )


def read_rows(
    source: ImportSource,
    report: ImportReport,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    kind: str,
) -> list[Row]:
    """The data rows of a CSV file.

    Problems with the file as a whole (encoding, header) are added to ``report``; blank lines
    are skipped; values are stripped of surrounding whitespace.
    """
    try:
        text = read_text(source)
    except UnreadableFile as error:
        report.error(error.line, "", "", error.message)
        return []
    except OSError as error:
        report.error(0, "", "", f"the file cannot be read: {error.strerror or error}")
        return []

    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    header_line = 0
    rows: list[Row] = []
    last_line = 0
    try:
        for cells in reader:
            line, last_line = last_line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header, header_line = [cell.strip().lower() for cell in cells], line
                if not _header_ok(header, header_line, report, required, optional, kind):
                    return []
                continue
            rows.append(_row(cells, line, header, report))
    except csv.Error as error:
        report.error(reader.line_num, "", "", f"the CSV cannot be read here: {error}")
        return []
    if header is None:
        report.error(0, "", "", f"the file is empty: a {kind} file starts with a header row")
        return []
    report.rows = len(rows)
    return rows


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
    values: dict[str, str] = {}
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


# --- reading values: small, tested functions -------------------------------------------------


_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0", ""}


@functools.cache
def parse_bool(text: str) -> bool:
    """true/false, yes/no, 1/0 in any case; empty is false."""
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"'{text}' is not true or false: write true/false, yes/no or 1/0")


_SEXES = {
    "men": Sex.MEN,
    "man": Sex.MEN,
    "m": Sex.MEN,
    "male": Sex.MEN,
    "mens": Sex.MEN,
    "women": Sex.WOMEN,
    "woman": Sex.WOMEN,
    "w": Sex.WOMEN,
    "f": Sex.WOMEN,
    "female": Sex.WOMEN,
    "womens": Sex.WOMEN,
}


@functools.cache
def parse_sex(text: str) -> str:
    """men/women, M/W/F, male/female, any case; empty is unknown ("")."""
    value = fold(text).replace("'", "")
    if not value:
        return ""
    if value in _SEXES:
        return _SEXES[value]
    raise ValueError(f"'{text}' is not a sex: write men or women (M, W or F)")


@functools.cache
def parse_country(text: str) -> str:
    """The ISO alpha-2 code for an IOC code (GBR, SUI, GER, NED) or ISO alpha-2/alpha-3 code."""
    code = text.strip().upper()
    if not code:
        return ""
    if code in IOC_TO_ISO:
        return IOC_TO_ISO[code]
    if code.isalpha() and len(code) in (2, 3):
        alpha2 = countries.alpha2(code)
        if alpha2:
            return alpha2
    raise ValueError(
        f"'{text}' is not a country code: write an IOC code (GBR, NOR, SUI) or an ISO code"
        " (GB, GBR)"
    )


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@functools.cache
def parse_date(text: str) -> datetime.date:
    """YYYY-MM-DD."""
    value = text.strip()
    if not value:
        raise ValueError("'' is not a date: the date is empty (write YYYY-MM-DD)")
    if not _ISO_DATE.fullmatch(value):
        raise ValueError(f"'{text}' is not a date: write YYYY-MM-DD")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"'{text}' is not a date: {error}") from None


def parse_place(text: str) -> int | None:
    """A place from 1 up ("=3" for a shared place reads as 3); empty is no place."""
    value = text.strip().removeprefix("=").removesuffix(".")
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"'{text}' is not a place: write a whole number from 1")
    return int(value)


_STATUSES = {
    "finished": ResultStatus.FINISHED,
    "dnf": ResultStatus.DNF,
    "dns": ResultStatus.DNS,
    "dq": ResultStatus.DQ,
    "dsq": ResultStatus.DQ,
}


@functools.cache
def parse_status(text: str) -> str:
    """finished, DNF, DNS or DQ in any case; empty is "" (decided by the mark)."""
    value = text.strip().lower()
    if not value:
        return ""
    if value in _STATUSES:
        return _STATUSES[value]
    raise ValueError(f"'{text}' is not a status: write finished, DNF, DNS or DQ")


_ROUND_WORDS = {
    "semi": Round.SEMI_FINAL,
    "semi final": Round.SEMI_FINAL,
    "semifinal": Round.SEMI_FINAL,
    "sf": Round.SEMI_FINAL,
    "quarter": Round.QUARTER_FINAL,
    "quarter final": Round.QUARTER_FINAL,
    "quarterfinal": Round.QUARTER_FINAL,
    "qf": Round.QUARTER_FINAL,
    "heat": Round.HEAT,
    "h": Round.HEAT,
}
_ROUND = re.compile(r"(?P<word>[a-z ]*?) ?(?P<number>\d+)?")


@functools.cache
def parse_round(text: str) -> tuple[str, int | None]:
    """ "final"/"F"/"" -> (final, None); "SF2", "semi 2", "semi-final 2" -> (semi-final, 2);
    "QF1" -> (quarter-final, 1); "H3", "heat 3", "round 1 heat 3" -> (heat, 3)."""
    value = re.sub(r"[-_,.]", " ", fold(text))
    value = re.sub(r"\s+", " ", value).strip().replace("finals", "final")
    if value in ("", "final", "f", "fin"):
        return Round.FINAL, None
    first_round = re.fullmatch(r"(?:round|r) ?(\d+) (.*)", value)
    if first_round:
        if first_round.group(1) != "1":
            raise ValueError(
                f"'{text}' is not a round: only first-round heats read as 'heat N';"
                " call a later round quarter-final N or semi-final N"
            )
        value = first_round.group(2)
    match = _ROUND.fullmatch(value)
    word = match.group("word").strip() if match else ""
    if match and word in _ROUND_WORDS:
        number = match.group("number")
        if number is not None and int(number) < 1:
            raise ValueError(f"'{text}' is not a round: numbers start at 1")
        return _ROUND_WORDS[word], int(number) if number else None
    raise ValueError(
        f"'{text}' is not a round: write final, semi-final 2 (SF2), quarter-final 1 (QF1)"
        " or heat 3 (H3)"
    )


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_METRES = re.compile(r"(?P<n>\d{1,3}(?:[ ,.]\d{3})+|\d+) ?(?:m|metres|meters|metre|meter)?")
_MILES = re.compile(r"(?:(?P<n>\d+|one|two|three|four|five) ?)?miles?")


@functools.cache
def parse_distance(name: str) -> float:
    """The distance in metres of a flat event named "1500m", "1,500 m", "Mile", "2 Miles"."""
    value = fold(name)
    miles = _MILES.fullmatch(value)
    if miles:
        count = miles.group("n") or "1"
        return MILE_M * (_NUMBER_WORDS.get(count) or int(count))
    metres = _METRES.fullmatch(value)
    if metres:
        distance = float(re.sub(r"[ ,.]", "", metres.group("n")))
        if distance > 0:
            return distance
    raise ValueError(
        f"'{name}' is not an event we know, and no distance can be read from its name:"
        " write e.g. 1500m, 5000m, Mile or 2 Miles"
    )


def event_name(distance_m: float) -> str:
    """How results lists name a flat distance: "1500m", "10,000m", "Mile", "2 Miles"."""
    miles = distance_m / MILE_M
    if abs(miles - round(miles)) < 1e-9:
        return "Mile" if round(miles) == 1 else f"{round(miles)} Miles"
    metres = round(distance_m)
    return f"{metres:,}m" if metres >= 10_000 else f"{metres}m"


_OLYMPIC = re.compile(r"\bolympic games\b|\bolympics\b|\bgames of the [a-z]+ olympiad\b")
_WORLD = re.compile(r"\bworld\b.*\bchampionships?\b")
_CONTINENTAL = re.compile(
    r"\b(european|commonwealth|african|asian|pan american|pan am|oceania|south american"
    r"|nacac|central american|caribbean|balkan|mediterranean)\b.*\b(championships?|games)\b"
)
_DIAMOND = re.compile(
    r"diamond league|prefontaine|\bpre classic\b|bislett|weltklasse|van damme|herculis"
    r"|athletissima|london athletics meet|anniversary games|british grand prix"
    r"|meeting de paris|golden gala|bauhaus ?galan|skolimowska|\bdoha\b|\bqatar\b"
    r"|shanghai|suzhou|xiamen|\brabat\b|mohammed vi|\bdl final\b"
)
_NATIONAL = re.compile(r"\btrials\b|\bchampionships?\b|\bchamps\b|\busatf\b|\bncaa\b")


def guess_level(name: str) -> str:
    """A new meet's level from its name; editors correct the odd miss in the admin.

    Trials before the Olympics (they are national), world before continental, the Diamond
    League meets by their usual names, any other championships national, else a one-day meet.
    """
    value = fold(name).replace("-", " ")
    if re.search(r"\btrials\b", value):
        return Level.NATIONAL
    if _OLYMPIC.search(value):
        return Level.OLYMPIC
    if _WORLD.search(value):
        return Level.WORLD
    if _CONTINENTAL.search(value):
        return Level.CONTINENTAL
    if _DIAMOND.search(value):
        return Level.DIAMOND_LEAGUE
    if _NATIONAL.search(value):
        return Level.NATIONAL
    return Level.ONE_DAY


@functools.cache
def parse_flags(text: str) -> str:
    """Flag codes in any case, space- or comma-separated (athletes.models.normalise_flags)."""
    return normalise_flags(text)


folded = functools.lru_cache(maxsize=65_536)(fold)
"""``fold`` for the importers: a file repeats its meets, events and athletes thousands of times."""

_URL = URLValidator(schemes=["http", "https"])


@functools.lru_cache(maxsize=4096)
def parse_url(text: str) -> str:
    value = text.strip()
    if not value:
        return ""
    if len(value) > 500:
        raise ValueError(f"'{value[:40]}...' is too long for a URL: at most 500 characters")
    try:
        _URL(value)
    except ValidationError:
        raise ValueError(f"'{text}' is not a URL: write it in full, with https://") from None
    return value


# --- matching athletes (shared with the quotes import) ---------------------------------------


def chunks[T](items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def record_creation(model: type[models.Model], pks: Sequence[int], reason: str) -> None:
    """Write the "created" history rows of records just inserted without them, in the database.

    ``bulk_create_with_history`` builds one Python object per history row, which costs more
    than the insert itself on a 100,000-row file; ``INSERT ... SELECT`` copies the same values
    (every tracked column, plus the date, the reason and type "+") in one statement per batch.
    """
    history = model.history.model
    quote = connection.ops.quote_name
    now = history._meta.get_field("history_date").get_db_prep_value(timezone.now(), connection)
    reason_field = history._meta.get_field("history_change_reason")
    reason = reason[: reason_field.max_length] if reason_field.max_length else reason
    columns, values, params = [], [], []
    for kept in history._meta.concrete_fields:
        if kept.primary_key:
            continue
        columns.append(quote(kept.column))
        if kept.name == "history_date":
            values.append("%s")
            params.append(now)
        elif kept.name == "history_change_reason":
            values.append("%s")
            params.append(reason)
        elif kept.name == "history_type":
            values.append("%s")
            params.append("+")
        elif kept.name == "history_user":
            values.append("%s")
            params.append(_request_user_id())
        elif kept.name.startswith("history_"):
            values.append("NULL")
        else:
            values.append(quote(model._meta.get_field(kept.name).column))
    pk_column = quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        for batch in chunks(pks):
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(columns)})"
                f" SELECT {', '.join(values)} FROM {quote(model._meta.db_table)}"
                f" WHERE {pk_column} IN ({', '.join(['%s'] * len(batch))})",
                [*params, *batch],
            )


def _request_user_id() -> int | None:
    """The editor behind an admin upload, as simple_history's middleware records saves."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def bulk_create_kept(model: type[models.Model], objs: list[models.Model], reason: str) -> None:
    """Insert ``objs`` (setting their primary keys) and the history rows of what it created."""
    if connection.vendor == "postgresql" and _copyable(model):
        fields = _copied_fields(model)
        rows = ([field.pre_save(obj, True) for field in fields] for obj in objs)
        for obj, key in zip(objs, copy_in(model, rows, len(objs)), strict=True):
            obj.pk = key
            obj._state.adding = False
            obj._state.db = connection.alias
    else:
        model._default_manager.bulk_create(objs, batch_size=BATCH)
    record_creation(model, [obj.pk for obj in objs], reason)


def create_kept(model: type[models.Model], rows: list[dict[str, Any]], reason: str) -> None:
    """Insert rows given as {attribute name: value} (other fields take their defaults), and
    their history rows. On PostgreSQL no model object is made: for a results file, making
    100,000 of them cost more than writing the rows."""
    if connection.vendor == "postgresql" and _copyable(model):
        fields = _copied_fields(model)
        defaults = {field.attname: field.get_default() for field in fields}
        values = ([row.get(name, default) for name, default in defaults.items()] for row in rows)
        keys = copy_in(model, values, len(rows))
    else:
        objs = [model(**row) for row in rows]
        model._default_manager.bulk_create(objs, batch_size=BATCH)
        keys = [obj.pk for obj in objs]
    record_creation(model, keys, reason)


# Fields whose Python value psycopg writes as the column wants, with no conversion by Django.
_PLAIN_FIELDS = (
    models.AutoField,
    models.BigAutoField,
    models.BooleanField,
    models.CharField,
    models.DateField,
    models.ForeignKey,
    models.IntegerField,
    models.TextField,
)


def _copyable(model: type[models.Model]) -> bool:
    return all(
        isinstance(field, _PLAIN_FIELDS) and not isinstance(field, models.DateTimeField)
        for field in model._meta.concrete_fields
    )


def _copied_fields(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if not field.primary_key]


def copy_in(model: type[models.Model], rows: Iterable[list[Any]], count: int) -> list[int]:
    """PostgreSQL's ``COPY`` of ``count`` rows (values in ``_copied_fields`` order); the keys
    given to them, in order, drawn from the table's sequence first.

    ``bulk_create`` spends most of a 100,000-row import turning values into SQL parameters;
    ``COPY`` streams the rows as they are, several times faster.
    """
    if not count:
        return []
    table = connection.ops.quote_name(model._meta.db_table)
    pk = model._meta.pk
    columns = ", ".join(
        connection.ops.quote_name(field.column) for field in [pk, *_copied_fields(model)]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk.column, count],
        )
        keys = [key for (key,) in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for key, values in zip(keys, rows, strict=True):
                copy.write_row([key, *values])
    return keys


def free_slugs(model: type[models.Model], texts: Iterable[str]) -> dict[str, str]:
    """A unique slug for each text, numbered as ``models.unique_slug`` numbers them.

    ``unique_slug`` asks the database once per new record, which is quadratic over thousands of
    new athletes or meets; this asks once per batch of texts (and once per clashing name).
    """
    bases = {text: ascii_slug(text)[:70] or "x" for text in texts}
    manager = model._default_manager
    taken: set[str] = set()
    for batch in chunks(sorted(set(bases.values()))):
        taken.update(manager.filter(slug__in=batch).values_list("slug", flat=True))
    for base in sorted(taken & set(bases.values())):
        taken.update(manager.filter(slug__startswith=f"{base}-").values_list("slug", flat=True))
    slugs: dict[str, str] = {}
    for text, base in bases.items():
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        taken.add(slug)
        slugs[text] = slug
    return slugs


class AthleteMatcher:
    """Finds athletes by name or alias, case and accents folded, a few queries per file.

    ``load`` fetches every name of the file in batches; ``find`` then answers from a dict.
    """

    def __init__(self) -> None:
        self._by_name: dict[str, dict[int, Athlete]] = defaultdict(dict)
        self._loaded: set[str] = set()
        self.created: set[int] = set()
        self.matched: set[int] = set()

    def load(self, names: Iterable[str]) -> None:
        wanted = {folded(name) for name in names if name.strip()} - self._loaded
        for batch in chunks(sorted(wanted)):
            for athlete in Athlete.objects.filter(search_name__in=batch):
                self._by_name[athlete.search_name][athlete.pk] = athlete
            aliases = AthleteAlias.objects.filter(search_name__in=batch).select_related("athlete")
            for alias in aliases:
                self._by_name[alias.search_name][alias.athlete_id] = alias.athlete
        self._loaded |= wanted

    def find(self, name: str, country: str = "") -> Athlete | None:
        """The one athlete called ``name``; two of that name are told apart by ``country``."""
        key = folded(name)
        if key not in self._loaded:
            self.load([name])
        candidates = list(self._by_name.get(key, {}).values())
        if not candidates:
            return None
        if len(candidates) > 1:
            same_country = [a for a in candidates if country and a.country.code == country]
            if len(same_country) != 1:
                who = ", ".join(
                    f"{a.name} ({a.country_code or 'no country'})"
                    for a in sorted(candidates, key=lambda a: a.pk)
                )
                raise ValueError(
                    f"'{name}' matches {len(candidates)} athletes ({who}):"
                    + (
                        " give the nationality to tell them apart"
                        if not country
                        else " the nationality does not tell them apart"
                    )
                )
            candidates = same_country
        athlete = candidates[0]
        if athlete.pk not in self.created:
            self.matched.add(athlete.pk)
        return athlete

    def create(
        self, name: str, *, country: str = "", sex: str = "", slug: str = "", history: bool = True
    ) -> Athlete:
        """A new athlete; ``history=False`` leaves the history row to ``record_creation``."""
        athlete = Athlete(name=name, country=country, sex=sex, slug=slug)
        if history:
            athlete.save()
        else:
            athlete.save_without_historical_record()
        self._by_name[athlete.search_name][athlete.pk] = athlete
        self._loaded.add(athlete.search_name)
        self.created.add(athlete.pk)
        return athlete

    def count_into(self, counts: Counts) -> None:
        counts.created = len(self.created)
        counts.unchanged = len(self.matched - self.created)


def unknown_athlete(name: str) -> str:
    return (
        f"no athlete is called '{name}' (by name or alias): add them first, or import with"
        " --create-athletes"
    )


# --- results ---------------------------------------------------------------------------------


@dataclass
class _Line:
    """One parsed results row."""

    line: int
    date: datetime.date
    meet: str
    race_name: str
    city: str
    country: str
    venue: str
    event: str
    round: str
    round_number: int | None
    indoor: bool
    place: int | None
    athlete_name: str
    nationality: str
    time_ms: int | None
    status: str
    flags: str
    source_url: str
    sex: str
    event_obj: Event | None = None
    meet_obj: Meet | None = None
    athlete: Athlete | None = None
    race_key: tuple = ()
    failed: bool = False
    """A value of this row could not be matched; its error is reported, the row left out."""


def import_results(
    source: ImportSource,
    *,
    dry_run: bool = False,
    create_athletes: bool = False,
    filename: str | None = None,
) -> ImportReport:
    """Import a results CSV (DESIGN.md, "CSV import"): all of it, or nothing and every error.

    Creates the events, meets and races the file names and does not match, athletes too when
    ``create_athletes``; a result already there for (race, athlete) is updated when its values
    differ. ``dry_run`` does everything and rolls back, so the report says what would happen.
    """
    report = ImportReport(filename or source_name(source), RESULT_KINDS, dry_run=dry_run)
    rows = read_rows(
        source,
        report,
        required=RESULT_COLUMNS,
        optional=RESULT_OPTIONAL_COLUMNS,
        kind="results",
    )
    if not report.ok:
        return report
    try:
        with transaction.atomic():
            _ResultsImport(report, create_athletes=create_athletes).run(rows)
            if not report.ok or dry_run:
                raise ImportAbort
            if report.changed:
                imported.send(sender=Result)
    except ImportAbort:
        pass
    return report


class _ResultsImport:
    def __init__(self, report: ImportReport, *, create_athletes: bool) -> None:
        self.report = report
        self.create_athletes = create_athletes
        self.athletes = AthleteMatcher()
        self.events = _Events()
        self.meets = _Meets()
        self.change_reason = f"imported from {report.filename}"

    def run(self, rows: list[Row]) -> None:
        lines = [parsed for row in rows if (parsed := self._parse(row)) is not None]
        self.athletes.load(line.athlete_name for line in lines)
        self.meets.load(lines)
        pending: list[_Line] = []  # athletes still to create, once each race's sex is known
        for line in lines:
            self._resolve(line, pending)
        races = self._group(line for line in lines if not line.failed)
        if not self.report.ok:
            return
        self._create_athletes(pending)
        race_objects = self._races(races)
        self._results(races, race_objects)
        self.meets.save(self.report.counts["meets"], self.change_reason)
        self.events.count_into(self.report.counts["events"])
        self.athletes.count_into(self.report.counts["athletes"])

    # -- one row -------------------------------------------------------------------------------

    def _parse(self, row: Row) -> _Line | None:
        cells = Cells(row, self.report)
        date = cells.parse("date", parse_date, None)
        meet = cells.text("meet", required=True, max_length=160)
        event = cells.text("event", required=True, max_length=40)
        athlete = cells.text("athlete", required=True, max_length=120)
        round_name, round_number = cells.parse("round", parse_round, (Round.FINAL, None))
        place = cells.parse("place", parse_place, None)
        status = cells.parse("status", parse_status, "")
        mark = row["mark"]
        time_ms = None
        mark_status = _STATUSES.get(mark.lower())
        if mark_status and mark_status != ResultStatus.FINISHED:
            if status and status != mark_status:
                cells.fail("mark", mark, f"'{mark}' contradicts the status '{row['status']}'")
            status = mark_status
        elif mark:
            time_ms = cells.parse("mark", marks.parse, None)
            if status and status != ResultStatus.FINISHED:
                cells.fail("mark", mark, f"'{mark}' is a time, but a {status} result has no mark")
            status = status or ResultStatus.FINISHED
        elif not status:
            cells.fail("mark", "", "'' is not a time: give a mark, or a status (DNF, DNS, DQ)")
        elif status == ResultStatus.FINISHED:
            cells.fail("mark", "", "'' is not a time: a finisher needs a mark")
        if status == ResultStatus.FINISHED and place is None and not row["place"]:
            cells.fail("place", "", "'' is not a place: a finisher needs a place")
        elif status and status != ResultStatus.FINISHED and place is not None:
            cells.fail(
                "place", row["place"], f"'{row['place']}' is a place, but a {status} has none"
            )
        line = _Line(
            line=row.line,
            date=date,
            meet=meet,
            race_name=cells.text("race_name", max_length=120),
            city=cells.text("city", max_length=120),
            country=cells.parse("country", parse_country, ""),
            venue=cells.text("venue", max_length=160),
            event=event,
            round=round_name,
            round_number=round_number,
            indoor=cells.parse("indoor", parse_bool, False),
            place=place,
            athlete_name=athlete,
            nationality=cells.parse("nationality", parse_country, ""),
            time_ms=time_ms,
            status=status,
            flags=cells.parse("flags", parse_flags, ""),
            source_url=cells.parse("source_url", parse_url, ""),
            sex=cells.parse("sex", parse_sex, ""),
        )
        return line if cells.ok else None

    def _resolve(self, line: _Line, pending: list[_Line]) -> None:
        try:
            line.event_obj = self.events.get(line.event)
        except ValueError as error:
            self.report.error(line.line, "event", line.event, str(error))
            line.failed = True
        line.meet_obj = self.meets.get(line)
        try:
            line.athlete = self.athletes.find(line.athlete_name, line.nationality)
        except ValueError as error:
            self.report.error(line.line, "athlete", line.athlete_name, str(error))
            line.failed = True
            return
        if line.athlete is None:
            if self.create_athletes:
                pending.append(line)
            else:
                self.report.error(
                    line.line, "athlete", line.athlete_name, unknown_athlete(line.athlete_name)
                )
                line.failed = True

    # -- races ---------------------------------------------------------------------------------

    def _group(self, lines: Iterable[_Line]) -> dict[tuple, list[_Line]]:
        """Rows by race, each race's sex settled, its date and source agreed on by its rows."""
        by_start: dict[tuple, list[_Line]] = defaultdict(list)
        for line in lines:
            start = (
                line.meet_obj.pk,
                line.event_obj.pk,
                line.round,
                line.round_number,
                folded(line.race_name),
                line.sex,
            )
            by_start[start].append(line)
        races: dict[tuple, list[_Line]] = defaultdict(list)
        for (meet, event, round_name, number, name, sex), group in by_start.items():
            sex = sex or _majority_sex(line.athlete.sex for line in group if line.athlete)
            key = (meet, event, sex, round_name, number, name)
            for line in group:
                line.race_key = key
            races[key].extend(group)
        for group in races.values():
            self._check_race_rows(group)
        return races

    def _check_race_rows(self, group: list[_Line]) -> None:
        first = group[0]
        seen: dict[str, int] = {}
        url_line = first if first.source_url else None
        for line in group:
            if line.date != first.date:
                self.report.error(
                    line.line,
                    "date",
                    line.date.isoformat(),
                    f"'{line.date}' is not the date of this race: line {first.line} dates it"
                    f" {first.date}",
                )
            if line.source_url:
                if url_line is None:
                    url_line = line
                elif line.source_url != url_line.source_url:
                    self.report.error(
                        line.line,
                        "source_url",
                        line.source_url,
                        f"'{line.source_url}' is not this race's source: line {url_line.line}"
                        f" gives {url_line.source_url}",
                    )
            who = str(line.athlete.pk) if line.athlete else folded(line.athlete_name)
            if who in seen:
                self.report.error(
                    line.line,
                    "athlete",
                    line.athlete_name,
                    f"'{line.athlete_name}' is in this race twice: also on line {seen[who]}",
                )
            else:
                seen[who] = line.line

    def _create_athletes(self, pending: list[_Line]) -> None:
        """Each new name once: the first row's nationality, its sex or else the race's."""
        first: dict[str, _Line] = {}
        for line in pending:
            first.setdefault(folded(line.athlete_name), line)
        slugs = free_slugs(Athlete, (line.athlete_name for line in first.values()))
        created = [
            self.athletes.create(
                line.athlete_name,
                country=line.nationality,
                sex=line.sex or line.race_key[2],
                slug=slugs[line.athlete_name],
                history=False,
            )
            for line in first.values()
        ]
        record_creation(Athlete, [athlete.pk for athlete in created], self.change_reason)
        for line in pending:
            line.athlete = self.athletes.find(line.athlete_name, line.nationality)

    def _races(self, races: dict[tuple, list[_Line]]) -> dict[tuple, Race]:
        meet_ids = {key[0] for key in races}
        existing: dict[tuple, Race] = {}
        for batch in chunks(sorted(meet_ids)):
            for race in Race.objects.filter(meet_id__in=batch):
                key = (race.meet_id, race.event_id, race.sex, race.round, race.round_number)
                existing[(*key, fold(race.name))] = race
        counts = self.report.counts["races"]
        found: dict[tuple, Race] = {}
        new: list[Race] = []
        for key, group in races.items():
            first = group[0]
            url = next((line.source_url for line in group if line.source_url), "")
            race = existing.get(key)
            if race is None:
                race = Race(
                    meet=first.meet_obj,
                    event=first.event_obj,
                    sex=key[2],
                    round=first.round,
                    round_number=first.round_number,
                    name=first.race_name,
                    date=first.date,
                    status=Race.Status.OFFICIAL,
                    source_url=url,
                )
                new.append(race)
            else:
                changes = {"date": first.date, "status": Race.Status.OFFICIAL}
                if url:
                    changes["source_url"] = url
                if any(getattr(race, name) != value for name, value in changes.items()):
                    for name, value in changes.items():
                        setattr(race, name, value)
                    race._change_reason = self.change_reason
                    race.save()
                    counts.updated += 1
                else:
                    counts.unchanged += 1
            found[key] = race
        if new:
            bulk_create_kept(Race, new, self.change_reason)
            counts.created += len(new)
        return found

    # -- results -------------------------------------------------------------------------------

    def _results(self, races: dict[tuple, list[_Line]], race_objects: dict[tuple, Race]) -> None:
        race_ids = [race.pk for race in race_objects.values()]
        existing: dict[tuple[int, int], Result] = {}
        for batch in chunks(race_ids):
            for result in Result.objects.filter(race_id__in=batch):
                existing[(result.race_id, result.athlete_id)] = result
        counts = self.report.counts["results"]
        new: list[dict[str, Any]] = []
        changed: list[Result] = []
        for key, group in races.items():
            race = race_objects[key]
            for line in group:
                values = {
                    "place": line.place if line.status == ResultStatus.FINISHED else None,
                    "time_ms": line.time_ms if line.status == ResultStatus.FINISHED else None,
                    "status": line.status,
                    "flags": line.flags,
                }
                result = existing.get((race.pk, line.athlete.pk))
                if result is None:
                    new.append({"race_id": race.pk, "athlete_id": line.athlete.pk, **values})
                elif any(getattr(result, name) != value for name, value in values.items()):
                    for name, value in values.items():
                        setattr(result, name, value)
                    changed.append(result)
                else:
                    counts.unchanged += 1
        if new:
            create_kept(Result, new, self.change_reason)
        if changed:
            bulk_update_with_history(
                changed,
                Result,
                ["place", "time_ms", "status", "flags"],
                batch_size=BATCH,
                default_change_reason=self.change_reason,
            )
        counts.created += len(new)
        counts.updated += len(changed)


def _majority_sex(sexes: Iterable[str]) -> str:
    """The sex most of a race's known athletes have; "" when none is known or it is a tie."""
    tally = Counter(sex for sex in sexes if sex).most_common(2)
    if not tally or (len(tally) == 2 and tally[0][1] == tally[1][1]):
        return ""
    return tally[0][0]


class _Events:
    """Every event, by folded name, slug and plain distance; created when a name is new."""

    def __init__(self) -> None:
        self._by_key: dict[str, Event] = {}
        self._by_distance: dict[float, Event] = {}
        self.created: set[int] = set()
        self.used: set[int] = set()
        for event in Event.objects.all():
            self._index(event)

    def _index(self, event: Event) -> None:
        self._by_key.setdefault(fold(event.name), event)
        self._by_key.setdefault(event.slug, event)
        try:
            parse_distance(event.name)
        except ValueError:
            return  # "3000m Steeplechase" is not the flat 3000m
        self._by_distance.setdefault(round(event.distance_m, 3), event)

    def get(self, name: str) -> Event:
        event = self._by_key.get(folded(name)) or self._by_key.get(ascii_slug(name))
        if event is None:
            distance = parse_distance(name)
            event = self._by_distance.get(round(distance, 3)) or self._by_key.get(
                fold(event_name(distance))
            )
            if event is None:
                event = Event(name=event_name(distance), distance_m=distance)
                event.save()
                self.created.add(event.pk)
                self._index(event)
            self._by_key[folded(name)] = event
        self.used.add(event.pk)
        return event

    def count_into(self, counts: Counts) -> None:
        counts.created = len(self.created)
        counts.unchanged = len(self.used - self.created)


class _Meets:
    """Meets by folded name and year; created from a row, widened when a row falls outside."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, int], list[Meet]] = defaultdict(list)
        self._slugs: dict[str, str] = {}
        self.created: set[int] = set()
        self.used: dict[int, Meet] = {}
        self.widened: set[int] = set()

    def load(self, lines: Sequence[_Line]) -> None:
        names = sorted({folded(line.meet) for line in lines})
        for batch in chunks(names):
            for meet in Meet.objects.filter(search_name__in=batch).order_by("start_date", "pk"):
                self._by_key[(meet.search_name, meet.start_date.year)].append(meet)
        new = {
            _meet_label(line)
            for line in lines
            if (folded(line.meet), line.date.year) not in self._by_key
        }
        self._slugs = free_slugs(Meet, new)

    def get(self, line: _Line) -> Meet:
        candidates = self._by_key[(folded(line.meet), line.date.year)]
        if not candidates:
            meet = Meet(
                slug=self._slugs.get(_meet_label(line), ""),
                name=line.meet,
                level=guess_level(line.meet),
                start_date=line.date,
                end_date=line.date,
                venue=line.venue,
                city=line.city,
                country=line.country,
                indoor=line.indoor,
            )
            meet.save_without_historical_record()  # record_creation writes it, widened or not
            self.created.add(meet.pk)
            candidates.append(meet)
        meet = min(candidates, key=lambda meet: _days_outside(meet, line.date))
        if _days_outside(meet, line.date):
            meet.start_date = min(meet.start_date, line.date)
            meet.end_date = max(meet.end_date or meet.start_date, line.date)
            self.widened.add(meet.pk)
        self.used[meet.pk] = meet
        return meet

    def save(self, counts: Counts, reason: str) -> None:
        for pk in sorted(self.widened):
            meet = self.used[pk]
            if pk in self.created:
                meet.save_without_historical_record(update_fields=["start_date", "end_date"])
            else:
                meet._change_reason = reason
                meet.save(update_fields=["start_date", "end_date"])
        record_creation(Meet, sorted(self.created), reason)
        counts.created = len(self.created)
        counts.updated = len(self.widened - self.created)
        counts.unchanged = len(self.used.keys() - self.created - self.widened)


def _meet_label(line: _Line) -> str:
    """What a meet's slug is made of: "Prefontaine Classic 2024"."""
    return f"{line.meet} {line.date.year}"


def _days_outside(meet: Meet, day: datetime.date) -> int:
    end = meet.end_date or meet.start_date
    if day < meet.start_date:
        return (meet.start_date - day).days
    if day > end:
        return (day - end).days
    return 0


def import_results_text(text: str, **options: Any) -> ImportReport:
    """Import CSV given as a string (tests, the admin's paste box)."""
    return import_results(io.StringIO(text), **options)
