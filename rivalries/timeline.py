"""The rivalry timeline: races, quotes, moments and upcoming races in one date order.

Every item has a full sort key ``(date, precision rank, position in the day, kind rank, id)``:
dates sort by their start, the more precise first ("25 May" before "May" before "2024"); on
one day, a quote linked ``before`` a race comes before it and one linked ``after`` after it,
and races run in round order (heats before the final) so the running tally counts them as the
head-to-head does. Remaining ties go by kind (race, quote, moment), then id.

Pages are cut by keyset: each kind is fetched with ``WHERE key > cursor ORDER BY key LIMIT
size + 1`` and the kinds are merged here, so a page costs the same number of queries on the
first page as on the hundredth, however long the rivalry. The tally after each race, who was
ahead in it and each quote's "what happened next" all come from one list per pair of members:
their meetings as the head-to-head reads them (``athletes.headtohead.pair_meetings``, the same
rule), a few hundred rows at most whatever the size of the record.

Choices the design leaves open, made here:

- With three or more members, the tally counts pairwise wins: in each race, for each pair of
  members who met (both finished, DNF or DQ), the one ahead gets 1; ties and no-decisions
  give nothing. "Ahead" on a race is the member ahead of every member they met there.
- The tally counts every meeting from the first, whatever the year filter; the ``event``
  filter scopes it to that event, as the head-to-head page's ``event`` choice does, so that
  the numbers on a filtered page move only with the races it shows.
- A quote or moment on a race day that is not linked to a race sorts before that day's
  races: it may have been said before the race (its "what happened next" is that race,
  uncertain), and the design gives no better clue.
- Races that are not meetings (a DNS) and upcoming races carry the tally as it stands.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import reduce
from itertools import combinations
from operator import or_
from typing import Any, Literal
from urllib.parse import urlencode

from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.utils.translation import gettext

from athletes import marks

# The head-to-head's own meetings and rule, so the two pages can never disagree.
from athletes.headtohead import Meeting, chronological_key, pair_meetings
from athletes.links import outbound
from athletes.models import (
    MEETING_STATUSES,
    ROUND_ORDER,
    Athlete,
    Race,
    Result,
    ResultStatus,
)
from rivalries import statements
from rivalries.dates import PreciseDate, Precision
from rivalries.models import Moment, Quote, Rivalry, Timing

PAGE_SIZE = 20
KINDS = ("race", "quote", "moment")
"""The ``kind`` filter's choices, in the order ties break; upcoming races go with ``race``."""

Kind = Literal["race", "quote", "moment", "upcoming"]
Pair = tuple[Athlete, Athlete]
SortKey = tuple[datetime.date, int, int, int, int]
"""(date start, precision rank, position in the day, kind rank, id)."""

KIND_RANK = {"race": 0, "upcoming": 0, "quote": 1, "moment": 2}
# A race shows when two members have one of these; DNS shows but is not a meeting.
SHOWN_STATUSES = (*MEETING_STATUSES, ResultStatus.DNS)
# Positions in a day: unlinked quotes and moments first, then for each round (heats first)
# the quotes said before it, the race, and the quotes said after it.
UNLINKED_POSITION = 0
_BEFORE, _RACE, _AFTER = 1, 2, 3
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_CURSOR_VERSION = "t1"


def _no_url(obj: models.Model) -> str:
    return ""


# --- filters ---------------------------------------------------------------------------------


class TimelineFilterError(ValueError):
    """A filter or cursor that cannot be read; the message quotes the value."""


