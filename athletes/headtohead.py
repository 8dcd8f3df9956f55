"""Head-to-head: who was ahead when two athletes ran in the same race.

The rule (DESIGN.md): only official races in which both have a result count, and a result
counts only when the athlete started (finished, DNF or DQ; a DNS or an entry is not a meeting).
Both finished: the better place is ahead, then the faster time, else a tie. A finisher is
ahead of a DNF or DQ; two non-finishers met without a decision. The gap is the difference of
the two times.

One query, a self-join of A's results to B's on race, gives the list of meetings; every
tally and breakdown is rolled up here from that list. Its cost grows with the length of the
rivalry (a few hundred meetings at most), never with the size of the record.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import (
    Case,
    CharField,
    F,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Abs
from django.utils.translation import gettext

from athletes import marks
from athletes.models import (
    MEETING_STATUSES,
    ROUND_ORDER,
    Athlete,
    Race,
    Result,
    ResultStatus,
    Round,
    level_group,
)

Ahead = Literal["a", "b", "tie"]

ROUNDS = ("all", "finals")
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}
# Breakdown keys that are not data (event names and years are), in the order pages show them.
LEVEL_GROUPS = ("championships", "one-day meets")
VENUES = ("outdoor", "indoor")


class FilterError(ValueError):
    """A counting choice that cannot be read; the message quotes the value."""


def _rounds_message(value: str) -> str:
    return gettext("rounds='{value}' is not a choice: use 'all' or 'finals'").format(value=value)


@dataclass(frozen=True)
class Filters:
    """The reader's counting choices: the same parameters drive the page and its JSON."""

    rounds: str = "all"
    """"all", or "finals": finals and single-race meetings (``round == final``) only."""
    event: str | None = None
    """An Event slug; None counts every event."""
    indoor: bool | None = None
    """True indoor only, False outdoor only, None both."""
    from_year: int | None = None
    """Count meetings from this year on (inclusive); None from the first."""
    to_year: int | None = None
    """Count meetings up to this year (inclusive); None to the last."""

    def __post_init__(self) -> None:
        if self.rounds not in ROUNDS:
            raise FilterError(_rounds_message(self.rounds))
        if self.from_year and self.to_year and self.from_year > self.to_year:
            raise FilterError(
                f"from={self.from_year} is after to={self.to_year}: the range runs from the"
                " earlier year to the later"
            )

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> Filters:
        """Read ``rounds``, ``event`` and ``indoor`` from a query string (a QueryDict).

        Missing or empty parameters take the default, so a form's blank choice means "all".
        """
        rounds = (params.get("rounds") or "").strip()
        event = (params.get("event") or "").strip()
        indoor_text = (params.get("indoor") or "").strip()
        if rounds.lower() in ROUNDS:
            rounds = rounds.lower()
        elif rounds:
            raise FilterError(_rounds_message(rounds))
        indoor: bool | None = None
        if indoor_text.lower() in _TRUE:
            indoor = True
        elif indoor_text.lower() in _FALSE:
            indoor = False
        elif indoor_text:
            raise FilterError(
                gettext("indoor='{value}' is not a choice: use 'true' or 'false'").format(
                    value=indoor_text
                )
            )
        year = _year(params, "year")
        from_year = _year(params, "from")
        to_year = _year(params, "to")
        if year is not None and (from_year or to_year) not in (None, year):
            raise FilterError("give either year= or from= and to=, not both")
        return cls(
            rounds=rounds or "all",
            event=event or None,
            indoor=indoor,
            from_year=from_year if year is None else year,
            to_year=to_year if year is None else year,
        )

    def describe(self, event_name: str | None = None) -> str:
        """The rule in words, shown beside every tally: "finals only, 1500m, outdoor".

        ``event_name`` is the event's display name when the caller has it; else the slug.
        """
        rounds = gettext("finals only") if self.rounds == "finals" else gettext("all rounds")
        event = (event_name or self.event) if self.event else gettext("all events")
        venue = {
            None: gettext("indoor and outdoor"),
            True: gettext("indoor"),
            False: gettext("outdoor"),
        }[self.indoor]
        words = [rounds, event, venue]
        if self.from_year and self.from_year == self.to_year:
            words.append(gettext("%(year)s only") % {"year": self.from_year})
        elif self.from_year and self.to_year:
            words.append(f"{self.from_year}\N{EN DASH}{self.to_year}")
        elif self.from_year:
            words.append(gettext("from %(year)s") % {"year": self.from_year})
        elif self.to_year:
            words.append(gettext("up to %(year)s") % {"year": self.to_year})
        return ", ".join(words)

    def as_query(self) -> dict[str, str]:
        """The non-default choices as query parameters, so links keep only what was chosen."""
        query: dict[str, str] = {}
        if self.rounds != "all":
            query["rounds"] = self.rounds
        if self.event:
            query["event"] = self.event
        if self.indoor is not None:
            query["indoor"] = "true" if self.indoor else "false"
        if self.from_year:
            query["from"] = str(self.from_year)
        if self.to_year:
            query["to"] = str(self.to_year)
        return query


