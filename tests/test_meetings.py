"""Meetings across the record (``athletes.meetings``) agree with the head-to-head of a pair."""

import datetime
from itertools import permutations

import pytest

from athletes import headtohead, meetings, profile
from athletes.models import BusyPair, Race
from rivalries import lists
from tests.factories import (
    AthleteFactory,
    EventFactory,
    MeetFactory,
    RaceFactory,
    ResultFactory,
    RivalryFactory,
)

pytestmark = pytest.mark.django_db

DNF = {"place": None, "time_ms": None, "status": "DNF"}
DQ = {"place": None, "time_ms": None, "status": "DQ"}
DNS = {"place": None, "time_ms": None, "status": "DNS"}


@pytest.fixture
def field():
    """Four athletes over races that exercise every rule of who was ahead."""
    a, b, c, d = (AthleteFactory(name=f"Runner {letter}") for letter in "ABCD")
    day = datetime.date(2024, 1, 1)
    races = [
        {a: (1, 200_000), b: (2, 200_500), c: (3, 201_000)},
        {a: (2, 200_100), b: (1, 200_000), d: DNF},
        {a: (1, 200_000), b: (1, 200_000), c: DQ},  # a tie
        {a: DNF, b: DQ, c: (1, 199_000)},  # neither a nor b finished
        {a: DNS, b: (1, 200_000), d: (2, 200_010)},  # a DNS is not a meeting
        {a: (3, 201_000), c: (1, 200_000), d: (2, 200_300)},
    ]
    for number, results in enumerate(races):
        race = RaceFactory(meet=MeetFactory(start_date=day + datetime.timedelta(days=number)))
        for athlete, outcome in results.items():
            fields = (
                outcome
                if isinstance(outcome, dict)
                else dict(zip(("place", "time_ms"), outcome, strict=True))
            )
            ResultFactory(race=race, athlete=athlete, **fields)
    scheduled = RaceFactory(status=Race.Status.SCHEDULED)
    ResultFactory(race=scheduled, athlete=a, place=None, time_ms=None, status="entered")
    ResultFactory(race=scheduled, athlete=b, place=None, time_ms=None, status="entered")
    return a, b, c, d


def test_scores_of_every_pair_equal_the_head_to_head(field):
    pairs = [(x.pk, y.pk) for x, y in permutations(field, 2)]
    scores = meetings.scores(pairs)
    for x, y in permutations(field, 2):
        assert scores[(x.pk, y.pk)] == headtohead.between(x, y).overall, (x, y)


def test_scores_of_pairs_that_never_met_are_empty(field):
    stranger = AthleteFactory()
    assert meetings.scores([(field[0].pk, stranger.pk)])[(field[0].pk, stranger.pk)].meetings == 0
    assert meetings.scores([]) == {}


def test_opponents_are_those_met_most_with_the_tally_from_the_athletes_side(field):
    a, b, c, _ = field
    found = meetings.opponents(a)
    assert [opponent.name for opponent in found] == ["Runner B", "Runner C", "Runner D"]
    assert found[0].tally == headtohead.between(a, b).overall
    assert found[0].tally.meetings == 4
    assert found[1].tally == headtohead.between(a, c).overall


@pytest.mark.parametrize("rivals", [8, 70])
def test_opponents_met_equally_often_go_by_name_however_many_tie(rivals):
    """One race against many: everyone is tied on one meeting, so the names decide, even when
    the tie runs past the busiest few that the query reads first."""
    me = AthleteFactory(name="Me Myself")
    names = [f"Rival {number:03d}" for number in range(rivals)]
    race = RaceFactory()
    ResultFactory(race=race, athlete=me, place=1, time_ms=200_000)
    for place, name in enumerate(reversed(names), start=2):  # ids in reverse name order
        ResultFactory(race=race, athlete=AthleteFactory(name=name), place=place, time_ms=201_000)
    found = meetings.opponents(me)
    assert [opponent.name for opponent in found] == names[:6]
    assert all(opponent.tally.meetings == opponent.tally.a_ahead == 1 for opponent in found)


