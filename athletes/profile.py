"""An athlete's page and the A-Z list: their results (filtered), personal bests, the index.

Plain functions over querysets, each a fixed number of queries whatever the athlete's career
or the size of the record.
"""

from __future__ import annotations

import datetime
import functools
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber, Substr, Upper
from django_countries import countries

from athletes import marks
from athletes.headtohead import FilterError
from athletes.models import Athlete, Event, Race, Result, ResultStatus

FIRST_YEAR = 1850  # no result in the record is older than modern athletics


@dataclass(frozen=True)
class ResultFilters:
    """The results table's choices, read from the query string (``year``, ``event``)."""

    year: int | None = None
    event: str | None = None
    """An Event slug."""

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> ResultFilters:
        """Blank means "all"; a year that is not a year is an error that quotes it."""
        year_text = (params.get("year") or "").strip()
        event = (params.get("event") or "").strip()[:40] or None
        year = None
        if year_text:
            if not (year_text.isascii() and year_text.isdigit() and len(year_text) == 4):
                raise FilterError(f"year='{year_text[:20]}' is not a year: write it as 2024")
            year = int(year_text)
            if not FIRST_YEAR <= year <= datetime.date.today().year + 1:
                raise FilterError(f"year='{year_text}' is outside the record")
        return cls(year=year, event=event)

    def as_query(self) -> dict[str, str]:
        query: dict[str, str] = {}
        if self.year:
            query["year"] = str(self.year)
        if self.event:
            query["event"] = self.event
        return query

    @property
    def active(self) -> bool:
        return bool(self.year or self.event)


def results(athlete: Athlete, filters: ResultFilters = ResultFilters()) -> QuerySet[Result]:
    """The athlete's results in official races, newest first, with race, meet and event."""
    rows = (
        Result.objects.for_display()
        .filter(athlete=athlete, race__status=Race.Status.OFFICIAL)
        .order_by("-race__date", "-race_id")
    )
    if filters.year:
        rows = rows.filter(race__date__year=filters.year)
    if filters.event:
        rows = rows.filter(race__event__slug=filters.event)
    return rows


def year_choices(athlete: Athlete) -> list[int]:
    """The years the athlete has official results in, newest first (one query)."""
    days = Race.objects.official().filter(results__athlete=athlete).dates("date", "year", "DESC")
    return [day.year for day in days]


def event_choices(athlete: Athlete) -> QuerySet[Event]:
    """The events the athlete has official results in, shortest first (one query)."""
    return Event.objects.filter(
        races__results__athlete=athlete, races__status=Race.Status.OFFICIAL
    ).distinct()


@dataclass(frozen=True)
class Best:
    """A personal best: the fastest finish in one event, indoors or out."""

    event: Event
    indoor: bool
    result: Result

    @property
    def mark(self) -> str:
        """As the lists write it: "3:26.73", or "3:33.35i" when set indoors."""
        time = marks.format(self.result.time_ms)
        return f"{time}i" if self.indoor else time


def personal_bests(athlete: Athlete) -> list[Best]:
    """The best time per event (indoor and outdoor apart), shortest event first.

    One query: a window numbers each event's finishes fastest first (the earlier date wins a
    tie, as a record stands from when it was set) and keeps the first.
    """
    fastest_first = Window(
        RowNumber(),
        partition_by=[F("race__event_id"), F("race__meet__indoor")],
        order_by=[F("time_ms").asc(), F("race__date").asc(), F("race_id").asc()],
    )
    rows = (
        Result.objects.for_display()
        .filter(athlete=athlete, status=ResultStatus.FINISHED, race__status=Race.Status.OFFICIAL)
        .annotate(rank=fastest_first)
        .filter(rank=1)
        .order_by("race__event__distance_m", "race__event__name", "race__meet__indoor")
    )
    return [Best(event=row.race.event, indoor=row.race.meet.indoor, result=row) for row in rows]


# --- the A-Z list -----------------------------------------------------------------------------

OTHER = "#"
"""The letter for names that do not start with A-Z."""


@functools.cache
def _ioc_to_iso() -> dict[str, str]:
    return {countries.ioc_code(code): code for code, _ in countries if countries.ioc_code(code)}


def country_code(ioc_or_iso: str) -> str:
    """The ISO alpha-2 code for "GBR" (IOC), "GB" or "gbr"; empty when unknown."""
    text = ioc_or_iso.strip().upper()[:3]
    if not (text.isascii() and text.isalpha()):
        return ""
    return _ioc_to_iso().get(text) or countries.alpha2(text) or ""


@dataclass(frozen=True)
class AthleteIndex:
    """The choices of the A-Z list: a first letter of the sort name, and a country."""

    letter: str | None = None
    country: str | None = None
    """ISO alpha-2, as stored."""

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> AthleteIndex:
        """Unknown letters and countries are ignored: the list then shows everyone."""
        letter = (params.get("letter") or "").strip().upper()[:1]
        if letter not in string.ascii_uppercase and letter != OTHER:
            letter = ""
        return cls(letter=letter or None, country=country_code(params.get("country") or "") or None)

    def athletes(self) -> QuerySet[Athlete]:
        rows = Athlete.objects.order_by("sort_name", "name", "pk")
        if self.country:
            rows = rows.filter(country=self.country)
        if self.letter == OTHER:
            rows = rows.exclude(sort_name__regex=r"^[A-Za-z]")
        elif self.letter:
            rows = rows.filter(sort_name__istartswith=self.letter)
        return rows

    def as_query(self, **changes: Any) -> dict[str, str]:
        letter = changes.get("letter", self.letter)
        country = changes.get("country", self.country)
        query: dict[str, str] = {}
        if letter:
            query["letter"] = letter
        if country:
            query["country"] = countries.ioc_code(country) or country
        return query

    def letters(self) -> list[tuple[str, bool]]:
        """A-Z and "#", each with whether any athlete (in the chosen country) files under it."""
        rows = Athlete.objects.all()
        if self.country:
            rows = rows.filter(country=self.country)
        initials = set(
            rows.annotate(initial=Upper(Substr("sort_name", 1, 1)))
            .values_list("initial", flat=True)
            .distinct()
            .order_by()
        )
        letters = [(letter, letter in initials) for letter in string.ascii_uppercase]
        return [*letters, (OTHER, bool(initials - set(string.ascii_uppercase)))]


def countries_in_record() -> list[tuple[str, str, str]]:
    """(IOC code, ISO code, name) of every country an athlete represents, by code (one query)."""
    codes = (
        Athlete.objects.exclude(country="").values_list("country", flat=True).distinct().order_by()
    )
    found = [(countries.ioc_code(code) or code, code, countries.name(code)) for code in codes]
    return sorted(found)