YEARS = range(1800, 2200)
"""Years a filter may name: anything else is a typo, answered with a message, not a search."""


def _year(params: Mapping[str, str], name: str) -> int | None:
    """A year parameter ("2024"), None when absent or blank; FilterError when not a year."""
    text = (params.get(name) or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) not in YEARS:
        raise FilterError(
            f"{name}='{text[:20]}' is not a year: use four digits, such as {name}=2024"
        )
    return int(text)


@dataclass(frozen=True)
class Tally:
    """How often they met and how those meetings went, from A's side."""

    meetings: int
    a_ahead: int
    b_ahead: int
    ties: int
    no_decision: int

    @classmethod
    def empty(cls) -> Tally:
        return cls(meetings=0, a_ahead=0, b_ahead=0, ties=0, no_decision=0)

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            meetings=self.meetings + other.meetings,
            a_ahead=self.a_ahead + other.a_ahead,
            b_ahead=self.b_ahead + other.b_ahead,
            ties=self.ties + other.ties,
            no_decision=self.no_decision + other.no_decision,
        )

    def counting(self, ahead: Ahead | None) -> Tally:
        """This tally with one more meeting that ended ``ahead``."""
        return self + Tally(
            meetings=1,
            a_ahead=int(ahead == "a"),
            b_ahead=int(ahead == "b"),
            ties=int(ahead == "tie"),
            no_decision=int(ahead is None),
        )


@dataclass(frozen=True)
class Side:
    """One athlete's result in a meeting."""

    place: int | None
    time_ms: int | None
    status: str
    flags: tuple[str, ...] = ()
    hand_timed: bool = False

    @property
    def time(self) -> str:
        """The time as athletics shows it ("3:45.34", "3:30.2h"); empty unless finished."""
        return marks.format(self.time_ms, self.hand_timed) if self.time_ms is not None else ""


@dataclass(frozen=True)
class Meeting:
    """One race both ran, with both results and who was ahead."""

    race_id: int
    date: datetime.date
    meet_name: str
    meet_level: str
    indoor: bool
    race_name: str
    event_name: str
    event_slug: str
    event_distance_m: int
    round: str
    round_number: int | None
    round_label: str
    is_final: bool
    a: Side
    b: Side
    ahead: Ahead | None
    """"a", "b", "tie", or None when neither finished (a meeting with no decision)."""
    gap_ms: int | None
    """The one behind minus the one ahead (0 for a tie); None unless both finished."""


@dataclass(frozen=True)
class Streak:
    """The newest run of meetings won by one athlete."""

    who: Literal["a", "b"]
    length: int


@dataclass(frozen=True)
class HeadToHead:
    """Every tally of A against B under one set of counting choices."""

    a: Athlete
    b: Athlete
    filters: Filters
    overall: Tally
    by_event: dict[str, Tally]
    """Keyed by event name, shortest distance first."""
    by_year: dict[int, Tally]
    """Ascending years."""
    by_level: dict[str, Tally]
    """"championships" then "one-day meets"; only groups they met in."""
    finals: Tally
    """Finals only, within the other filters."""
    by_venue: dict[str, Tally]
    """"outdoor" then "indoor"; only venues they met in."""
    meetings: tuple[Meeting, ...]
    """Newest first (on one day, the later round first)."""
    streak: Streak | None
    last_meeting: Meeting | None
    largest_margin: Meeting | None
    """The decided meeting with the largest gap (on equal gaps, the newer)."""


def between(a: Athlete, b: Athlete, filters: Filters = Filters()) -> HeadToHead:
    """A's head-to-head against B: one query, whatever the number of meetings.

    The meetings are few (a long rivalry has a few hundred), so every breakdown is rolled up
    here from the one list of meetings rather than asked of the database again.
    """
    if a.pk == b.pk:
        raise ValueError(f"'{a}' cannot meet themself: a head-to-head needs two athletes")
    return summary(a, b, filters, pair_meetings(a.pk, b.pk, filters))