def test_pairings_are_busiest_first_and_agree_with_the_head_to_head(field):
    assert meetings.store_busiest(meetings.pairings(), keep=10) == 6  # every pair of four met
    found = meetings.stored_pairings(BusyPair.objects.select_related("a", "b"))
    assert (found[0].a.name, found[0].b.name) == ("Runner A", "Runner B")
    for pairing in found:
        assert pairing.tally == headtohead.between(pairing.a, pairing.b).overall
    counts = [pairing.tally.meetings for pairing in found]
    assert counts == sorted(counts, reverse=True)
    a_b = found[0]
    assert a_b.mean_gap_ms == round((500 + 100 + 0) / 3)


def test_rivalries_in_the_data_leave_out_pairs_with_a_published_rivalry(field):
    a, b, c, d = field
    RivalryFactory(members=[a, b])
    RivalryFactory(members=[a, c], published=False)  # a draft has no page yet
    assert lists.in_the_data().pairs == []  # nothing is counted until count_in_the_data runs
    lists.count_in_the_data()
    counted = lists.in_the_data()
    pairs = [(pairing.a.name, pairing.b.name) for pairing in counted.pairs]
    assert ("Runner A", "Runner B") not in pairs
    assert ("Runner A", "Runner C") in pairs
    assert ("Runner C", "Runner D") in pairs
    assert counted.counted_at is not None
    # A rivalry published after the count leaves the list at once; the stored count stays.
    RivalryFactory(members=[c, d])
    pairs = [(pairing.a.name, pairing.b.name) for pairing in lists.in_the_data().pairs]
    assert ("Runner C", "Runner D") not in pairs
    assert ("Runner A", "Runner C") in pairs


def test_personal_bests_keep_the_fastest_per_event_indoors_and_out():
    athlete = AthleteFactory()
    mile = EventFactory(name="Mile", distance_m=1609.344)
    metric = EventFactory(name="1500m", distance_m=1500)

    def run(event, time_ms, day, indoor=False, status="finished"):
        race = RaceFactory(event=event, meet=MeetFactory(start_date=day, indoor=indoor))
        finished = status == "finished"
        ResultFactory(
            race=race,
            athlete=athlete,
            status=status,
            place=1 if finished else None,
            time_ms=time_ms if finished else None,
        )
        return race

    run(metric, 210_000, datetime.date(2022, 6, 1))
    first_best = run(metric, 209_000, datetime.date(2023, 6, 1))
    run(metric, 209_000, datetime.date(2024, 6, 1))  # equals it later: the first one stands
    run(metric, None, datetime.date(2024, 7, 1), status="DNF")
    run(mile, 226_000, datetime.date(2024, 5, 25))
    run(mile, 230_000, datetime.date(2024, 2, 11), indoor=True)
    bests = profile.Career.of(athlete).personal_bests()
    assert [(best.event.name, best.mark) for best in bests] == [
        ("1500m", "3:29.00"),
        ("Mile", "3:46.00"),
        ("Mile", "3:50.00i"),
    ]
    assert bests[0].result.race_id == first_best.pk


def test_a_career_is_read_once_and_filtered_newest_first(django_assert_num_queries):
    athlete = AthleteFactory()
    mile = EventFactory(name="Mile", distance_m=1609.344)
    metric = EventFactory(name="1500m", distance_m=1500)
    older = RaceFactory(event=mile, meet=MeetFactory(start_date=datetime.date(2022, 6, 1)))
    newer = RaceFactory(event=metric, meet=MeetFactory(start_date=datetime.date(2024, 8, 6)))
    middle = RaceFactory(event=metric, meet=MeetFactory(start_date=datetime.date(2023, 7, 1)))
    draft = RaceFactory(event=mile, status=Race.Status.SCHEDULED)
    for race in (older, newer, middle):
        ResultFactory(race=race, athlete=athlete)
    ResultFactory(race=draft, athlete=athlete, status="entered", place=None, time_ms=None)
    with django_assert_num_queries(1):
        career = profile.Career.of(athlete)
    with django_assert_num_queries(0):
        assert [result.race_id for result in career.results()] == [newer.pk, middle.pk, older.pk]
        assert career.years() == [2024, 2023, 2022]
        assert [event.name for event in career.events()] == ["1500m", "Mile"]
        by_year = profile.ResultFilters(year=2023)
        assert [result.race_id for result in career.results(by_year)] == [middle.pk]
        by_event = profile.ResultFilters(event=mile.slug)
        assert [result.race_id for result in career.results(by_event)] == [older.pk]
        both = profile.ResultFilters(year=2024, event=mile.slug)
        assert career.results(both) == []
