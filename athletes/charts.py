"""Geometry of the gap chart: every meeting's margin over time, drawn as server-side SVG.

A point above the middle line is a meeting A led, below one B led, on the line a tie or no
decision. Plain numbers in, plain numbers out, so the template only draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext

from athletes import marks
from athletes.headtohead import Meeting, chronological

WIDTH, HEIGHT, PAD = 640, 200, 28


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
class GapChart:
    width: int
    height: int
    middle: float
    points: tuple[Point, ...]
    max_gap_label: str
    first_year: int
    last_year: int

    @property
    def polyline(self) -> str:
        return " ".join(f"{point.x:.1f},{point.y:.1f}" for point in self.points)


def gap_chart(meetings: Sequence[Meeting], a_name: str, b_name: str) -> GapChart | None:
    """Lay the meetings out by date (x) and signed gap (y); None when they never met."""
    ordered = chronological(meetings)
    if not ordered:
        return None
    first, last = ordered[0].date, ordered[-1].date
    span = max((last - first).days, 1)
    largest = max((meeting.gap_ms or 0 for meeting in ordered), default=0) or 1
    middle = HEIGHT / 2
    half = middle - PAD
    points = []
    for index, meeting in enumerate(ordered):
        if len(ordered) == 1:
            x = WIDTH / 2
        elif first == last:
            x = PAD + (WIDTH - 2 * PAD) * index / (len(ordered) - 1)
        else:
            x = PAD + (WIDTH - 2 * PAD) * (meeting.date - first).days / span
        gap = meeting.gap_ms or 0
        sign = {"a": -1, "b": 1}.get(meeting.ahead or "", 0)  # SVG y grows downwards
        points.append(
            Point(
                x=x,
                y=middle + sign * half * gap / largest,
                ahead=meeting.ahead,
                label=_label(meeting, a_name, b_name),
                race_id=meeting.race_id,
            )
        )
    return GapChart(
        width=WIDTH,
        height=HEIGHT,
        middle=middle,
        points=tuple(points),
        max_gap_label=f"{largest / 1000:.2f} s",
        first_year=first.year,
        last_year=last.year,
    )


def _label(meeting: Meeting, a_name: str, b_name: str) -> str:
    day = date_format(meeting.date, "SHORT_DATE_FORMAT")
    where = f"{day}, {meeting.meet_name} {meeting.event_name}"
    if meeting.ahead in ("a", "b"):
        name = a_name if meeting.ahead == "a" else b_name
        if meeting.gap_ms is None:
            return gettext("{where}: {name} ahead").format(where=where, name=name)
        return gettext("{where}: {name} ahead by {gap} s").format(
            where=where, name=name, gap=f"{meeting.gap_ms / 1000:.2f}"
        )
    if meeting.ahead == "tie":
        return gettext("{where}: a tie in {mark}").format(
            where=where, mark=marks.format(meeting.a.time_ms)
        )
    return gettext("{where}: neither finished").format(where=where)
