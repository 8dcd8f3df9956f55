"""The rivalry timeline: what it shows, in which order, page by page, and its JSON."""

import datetime
from itertools import pairwise

import pytest
from django.http import QueryDict

from athletes import headtohead
from athletes.models import Race, ResultStatus, Round
from rivalries import timeline
from rivalries.dates import Precision
from rivalries.models import Timing
from rivalries.timeline import TimelineFilterError, TimelineFilters
from tests.factories import (
    AthleteFactory,
    EventFactory,
    MeetFactory,
    MomentFactory,
    QuoteFactory,
    RaceFactory,
    ResultFactory,
    RivalryFactory,
)

pytestmark = pytest.mark.django_db

d = datetime.date
DNF, DNS, DQ, ENTERED = ResultStatus.DNF, ResultStatus.DNS, ResultStatus.DQ, ResultStatus.ENTERED
# members, races, results, two tally queries for one pair, quotes (+ about), their next
# meetings (+ those races), moments (+ athletes): the same on every page of every rivalry.
QUERIES_PER_PAGE = 11


# --- building the data a test talks about ----------------------------------------------------


@pytest.fixture
def kerr():
    return AthleteFactory(name="Josh Kerr")


@pytest.fixture
def jakob():
    return AthleteFactory(name="Jakob Ingebrigtsen")


@pytest.fixture
def rivalry(kerr, jakob):
    return RivalryFactory(title="Kerr vs Ingebrigtsen", members=[kerr, jakob])


def race(day, *outcomes, meet=None, status=Race.Status.OFFICIAL, **fields):
    """A race on ``day``; outcomes are (athlete, place) or (athlete, status) or
    (athlete, place, time_ms)."""
    race = RaceFactory(meet=meet or MeetFactory(start_date=day), date=day, status=status, **fields)
    for athlete, outcome, *time in outcomes:
        if isinstance(outcome, int):
            time_ms = time[0] if time else 210_000 + outcome * 250
            ResultFactory(race=race, athlete=athlete, place=outcome, time_ms=time_ms)
        else:
            ResultFactory(race=race, athlete=athlete, status=outcome, place=None, time_ms=None)
    return race


def quote(speaker, about, day, precision=Precision.DAY, **fields):
    return QuoteFactory(
        speaker=speaker, about=about, said_on=day, said_on_precision=precision, **fields
    )


def moment(athletes, day, precision=Precision.DAY, **fields):
    return MomentFactory(
        athletes=athletes, happened_on=day, happened_on_precision=precision, **fields
    )


def everything(rivalry, filters=None, size=100):
    return timeline.page(rivalry, filters or TimelineFilters(), size=size).items


def shown(rivalry, filters=None):
    """What each item is, in timeline order: the Race, Quote or Moment."""
    return [
        (item.race and item.race.race) or (item.quote and item.quote.quote) or item.moment.moment
        for item in everything(rivalry, filters)
    ]


def all_pages(rivalry, filters=None, size=20):
    filters = filters or TimelineFilters()
    pages = [timeline.page(rivalry, filters, size=size)]
    while pages[-1].next_cursor:
        pages.append(timeline.page(rivalry, pages[-1].next_filters, size=size))
    return pages


# --- what the timeline shows, in what order --------------------------------------------------


def test_items_merge_in_date_order(rivalry, kerr, jakob):
    final = race(d(2023, 8, 23), (kerr, 1), (jakob, 2))
    said = quote(jakob, [kerr], d(2023, 8, 1))
    injury = moment([kerr], d(2023, 9, 5))
    earlier = race(d(2023, 6, 9), (jakob, 1), (kerr, 3))
    upcoming = race(d(2024, 5, 25), (kerr, ENTERED), (jakob, ENTERED), status="scheduled")
    assert shown(rivalry) == [earlier, said, final, injury, upcoming]
    assert [item.kind for item in everything(rivalry)] == [
        "race",
        "quote",
        "race",
        "moment",
        "upcoming",
    ]