@dataclass(frozen=True)
class TimelineFilters:
    """The reader's choices: the page and its JSON take the same query parameters."""

    kinds: tuple[str, ...] = KINDS
    """Any of "race" (with upcoming races), "quote", "moment"; empty means all."""
    year: int | None = None
    """Items whose date starts in this year."""
    event: str | None = None
    """An Event slug: its races and the quotes linked to them; no moments."""
    speaker: str | None = None
    """An Athlete slug: only quotes by that athlete (other kinds stay)."""
    cursor: str | None = None
    """Opaque: where the previous page ended."""

    def __post_init__(self) -> None:
        unknown = [kind for kind in self.kinds if kind not in KINDS]
        if unknown:
            raise TimelineFilterError(_kind_message(unknown[0]))
        kinds = tuple(kind for kind in KINDS if kind in self.kinds) or KINDS
        object.__setattr__(self, "kinds", kinds)
        if self.year is not None and not datetime.MINYEAR <= self.year <= datetime.MAXYEAR:
            raise TimelineFilterError(_year_message(self.year))
        for name in ("event", "speaker"):
            value = getattr(self, name)
            if value is not None and not _SLUG.fullmatch(value):
                raise TimelineFilterError(
                    gettext(
                        "{name}='{value}' is not a slug: use letters, digits and hyphens"
                    ).format(name=name, value=value)
                )
        if self.cursor is not None:
            decode_cursor(self.cursor)

    @classmethod
    def from_query(cls, params: Mapping[str, Any]) -> TimelineFilters:
        """Read ``kind`` (repeatable), ``year``, ``event``, ``speaker`` and ``cursor``.

        Empty parameters take the default, so a form's blank choice means "all".
        """
        if hasattr(params, "getlist"):
            raw_kinds = params.getlist("kind")
        else:
            given = params.get("kind")
            raw_kinds = list(given) if isinstance(given, list | tuple) else [given]
        kinds = []
        for raw in raw_kinds:
            kind = (raw or "").strip().lower()
            if kind and kind not in KINDS:
                raise TimelineFilterError(_kind_message(raw))
            if kind:
                kinds.append(kind)
        year_text = (params.get("year") or "").strip()
        year = None
        if year_text:
            if not re.fullmatch(r"\d{1,4}", year_text) or int(year_text) < datetime.MINYEAR:
                raise TimelineFilterError(_year_message(year_text))
            year = int(year_text)
        return cls(
            kinds=tuple(kinds),
            year=year,
            event=(params.get("event") or "").strip() or None,
            speaker=(params.get("speaker") or "").strip() or None,
            cursor=(params.get("cursor") or "").strip() or None,
        )

    def as_query(self) -> list[tuple[str, str]]:
        """The non-default choices as query pairs (``kind`` repeats), for ``urlencode``."""
        query: list[tuple[str, str]] = []
        if self.kinds != KINDS:
            query.extend(("kind", kind) for kind in self.kinds)
        if self.year is not None:
            query.append(("year", str(self.year)))
        if self.event:
            query.append(("event", self.event))
        if self.speaker:
            query.append(("speaker", self.speaker))
        if self.cursor:
            query.append(("cursor", self.cursor))
        return query

    def with_cursor(self, cursor: str | None) -> TimelineFilters:
        return replace(self, cursor=cursor)

    @property
    def after(self) -> SortKey | None:
        """The sort key the previous page ended on, or None for the first page."""
        return decode_cursor(self.cursor) if self.cursor else None


def _kind_message(value: Any) -> str:
    return gettext("kind='{value}' is not a kind: use race, quote or moment").format(value=value)


def _year_message(value: Any) -> str:
    return gettext("year='{value}' is not a year: write one like 2023").format(value=value)


def encode_cursor(key: SortKey) -> str:
    """An opaque, URL-safe string for a sort key."""
    day, rank, position, kind_rank, pk = key
    text = f"{_CURSOR_VERSION}.{day.isoformat()}.{rank}.{position}.{kind_rank}.{pk}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> SortKey:
    """The sort key inside a cursor; anything else is a TimelineFilterError."""
    problem = gettext(
        "cursor='{value}' is not a cursor from this timeline: start again without it"
    ).format(value=cursor)
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        version, day, *numbers = text.split(".")
        rank, position, kind_rank, pk = (int(number) for number in numbers)
        key = (datetime.date.fromisoformat(day), rank, position, kind_rank, pk)
    except (binascii.Error, UnicodeError, ValueError):
        raise TimelineFilterError(problem) from None
    valid = (
        version == _CURSOR_VERSION
        and rank in {p.rank for p in Precision}
        and 0 <= position <= 3 * max(ROUND_ORDER.values()) + _AFTER
        and kind_rank in KIND_RANK.values()
        and pk >= 0
    )
    if not valid:
        raise TimelineFilterError(problem)
    return key


# --- what a page holds -----------------------------------------------------------------------