def summary(a: Athlete, b: Athlete, filters: Filters, oldest_first: list[Meeting]) -> HeadToHead:
    """The head-to-head from meetings already read with ``pair_meetings(a, b, filters)``."""
    distance = {meeting.event_name: meeting.event_distance_m for meeting in oldest_first}
    meetings = tuple(reversed(oldest_first))
    by_event = _roll_up(oldest_first, lambda meeting: meeting.event_name)
    return HeadToHead(
        a=a,
        b=b,
        filters=filters,
        overall=_count(oldest_first),
        by_event={
            name: by_event[name] for name in sorted(by_event, key=lambda n: (distance[n], n))
        },
        by_year=dict(sorted(_roll_up(oldest_first, lambda meeting: meeting.date.year).items())),
        by_level=_in_order(
            _roll_up(oldest_first, lambda meeting: level_group(meeting.meet_level)), LEVEL_GROUPS
        ),
        finals=_count(meeting for meeting in oldest_first if meeting.is_final),
        by_venue=_in_order(
            _roll_up(oldest_first, lambda meeting: "indoor" if meeting.indoor else "outdoor"),
            VENUES,
        ),
        meetings=meetings,
        streak=_streak(meetings),
        last_meeting=meetings[0] if meetings else None,
        largest_margin=_largest_margin(meetings),
    )


def tally_after_each(meetings: Sequence[Meeting]) -> list[Tally]:
    """The running tally after each meeting, oldest first: the rivalry's timeline.

    The meetings may come in any order (``HeadToHead.meetings`` is newest first); the result
    lines up with ``chronological(meetings)``.
    """
    tallies: list[Tally] = []
    running = Tally.empty()
    for meeting in chronological(meetings):
        running = running.counting(meeting.ahead)
        tallies.append(running)
    return tallies


def chronological(meetings: Iterable[Meeting]) -> list[Meeting]:
    """Oldest first; on one day heats before finals, then by race id."""
    return sorted(meetings, key=chronological_key)


def chronological_key(meeting: Meeting) -> tuple[datetime.date, int, int]:
    """Where a meeting sorts in ``chronological``: date, round (heats first), race id."""
    return (meeting.date, ROUND_ORDER.get(meeting.round, -1), meeting.race_id)


# --- the rule and the query -----------------------------------------------------------------


def decide(a: Side, b: Side) -> tuple[Ahead | None, int | None]:
    """Who was ahead of two started results, and the gap in ms: DESIGN.md's rule.

    ``decision`` says the same in SQL for the queries that count many pairs at once; the
    tests hold both to one table of cases.
    """
    a_finished = a.status == ResultStatus.FINISHED
    b_finished = b.status == ResultStatus.FINISHED
    if not (a_finished and b_finished):
        return ("a" if a_finished else "b" if b_finished else None), None
    timed = a.time_ms is not None and b.time_ms is not None
    # Absolute: a better place with a slower recorded time (a data slip) is still no negative gap.
    gap = abs(a.time_ms - b.time_ms) if timed else None
    for mine, theirs in ((a.place, b.place), (a.time_ms, b.time_ms)):
        if mine is not None and theirs is not None and mine != theirs:
            return ("a" if mine < theirs else "b"), gap
    return "tie", gap


_COLUMNS = (
    "race_id",
    "race__date",
    "race__name",
    "race__round",
    "race__round_number",
    "race__meet__name",
    "race__meet__level",
    "race__meet__indoor",
    "race__event__name",
    "race__event__slug",
    "race__event__distance_m",
    "place",
    "time_ms",
    "status",
    "flags",
    "hand_timed",
    "race__results__place",
    "race__results__time_ms",
    "race__results__status",
    "race__results__flags",
    "race__results__hand_timed",
)


def pair_meetings(a_id: int, b_id: int, filters: Filters = Filters()) -> list[Meeting]:
    """Every meeting of A and B under ``filters``, oldest first (``chronological``).

    One plain self-join of A's results to B's on race, both started, in an official race;
    who was ahead is decided here by ``decide``: building that rule into the query cost the
    ORM more time than the database spent answering it.
    """
    rows = Result.objects.filter(
        athlete_id=a_id,
        status__in=MEETING_STATUSES,
        race__status=Race.Status.OFFICIAL,
        # One filter() call, so that both conditions name the same join: B's result.
        race__results__athlete_id=b_id,
        race__results__status__in=MEETING_STATUSES,
    )
    if filters.rounds == "finals":
        rows = rows.filter(race__round=Round.FINAL)
    if filters.event:
        rows = rows.filter(race__event__slug=filters.event)
    if filters.indoor is not None:
        rows = rows.filter(race__meet__indoor=filters.indoor)
    if filters.from_year:
        rows = rows.filter(race__date__gte=datetime.date(filters.from_year, 1, 1))
    if filters.to_year:
        rows = rows.filter(race__date__lte=datetime.date(filters.to_year, 12, 31))
    return chronological(_meeting(row) for row in rows.order_by().values_list(*_COLUMNS))


