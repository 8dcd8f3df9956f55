"""An athlete's page and the A-Z list: their results (filtered), personal bests, the index.

A fixed number of queries whatever the athlete's career or the size of the record: the
career is one, the A-Z list a few.
"""

from __future__ import annotations

import datetime
import functools
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import Substr, Upper
from django.utils.translation import gettext
from django_countries import countries

from athletes import marks
from athletes.headtohead import FilterError
from athletes.models import Athlete, Event, Race, Result, ResultStatus, Round, round_label

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
                raise FilterError(
                    gettext("year='{value}' is not a year: write it as 2024").format(
                        value=year_text[:20]
                    )
                )
            year = int(year_text)
            if not FIRST_YEAR <= year <= datetime.date.today().year + 1:
                raise FilterError(
                    gettext("year='{value}' is outside the record").format(value=year_text)
                )
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


@dataclass(frozen=True, slots=True)
class CareerResult:
    """One official result of the athlete, with what the results table and the bests show."""

    race_id: int
    date: datetime.date
    meet: str
    indoor: bool
    race_name: str
    round: str
    round_number: int | None
    place: int | None
    time_ms: int | None
    status: str
    flags: str
    note: str
    hand_timed: bool
    event: Event

    @property
    def title(self) -> str:
        """The race's own name, else its event's: "Bowerman Mile", "1500m"."""
        return self.race_name or self.event.name

    @property
    def is_final(self) -> bool:
        return self.round == Round.FINAL

    @property
    def round_label(self) -> str:
        return round_label(self.round, self.round_number)

    @property
    def time(self) -> str:
        return marks.format(self.time_ms, self.hand_timed) if self.time_ms is not None else ""

    @property
    def status_label(self) -> str:
        return ResultStatus(self.status).label

    @property
    def flag_list(self) -> list[str]:
        return self.flags.split()


@dataclass(frozen=True)
class Best:
    """A personal best: the fastest finish in one event, indoors or out."""

    event: Event
    indoor: bool
    result: CareerResult

    @property
    def mark(self) -> str:
        """As the lists write it: "3:26.73", or "3:33.35i" when set indoors."""
        time = self.result.time
        return f"{time}i" if self.indoor else time


_CAREER_COLUMNS = (
    "race_id", "race__date", "race__meet__name", "race__meet__indoor", "race__name",
    "race__round", "race__round_number", "place", "time_ms", "status", "flags", "note",
    "hand_timed",
)  # fmt: skip
_EVENT_COLUMNS = (
    "race__event_id",
    "race__event__name",
    "race__event__slug",
    "race__event__distance_m",
)


class Career:
    """Every official result of one athlete, newest first, read in one query.

    The results table (filtered and paged), its year and event choices and the personal bests
    all come from this one list: a career is a few hundred results at most, so reading it
    whole costs less than asking the database five times (count, page, years, events, bests).
    """

    def __init__(self, results: list[CareerResult]) -> None:
        self.all = results

    @classmethod
    def of(cls, athlete: Athlete) -> Career:
        rows = (
            Result.objects.filter(athlete=athlete, race__status=Race.Status.OFFICIAL)
            .values_list(*_CAREER_COLUMNS, *_EVENT_COLUMNS)
            .order_by("-race__date", "-race_id")
        )
        events: dict[int, Event] = {}  # one object per event, shared by its results
        results = []
        for *columns, event_id, name, slug, distance_m in rows:
            if event_id not in events:
                events[event_id] = Event(id=event_id, name=name, slug=slug, distance_m=distance_m)
            results.append(CareerResult(*columns, event=events[event_id]))
        return cls(results)

    def results(self, filters: ResultFilters = ResultFilters()) -> list[CareerResult]:
        """The results the filters choose, newest first."""
        return [
            result
            for result in self.all
            if (not filters.year or result.date.year == filters.year)
            and (not filters.event or result.event.slug == filters.event)
        ]

    def years(self) -> list[int]:
        """The years with a result, newest first."""
        return sorted({result.date.year for result in self.all}, reverse=True)

    def events(self) -> list[Event]:
        """The events with a result, shortest first (as Event orders them)."""
        found = {result.event.pk: result.event for result in self.all}
        return sorted(found.values(), key=lambda event: (event.distance_m, event.name))

    def personal_bests(self) -> list[Best]:
        """The best time per event (indoor and outdoor apart), shortest event first.

        The earlier date wins a tie, as a record stands from when it was set.
        """
        fastest: dict[tuple[int, bool], CareerResult] = {}
        for result in self.all:
            if result.status == ResultStatus.FINISHED and result.time_ms is not None:
                key = (result.event.pk, result.indoor)
                held = fastest.get(key)
                if held is None or _set_first(result) < _set_first(held):
                    fastest[key] = result
        bests = [Best(result.event, result.indoor, result) for result in fastest.values()]
        return sorted(bests, key=lambda best: (best.event.distance_m, best.event.name, best.indoor))

    def season_bests(self) -> list[list[Best]]:
        """Per event (indoor and outdoor apart, shortest first) the season's best of each
        year, oldest first: the athlete's progression, read from the results already held."""
        fastest: dict[tuple[int, bool, int], CareerResult] = {}
        for result in self.all:
            if result.status == ResultStatus.FINISHED and result.time_ms is not None:
                key = (result.event.pk, result.indoor, result.date.year)
                held = fastest.get(key)
                if held is None or _set_first(result) < _set_first(held):
                    fastest[key] = result
        by_event: dict[tuple[int, bool], list[Best]] = {}
        for (event_id, indoor, _), result in sorted(fastest.items(), key=lambda item: item[0][2]):
            by_event.setdefault((event_id, indoor), []).append(Best(result.event, indoor, result))
        return sorted(
            by_event.values(),
            key=lambda bests: (bests[0].event.distance_m, bests[0].event.name, bests[0].indoor),
        )


def _set_first(result: CareerResult) -> tuple[int | None, datetime.date, int]:
    """Faster first; of equal times, the one set first."""
    return result.time_ms, result.date, result.race_id


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