def test_same_start_sorts_day_before_month_before_year(rivalry, kerr, jakob):
    in_year = moment([kerr], d(2023, 1, 1), Precision.YEAR)
    in_month = quote(kerr, [jakob], d(2023, 1, 1), Precision.MONTH)
    on_day = quote(jakob, [kerr], d(2023, 1, 1))
    assert shown(rivalry) == [on_day, in_month, in_year]
    assert [item.date.precision for item in everything(rivalry)] == ["day", "month", "year"]


def test_quote_linked_before_comes_before_its_race_and_after_comes_after(rivalry, kerr, jakob):
    day = d(2023, 8, 20)
    meet = MeetFactory(start_date=day)
    final = race(day, (kerr, 1), (jakob, 2), meet=meet)
    heat = race(day, (kerr, 2), (jakob, 1), meet=meet, round=Round.HEAT, round_number=1)
    after_final = quote(kerr, [jakob], day, race=final, timing=Timing.AFTER)
    before_final = quote(jakob, [kerr], day, race=final, timing=Timing.BEFORE)
    after_heat = quote(kerr, [jakob], day, race=heat, timing=Timing.AFTER)
    before_heat = quote(jakob, [kerr], day, race=heat, timing=Timing.BEFORE)
    unlinked = quote(kerr, [jakob], day)
    assert shown(rivalry) == [
        unlinked,
        before_heat,
        heat,
        after_heat,
        before_final,
        final,
        after_final,
    ]


@pytest.mark.parametrize(
    ("outcomes", "is_shown"),
    [
        ([("kerr", 1), ("jakob", 2)], True),
        ([("kerr", 1), ("jakob", DNS)], True),
        ([("kerr", DNF), ("jakob", DQ)], True),
        ([("kerr", DNS), ("jakob", DNS)], True),
        ([("kerr", 1), ("other", 2)], False),
        ([("kerr", 1)], False),
        ([("kerr", ENTERED), ("jakob", ENTERED)], False),
    ],
)
def test_race_shows_only_when_two_members_have_results(rivalry, kerr, jakob, outcomes, is_shown):
    people = {"kerr": kerr, "jakob": jakob, "other": AthleteFactory()}
    ran = race(d(2023, 7, 1), *[(people[name], outcome) for name, outcome in outcomes])
    assert (ran in shown(rivalry)) is is_shown


def test_race_carries_each_members_place_time_status_and_flags(rivalry, kerr, jakob):
    ran = race(d(2023, 7, 1), (jakob, DNF))
    ResultFactory(race=ran, athlete=kerr, place=1, time_ms=209_371, flags="WL PB")
    ResultFactory(race=ran, athlete=AthleteFactory(), place=2)  # not a member
    (item,) = everything(rivalry)
    assert [
        (result.athlete, result.place, result.time, result.status, result.flags)
        for result in item.race.results
    ] == [(kerr, 1, "3:29.38", "finished", ("WL", "PB")), (jakob, None, "", "DNF", ())]
    assert item.race.ahead == kerr


@pytest.mark.parametrize(
    "case",
    [
        "about a non-member",
        "by a non-member",
        "about only the speaker",
        "by a non-athlete",
        "unpublished",
    ],
)
def test_quote_needs_a_member_speaking_of_another_member_and_to_be_published(
    rivalry, kerr, jakob, case
):
    other = AthleteFactory()
    fields = {
        "about a non-member": {"speaker": kerr, "about": [other]},
        "by a non-member": {"speaker": other, "about": [kerr]},
        "about only the speaker": {"speaker": kerr, "about": [kerr]},
        "by a non-athlete": {"speaker": None, "speaker_name": "A coach", "about": [kerr]},
        "unpublished": {"speaker": kerr, "about": [jakob], "published": False},
    }[case]
    QuoteFactory(**fields)
    kept = quote(kerr, [kerr, other, jakob], d(2024, 1, 1))
    assert shown(rivalry) == [kept]


def test_moment_needs_a_member_and_to_be_published(rivalry, kerr, jakob):
    moment([AthleteFactory()], d(2023, 5, 1))
    moment([kerr], d(2023, 5, 2), published=False)
    kept = moment([jakob, AthleteFactory()], d(2023, 5, 3))
    assert shown(rivalry) == [kept]