@dataclass(frozen=True)
class MemberResult:
    """One member's result in a race on the timeline."""

    athlete: Athlete
    place: int | None
    time_ms: int | None
    status: str
    flags: tuple[str, ...]
    hand_timed: bool = False

    @property
    def time(self) -> str:
        """As athletics shows it ("3:45.34", "3:30.2h"); empty unless finished."""
        return marks.format(self.time_ms, self.hand_timed) if self.time_ms is not None else ""


@dataclass(frozen=True)
class RaceItem:
    """A race (or upcoming race) with what the members did in it."""

    race: Race
    """With ``meet`` and ``event`` loaded."""
    results: tuple[MemberResult, ...]
    """The members' results, in finishing order."""
    ahead: Athlete | None
    """The member ahead of every member they met; None for a tie, no decision or no meeting."""
    tally_after: dict[str, int]
    """Member slug -> counted meetings so far in which that member was ahead."""

    @property
    def upcoming(self) -> bool:
        return self.race.status == Race.Status.SCHEDULED


@dataclass(frozen=True)
class NextMeeting:
    """The race in which a quote's speaker next met its target."""

    race: Race
    date: datetime.date
    certain: bool
    """False when the meeting falls inside the quote's date, which may come after it."""


@dataclass(frozen=True)
class QuoteItem:
    """A quote, paired with what happened next between speaker and target."""

    quote: Quote
    """With ``speaker``, ``source``, ``race`` (not its meet or event) and ``about`` loaded."""
    next_meeting: NextMeeting | None


@dataclass(frozen=True)
class MomentItem:
    """A moment: neither race nor quote, but part of the story."""

    moment: Moment
    """With ``source`` and ``athletes`` loaded."""


@dataclass(frozen=True)
class Item:
    """One entry; exactly one of ``race``, ``quote`` and ``moment`` is set, as ``kind`` says."""

    kind: Kind
    date: PreciseDate
    sort_key: SortKey
    race: RaceItem | None = None
    quote: QuoteItem | None = None
    moment: MomentItem | None = None


@dataclass(frozen=True)
class TimelinePage:
    """One keyset page: ``next_cursor`` continues it without counting or offsets."""

    items: tuple[Item, ...]
    next_cursor: str | None
    """None on the last page."""
    filters: TimelineFilters
    members: tuple[Athlete, ...]
    """The rivalry's members in their order."""
    pairs: Mapping[Pair, list[Meeting]]
    """Every meeting of each pair of members, oldest first, when the page needed them."""

    @property
    def next_filters(self) -> TimelineFilters | None:
        """The same choices, continuing after this page."""
        return self.filters.with_cursor(self.next_cursor) if self.next_cursor else None


# --- the page --------------------------------------------------------------------------------


def page(
    rivalry: Rivalry, filters: TimelineFilters = TimelineFilters(), *, size: int = PAGE_SIZE
) -> TimelinePage:
    """The items after ``filters.cursor``: a fixed number of queries, whatever the length."""
    if size < 1:
        raise ValueError(f"size={size} is not a page size: it must be at least 1")
    members = tuple(
        Athlete.objects.filter(memberships__rivalry=rivalry).order_by(
            "memberships__order", "memberships__id"
        )
    )
    member_ids = [member.pk for member in members]
    after = filters.after
    found: list[tuple[SortKey, models.Model]] = []
    if "race" in filters.kinds:
        found += [(_key(race, "date"), race) for race in _races(member_ids, filters, after, size)]
    if "quote" in filters.kinds:
        found += [
            (_key(quote, "said_on"), quote) for quote in _quotes(member_ids, filters, after, size)
        ]
    if "moment" in filters.kinds and not filters.event:
        found += [
            (_key(moment, "happened_on"), moment)
            for moment in _moments(member_ids, filters, after, size)
        ]
    found.sort(key=lambda pair: pair[0])
    shown = found[:size]
    next_cursor = encode_cursor(shown[-1][0]) if len(found) > size else None

    races = [obj for _, obj in shown if isinstance(obj, Race)]
    quotes = [obj for _, obj in shown if isinstance(obj, Quote)]
    moments = [obj for _, obj in shown if isinstance(obj, Moment)]
    pairs = _pair_meetings(members) if races or quotes else {}
    race_items = _race_items(races, members, filters, pairs)
    models.prefetch_related_objects(quotes, "about")
    next_meetings = _next_meetings(quotes, pairs, {race.pk: race for race in races})
    models.prefetch_related_objects(moments, "athletes")

    items = []
    for key, obj in shown:
        if isinstance(obj, Race):
            kind: Kind = "upcoming" if obj.status == Race.Status.SCHEDULED else "race"
            item = Item(kind, PreciseDate(obj.date), key, race=race_items[obj.pk])
        elif isinstance(obj, Quote):
            item = Item("quote", obj.said, key, quote=QuoteItem(obj, next_meetings[obj.pk]))
        else:
            item = Item("moment", obj.happened, key, moment=MomentItem(obj))
        items.append(item)
    return TimelinePage(
        items=tuple(items), next_cursor=next_cursor, filters=filters, members=members, pairs=pairs
    )


