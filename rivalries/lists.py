"""Rivalries in lists: with their members and score, the featured one, and the ones the
record suggests but nobody has written up yet ("rivalries in the data", counted apart:
``count_in_the_data``).

Scores of a whole page of rivalries come from one aggregate (``athletes.meetings.scores``),
so a list costs the same number of queries however many rivalries it shows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet

from athletes import meetings
from athletes.headtohead import Tally
from athletes.meetings import Pairing
from athletes.models import Athlete, BusyPair
from rivalries.models import Rivalry, RivalryMember


def with_members(rivalries: QuerySet[Rivalry]) -> QuerySet[Rivalry]:
    """Rivalries with their memberships (in member order) and athletes prefetched."""
    return rivalries.prefetch_related(
        Prefetch("memberships", queryset=RivalryMember.objects.select_related("athlete"))
    )


def newest_first() -> QuerySet[Rivalry]:
    """Published rivalries, the newest first: the home page features the first."""
    return Rivalry.objects.published().order_by(F("began_on").desc(nulls_last=True), "title", "pk")


@dataclass(frozen=True)
class RivalryScore:
    """A rivalry as a list shows it: its members in order and, for a pair, their score."""

    rivalry: Rivalry
    members: tuple[Athlete, ...]
    tally: Tally | None
    """The first two members' head-to-head (overall, every round and venue); None with one."""
    pairs: tuple[tuple[Athlete, Athlete, Tally], ...] = ()
    """Every pair of members with its tally, in member order: a three-way rivalry shown whole."""

    @property
    def a(self) -> Athlete | None:
        return self.members[0] if self.members else None

    @property
    def b(self) -> Athlete | None:
        return self.members[1] if len(self.members) > 1 else None


def with_scores(rivalries: Iterable[Rivalry]) -> list[RivalryScore]:
    """Rivalries (from ``with_members``) with their score: one query for all."""
    rivalries = list(rivalries)
    members = {
        rivalry.pk: tuple(membership.athlete for membership in rivalry.memberships.all())
        for rivalry in rivalries
    }
    pairs = {pk: list(combinations(found, 2)) for pk, found in members.items()}
    tallies = meetings.scores((a.pk, b.pk) for found in pairs.values() for a, b in found)
    return [
        RivalryScore(
            rivalry=rivalry,
            members=members[rivalry.pk],
            tally=tallies.get((members[rivalry.pk][0].pk, members[rivalry.pk][1].pk))
            if len(members[rivalry.pk]) > 1
            else None,
            pairs=tuple((a, b, tallies[a.pk, b.pk]) for a, b in pairs[rivalry.pk]),
        )
        for rivalry in rivalries
    ]


def _together(a: str, b: str) -> QuerySet[RivalryMember]:
    """Memberships showing that ``a`` and ``b`` (OuterRef names) share a published rivalry."""
    return RivalryMember.objects.filter(
        rivalry__published=True,
        athlete=OuterRef(a),
        rivalry__memberships__athlete=OuterRef(b),
    )


KEEP_COUNTED = 200
"""Pairs kept by a count: enough that rivalries published after it leave ten to show."""


def count_in_the_data(keep: int = KEEP_COUNTED) -> int:
    """Count every pair in the record and store the busiest without a rivalry page.

    One aggregate over the whole result self-join: seconds on a large record, so it runs
    from ``manage.py count_pairs`` (cron, the demo), never from a page.
    """
    rows = meetings.pairings().filter(~Exists(_together("athlete", "rival_id")))
    return meetings.store_busiest(rows, keep)


@dataclass(frozen=True)
class InTheData:
    """The busiest pairs without a rivalry page, as last counted."""

    pairs: Sequence[Pairing]
    counted_at: datetime.datetime | None
    """When they were counted; None when there are none to show."""


def in_the_data(limit: int = 10) -> InTheData:
    """The pairs who met most, closest margins first among equals, without a rivalry page.

    Read from the last count (one query); a rivalry published since then drops out at once.
    """
    rows = list(
        BusyPair.objects.filter(~Exists(_together("a", "b"))).select_related("a", "b")[:limit]
    )
    return InTheData(meetings.stored_pairings(rows), rows[0].counted_at if rows else None)