def test_upcoming_race_shows_when_two_members_are_entered(rivalry, kerr, jakob):
    both = race(d(2024, 6, 1), (kerr, ENTERED), (jakob, ENTERED), status="scheduled")
    race(d(2024, 6, 2), (kerr, ENTERED), (AthleteFactory(), ENTERED), status="scheduled")
    (item,) = everything(rivalry)
    assert (item.kind, item.race.race, item.race.ahead) == ("upcoming", both, None)
    assert [result.status for result in item.race.results] == ["entered", "entered"]


# --- who was ahead, and the tally after each race --------------------------------------------


def test_tally_after_matches_head_to_head_for_two_members(rivalry, kerr, jakob):
    meet = MeetFactory(start_date=d(2023, 8, 20))
    # The final is stored before its heat: the tally still counts the heat first.
    race(d(2023, 8, 20), (kerr, 1), (jakob, 2), meet=meet)
    race(d(2023, 8, 20), (kerr, 4), (jakob, 1), meet=meet, round=Round.HEAT, round_number=1)
    race(d(2022, 7, 1), (kerr, 1), (jakob, 2))
    race(d(2022, 8, 1), (kerr, DNF), (jakob, 5))  # a finisher is ahead of a DNF
    race(d(2022, 9, 1), (kerr, 3), (jakob, DNS))  # a DNS is not a meeting
    race(d(2023, 1, 1), (kerr, 2, 212_000), (jakob, 2, 212_000))  # a tie
    race(d(2023, 2, 1), (kerr, DQ), (jakob, DNF))  # no decision
    race(d(2023, 3, 1), (kerr, 3, 212_000), (jakob, 3, 211_990))  # equal places: faster time
    race(d(2024, 6, 1), (kerr, ENTERED), (jakob, ENTERED), status="scheduled")
    moment([kerr], d(2023, 1, 1))

    h2h = headtohead.between(kerr, jakob)
    expected = {
        meeting.race_id: tally
        for meeting, tally in zip(
            headtohead.chronological(h2h.meetings),
            headtohead.tally_after_each(h2h.meetings),
            strict=True,
        )
    }
    race_items = [
        item.race
        for page in all_pages(rivalry, size=3)
        for item in page.items
        if item.race is not None
    ]
    assert len(race_items) == 9
    running = {kerr.slug: 0, jakob.slug: 0}
    for item in race_items:
        tally = expected.get(item.race.pk)
        if tally is not None:
            running = {kerr.slug: tally.a_ahead, jakob.slug: tally.b_ahead}
        assert item.tally_after == running, item.race
    assert running == {kerr.slug: h2h.overall.a_ahead, jakob.slug: h2h.overall.b_ahead}
    assert [item.ahead for item in race_items] == [
        kerr,
        jakob,
        None,
        None,
        None,
        jakob,
        jakob,
        kerr,
        None,
    ]


def test_three_members_tally_counts_pairwise_wins():
    a, b, c = AthleteFactory(), AthleteFactory(), AthleteFactory()
    rivalry = RivalryFactory(members=[a, b, c])
    race(d(2023, 1, 1), (a, 1), (b, 2), (c, 3))
    race(d(2023, 2, 1), (a, DNF), (b, 1), (c, DNS))
    race(d(2023, 3, 1), (a, 1), (b, 1, 210_250), (c, 2))  # a and b tie; both ahead of c
    items = everything(rivalry)
    assert [item.race.tally_after for item in items] == [
        {a.slug: 2, b.slug: 1, c.slug: 0},
        {a.slug: 2, b.slug: 2, c.slug: 0},
        {a.slug: 3, b.slug: 3, c.slug: 0},
    ]
    assert [item.race.ahead for item in items] == [a, b, None]


def test_event_filter_scopes_the_tally_to_that_event(rivalry, kerr, jakob):
    mile = EventFactory(name="Mile", distance_m=1609.344)
    race(d(2023, 1, 1), (kerr, 1), (jakob, 2), event=mile)
    race(d(2023, 2, 1), (kerr, 2), (jakob, 1))
    (item,) = everything(rivalry, TimelineFilters(event="1500m"))
    assert item.race.tally_after == {kerr.slug: 0, jakob.slug: 1}


