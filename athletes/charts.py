"""Geometry of the site's charts, drawn as server-side SVG: plain numbers in, plain numbers out.

- The gap chart: every meeting's margin over time, one series per pair of a rivalry. A point
  above the middle line is a meeting the pair's first athlete led, below one the second led,
  on the line a tie or no decision. A date axis and a seconds axis, as SVG text.
- The season chart: who led each year of a head-to-head, as bars either side of a middle line.
- The progression chart: an athlete's season's best per event per year.

The view boxes are narrow (400 units) so that the text, 12 units here, stays about 10 px tall
on a 360 px phone; wider screens cap the figure's width in CSS.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext

from athletes import marks
from athletes.headtohead import HeadToHead, Meeting, chronological
from athletes.models import Athlete
from athletes.profile import Career

WIDTH = 400
GAP_HEIGHT = 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 22, 36
"""The plot area's inset from the view box: room for the axes' labels."""
SEASON_ROW, SEASON_TOP = 26, 30
PROGRESSION_HEIGHT, PROGRESSION_LEFT = 200, 52
STEPS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600)
"""Candidate tick steps in seconds: the "nice" numbers an axis may count in."""


# --- scales and ticks ------------------------------------------------------------------------


def linear(domain: tuple[float, float], span: tuple[float, float]) -> Callable[[float], float]:
    """Map ``domain`` onto ``span`` linearly; a domain of one value maps to the span's middle."""
    (d0, d1), (r0, r1) = domain, span
    if d1 == d0:
        return lambda value: (r0 + r1) / 2
    return lambda value: r0 + (value - d0) * (r1 - r0) / (d1 - d0)


def nice_step(largest: float, most: int = 3) -> float:
    """The smallest nice step that counts from 0 to ``largest`` in at most ``most`` ticks."""
    for step in STEPS:
        if largest / step <= most:
            return step
    return float(math.ceil(largest / most))


def seconds_label(value: float) -> str:
    """A tick's seconds without trailing zeros: "0.5 s", "2 s"."""
    return f"{value:.2f}".rstrip("0").rstrip(".") + " s"


def time_label(seconds: float) -> str:
    """A time axis' tick as athletics writes a mark, without idle hundredths: "3:27", "13.5"."""
    text = marks.format(round(seconds * 1000))
    if text.endswith(".00"):
        return text.removesuffix(".00")
    return text.removesuffix("0") if "." in text else text


@dataclass(frozen=True)
class Tick:
    at: float
    label: str

    @property
    def pos(self) -> str:
        return f"{self.at:.1f}"


def date_ticks(first: datetime.date, last: datetime.date) -> list[tuple[datetime.date, str]]:
    """Ticks for a date axis: 1 January of each year inside, at most six; months when the
    range holds fewer than two new years (a rivalry of one season)."""
    years = [
        year
        for year in range(first.year, last.year + 2)
        if first <= datetime.date(year, 1, 1) <= last
    ]
    if len(years) >= 2:
        every = math.ceil(len(years) / 6)
        return [(datetime.date(year, 1, 1), str(year)) for year in years[::every]]
    months = []
    day = datetime.date(first.year, first.month, 1)
    while day <= last:
        if day >= first:
            months.append(day)
        day = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    every = max(1, math.ceil(len(months) / 4))
    ticks = months[::every] or [first]
    return [(day, date_format(day, "M Y")) for day in ticks]


# --- the gap chart ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    ahead: str | None
    label: str
    race_id: int

    @property
    def cx(self) -> str:
        """x to a tenth of a unit, as the SVG writes it (cheaper than a template filter)."""
        return f"{self.x:.1f}"

    @property
    def cy(self) -> str:
        return f"{self.y:.1f}"


@dataclass(frozen=True)
class Series:
    """One pair's meetings; ``index`` picks its marker shape and colour."""

    index: int
    a_name: str
    b_name: str
    points: tuple[Point, ...]

    @property
    def polyline(self) -> str:
        return " ".join(f"{point.cx},{point.cy}" for point in self.points)


