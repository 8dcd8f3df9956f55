"""The one row type every results reader produces, whatever the format it read."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from athletes.importing.values import (
    parse_country,
    parse_date,
    parse_round,
    parse_sex,
    parse_url,
)
from athletes.models import ResultStatus, Round

NO_COLUMNS: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class ResultRow:
    """One result as a reader hands it on: the race it belongs to, and the athlete's outcome.

    Values are already read (a mark in milliseconds, a country as its ISO code); what could not
    be read was reported by the reader, which then gives no row. ``columns`` names a field as
    the reader's format does, so that a message points where the editor will look ("mark" for
    ``time_ms`` in a CSV file, "performance" in OpenTrack JSON).
    """

    line: int
    """Where the row stands in its source (1-based: a CSV file's header is line 1)."""
    race_id: int | None = None
    """An existing race the row goes into; the race's description below is then not used."""
    date: datetime.date | None = None
    meet: str = ""
    event: str = ""
    race_name: str = ""
    city: str = ""
    country: str = ""
    venue: str = ""
    round: str = Round.FINAL
    round_number: int | None = None
    indoor: bool = False
    sex: str = ""
    athlete: str = ""
    """The name as written: matched by name or alias, unless ``athlete_id`` is given."""
    nationality: str = ""
    athlete_id: int | None = None
    """An athlete an editor chose: used as it is."""
    new_athlete: bool = False
    """An editor asked for a new athlete of this name, whatever the import's options."""
    place: int | None = None
    time_ms: int | None = None
    hand_timed: bool = False
    status: str = ResultStatus.FINISHED
    flags: str = ""
    source_url: str = ""
    note: str = ""
    columns: Mapping[str, str] = field(default=NO_COLUMNS)

    def column(self, name: str) -> str:
        """The reader's name for the field ``name``."""
        return self.columns.get(name, name)


def race_row(
    *,
    date: str,
    meet: str,
    event: str,
    round: str = "final",
    sex: str = "",
    race_name: str = "",
    city: str = "",
    country: str = "",
    venue: str = "",
    indoor: bool = False,
    source_url: str = "",
) -> ResultRow:
    """The race a pasted table goes into, from its description as an editor writes it (the
    ``import_results`` options, the demo's ``races.json``): read like a CSV row's race, and a
    bad value raises ``ValueError`` quoting it."""
    round_name, number = parse_round(round)
    return ResultRow(
        line=0,
        date=parse_date(date),
        meet=meet.strip(),
        event=event.strip(),
        race_name=race_name.strip(),
        city=city.strip(),
        country=parse_country(country),
        venue=venue.strip(),
        round=round_name,
        round_number=number,
        indoor=indoor,
        sex=parse_sex(sex),
        source_url=parse_url(source_url),
    )