# --- what happened next ----------------------------------------------------------------------


def next_meeting(rivalry, said):
    (item,) = [item for item in everything(rivalry) if item.quote and item.quote.quote == said]
    meeting = item.quote.next_meeting
    return meeting and (meeting.race, meeting.certain)


def test_quote_linked_before_a_race_both_ran_is_answered_by_that_race(rivalry, kerr, jakob):
    race(d(2023, 8, 1), (kerr, 1), (jakob, 2))
    final = race(d(2023, 8, 23), (kerr, 1), (jakob, 2))
    said = quote(jakob, [kerr], d(2023, 8, 1), Precision.MONTH, race=final, timing="before")
    assert next_meeting(rivalry, said) == (final, True)


def test_quote_linked_before_a_race_the_target_missed_falls_back_to_its_date(rivalry, kerr, jakob):
    missed = race(d(2023, 8, 23), (kerr, 1), (jakob, DNS))
    later = race(d(2023, 9, 8), (kerr, 2), (jakob, 1))
    said = quote(jakob, [kerr], d(2023, 8, 22), race=missed, timing="before")
    assert next_meeting(rivalry, said) == (later, True)


def test_quote_linked_after_a_race_is_answered_strictly_after_that_day(rivalry, kerr, jakob):
    day = d(2023, 8, 20)
    meet = MeetFactory(start_date=day)
    heat = race(day, (kerr, 2), (jakob, 1), meet=meet, round=Round.HEAT, round_number=1)
    race(day, (kerr, 1), (jakob, 2), meet=meet)
    later = race(d(2023, 9, 8), (kerr, 2), (jakob, 1))
    said = quote(kerr, [jakob], day, race=heat, timing="after")
    assert next_meeting(rivalry, said) == (later, True)


@pytest.mark.parametrize(
    ("said_on", "precision", "meetings", "expected"),
    [
        (d(2023, 8, 1), Precision.MONTH, [d(2023, 7, 30), d(2023, 8, 23)], (1, False)),
        (d(2023, 8, 1), Precision.MONTH, [d(2023, 7, 30), d(2023, 9, 2)], (1, True)),
        (d(2023, 8, 1), Precision.MONTH, [d(2023, 8, 1)], (0, False)),
        (d(2023, 8, 23), Precision.DAY, [d(2023, 8, 23), d(2023, 9, 2)], (0, False)),
        (d(2023, 8, 22), Precision.DAY, [d(2023, 8, 23)], (0, True)),
        (d(2023, 1, 1), Precision.YEAR, [d(2023, 12, 31), d(2024, 1, 1)], (0, False)),
        (d(2023, 1, 1), Precision.YEAR, [d(2024, 1, 1)], (0, True)),
        (d(2023, 8, 1), Precision.MONTH, [d(2023, 7, 30)], None),
        (d(2023, 8, 1), Precision.MONTH, [], None),
    ],
)
def test_unlinked_quote_is_answered_by_first_meeting_from_its_start_uncertain_inside_it(
    rivalry, kerr, jakob, said_on, precision, meetings, expected
):
    races = [race(day, (kerr, 1), (jakob, 2)) for day in meetings]
    said = quote(kerr, [jakob], said_on, precision)
    if expected is None:
        assert next_meeting(rivalry, said) is None
    else:
        index, certain = expected
        assert next_meeting(rivalry, said) == (races[index], certain)


def test_next_meeting_needs_the_speaker_and_a_member_target_to_start():
    a, b, c = AthleteFactory(), AthleteFactory(), AthleteFactory()
    rivalry = RivalryFactory(members=[a, b, c])
    race(d(2023, 8, 2), (a, 1), (c, 2))  # c is not a target
    race(d(2023, 8, 3), (a, 1), (b, DNS))  # a DNS is not a meeting
    race(d(2023, 8, 4), (a, 1), (b, 2), status="scheduled")  # not official
    met = race(d(2023, 8, 5), (a, DNF), (b, DQ))
    said = quote(a, [b, AthleteFactory()], d(2023, 8, 1))
    assert next_meeting(rivalry, said) == (met, True)


# --- filters ---------------------------------------------------------------------------------