def next_page_url(path: str, page: TimelinePage) -> str | None:
    """``path?…`` for the page after ``page``, keeping its filters; None on the last page."""
    following = page.next_filters
    return f"{path}?{urlencode(following.as_query())}" if following else None


def _key(obj: models.Model, date_field: str) -> SortKey:
    """The sort key from the columns the keyset query annotated."""
    kind_rank = KIND_RANK[_KIND_OF[type(obj)]]
    return (getattr(obj, date_field), obj.sort_rank, obj.sort_position, kind_rank, obj.pk)


_KIND_OF: dict[type[models.Model], str] = {Race: "race", Quote: "quote", Moment: "moment"}


# --- keyset SQL ------------------------------------------------------------------------------


def _precision_rank(field: str) -> Case:
    return Case(
        *(When(**{field: precision.value}, then=Value(precision.rank)) for precision in Precision),
        default=Value(0),
        output_field=IntegerField(),
    )


def _round_position(round_field: str, offset: int, **condition: Any) -> list[When]:
    """Whens giving ``3 * round order + offset``: heats' items before the final's."""
    return [
        When(**{round_field: name}, **condition, then=Value(3 * order + offset))
        for name, order in ROUND_ORDER.items()
    ]


def _race_position() -> Case:
    return Case(*_round_position("round", _RACE), default=Value(_RACE), output_field=IntegerField())


def _lexicographic(columns: Sequence[tuple[str, Any]], lookup: str, *, or_equal: bool) -> Q:
    """``(c1, c2, …) > (v1, v2, …)`` (or ``<``, ``>=``) as an OR-chain every database reads."""
    branches = []
    equal = Q()
    for column, value in columns:
        branches.append(equal & Q(**{f"{column}__{lookup}": value}))
        equal &= Q(**{column: value})
    if or_equal:
        branches.append(equal)
    return reduce(or_, branches)


def _after(after: SortKey, kind: str, date_field: str) -> Q:
    """Rows of ``kind`` whose full sort key is greater than ``after``."""
    day, rank, position, kind_rank, pk = after
    columns = [(date_field, day), ("sort_rank", rank), ("sort_position", position)]
    mine = KIND_RANK[kind]
    if mine > kind_rank:
        later = _lexicographic(columns, "gt", or_equal=True)
    elif mine < kind_rank:
        later = _lexicographic(columns, "gt", or_equal=False)
    else:
        later = _lexicographic([*columns, ("pk", pk)], "gt", or_equal=False)
    # Redundant, but a plain range on the date column lets the database use its index.
    return Q(**{f"{date_field}__gte": day}) & later


def _in_year(date_field: str, year: int) -> Q:
    return Q(
        **{
            f"{date_field}__gte": datetime.date(year, 1, 1),
            f"{date_field}__lte": datetime.date(year, 12, 31),
        }
    )


# The querysets below with their sort-key annotations, built once per process: resolving the
# CASE expressions of an annotation cost more on every request than PostgreSQL took to run the
# query. Each request only filters a clone (querysets are immutable).


@functools.cache
def _keyed_races() -> models.QuerySet[Race]:
    return Race.objects.annotate(
        sort_rank=Value(Precision.DAY.rank, output_field=IntegerField()),
        sort_position=_race_position(),
    ).select_related("meet", "event")


@functools.cache
def _keyed_quotes() -> models.QuerySet[Quote]:
    return (
        Quote.objects.published()
        # Named once, so that the eight conditions below do not each set up the join again.
        .annotate(linked_round=F("race__round"))
        .annotate(
            sort_rank=_precision_rank("said_on_precision"),
            sort_position=Case(
                *_round_position("linked_round", _BEFORE, timing=Timing.BEFORE),
                *_round_position("linked_round", _AFTER, timing=Timing.AFTER),
                default=Value(UNLINKED_POSITION),
                output_field=IntegerField(),
            ),
        )
        .select_related("speaker", "source", "race")
    )