@dataclass(frozen=True)
class GapChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    middle: float
    series: tuple[Series, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    max_gap_label: str
    first_year: int
    last_year: int

    @property
    def points(self) -> tuple[Point, ...]:
        return tuple(point for series in self.series for point in series.points)

    @property
    def names(self) -> tuple[str, str] | None:
        """The pair's names when the chart has one pair (its axis titles name them)."""
        return (self.series[0].a_name, self.series[0].b_name) if len(self.series) == 1 else None


Pair = tuple[Athlete, Athlete, Sequence[Meeting]]
"""(athlete A, athlete B, their meetings, as ``headtohead`` reads them)."""


def gap_chart(pairs: Sequence[Pair]) -> GapChart | None:
    """Lay every pair's meetings out on one date axis (x) and signed gap axis (y); None when
    no pair ever met."""
    ordered = [(a, b, chronological(found)) for a, b, found in pairs]
    every = [meeting for _, _, found in ordered for meeting in found]
    if not every:
        return None
    first = min(meeting.date for meeting in every)
    last = max(meeting.date for meeting in every)
    largest = max((meeting.gap_ms or 0 for meeting in every), default=0) / 1000 or 1.0
    step = nice_step(largest)
    reach = step * math.ceil(largest / step - 1e-9)
    bottom = GAP_HEIGHT - BOTTOM
    y_scale = linear((-reach, reach), (bottom, TOP))  # positive (A ahead) upwards
    x_span = (LEFT + 8, WIDTH - RIGHT - 8)
    x_scale = linear((first.toordinal(), last.toordinal()), x_span)
    # All on one day (a heat and a final): side by side in round order rather than on one spot.
    same_day = (
        {
            (meeting.race_id, meeting.a, meeting.b): linear((0, len(every) - 1), x_span)(position)
            for position, meeting in enumerate(chronological(every))
        }
        if first == last
        else {}
    )
    series = []
    for index, (a, b, found) in enumerate(ordered):
        points = []
        for meeting in found:
            key = (meeting.race_id, meeting.a, meeting.b)
            gap = (meeting.gap_ms or 0) / 1000
            sign = {"a": 1, "b": -1}.get(meeting.ahead or "", 0)
            points.append(
                Point(
                    x=same_day.get(key) or x_scale(meeting.date.toordinal()),
                    y=y_scale(sign * gap),
                    ahead=meeting.ahead,
                    label=meeting_label(meeting, a.name, b.name),
                    race_id=meeting.race_id,
                )
            )
        if points:
            series.append(Series(index=index, a_name=a.name, b_name=b.name, points=tuple(points)))
    steps = round(reach / step)
    return GapChart(
        width=WIDTH,
        height=GAP_HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=bottom,
        middle=y_scale(0),
        series=tuple(series),
        x_ticks=tuple(
            Tick(x_scale(day.toordinal()), label) for day, label in date_ticks(first, last)
        ),
        y_ticks=tuple(
            Tick(y_scale(n * step), "0" if n == 0 else seconds_label(abs(n) * step))
            for n in range(-steps, steps + 1)
        ),
        max_gap_label=seconds_label(largest),
        first_year=first.year,
        last_year=last.year,
    )


def meeting_label(meeting: Meeting, a_name: str, b_name: str) -> str:
    """A point's title: the race, the date and who was ahead by how much."""
    day = date_format(meeting.date, "SHORT_DATE_FORMAT")
    where = f"{meeting.meet_name} {meeting.event_name}, {day}"
    if meeting.ahead in ("a", "b"):
        name = a_name if meeting.ahead == "a" else b_name
        if meeting.gap_ms is not None:
            return gettext("%(where)s: %(name)s ahead by %(gap)s s") % {
                "where": where,
                "name": name,
                "gap": f"{meeting.gap_ms / 1000:.2f}",
            }
        return gettext("%(where)s: %(name)s ahead") % {"where": where, "name": name}
    if meeting.ahead == "tie":
        return gettext("%(where)s: a tie in %(mark)s") % {
            "where": where,
            "mark": marks.format(meeting.a.time_ms),
        }
    return gettext("%(where)s: neither finished") % {"where": where}


# --- the season chart ------------------------------------------------------------------------


@dataclass(frozen=True)
class SeasonBar:
    year: int
    a: int
    b: int
    leader: str | None
    """"a", "b", or None for a level year."""
    y: float
    a_x: float
    a_width: float
    b_width: float
    b_end: float
    """Where B's bar ends: its count is written just beyond."""

    @property
    def text_y(self) -> str:
        return f"{self.y + SEASON_ROW / 2 + 1:.1f}"

    @property
    def bar_y(self) -> str:
        return f"{self.y + 4:.1f}"


@dataclass(frozen=True)
class SeasonChart:
    width: int
    height: int
    middle: float
    bars: tuple[SeasonBar, ...]
    bar_height: int = SEASON_ROW - 8


def season_chart(h2h: HeadToHead) -> SeasonChart | None:
    """Each year's meetings won by A (left of the middle) and by B (right); None without any."""
    if not h2h.by_year:
        return None
    middle = LEFT + (WIDTH - LEFT) / 2
    most = max(max(tally.a_ahead, tally.b_ahead) for tally in h2h.by_year.values()) or 1
    reach = (WIDTH - LEFT) / 2 - 26  # room for the count beyond the longest bar
    bars = []
    for row, (year, tally) in enumerate(h2h.by_year.items()):
        a_width = reach * tally.a_ahead / most
        leader = _leader(tally.a_ahead, tally.b_ahead)
        bars.append(
            SeasonBar(
                year=year,
                a=tally.a_ahead,
                b=tally.b_ahead,
                leader=leader,
                y=SEASON_TOP + row * SEASON_ROW,
                a_x=middle - a_width,
                a_width=a_width,
                b_width=reach * tally.b_ahead / most,
                b_end=middle + reach * tally.b_ahead / most,
            )
        )
    return SeasonChart(
        width=WIDTH,
        height=SEASON_TOP + len(bars) * SEASON_ROW + 6,
        middle=middle,
        bars=tuple(bars),
    )


def _leader(a: int, b: int) -> str | None:
    return "a" if a > b else "b" if b > a else None


# --- the progression chart -------------------------------------------------------------------


@dataclass(frozen=True)
class SeasonBest:
    year: int
    time_ms: int
    mark: str
    race_id: int
    meet: str


@dataclass(frozen=True)
class Progression:
    """One event's season's bests, oldest first, laid out with faster times higher."""

    event: str
    indoor: bool
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    points: tuple[Point, ...]
    bests: tuple[SeasonBest, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]

    @property
    def polyline(self) -> str:
        return " ".join(f"{point.cx},{point.cy}" for point in self.points)


def progression(event: str, indoor: bool, bests: Sequence[SeasonBest]) -> Progression:
    """A season's-best line for one event: years along, times up (the fastest at the top)."""
    bests = sorted(bests, key=lambda best: best.year)
    first, last = bests[0].year, bests[-1].year
    fastest = min(best.time_ms for best in bests) / 1000
    slowest = max(best.time_ms for best in bests) / 1000
    step = nice_step(max(slowest - fastest, 0.01), most=4)
    low = step * math.floor(fastest / step)
    high = max(step * math.ceil(slowest / step), low + step)
    bottom = PROGRESSION_HEIGHT - BOTTOM
    y_scale = linear((low, high), (TOP, bottom))  # slower downwards
    left = PROGRESSION_LEFT
    x_scale = linear((first, last), (left + 14, WIDTH - RIGHT - 14))
    every = math.ceil((last - first + 1) / 6)
    y_ticks = []
    value = low
    while value <= high + 1e-9:
        y_ticks.append(Tick(y_scale(value), time_label(value)))
        value += step
    points = tuple(
        Point(
            x=x_scale(best.year),
            y=y_scale(best.time_ms / 1000),
            ahead=None,
            label=f"{best.year}: {best.mark}, {best.meet}",
            race_id=best.race_id,
        )
        for best in bests
    )
    return Progression(
        event=event,
        indoor=indoor,
        width=WIDTH,
        height=PROGRESSION_HEIGHT,
        left=left,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=bottom,
        points=points,
        bests=tuple(bests),
        x_ticks=tuple(Tick(x_scale(year), str(year)) for year in range(first, last + 1, every)),
        y_ticks=tuple(y_ticks),
    )


def career_progressions(career: Career) -> list[Progression]:
    """A progression chart for each event the athlete ran in more than one season."""
    return [
        progression(
            bests[0].event.name,
            bests[0].indoor,
            [
                SeasonBest(
                    year=best.result.date.year,
                    time_ms=best.result.time_ms,
                    mark=best.mark,
                    race_id=best.result.race_id,
                    meet=best.result.meet,
                )
                for best in bests
            ],
        )
        for bests in career.season_bests()
        if len(bests) > 1
    ]
