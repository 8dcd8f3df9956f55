"""Matching what a row names to what is stored: athletes, events and meets.

Names are matched by name or alias with case and accents folded, a few queries per batch of
rows, never one per row. A name that matches nobody is reported, or created where the import
allows it. The closest stored spellings, for an editor to confirm and never applied on their
own, are ``athletes.search.similar_spellings``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import models

from athletes.importing.report import Counts
from athletes.importing.values import event_name, folded, guess_level, parse_distance
from athletes.importing.writing import chunks, record_creation
from athletes.models import Athlete, AthleteAlias, Event, Meet
from athletes.text import ascii_slug, fold

if TYPE_CHECKING:
    from athletes.importing.rows import ResultRow


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


class Events:
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


class Meets:
    """Meets by folded name and year; created from a row, widened when a row falls outside."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, int], list[Meet]] = defaultdict(list)
        self._loaded: set[str] = set()
        self._slugs: dict[str, str] = {}
        self.created: set[int] = set()
        self.used: dict[int, Meet] = {}
        self.widened: set[int] = set()

    def load(self, rows: Iterable[ResultRow]) -> None:
        """Fetch the meets a batch of rows names, and free slugs for those it will create."""
        rows = list(rows)
        names = sorted({folded(row.meet) for row in rows} - self._loaded)
        for batch in chunks(names):
            for meet in Meet.objects.filter(search_name__in=batch).order_by("start_date", "pk"):
                self._by_key[(meet.search_name, meet.start_date.year)].append(meet)
        self._loaded.update(names)
        new = {
            _meet_label(row)
            for row in rows
            if (folded(row.meet), row.date.year) not in self._by_key
        }
        self._slugs.update(free_slugs(Meet, new - self._slugs.keys()))

    def get(self, row: ResultRow) -> Meet:
        candidates = self._by_key[(folded(row.meet), row.date.year)]
        if not candidates:
            meet = Meet(
                slug=self._slugs.get(_meet_label(row), ""),
                name=row.meet,
                level=guess_level(row.meet),
                start_date=row.date,
                end_date=row.date,
                venue=row.venue,
                city=row.city,
                country=row.country,
                indoor=row.indoor,
            )
            meet.save_without_historical_record()  # record_creation writes it, widened or not
            self.created.add(meet.pk)
            candidates.append(meet)
        meet = min(candidates, key=lambda meet: _days_outside(meet, row.date))
        if _days_outside(meet, row.date):
            meet.start_date = min(meet.start_date, row.date)
            meet.end_date = max(meet.end_date or meet.start_date, row.date)
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


def _meet_label(row: ResultRow) -> str:
    """What a meet's slug is made of: "Prefontaine Classic 2024"."""
    return f"{row.meet} {row.date.year}"


def _days_outside(meet: Meet, day: datetime.date) -> int:
    end = meet.end_date or meet.start_date
    if day < meet.start_date:
        return (meet.start_date - day).days
    if day > end:
        return (day - end).days
    return 0