@functools.cache
def _keyed_moments() -> models.QuerySet[Moment]:
    return (
        Moment.objects.published()
        .annotate(
            sort_rank=_precision_rank("happened_on_precision"),
            sort_position=Value(UNLINKED_POSITION, output_field=IntegerField()),
        )
        .select_related("source")
    )


def _races(
    member_ids: Sequence[int], filters: TimelineFilters, after: SortKey | None, size: int
) -> list[Race]:
    """Races where two members have a result (upcoming: two entered), in key order."""
    shown = Q(status__in=SHOWN_STATUSES, race__status=Race.Status.OFFICIAL) | Q(
        status=ResultStatus.ENTERED, race__status=Race.Status.SCHEDULED
    )
    # Which races, from the members' results alone; only those races are then joined to their
    # meet and event (joining every result's race first cost twice as much).
    with_two_members = (
        Result.objects.filter(shown, athlete_id__in=member_ids)
        .values("race_id")
        .annotate(members=Count("pk"))
        .filter(members__gte=2)
        .values("race_id")
    )
    races = _keyed_races().filter(pk__in=with_two_members)
    if filters.year is not None:
        races = races.filter(_in_year("date", filters.year))
    if filters.event:
        races = races.filter(event__slug=filters.event)
    if after is not None:
        races = races.filter(_after(after, "race", "date"))
    return list(races.order_by("date", "sort_position", "pk")[: size + 1])


def _quotes(
    member_ids: Sequence[int], filters: TimelineFilters, after: SortKey | None, size: int
) -> list[Quote]:
    """Published quotes by a member about another member, in key order."""
    about_another_member = Quote.about.through.objects.filter(
        quote_id=OuterRef("pk"), athlete_id__in=member_ids
    ).exclude(athlete_id=OuterRef("speaker_id"))
    quotes = _keyed_quotes().filter(speaker_id__in=member_ids).filter(Exists(about_another_member))
    if filters.year is not None:
        quotes = quotes.filter(_in_year("said_on", filters.year))
    if filters.event:
        quotes = quotes.filter(race__event__slug=filters.event)
    if filters.speaker:
        quotes = quotes.filter(speaker__slug=filters.speaker)
    if after is not None:
        quotes = quotes.filter(_after(after, "quote", "said_on"))
    return list(quotes.order_by("said_on", "sort_rank", "sort_position", "pk")[: size + 1])


def _moments(
    member_ids: Sequence[int], filters: TimelineFilters, after: SortKey | None, size: int
) -> list[Moment]:
    """Published moments linked to a member, in key order."""
    linked_to_member = Moment.athletes.through.objects.filter(
        moment_id=OuterRef("pk"), athlete_id__in=member_ids
    )
    moments = _keyed_moments().filter(Exists(linked_to_member))
    if filters.year is not None:
        moments = moments.filter(_in_year("happened_on", filters.year))
    if after is not None:
        moments = moments.filter(_after(after, "moment", "happened_on"))
    return list(moments.order_by("happened_on", "sort_rank", "pk")[: size + 1])


# --- races: results, who was ahead, the running tally ----------------------------------------


def _pair_meetings(members: Sequence[Athlete]) -> dict[Pair, list[Meeting]]:
    """Every meeting of each pair of members, oldest first: one query per pair.

    A rivalry's meetings are few (a few hundred at most, however large the record), so the
    tally before a page, who was ahead on it and each quote's next meeting are all read from
    these lists rather than asked of the database once each.
    """
    return {(a, b): pair_meetings(a.pk, b.pk) for a, b in combinations(members, 2)}


