"""Head-to-head: who was ahead when two athletes ran in the same race.

The rule (DESIGN.md): only official races in which both have a result count, and a result
counts only when the athlete started (finished, DNF or DQ; a DNS or an entry is not a meeting).
Both finished: the better place is ahead, then the faster time, else a tie. A finisher is
ahead of a DNF or DQ; two non-finishers met without a decision. The gap is the difference of
the two times.

Everything is decided in SQL, on a self-join of results on race, so the cost of a rivalry
does not grow with its length: one aggregate query gives a few group rows (event, year,
level, venue, round) that are rolled up here into the breakdowns, and one query gives the
list of meetings.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Abs, ExtractYear

from athletes import marks
from athletes.models import (
    MEETING_STATUSES,
    ROUND_ORDER,
    Athlete,
    Race,
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


@dataclass(frozen=True)
class Filters:
    """The reader's counting choices: the same parameters drive the page and its JSON."""

    rounds: str = "all"
    """"all", or "finals": finals and single-race meetings (``round == final``) only."""
    event: str | None = None
    """An Event slug; None counts every event."""
    indoor: bool | None = None
    """True indoor only, False outdoor only, None both."""

    def __post_init__(self) -> None:
        if self.rounds not in ROUNDS:
            raise FilterError(f"rounds='{self.rounds}' is not a choice: use 'all' or 'finals'")

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
            raise FilterError(f"rounds='{rounds}' is not a choice: use 'all' or 'finals'")
        indoor: bool | None = None
        if indoor_text.lower() in _TRUE:
            indoor = True
        elif indoor_text.lower() in _FALSE:
            indoor = False
        elif indoor_text:
            raise FilterError(f"indoor='{indoor_text}' is not a choice: use 'true' or 'false'")
        return cls(rounds=rounds or "all", event=event or None, indoor=indoor)

    def describe(self, event_name: str | None = None) -> str:
        """The rule in words, shown beside every tally: "finals only, 1500m, outdoor".

        ``event_name`` is the event's display name when the caller has it; else the slug.
        """
        rounds = "finals only" if self.rounds == "finals" else "all rounds"
        event = (event_name or self.event) if self.event else "all events"
        venue = {None: "indoor and outdoor", True: "indoor", False: "outdoor"}[self.indoor]
        return f"{rounds}, {event}, {venue}"

    def as_query(self) -> dict[str, str]:
        """The non-default choices as query parameters, so links keep only what was chosen."""
        query: dict[str, str] = {}
        if self.rounds != "all":
            query["rounds"] = self.rounds
        if self.event:
            query["event"] = self.event
        if self.indoor is not None:
            query["indoor"] = "true" if self.indoor else "false"
        return query


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

    @property
    def time(self) -> str:
        """The time as athletics shows it ("3:45.34"); empty unless finished."""
        return marks.format(self.time_ms) if self.time_ms is not None else ""


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
    """A's head-to-head against B: two queries, whatever the number of meetings."""
    if a.pk == b.pk:
        raise ValueError(f"'{a}' cannot meet themself: a head-to-head needs two athletes")
    races = meeting_races(a, b, filters)
    groups = list(
        races.values(
            "round",
            event_name=F("event__name"),
            distance_m=F("event__distance_m"),
            year=ExtractYear("date"),
            level=F("meet__level"),
            indoor=F("meet__indoor"),
        )
        .annotate(
            meetings=Count("pk"),
            a_ahead=Count("pk", filter=Q(ahead="a")),
            b_ahead=Count("pk", filter=Q(ahead="b")),
            ties=Count("pk", filter=Q(ahead="tie")),
            no_decision=Count("pk", filter=Q(ahead__isnull=True)),
        )
        .order_by("distance_m", "event_name", "year")
    )
    meetings = tuple(_meeting(row) for row in _meeting_rows(races))
    return HeadToHead(
        a=a,
        b=b,
        filters=filters,
        overall=_sum(groups),
        by_event=_roll_up(groups, lambda group: group["event_name"]),
        by_year=dict(sorted(_roll_up(groups, lambda group: group["year"]).items())),
        by_level=_in_order(
            _roll_up(groups, lambda group: level_group(group["level"])), LEVEL_GROUPS
        ),
        finals=_sum(group for group in groups if group["round"] == Round.FINAL),
        by_venue=_in_order(
            _roll_up(groups, lambda group: "indoor" if group["indoor"] else "outdoor"), VENUES
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
    return sorted(meetings, key=lambda m: (m.date, ROUND_ORDER.get(m.round, -1), m.race_id))


# --- the SQL ---------------------------------------------------------------------------------


def meeting_races(a: Athlete, b: Athlete, filters: Filters) -> QuerySet[Race]:
    """Official races joined to A's and B's results (one row each at most), both started.

    Annotated with ``ahead`` ("a", "b", "tie" or NULL) and ``gap_ms``, decided in SQL.
    """
    races = (
        Race.objects.official()
        .annotate(
            result_a=FilteredRelation("results", condition=Q(results__athlete=a.pk)),
            result_b=FilteredRelation("results", condition=Q(results__athlete=b.pk)),
        )
        .filter(result_a__status__in=MEETING_STATUSES, result_b__status__in=MEETING_STATUSES)
    )
    if filters.rounds == "finals":
        races = races.filter(round=Round.FINAL)
    if filters.event:
        races = races.filter(event__slug=filters.event)
    if filters.indoor is not None:
        races = races.filter(meet__indoor=filters.indoor)

    ahead, gap = decision("result_a__", "result_b__")
    return races.annotate(ahead=ahead, gap_ms=gap)


def decision(a: str, b: str) -> tuple[Case, Case]:
    """The meeting rule as SQL: who was ahead ("a", "b", "tie" or NULL) and the gap in ms.

    ``a`` and ``b`` are the lookup prefixes of the two results in the self-join ("" for the
    queried row itself, "race__results__" for its rival), so every query that decides a
    meeting shares this one rule.
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
    # Absolute: a better place with a slower recorded time (a data slip) is still no negative gap.
    gap = Case(
        When(both, then=Abs(F(a_time) - F(b_time))),
        default=Value(None),
        output_field=IntegerField(),
    )
    return ahead, gap


def _meeting_rows(races: QuerySet[Race]) -> QuerySet[Race, dict[str, Any]]:
    """One row per meeting, newest first: by date, then the later round, then race id."""
    round_rank = Case(
        *(When(round=name, then=Value(rank)) for name, rank in ROUND_ORDER.items()),
        default=Value(-1),
        output_field=IntegerField(),
    )
    return races.values(
        "id",
        "date",
        "name",
        "round",
        "round_number",
        "ahead",
        "gap_ms",
        meet_name=F("meet__name"),
        meet_level=F("meet__level"),
        indoor=F("meet__indoor"),
        event_name=F("event__name"),
        event_slug=F("event__slug"),
        a_place=F("result_a__place"),
        a_time_ms=F("result_a__time_ms"),
        a_status=F("result_a__status"),
        a_flags=F("result_a__flags"),
        b_place=F("result_b__place"),
        b_time_ms=F("result_b__time_ms"),
        b_status=F("result_b__status"),
        b_flags=F("result_b__flags"),
    ).order_by("-date", round_rank.desc(), "-id")


# --- rolling up in Python (a handful of rows) ------------------------------------------------


def _meeting(row: dict[str, Any]) -> Meeting:
    round_name = Round(row["round"]).label
    return Meeting(
        race_id=row["id"],
        date=row["date"],
        meet_name=row["meet_name"],
        meet_level=row["meet_level"],
        indoor=row["indoor"],
        race_name=row["name"],
        event_name=row["event_name"],
        event_slug=row["event_slug"],
        round=row["round"],
        round_number=row["round_number"],
        round_label=f"{round_name} {row['round_number']}" if row["round_number"] else round_name,
        is_final=row["round"] == Round.FINAL,
        a=_side(row, "a"),
        b=_side(row, "b"),
        ahead=row["ahead"],
        gap_ms=row["gap_ms"],
    )


def _side(row: dict[str, Any], who: str) -> Side:
    return Side(
        place=row[f"{who}_place"],
        time_ms=row[f"{who}_time_ms"],
        status=row[f"{who}_status"],
        flags=tuple(row[f"{who}_flags"].split()),
    )


def _tally(group: dict[str, Any]) -> Tally:
    return Tally(
        meetings=group["meetings"],
        a_ahead=group["a_ahead"],
        b_ahead=group["b_ahead"],
        ties=group["ties"],
        no_decision=group["no_decision"],
    )


def _sum(groups: Iterable[dict[str, Any]]) -> Tally:
    total = Tally.empty()
    for group in groups:
        total += _tally(group)
    return total


def _roll_up[K](
    groups: Iterable[dict[str, Any]], key: Callable[[dict[str, Any]], K]
) -> dict[K, Tally]:
    """Sum group rows by ``key``, keeping the order in which keys first appear."""
    tallies: dict[K, Tally] = {}
    for group in groups:
        name = key(group)
        tallies[name] = tallies.get(name, Tally.empty()) + _tally(group)
    return tallies


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
