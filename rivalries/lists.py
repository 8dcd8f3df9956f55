"""Rivalries in lists: with their members and score, the featured one, and the ones the
record suggests but nobody has written up yet ("rivalries in the data").

Scores of a whole page of rivalries come from one aggregate (``athletes.meetings.scores``),
so a list costs the same number of queries however many rivalries it shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet

from athletes import meetings
from athletes.headtohead import Tally
from athletes.meetings import Pairing
from athletes.models import Athlete
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
    pairs = [(m[0].pk, m[1].pk) for m in members.values() if len(m) > 1]
    tallies = meetings.scores(pairs)
    return [
        RivalryScore(
            rivalry=rivalry,
            members=members[rivalry.pk],
            tally=tallies.get((members[rivalry.pk][0].pk, members[rivalry.pk][1].pk))
            if len(members[rivalry.pk]) > 1
            else None,
        )
        for rivalry in rivalries
    ]


def in_the_data(limit: int = 10) -> Sequence[Pairing]:
    """The pairs who met most, closest margins first among equals, without a rivalry page.

    One aggregate over the result self-join (excluding pairs who are members of one
    published rivalry together), then one query for the athletes' names.
    """
    together = RivalryMember.objects.filter(
        rivalry__published=True,
        athlete=OuterRef("athlete"),
        rivalry__memberships__athlete=OuterRef("rival_id"),
    )
    rows = meetings.pairings().filter(~Exists(together))[:limit]
    return meetings.as_pairings(rows)