def _race_items(
    races: Sequence[Race],
    members: Sequence[Athlete],
    filters: TimelineFilters,
    pairs: Mapping[Pair, list[Meeting]],
) -> dict[int, RaceItem]:
    """Each race's member results, who was ahead and the tally after it.

    One query for the results; the rest comes from the pairs' meetings (the head-to-head's
    rule), counted up to the page's first race.
    """
    if not races:
        return {}
    by_id = {member.pk: member for member in members}
    results: dict[int, list[MemberResult]] = defaultdict(list)
    rows = Result.objects.filter(
        race_id__in=[race.pk for race in races], athlete_id__in=list(by_id)
    ).order_by(F("place").asc(nulls_last=True), "status", "pk")
    for row in rows:
        results[row.race_id].append(
            MemberResult(
                athlete=by_id[row.athlete_id],
                place=row.place,
                time_ms=row.time_ms,
                status=row.status,
                flags=tuple(row.flags.split()),
                hand_timed=row.hand_timed,
            )
        )

    first = races[0]
    page_starts = (first.date, ROUND_ORDER.get(first.round, -1), first.pk)
    on_page = {race.pk for race in races if race.status == Race.Status.OFFICIAL}
    tally = {member.slug: 0 for member in members}
    pair_results: dict[int, list[tuple[Athlete, Athlete, str | None]]] = defaultdict(list)
    for (a, b), meetings in pairs.items():
        for meeting in meetings:
            if meeting.race_id in on_page:
                pair_results[meeting.race_id].append((a, b, meeting.ahead))
            counted = not filters.event or meeting.event_slug == filters.event
            before_page = chronological_key(meeting) < page_starts
            if counted and before_page and meeting.ahead in ("a", "b"):
                tally[(a if meeting.ahead == "a" else b).slug] += 1

    items = {}
    for race in races:  # in timeline order, which is the head-to-head's chronological order
        pairs_here = pair_results.get(race.pk, [])
        for a, b, ahead in pairs_here:
            if ahead == "a":
                tally[a.slug] += 1
            elif ahead == "b":
                tally[b.slug] += 1
        statuses = (
            (ResultStatus.ENTERED,) if race.status == Race.Status.SCHEDULED else SHOWN_STATUSES
        )
        items[race.pk] = RaceItem(
            race=race,
            results=tuple(result for result in results[race.pk] if result.status in statuses),
            ahead=_ahead_of_all(pairs_here),
            tally_after=dict(tally),
        )
    return items


def _ahead_of_all(pairs: Iterable[tuple[Athlete, Athlete, str | None]]) -> Athlete | None:
    """The member ahead in every meeting they had in one race; None if no one was."""
    won: dict[int, Athlete] = {}
    not_ahead: set[int] = set()
    for a, b, ahead in pairs:
        for me, other, mine in ((a, b, "a"), (b, a, "b")):
            if ahead == mine:
                won[me.pk] = me
                not_ahead.add(other.pk)
            else:
                not_ahead.add(me.pk)
    leaders = [athlete for pk, athlete in won.items() if pk not in not_ahead]
    return leaders[0] if len(leaders) == 1 else None


# --- quotes: what happened next --------------------------------------------------------------


def _next_meetings(
    quotes: Sequence[Quote], pairs: Mapping[Pair, list[Meeting]], loaded: Mapping[int, Race]
) -> dict[int, NextMeeting | None]:
    """For each quote, the next meeting of its speaker and a member it is about.

    Read from the pairs' meetings (``quotes`` have ``about`` prefetched). The races found are
    most often on the page already (``loaded``, with meet and event); one query loads the rest.
    """
    if not quotes:
        return {}
    with_member: dict[tuple[int, int], list[Meeting]] = {}
    for (a, b), meetings in pairs.items():
        with_member[a.pk, b.pk] = with_member[b.pk, a.pk] = meetings

    def first_meeting(quote: Quote, starts: Callable[[Meeting], bool]) -> Meeting | None:
        candidates = [
            meeting
            for target in quote.about.all()
            for meeting in with_member.get((quote.speaker_id, target.pk), ())
            if starts(meeting)
        ]
        return min(candidates, key=chronological_key, default=None)

    linked: set[int] = set()
    """Quotes said before a race that was a meeting: what happened next is that race."""
    found: dict[int, Meeting | None] = {}
    for quote in quotes:
        if (
            quote.race_id
            and quote.timing == Timing.BEFORE
            and first_meeting(
                quote, lambda meeting, race_id=quote.race_id: meeting.race_id == race_id
            )
        ):
            linked.add(quote.pk)
        elif quote.race_id and quote.timing == Timing.AFTER:
            found[quote.pk] = first_meeting(
                quote, lambda meeting, day=quote.race.date: meeting.date > day
            )
        else:
            found[quote.pk] = first_meeting(
                quote, lambda meeting, day=quote.said_on: meeting.date >= day
            )
    race_ids = {meeting.race_id for meeting in found.values() if meeting is not None}
    race_ids |= {quote.race_id for quote in quotes if quote.pk in linked}
    races = {pk: loaded[pk] for pk in race_ids if pk in loaded}
    if missing := race_ids - races.keys():
        races |= Race.objects.select_related("meet", "event").in_bulk(missing)

    answers: dict[int, NextMeeting | None] = {}
    for quote in quotes:
        meeting = found.get(quote.pk)
        if quote.pk in linked:
            race = races[quote.race_id]
            answers[quote.pk] = NextMeeting(race, race.date, certain=True)
        elif meeting is None:
            answers[quote.pk] = None
        elif quote.race_id and quote.timing == Timing.AFTER:
            race = races[meeting.race_id]
            answers[quote.pk] = NextMeeting(race, race.date, certain=True)
        else:
            race = races[meeting.race_id]
            answers[quote.pk] = NextMeeting(
                race, race.date, certain=quote.said.certainly_before(race.date)
            )
    return answers


