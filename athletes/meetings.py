"""Meetings across the whole record: who met whom, how often, and who came out ahead.

``athletes.headtohead`` answers for one chosen pair. These answer for many pairs at once,
each in a fixed number of queries over the self-join of results on race, so a page that
shows a dozen pairs costs the same as a page that shows one:

- ``opponents(athlete)``: the athletes someone met most, for the head-to-head picker (a
  plain self-join counted and decided in Python, plus one query for the names of those who
  make the list);
- ``scores(pairs)``: the overall tally of each given pair, for lists of rivalries;
- ``pairings()``: every pair that ever met, busiest and closest first, for "rivalries in the
  data" (the caller narrows it, e.g. to pairs without a rivalry page); an aggregate of the
  whole results table, so ``store_busiest`` keeps its first rows as ``BusyPair`` rows, which
  pages read.

The meeting rule is the head-to-head's (DESIGN.md): official races both started (finished,
DNF or DQ); the better place is ahead, then the faster time, else a tie; a finisher is ahead
of a non-finisher; two non-finishers met without a decision. Tests check that the numbers
here equal ``headtohead.between``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.db import transaction
from django.db.models import (
    Avg,
    Count,
    F,
    Q,
    QuerySet,
)
from django.utils import timezone

from athletes.headtohead import Side, Tally, decide, decision
from athletes.models import MEETING_STATUSES, Athlete, BusyPair, Race, Result

# The rival's result in the same race: the second side of the self-join (``race__results``).
RIVAL = "race__results"


def _meeting_rows(*conditions: Q, **lookups: Any) -> QuerySet[Result]:
    """Each result joined to every other result in the same official race, both started.

    A row is one meeting seen from one side ("a" is the row's athlete, "b" the rival), with
    ``rival_id``, ``ahead`` ("a", "b", "tie" or NULL) and ``gap_ms`` annotated. Extra
    conditions on the rival's side must come in this one ``filter()`` call, so that Django
    joins the results table once rather than once per condition.
    """
    rows = Result.objects.filter(race__status=Race.Status.OFFICIAL, status__in=MEETING_STATUSES)
    rows = rows.filter(*conditions, **{f"{RIVAL}__status__in": MEETING_STATUSES}, **lookups)
    ahead, gap = decision("", f"{RIVAL}__")
    return rows.annotate(rival_id=F(f"{RIVAL}__athlete"), ahead=ahead, gap_ms=gap)


_TALLY = {
    "meetings": Count("pk"),
    "a_ahead": Count("pk", filter=Q(ahead="a")),
    "b_ahead": Count("pk", filter=Q(ahead="b")),
    "ties": Count("pk", filter=Q(ahead="tie")),
    "no_decision": Count("pk", filter=Q(ahead__isnull=True)),
}


def _tally(row: dict[str, Any]) -> Tally:
    return Tally(**{key: row[key] for key in _TALLY})


@dataclass(frozen=True)
class Opponent:
    """Someone an athlete met, and how those meetings went from the athlete's side."""

    slug: str
    name: str
    country_code: str
    """IOC code: GBR, NOR."""
    country_name: str
    tally: Tally


def opponents(athlete: Athlete, limit: int = 6) -> list[Opponent]:
    """The athletes ``athlete`` met most often (then by name): two queries.

    One plain self-join lists the athlete's meetings (a career's: a few thousand rows at
    most); they are counted here, and only the meetings of those who make the list are
    decided, by the head-to-head's own ``decide``. Aggregating with the rule built into SQL
    cost the ORM more time to compile than PostgreSQL took to run it. The second query reads
    the names of those who can make the list.
    """
    rows = (
        Result.objects.filter(
            race__status=Race.Status.OFFICIAL,
            status__in=MEETING_STATUSES,
            # One filter() call, so that both conditions name the same join: the athlete's result.
            **{f"{RIVAL}__athlete": athlete, f"{RIVAL}__status__in": MEETING_STATUSES},
        )
        .exclude(athlete=athlete)
        .values_list(
            "athlete_id",
            f"{RIVAL}__place",
            f"{RIVAL}__time_ms",
            f"{RIVAL}__status",
            "place",
            "time_ms",
            "status",
        )
        .order_by()
    )
    by_rival: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        by_rival[row[0]].append(row)
    if not by_rival:
        return []
    counts = sorted(map(len, by_rival.values()), reverse=True)
    enough = counts[min(limit, len(counts)) - 1]
    rivals = Athlete.objects.filter(
        pk__in=[pk for pk, met in by_rival.items() if len(met) >= enough]
    ).only("slug", "name", "country")
    ranked = sorted(rivals, key=lambda rival: (-len(by_rival[rival.pk]), rival.name))
    return [
        Opponent(
            slug=rival.slug,
            name=rival.name,
            country_code=rival.country_code,
            country_name=rival.country.name if rival.country else "",
            tally=reduce(
                Tally.counting,
                (decide(Side(*row[1:4]), Side(*row[4:7]))[0] for row in by_rival[rival.pk]),
                Tally.empty(),
            ),
        )
        for rival in ranked[:limit]
    ]


def scores(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Tally]:
    """The overall tally of each (a id, b id) pair, from a's side: one aggregate query.

    Pairs that never met get an empty tally. Meant for a page's worth of pairs (the query
    has one condition per pair).
    """
    wanted = {(a, b) for a, b in pairs if a != b}
    found = {pair: Tally.empty() for pair in wanted}
    if not wanted:
        return found
    condition = Q()
    for a, b in wanted:
        condition |= Q(athlete=a, **{f"{RIVAL}__athlete": b})
    rows = _meeting_rows(condition).values("athlete", "rival_id").annotate(**_TALLY).order_by()
    for row in rows:
        found[(row["athlete"], row["rival_id"])] = _tally(row)
    return found


@dataclass(frozen=True)
class Pairing:
    """Two athletes who met, with their tally and how close they usually finished."""

    a: Athlete
    b: Athlete
    tally: Tally
    mean_gap_ms: int | None
    """The mean gap over meetings both finished; None when they never both finished."""


def pairings() -> QuerySet[Result, dict[str, Any]]:
    """Every pair that met (lower athlete id first), most meetings first, then closest margins.

    A values queryset with ``athlete`` and ``rival_id`` (the pair), the tally's counts and
    ``mean_gap_ms``: narrow it with filters on ``athlete`` and ``rival_id`` (``OuterRef``
    works on both) and keep its first rows with ``store_busiest``.
    """
    return (
        _meeting_rows(**{f"{RIVAL}__athlete__gt": F("athlete")})
        .values("athlete", "rival_id")
        .annotate(**_TALLY, mean_gap_ms=Avg("gap_ms"))
        .order_by("-meetings", F("mean_gap_ms").asc(nulls_last=True), "athlete", "rival_id")
    )


def store_busiest(rows: QuerySet[Result, dict[str, Any]], keep: int) -> int:
    """Replace the stored busiest pairs with the first ``keep`` rows of ``pairings()``.

    One transaction: readers see the old list or the new one, never a mix. Returns how many
    pairs were stored.
    """
    counted_at = timezone.now()
    busiest = [
        BusyPair(
            a_id=row["athlete"],
            b_id=row["rival_id"],
            **{key: row[key] for key in _TALLY},
            mean_gap_ms=round(row["mean_gap_ms"]) if row["mean_gap_ms"] is not None else None,
            counted_at=counted_at,
        )
        for row in rows[:keep]
    ]
    with transaction.atomic():
        BusyPair.objects.all().delete()
        BusyPair.objects.bulk_create(busiest)
    return len(busiest)


def stored_pairings(rows: Iterable[BusyPair]) -> list[Pairing]:
    """Stored busiest pairs (with ``a`` and ``b`` loaded) as pairings."""
    return [
        Pairing(
            a=row.a,
            b=row.b,
            tally=Tally(row.meetings, row.a_ahead, row.b_ahead, row.ties, row.no_decision),
            mean_gap_ms=row.mean_gap_ms,
        )
        for row in rows
    ]