@pytest.fixture
def mixed(rivalry, kerr, jakob):
    """One of each kind over two years and two events."""
    mile = EventFactory(name="Mile", distance_m=1609.344)
    items = {
        "race_1500": race(d(2023, 8, 23), (kerr, 1), (jakob, 2)),
        "race_mile": race(d(2024, 5, 25), (kerr, 2), (jakob, 1), event=mile),
        "upcoming_1500": race(d(2025, 8, 1), (kerr, ENTERED), (jakob, ENTERED), status="scheduled"),
        "moment": moment([kerr], d(2024, 1, 1), Precision.YEAR),
    }
    items["quote_kerr"] = quote(
        kerr, [jakob], d(2023, 8, 23), race=items["race_1500"], timing="after"
    )
    items["quote_jakob"] = quote(jakob, [kerr], d(2024, 5, 1), Precision.MONTH)
    return items


def names_shown(rivalry, mixed, filters):
    name_of = {(type(obj), obj.pk): name for name, obj in mixed.items()}
    return [name_of[(type(obj), obj.pk)] for obj in shown(rivalry, filters)]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["race_1500", "quote_kerr", "moment", "quote_jakob", "race_mile", "upcoming_1500"]),
        ({"kind": ["race"]}, ["race_1500", "race_mile", "upcoming_1500"]),
        ({"kind": ["quote", "moment"]}, ["quote_kerr", "moment", "quote_jakob"]),
        ({"year": "2024"}, ["moment", "quote_jakob", "race_mile"]),
        ({"event": "1500m"}, ["race_1500", "quote_kerr", "upcoming_1500"]),
        ({"event": "mile"}, ["race_mile"]),
        ({"event": "5000m"}, []),
        (
            {"speaker": "jakob-ingebrigtsen"},
            ["race_1500", "moment", "quote_jakob", "race_mile", "upcoming_1500"],
        ),
        ({"speaker": "josh-kerr", "kind": ["quote"]}, ["quote_kerr"]),
        ({"kind": ["moment"], "event": "1500m"}, []),
    ],
)
def test_filters_keep_what_they_say(rivalry, mixed, params, expected):
    query = QueryDict(mutable=True)
    for name, value in params.items():
        if isinstance(value, list):
            query.setlist(name, value)
        else:
            query[name] = value
    filters = TimelineFilters.from_query(query)
    assert names_shown(rivalry, mixed, filters) == expected


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"kind": "races"}, "kind='races' is not a kind: use race, quote or moment"),
        ({"kind": "upcoming"}, "kind='upcoming' is not a kind: use race, quote or moment"),
        ({"year": "twenty"}, "year='twenty' is not a year: write one like 2023"),
        ({"year": "2023.5"}, "year='2023.5' is not a year: write one like 2023"),
        ({"year": "0"}, "year='0' is not a year: write one like 2023"),
        ({"event": "1500 m"}, "event='1500 m' is not a slug: use letters, digits and hyphens"),
        ({"speaker": "kerr?"}, "speaker='kerr?' is not a slug: use letters, digits and hyphens"),
        (
            {"cursor": "not-a-cursor"},
            "cursor='not-a-cursor' is not a cursor from this timeline: start again without it",
        ),
    ],
)
def test_bad_filter_values_are_refused_with_a_message_quoting_them(params, message):
    with pytest.raises(TimelineFilterError) as error:
        TimelineFilters.from_query(params)
    assert str(error.value) == message


def test_filters_read_a_query_dict_and_write_it_back():
    query = QueryDict("kind=quote&kind=Race&year=2023&event=mile&speaker=josh-kerr&cursor=")
    filters = TimelineFilters.from_query(query)
    assert filters == TimelineFilters(
        kinds=("race", "quote"), year=2023, event="mile", speaker="josh-kerr"
    )
    assert filters.as_query() == [
        ("kind", "race"),
        ("kind", "quote"),
        ("year", "2023"),
        ("event", "mile"),
        ("speaker", "josh-kerr"),
    ]
    assert TimelineFilters.from_query(QueryDict("kind=&year=")) == TimelineFilters()
    assert TimelineFilters().as_query() == []


# --- paging ----------------------------------------------------------------------------------