# --- JSON ------------------------------------------------------------------------------------


def item_to_json(item: Item, url_for: Callable[[models.Model], str] = _no_url) -> dict[str, Any]:
    """One item in the JSON timeline's shape; every item has all keys, the others null."""
    obj: models.Model
    if item.race is not None:
        obj = item.race.race
    elif item.quote is not None:
        obj = item.quote.quote
    else:
        obj = item.moment.moment
    return {
        "kind": item.kind,
        "date": item.date.isoformat(),
        "precision": str(item.date.precision),
        "url": url_for(obj),
        "race": _race_json(item.race) if item.race else None,
        "quote": _quote_json(item.quote, url_for) if item.quote else None,
        "moment": _moment_json(item.moment) if item.moment else None,
    }


def page_to_json(
    rivalry: Rivalry,
    page: TimelinePage,
    next_url: str | None,
    url_for: Callable[[models.Model], str] = _no_url,
) -> dict[str, Any]:
    """The JSON timeline (DESIGN.md); ``next_url`` is a relative URL built by the caller."""
    return {
        "rivalry": {
            "slug": rivalry.slug,
            "title": rivalry.title,
            "members": [
                {"slug": member.slug, "name": member.name, "country": member.country_code}
                for member in page.members
            ],
        },
        "items": [item_to_json(item, url_for) for item in page.items],
        "next": next_url,
    }


def _race_json(item: RaceItem) -> dict[str, Any]:
    race = item.race
    return {
        "meet": race.meet.name,
        "name": race.name,
        "event": race.event.name,
        "round": race.round_label,
        "indoor": race.meet.indoor,
        "results": [
            {
                "athlete": result.athlete.slug,
                "place": result.place,
                "time": result.time or None,
                "status": result.status,
                "flags": list(result.flags),
            }
            for result in item.results
        ],
        "ahead": item.ahead.slug if item.ahead else None,
        "tally_after": dict(item.tally_after),
    }


def _quote_json(item: QuoteItem, url_for: Callable[[models.Model], str]) -> dict[str, Any]:
    quote = item.quote
    following = item.next_meeting
    return {
        "speaker": quote.speaker.slug if quote.speaker_id else None,
        "about": [athlete.slug for athlete in quote.about.all()],
        "text": quote.text,
        "translation": quote.translation,
        "is_paraphrase": quote.is_paraphrase,
        "display": statements.plain(quote),
        "attribution": statements.attribution(quote),
        "source": _source_json(quote.source),
        "next_meeting": (
            {
                "race_url": url_for(following.race),
                "date": following.date.isoformat(),
                "certain": following.certain,
            }
            if following
            else None
        ),
    }


def _moment_json(item: MomentItem) -> dict[str, Any]:
    moment = item.moment
    return {
        "title": moment.title,
        "athletes": [athlete.slug for athlete in moment.athletes.all()],
        "source": _source_json(moment.source),
    }


def _source_json(source: Any) -> dict[str, str] | None:
    if source is None:
        return None
    return {"publisher": source.publisher, "title": source.title, "url": outbound(source.url)}