def decision(a: str, b: str) -> tuple[Case, Case]:
    """The meeting rule as SQL: who was ahead ("a", "b", "tie" or NULL) and the gap in ms.

    ``a`` and ``b`` are the lookup prefixes of the two results in the self-join ("" for the
    queried row itself, "race__results__" for its rival), so every query that decides a
    meeting shares this one rule; ``decide`` is the same rule in Python.
    """
    a_finished = Q(**{f"{a}status": ResultStatus.FINISHED})
    b_finished = Q(**{f"{b}status": ResultStatus.FINISHED})
    both = a_finished & b_finished
    a_place, b_place, a_time, b_time = f"{a}place", f"{b}place", f"{a}time_ms", f"{b}time_ms"
    ahead = Case(
        When(both & Q(**{f"{a_place}__lt": F(b_place)}), then=Value("a")),
        When(both & Q(**{f"{a_place}__gt": F(b_place)}), then=Value("b")),
        When(both & Q(**{f"{a_time}__lt": F(b_time)}), then=Value("a")),
        When(both & Q(**{f"{a_time}__gt": F(b_time)}), then=Value("b")),
        When(both, then=Value("tie")),
        When(a_finished, then=Value("a")),
        When(b_finished, then=Value("b")),
        default=Value(None),
        output_field=CharField(),
    )
    gap = Case(
        When(both, then=Abs(F(a_time) - F(b_time))),
        default=Value(None),
        output_field=IntegerField(),
    )
    return ahead, gap


# --- rolling up in Python (a few hundred meetings at most) -----------------------------------


def _meeting(row: tuple[Any, ...]) -> Meeting:
    (race_id, date, race_name, round_code, round_number, meet_name, meet_level, indoor,
     event_name, event_slug, distance_m, *sides) = row  # fmt: skip
    a, b = (
        Side(place, time_ms, status, tuple(flags.split()), hand_timed)
        for place, time_ms, status, flags, hand_timed in (sides[:5], sides[5:])
    )
    ahead, gap_ms = decide(a, b)
    round_name = Round(round_code).label
    return Meeting(
        race_id=race_id,
        date=date,
        meet_name=meet_name,
        meet_level=meet_level,
        indoor=indoor,
        race_name=race_name,
        event_name=event_name,
        event_slug=event_slug,
        event_distance_m=distance_m,
        round=round_code,
        round_number=round_number,
        round_label=f"{round_name} {round_number}" if round_number else round_name,
        is_final=round_code == Round.FINAL,
        a=a,
        b=b,
        ahead=ahead,
        gap_ms=gap_ms,
    )


_COLUMN = {"a": 1, "b": 2, "tie": 3, None: 4}
"""Where a meeting that ended so is counted in a ``[meetings, a, b, ties, none]`` row."""


def _count(meetings: Iterable[Meeting]) -> Tally:
    return _roll_up(meetings, lambda meeting: None).get(None, Tally.empty())


def _roll_up[K](meetings: Iterable[Meeting], key: Callable[[Meeting], K]) -> dict[K, Tally]:
    """Count meetings by ``key``, keeping the order in which keys first appear."""
    counts: dict[K, list[int]] = {}
    for meeting in meetings:
        row = counts.setdefault(key(meeting), [0, 0, 0, 0, 0])
        row[0] += 1
        row[_COLUMN[meeting.ahead]] += 1
    return {name: Tally(*row) for name, row in counts.items()}


def _in_order(tallies: dict[str, Tally], order: Sequence[str]) -> dict[str, Tally]:
    return {name: tallies[name] for name in order if name in tallies}


def _streak(meetings: Sequence[Meeting]) -> Streak | None:
    """The newest meetings won by one athlete; a tie or no decision ends (or denies) it."""
    if not meetings or meetings[0].ahead not in ("a", "b"):
        return None
    who = meetings[0].ahead
    length = 0
    for meeting in meetings:
        if meeting.ahead != who:
            break
        length += 1
    return Streak(who=who, length=length)


def _largest_margin(meetings: Sequence[Meeting]) -> Meeting | None:
    """Among decided meetings with a gap (both finished), the largest; the newer on equal gaps."""
    largest: Meeting | None = None
    for meeting in meetings:  # newest first, so only a strictly larger gap replaces
        if meeting.ahead not in ("a", "b") or meeting.gap_ms is None:
            continue
        if largest is None or meeting.gap_ms > largest.gap_ms:
            largest = meeting
    return largest