def make_items(kerr, jakob, months):
    """Nine items per month, all starting on the 1st: ties everywhere but the id."""
    for month in range(1, months + 1):
        day = d(2020 + (month - 1) // 12, (month - 1) % 12 + 1, 1)
        meet = MeetFactory(start_date=day)
        heat = race(day, (kerr, 1), (jakob, 2), meet=meet, round=Round.HEAT, round_number=1)
        final = race(day, (kerr, 2), (jakob, 1), meet=meet)
        quote(kerr, [jakob], day, race=heat, timing="before")
        quote(jakob, [kerr], day, race=final, timing="after")
        quote(kerr, [jakob], day)
        moment([kerr], day)
        moment([jakob], day)
        quote(jakob, [kerr], day, Precision.MONTH)
        moment([kerr, jakob], day, Precision.MONTH)


def test_pages_of_twenty_have_no_duplicates_or_gaps_across_ties(rivalry, kerr, jakob):
    make_items(kerr, jakob, months=5)
    pages = all_pages(rivalry)
    assert [len(page.items) for page in pages] == [20, 20, 5]
    assert pages[-1].next_cursor is None
    paged = [item.sort_key for page in pages for item in page.items]
    whole = [item.sort_key for item in everything(rivalry, size=100)]
    assert paged == whole
    assert len(set(paged)) == 45
    assert all(earlier < later for earlier, later in pairwise(paged))


@pytest.mark.parametrize("size", [1, 2, 7])
def test_any_page_size_walks_the_same_timeline(rivalry, kerr, jakob, size):
    make_items(kerr, jakob, months=2)
    paged = [item.sort_key for page in all_pages(rivalry, size=size) for item in page.items]
    assert paged == [item.sort_key for item in everything(rivalry)]


def test_next_page_keeps_the_filters(rivalry, kerr, jakob):
    make_items(kerr, jakob, months=3)
    filters = TimelineFilters(kinds=("quote",), speaker=kerr.slug)
    pages = all_pages(rivalry, filters, size=2)
    quotes = [item.quote.quote for page in pages for item in page.items]
    assert len(quotes) == 6
    assert {said.speaker for said in quotes} == {kerr}
    url = timeline.next_page_url("/api/v1/rivalries/x/timeline/", pages[0])
    assert url.startswith("/api/v1/rivalries/x/timeline/?kind=quote&speaker=josh-kerr&cursor=")
    assert timeline.next_page_url("/x/", pages[-1]) is None


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!",
        "dDEuMjAyMy0xMy0wMS4wLjAuMC4x",  # t1.2023-13-01.0.0.0.1: no such month
        "dDEuMjAyMy0wMS0wMS45LjAuMC4x",  # t1.2023-01-01.9.0.0.1: no such precision
        "eDEuMjAyMy0wMS0wMS4wLjAuMC4x",  # x1.…: not our version
        "dDEuMjAyMy0wMS0wMQ",  # t1.2023-01-01: too short
    ],
)
def test_malformed_cursor_is_refused(rivalry, cursor):
    with pytest.raises(TimelineFilterError, match=f"cursor='{cursor}' is not a cursor"):
        timeline.page(rivalry, TimelineFilters.from_query({"cursor": cursor}))


def test_cursor_round_trips_a_sort_key():
    key = (d(2023, 8, 23), 1, 11, 2, 12345)
    cursor = timeline.encode_cursor(key)
    assert timeline.decode_cursor(cursor) == key
    assert cursor.replace("-", "").replace("_", "").isalnum()


@pytest.mark.parametrize("months", [1, 10])
def test_queries_per_page_do_not_grow_with_the_rivalry(
    rivalry, kerr, jakob, months, django_assert_max_num_queries
):
    make_items(kerr, jakob, months=months)
    with django_assert_max_num_queries(QUERIES_PER_PAGE):
        first = timeline.page(rivalry, TimelineFilters(), size=5)
    with django_assert_max_num_queries(QUERIES_PER_PAGE):
        second = timeline.page(rivalry, first.next_filters, size=5)
    assert len(second.items) == (4 if months == 1 else 5)
    with django_assert_max_num_queries(QUERIES_PER_PAGE):
        full = timeline.page(rivalry, TimelineFilters(), size=20)
        timeline.page_to_json(rivalry, full, None)


