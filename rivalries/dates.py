"""Dates known to a day, a month or a year.

A date is stored as its first day plus a precision and stands for an interval: "Nov 2023" is
1-30 Nov 2023. It is shown at its precision ("25 May 2024", "Nov 2023", "2023"); on a
timeline it sorts by its start, and among dates with the same start the more precise first.
"""

import calendar
import datetime
import re
from dataclasses import dataclass
from enum import StrEnum

from django.utils.formats import date_format


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"

    @property
    def rank(self) -> int:
        """Day before month before year when two dates start on the same day."""
        return _RANK[self]


_RANK = {Precision.DAY: 0, Precision.MONTH: 1, Precision.YEAR: 2}
_ISO = {
    Precision.YEAR: re.compile(r"(\d{4})"),
    Precision.MONTH: re.compile(r"(\d{4})-(\d{2})"),
    Precision.DAY: re.compile(r"(\d{4})-(\d{2})-(\d{2})"),
}


class DateError(ValueError):
    """A date that cannot be read at the precision given; the message quotes the input."""


@dataclass(frozen=True, order=False)
class PreciseDate:
    """The first day of the interval and how much of the date is known."""

    start: datetime.date
    precision: Precision = Precision.DAY

    def __post_init__(self) -> None:
        object.__setattr__(self, "precision", Precision(self.precision))
        if self.start != first_day(self.start, self.precision):
            raise DateError(
                f"{self.start.isoformat()} is not the first day of its {self.precision}"
            )

    @classmethod
    def of(cls, day: datetime.date, precision: Precision | str) -> "PreciseDate":
        """The date at a precision, truncating what the precision does not know."""
        precision = Precision(precision)
        return cls(first_day(day, precision), precision)

    @classmethod
    def parse(cls, text: str, precision: Precision | str | None = None) -> "PreciseDate":
        """Read "2023", "2023-11" or "2023-11-04"; the precision, if given, must match."""
        raw = (text or "").strip()
        wanted = [Precision(precision)] if precision else list(Precision)
        for candidate in wanted:
            match = _ISO[candidate].fullmatch(raw)
            if match is None:
                continue
            parts = [int(part) for part in match.groups()] + [1, 1]
            try:
                start = datetime.date(parts[0], parts[1], parts[2])
            except ValueError as error:
                raise DateError(f"'{text}' is not a date: {error}") from None
            return cls(start, candidate)
        if precision:
            shape = {"year": "YYYY", "month": "YYYY-MM", "day": "YYYY-MM-DD"}[str(wanted[0])]
            raise DateError(f"'{text}' is not a date at {wanted[0]} precision: write {shape}")
        raise DateError(f"'{text}' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")

    @property
    def end(self) -> datetime.date:
        """The last day the date may stand for."""
        if self.precision == Precision.DAY:
            return self.start
        if self.precision == Precision.MONTH:
            last = calendar.monthrange(self.start.year, self.start.month)[1]
            return self.start.replace(day=last)
        return self.start.replace(month=12, day=31)

    @property
    def sort_key(self) -> tuple[datetime.date, int]:
        return (self.start, self.precision.rank)

    def isoformat(self) -> str:
        """ "2023", "2023-11" or "2023-11-04": the date at its precision, as the JSON gives it."""
        if self.precision == Precision.YEAR:
            return f"{self.start.year:04d}"
        if self.precision == Precision.MONTH:
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return self.start.isoformat()

    def display(self) -> str:
        """ "25 May 2024", "Nov 2023" or "2023" in English; "25. mai 2024", "november 2023"
        in bokmål (the active language's formats, rivalries/formats/)."""
        if self.precision == Precision.YEAR:
            return str(self.start.year)
        if self.precision == Precision.MONTH:
            return date_format(self.start, "YEAR_MONTH_FORMAT")
        return date_format(self.start, "DATE_FORMAT")

    __str__ = display

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    def certainly_before(self, day: datetime.date) -> bool:
        """True when every day this date may stand for is before ``day``."""
        return self.end < day

    def certainly_after(self, day: datetime.date) -> bool:
        return self.start > day

    def overlaps(self, other: "PreciseDate") -> bool:
        return self.start <= other.end and other.start <= self.end


def first_day(day: datetime.date, precision: Precision | str) -> datetime.date:
    precision = Precision(precision)
    if precision == Precision.YEAR:
        return day.replace(month=1, day=1)
    if precision == Precision.MONTH:
        return day.replace(day=1)
    return day


def display(day: datetime.date, precision: Precision | str) -> str:
    """Show a stored (first day, precision) pair, tolerating a day that is not the first."""
    return PreciseDate.of(day, precision).display()


_TYPED = {
    Precision.YEAR: re.compile(r"\s*(\d{4})\s*"),
    Precision.MONTH: re.compile(r"\s*(\d{4})-(\d{1,2})\s*"),
}
_EXAMPLE = {Precision.YEAR: "2025", Precision.MONTH: "2025-06", Precision.DAY: "2025-06-14"}


def typed_precision(text: str) -> Precision:
    """How precisely an editor typed a date: "2025" is a year, "2025-06" a month, anything
    else (a full date, in any form the field reads) a day."""
    for precision, shape in _TYPED.items():
        if shape.fullmatch(text or ""):
            return precision
    return Precision.DAY


def read_partial(text: str) -> datetime.date | None:
    """The first day of a year or a month typed as "2025" or "2025-06"; None for any other
    text (a full date is the date field's own business)."""
    for shape in _TYPED.values():
        match = shape.fullmatch(text or "")
        if match is not None:
            year, month = int(match.group(1)), int(match.group(2)) if match.lastindex == 2 else 1
            if not 1 <= month <= 12:
                raise DateError(f"'{text.strip()}' is not a month: months run from 01 to 12")
            if year < datetime.MINYEAR:
                raise DateError(f"'{text.strip()}' is not a year we can store")
            return datetime.date(year, month, 1)
    return None


def check_typed(text: str, precision: Precision | str) -> None:
    """A date typed less precisely than its precision claims is an error saying what to do:
    "2025-06" cannot be a day, "2025" cannot be a month. Typed more precisely is fine: the
    day is any day of the interval, stored as its first."""
    precision = Precision(precision)
    typed = typed_precision(text)
    if typed.rank <= precision.rank:
        return
    raise DateError(
        f"'{text.strip()}' is a {typed}: choose {typed} precision,"
        f" or type the {precision} ({_EXAMPLE[precision]})"
    )