# --- JSON ------------------------------------------------------------------------------------


def test_json_has_exactly_the_design_shape(rivalry, kerr, jakob):
    final = race(d(2023, 8, 23), (kerr, 1), (jakob, DNF))
    quote(kerr, [jakob], d(2023, 8, 1), Precision.MONTH, is_paraphrase=True)
    moment([kerr, jakob], d(2023, 9, 1), Precision.MONTH)
    race(d(2024, 6, 1), (kerr, ENTERED), (jakob, ENTERED), status="scheduled")
    page = timeline.page(rivalry, TimelineFilters(), size=3)
    data = timeline.page_to_json(
        rivalry, page, "/next/", url_for=lambda obj: f"/{type(obj).__name__.lower()}/{obj.pk}/"
    )
    assert set(data) == {"rivalry", "items", "next"}
    assert data["next"] == "/next/"
    assert set(data["rivalry"]) == {"slug", "title", "members"}
    assert data["rivalry"]["members"] == [
        {"slug": "josh-kerr", "name": "Josh Kerr", "country": "GBR"},
        {"slug": "jakob-ingebrigtsen", "name": "Jakob Ingebrigtsen", "country": "GBR"},
    ]
    said, ran, happened = data["items"]
    item_keys = {"kind", "date", "precision", "url", "race", "quote", "moment"}
    assert all(set(item) == item_keys for item in data["items"])

    assert (said["kind"], said["date"], said["precision"]) == ("quote", "2023-08", "month")
    assert (said["race"], said["moment"]) == (None, None)
    assert set(said["quote"]) == {
        "speaker",
        "about",
        "text",
        "translation",
        "is_paraphrase",
        "display",  # issue 18: the words as shown, a paraphrase as reported speech
        "attribution",
        "source",
        "next_meeting",
    }
    assert said["quote"]["speaker"] == "josh-kerr"
    assert said["quote"]["about"] == ["jakob-ingebrigtsen"]
    assert said["quote"]["is_paraphrase"] is True
    assert said["quote"]["display"].startswith("Paraphrase: ")
    assert "“" not in said["quote"]["display"]
    assert said["quote"]["attribution"].endswith("reporting Josh Kerr")
    assert set(said["quote"]["source"]) == {"publisher", "title", "url"}
    assert said["quote"]["next_meeting"] == {
        "race_url": f"/race/{final.pk}/",
        "date": "2023-08-23",
        "certain": False,
    }

    assert (ran["kind"], ran["date"], ran["precision"]) == ("race", "2023-08-23", "day")
    assert ran["url"] == f"/race/{final.pk}/"
    assert set(ran["race"]) == {
        "meet",
        "name",
        "event",
        "round",
        "indoor",
        "results",
        "ahead",
        "tally_after",
    }
    assert (ran["race"]["event"], ran["race"]["round"], ran["race"]["indoor"]) == (
        "1500m",
        "Final",
        False,
    )
    assert ran["race"]["results"] == [
        {"athlete": "josh-kerr", "place": 1, "time": "3:30.25", "status": "finished", "flags": []},
        {
            "athlete": "jakob-ingebrigtsen",
            "place": None,
            "time": None,
            "status": "DNF",
            "flags": [],
        },
    ]
    assert ran["race"]["ahead"] == "josh-kerr"
    assert ran["race"]["tally_after"] == {"josh-kerr": 1, "jakob-ingebrigtsen": 0}

    assert (happened["kind"], happened["date"]) == ("moment", "2023-09")
    assert set(happened["moment"]) == {"title", "athletes", "source"}
    assert happened["moment"]["athletes"] == ["jakob-ingebrigtsen", "josh-kerr"]

    upcoming = timeline.item_to_json(timeline.page(rivalry, page.next_filters).items[0])
    assert (upcoming["kind"], upcoming["url"], upcoming["race"]["ahead"]) == ("upcoming", "", None)
    assert upcoming["race"]["tally_after"] == {"josh-kerr": 1, "jakob-ingebrigtsen": 0}
