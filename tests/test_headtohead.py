"""Head-to-head: every counting rule of DESIGN.md, on whatever database DATABASE_URL picks."""

import datetime
import itertools

import pytest

from athletes import headtohead
from athletes.headtohead import FilterError, Filters, Meeting, Side, Streak, Tally
from athletes.models import Level, Race, ResultStatus, Round
from tests.factories import (
    AthleteFactory,
    EventFactory,
    MeetFactory,
    RaceFactory,
    ResultFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 5, 25)
_dates = itertools.count()


def fin(place: int, time_ms: int, flags: str = "") -> dict:
    """A finished result."""
    return {"status": ResultStatus.FINISHED, "place": place, "time_ms": time_ms, "flags": flags}


DNF = {"status": ResultStatus.DNF, "place": None, "time_ms": None}
DQ = {"status": ResultStatus.DQ, "place": None, "time_ms": None}
DNS = {"status": ResultStatus.DNS, "place": None, "time_ms": None}
ENTERED = {"status": ResultStatus.ENTERED, "place": None, "time_ms": None}

# Outcomes that put A ahead, B ahead, or decide nothing, for building histories.
A_WINS = (fin(1, 225_000), fin(2, 226_000))
B_WINS = (fin(2, 226_000), fin(1, 225_000))
TIE = (fin(1, 225_000), fin(1, 225_000))
UNDECIDED = (DNF, DNF)
OUTCOMES = {"a": A_WINS, "b": B_WINS, "tie": TIE, None: UNDECIDED}


@pytest.fixture
def a():
    return AthleteFactory(name="Josh Kerr")


@pytest.fixture
def b():
    return AthleteFactory(name="Jakob Ingebrigtsen")


def make_race(
    *,
    date: datetime.date | None = None,
    event: str = "1500m",
    level: str = Level.DIAMOND_LEAGUE,
    indoor: bool = False,
    round: str = Round.FINAL,
    round_number: int | None = None,
    meet=None,
    **fields,
) -> Race:
    """A race on its own meet (unless ``meet`` is given); a fresh date unless one is given."""
    date = date or DAY + datetime.timedelta(days=next(_dates))
    distances = {"800m": 800, "1500m": 1500, "Mile": 1609.344, "5000m": 5000}
    meet = meet or MeetFactory(start_date=date, level=level, indoor=indoor)
    return RaceFactory(
        meet=meet,
        event=EventFactory(name=event, distance_m=distances[event]),
        date=date,
        round=round,
        round_number=round_number,
        **fields,
    )


def met(a, b, a_result: dict, b_result: dict, **race_fields) -> Race:
    """A race in which A and B have the given results (plus a third runner, as in life)."""
    race = make_race(**race_fields)
    ResultFactory(race=race, athlete=a, **a_result)
    ResultFactory(race=race, athlete=b, **b_result)
    ResultFactory(race=race, place=9, time_ms=240_000)
    return race


def history(a, b, outcomes: list, **race_fields) -> list[Race]:
    """Meetings oldest first, each ending as named: "a", "b", "tie" or None."""
    return [met(a, b, *OUTCOMES[outcome], **race_fields) for outcome in outcomes]


def only_meeting(a, b) -> Meeting:
    """The one meeting of A and B, checking there is exactly one."""
    result = headtohead.between(a, b)
    assert result.overall.meetings == 1
    (meeting,) = result.meetings
    return meeting


def tally(meetings=0, a_ahead=0, b_ahead=0, ties=0, no_decision=0) -> Tally:
    return Tally(meetings, a_ahead, b_ahead, ties, no_decision)


# --- who is ahead ----------------------------------------------------------------------------


FIN = ResultStatus.FINISHED


@pytest.mark.parametrize(
    ("a_side", "b_side", "expected"),
    [
        (Side(1, 225_000, FIN), Side(2, 226_000, FIN), ("a", 1_000)),
        (Side(3, 225_000, FIN), Side(2, 225_100, FIN), ("b", 100)),
        (Side(2, 225_001, FIN), Side(2, 225_002, FIN), ("a", 1)),
        (Side(2, 225_002, FIN), Side(2, 225_001, FIN), ("b", 1)),
        (Side(2, 225_000, FIN), Side(2, 225_000, FIN), ("tie", 0)),
        (Side(1, 225_010, FIN), Side(2, 225_000, FIN), ("a", 10)),
        (Side(4, 230_000, FIN), Side(None, None, ResultStatus.DNF), ("a", None)),
        (Side(None, None, ResultStatus.DQ), Side(9, 240_000, FIN), ("b", None)),
        (Side(None, None, ResultStatus.DNF), Side(None, None, ResultStatus.DQ), (None, None)),
    ],
)
def test_decide_is_the_rule_in_python(a_side, b_side, expected):
    """The rule without a database: the pages' meetings are decided by this function."""
    assert headtohead.decide(a_side, b_side) == expected


@pytest.mark.parametrize(
    ("a_result", "b_result", "ahead"),
    [
        (fin(1, 225_000), fin(2, 226_000), "a"),
        (fin(5, 230_000), fin(2, 226_000), "b"),
        # The place decides even when the recorded times say otherwise (or are equal).
        (fin(1, 225_010), fin(2, 225_010), "a"),
        (fin(3, 225_000), fin(2, 225_100), "b"),
    ],
)
def test_better_place_is_ahead(a, b, a_result, b_result, ahead):
    met(a, b, a_result, b_result)
    assert only_meeting(a, b).ahead == ahead


@pytest.mark.parametrize(
    ("a_time", "b_time", "ahead"),
    [(225_001, 225_002, "a"), (225_002, 225_001, "b"), (209_379, 210_000, "a")],
)
def test_equal_places_faster_time_is_ahead(a, b, a_time, b_time, ahead):
    met(a, b, fin(2, a_time), fin(2, b_time))
    result = headtohead.between(a, b)
    assert result.meetings[0].ahead == ahead
    assert result.overall == tally(1, a_ahead=int(ahead == "a"), b_ahead=int(ahead == "b"))


@pytest.mark.parametrize("place", [1, 4])
def test_equal_place_and_time_is_a_tie(a, b, place):
    met(a, b, fin(place, 225_340), fin(place, 225_340))
    result = headtohead.between(a, b)
    assert result.meetings[0].ahead == "tie"
    assert result.meetings[0].gap_ms == 0
    assert result.overall == tally(1, ties=1)


@pytest.mark.parametrize(
    ("a_result", "b_result", "ahead"),
    [
        (fin(12, 240_000), DNF, "a"),
        (DNF, fin(12, 240_000), "b"),
        (fin(12, 240_000), DQ, "a"),
        (DQ, fin(12, 240_000), "b"),
    ],
)
def test_finisher_is_ahead_of_dnf(a, b, a_result, b_result, ahead):
    met(a, b, a_result, b_result)
    meeting = only_meeting(a, b)
    assert meeting.ahead == ahead
    assert meeting.gap_ms is None


@pytest.mark.parametrize("a_result", [DNF, DQ])
@pytest.mark.parametrize("b_result", [DNF, DQ])
def test_neither_finished_is_no_decision(a, b, a_result, b_result):
    met(a, b, a_result, b_result)
    result = headtohead.between(a, b)
    assert result.overall == tally(1, no_decision=1)
    assert result.meetings[0].ahead is None
    assert result.meetings[0].gap_ms is None


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        (fin(3, 226_000), tally(1, b_ahead=1)),  # a finisher is ahead of a DQ
        (DNF, tally(1, no_decision=1)),  # a DQ against a DNF decides nothing
        (DQ, tally(1, no_decision=1)),
    ],
)
def test_dq_counts_like_dnf(a, b, other, expected):
    met(a, b, DQ, other)
    met(a, b, DNF, other, event="800m")
    result = headtohead.between(a, b)
    assert result.by_event["800m"] == result.by_event["1500m"] == expected


# --- what is a meeting -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a_result", "b_result"),
    [(DNS, fin(1, 225_000)), (fin(1, 225_000), DNS), (DNS, DNS), (DNS, DNF), (DQ, DNS)],
)
def test_dns_is_not_a_meeting(a, b, a_result, b_result):
    met(a, b, a_result, b_result)
    result = headtohead.between(a, b)
    assert result.overall == Tally.empty()
    assert result.meetings == ()


@pytest.mark.parametrize(
    ("a_result", "b_result"), [(ENTERED, fin(1, 225_000)), (fin(1, 225_000), ENTERED)]
)
def test_entry_on_an_official_race_is_not_a_meeting(a, b, a_result, b_result):
    met(a, b, a_result, b_result)
    assert headtohead.between(a, b).overall.meetings == 0


def test_different_heats_are_not_a_meeting(a, b):
    meet = MeetFactory(start_date=DAY, level=Level.WORLD)
    heat_1 = make_race(date=DAY, meet=meet, round=Round.HEAT, round_number=1)
    heat_2 = make_race(date=DAY, meet=meet, round=Round.HEAT, round_number=2)
    ResultFactory(race=heat_1, athlete=a, **fin(1, 215_000))
    ResultFactory(race=heat_2, athlete=b, **fin(1, 214_000))
    assert headtohead.between(a, b).overall.meetings == 0
    # Once they share a start (the final), it is a meeting.
    met(a, b, fin(1, 210_000), fin(2, 211_000), date=DAY, meet=meet)
    assert headtohead.between(a, b).overall == tally(1, a_ahead=1)


def test_race_without_both_is_not_a_meeting(a, b):
    race = make_race()
    ResultFactory(race=race, athlete=a, **fin(1, 225_000))
    ResultFactory(race=race, **fin(2, 226_000))
    ResultFactory(race=make_race(), athlete=b, **fin(1, 225_000))
    assert headtohead.between(a, b).overall.meetings == 0


@pytest.mark.parametrize(
    ("a_result", "b_result"), [(ENTERED, ENTERED), (fin(1, 225_000), fin(2, 226_000))]
)
def test_scheduled_race_is_not_a_meeting(a, b, a_result, b_result):
    met(a, b, a_result, b_result, status=Race.Status.SCHEDULED)
    assert headtohead.between(a, b).overall == Tally.empty()
    # The same results on an official race would count.
    met(a, b, fin(1, 225_000), fin(2, 226_000))
    assert headtohead.between(a, b).overall == tally(1, a_ahead=1)


# --- the gap ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a_result", "b_result", "gap_ms"),
    [
        (fin(1, 225_340), fin(2, 226_100), 760),
        (fin(4, 229_379), fin(1, 229_000), 379),
        (fin(1, 225_000), fin(1, 225_000), 0),
        (fin(2, 225_001), fin(2, 225_000), 1),
        # A better place with a slower recorded time: the gap is still not negative.
        (fin(1, 225_020), fin(2, 225_000), 20),
        (fin(1, 225_000), DNF, None),
        (DQ, DNF, None),
    ],
)
def test_gap_is_the_difference_of_the_times_never_negative(a, b, a_result, b_result, gap_ms):
    met(a, b, a_result, b_result)
    assert only_meeting(a, b).gap_ms == gap_ms
    assert only_meeting(b, a).gap_ms == gap_ms


# --- breakdowns ------------------------------------------------------------------------------


def test_overall_counts_every_meeting(a, b):
    history(a, b, ["a", "a", "b", "tie", None, "a"])
    assert headtohead.between(a, b).overall == tally(6, a_ahead=3, b_ahead=1, ties=1, no_decision=1)


def test_by_event_is_keyed_by_name_in_distance_order(a, b):
    history(a, b, ["b", "b"], event="5000m")
    history(a, b, ["a"], event="Mile")
    history(a, b, ["a", "tie", "b"], event="1500m")
    history(a, b, [None], event="800m")
    by_event = headtohead.between(a, b).by_event
    assert list(by_event) == ["800m", "1500m", "Mile", "5000m"]
    assert by_event == {
        "800m": tally(1, no_decision=1),
        "1500m": tally(3, a_ahead=1, b_ahead=1, ties=1),
        "Mile": tally(1, a_ahead=1),
        "5000m": tally(2, b_ahead=2),
    }


def test_by_year_is_ascending(a, b):
    met(a, b, *B_WINS, date=datetime.date(2025, 8, 1), event="800m")  # first by event
    met(a, b, *A_WINS, date=datetime.date(2021, 8, 7))
    met(a, b, *A_WINS, date=datetime.date(2023, 8, 23))
    met(a, b, *TIE, date=datetime.date(2023, 9, 16))
    by_year = headtohead.between(a, b).by_year
    assert list(by_year) == [2021, 2023, 2025]
    assert by_year == {
        2021: tally(1, a_ahead=1),
        2023: tally(2, a_ahead=1, ties=1),
        2025: tally(1, b_ahead=1),
    }


@pytest.mark.parametrize(
    ("level", "group"),
    [
        (Level.OLYMPIC, "championships"),
        (Level.WORLD, "championships"),
        (Level.CONTINENTAL, "championships"),
        (Level.NATIONAL, "championships"),
        (Level.DIAMOND_LEAGUE, "one-day meets"),
        (Level.ONE_DAY, "one-day meets"),
    ],
)
def test_by_level_splits_championships_from_one_day_meets(a, b, level, group):
    history(a, b, ["a", "b", "b"], level=level)
    assert headtohead.between(a, b).by_level == {group: tally(3, a_ahead=1, b_ahead=2)}


def test_by_level_lists_championships_first(a, b):
    history(a, b, ["a"], level=Level.ONE_DAY)
    history(a, b, ["b", "tie"], level=Level.OLYMPIC)
    history(a, b, ["a"], level=Level.DIAMOND_LEAGUE)
    assert headtohead.between(a, b).by_level == {
        "championships": tally(2, b_ahead=1, ties=1),
        "one-day meets": tally(2, a_ahead=2),
    }
    assert list(headtohead.between(a, b).by_level) == ["championships", "one-day meets"]


def test_finals_tally_counts_only_finals(a, b):
    meet = MeetFactory(start_date=DAY, level=Level.WORLD)
    met(a, b, *B_WINS, date=DAY, meet=meet, round=Round.HEAT, round_number=1)
    met(a, b, *B_WINS, date=DAY, meet=meet, round=Round.SEMI_FINAL, round_number=2)
    met(a, b, *A_WINS, date=DAY, meet=meet)
    history(a, b, ["tie"])  # a one-day meet's single race is its final
    result = headtohead.between(a, b)
    assert result.finals == tally(2, a_ahead=1, ties=1)
    assert result.overall == tally(4, a_ahead=1, b_ahead=2, ties=1)


def test_by_venue_splits_outdoor_and_indoor(a, b):
    history(a, b, ["a", "b"], indoor=True)
    history(a, b, ["a", "a", None])
    by_venue = headtohead.between(a, b).by_venue
    assert list(by_venue) == ["outdoor", "indoor"]
    assert by_venue == {
        "outdoor": tally(3, a_ahead=2, no_decision=1),
        "indoor": tally(2, a_ahead=1, b_ahead=1),
    }


def test_no_meetings_gives_empty_tallies(a, b):
    result = headtohead.between(a, b)
    assert result.overall == result.finals == Tally.empty()
    assert result.by_event == result.by_year == result.by_level == result.by_venue == {}
    assert result.meetings == ()
    assert result.streak is result.last_meeting is result.largest_margin is None


# --- filters ---------------------------------------------------------------------------------


@pytest.fixture
def season(a, b):
    """Outdoor 1500m heat (B) and final (A), an indoor 1500m (A), an outdoor mile (tie)."""
    meet = MeetFactory(start_date=DAY, level=Level.OLYMPIC)
    met(a, b, *B_WINS, date=DAY, meet=meet, round=Round.HEAT, round_number=3)
    met(a, b, *A_WINS, date=DAY + datetime.timedelta(days=2), meet=meet)
    met(a, b, *A_WINS, date=datetime.date(2024, 2, 10), indoor=True)
    met(a, b, *TIE, date=datetime.date(2024, 6, 30), event="Mile")


@pytest.mark.usefixtures("season")
@pytest.mark.parametrize(
    ("filters", "expected", "events"),
    [
        (Filters(), tally(4, a_ahead=2, b_ahead=1, ties=1), ["1500m", "Mile"]),
        (Filters(rounds="finals"), tally(3, a_ahead=2, ties=1), ["1500m", "Mile"]),
        (Filters(event="1500m"), tally(3, a_ahead=2, b_ahead=1), ["1500m"]),
        (Filters(event="mile"), tally(1, ties=1), ["Mile"]),
        (Filters(indoor=True), tally(1, a_ahead=1), ["1500m"]),
        (Filters(indoor=False), tally(3, a_ahead=1, b_ahead=1, ties=1), ["1500m", "Mile"]),
        (Filters(rounds="finals", event="1500m", indoor=False), tally(1, a_ahead=1), ["1500m"]),
        (Filters(event="5000m"), Tally.empty(), []),
        (Filters(event="no-such-event"), Tally.empty(), []),
    ],
)
def test_filters_choose_what_is_counted(a, b, filters, expected, events):
    result = headtohead.between(a, b, filters)
    assert result.filters == filters
    assert result.overall == expected
    assert len(result.meetings) == expected.meetings
    assert list(result.by_event) == events


@pytest.mark.usefixtures("season")
def test_finals_filter_leaves_finals_tally_equal_to_overall(a, b):
    result = headtohead.between(a, b, Filters(rounds="finals"))
    assert all(meeting.is_final for meeting in result.meetings)
    assert result.finals == result.overall


@pytest.mark.usefixtures("season")
def test_indoor_filter_applies_to_every_breakdown(a, b):
    result = headtohead.between(a, b, Filters(indoor=True))
    assert result.by_venue == {"indoor": tally(1, a_ahead=1)}
    assert result.by_year == {2024: tally(1, a_ahead=1)}
    assert result.by_level == {"one-day meets": tally(1, a_ahead=1)}
    assert [meeting.indoor for meeting in result.meetings] == [True]


# --- the meetings list, streak, last meeting, largest margin ---------------------------------


def test_meetings_are_newest_first_and_the_later_round_first_on_one_day(a, b):
    meet = MeetFactory(start_date=DAY, level=Level.WORLD)
    final = met(a, b, *A_WINS, date=DAY, meet=meet)  # created first: the lowest race id
    heat = met(a, b, *B_WINS, date=DAY, meet=meet, round=Round.HEAT, round_number=2)
    semi = met(a, b, *B_WINS, date=DAY, meet=meet, round=Round.SEMI_FINAL, round_number=1)
    mile = met(a, b, *TIE, date=DAY, event="Mile", round=Round.HEAT, round_number=1)
    newest = met(a, b, *A_WINS, date=datetime.date(2024, 7, 12))
    oldest = met(a, b, *A_WINS, date=datetime.date(2023, 6, 1))
    order = [meeting.race_id for meeting in headtohead.between(a, b).meetings]
    # Same day and round: the later race id is taken as the later race.
    assert order == [newest.pk, final.pk, semi.pk, mile.pk, heat.pk, oldest.pk]


def test_meeting_carries_the_race_and_both_results(a, b):
    meet = MeetFactory(name="Olympic Games", start_date=DAY, level=Level.OLYMPIC)
    race = met(
        a,
        b,
        fin(2, 209_371, flags="PB NR"),
        fin(1, 209_200, flags="OR"),
        date=DAY,
        meet=meet,
        round=Round.SEMI_FINAL,
        round_number=2,
        name="Men's 1500m",
    )
    assert only_meeting(a, b) == Meeting(
        race_id=race.pk,
        date=DAY,
        meet_name="Olympic Games",
        meet_level=Level.OLYMPIC,
        indoor=False,
        race_name="Men's 1500m",
        event_name="1500m",
        event_slug="1500m",
        event_distance_m=1500,
        round=Round.SEMI_FINAL,
        round_number=2,
        round_label="Semi-final 2",
        is_final=False,
        a=Side(place=2, time_ms=209_371, status=ResultStatus.FINISHED, flags=("PB", "NR")),
        b=Side(place=1, time_ms=209_200, status=ResultStatus.FINISHED, flags=("OR",)),
        ahead="b",
        gap_ms=171,
    )


@pytest.mark.parametrize(
    ("side", "time"),
    [
        (Side(place=1, time_ms=209_371, status=ResultStatus.FINISHED), "3:29.38"),
        (Side(place=None, time_ms=None, status=ResultStatus.DNF), ""),
    ],
)
def test_side_time_is_shown_as_athletics_does(side, time):
    assert side.time == time


@pytest.mark.parametrize(
    ("outcomes", "streak"),
    [
        (["a"], Streak("a", 1)),
        (["a", "a", "b", "b", "b"], Streak("b", 3)),
        (["b", "a", "a", "a", "a"], Streak("a", 4)),
        (["a", "a", "tie"], None),  # a tie at the head: no current streak
        (["a", "a", None], None),  # so does a meeting with no decision
        (["a", "a", "tie", "a"], Streak("a", 1)),  # and a tie ends the streak before it
        (["b", "b", None, "b", "b"], Streak("b", 2)),
        ([], None),
    ],
)
def test_streak_is_the_newest_run_won_by_one_athlete(a, b, outcomes, streak):
    history(a, b, outcomes)
    assert headtohead.between(a, b).streak == streak


def test_streak_counts_the_final_after_the_heat_on_one_day(a, b):
    meet = MeetFactory(start_date=DAY)
    met(a, b, *A_WINS, date=DAY, meet=meet)
    met(a, b, *B_WINS, date=DAY, meet=meet, round=Round.HEAT, round_number=1)
    assert headtohead.between(a, b).streak == Streak("a", 1)


def test_last_meeting_is_the_newest(a, b):
    met(a, b, *B_WINS, date=datetime.date(2022, 7, 19))
    newest = met(a, b, *TIE, date=datetime.date(2024, 8, 6))
    met(a, b, *A_WINS, date=datetime.date(2023, 8, 23))
    last = headtohead.between(a, b).last_meeting
    assert last is not None
    assert (last.race_id, last.ahead) == (newest.pk, "tie")


@pytest.mark.parametrize(
    ("meetings", "largest"),
    [
        # (A's result, B's result) oldest first; the index of the largest margin, or None.
        ([(fin(1, 225_000), fin(2, 226_000)), (fin(2, 230_000), fin(1, 225_000))], 1),
        ([(fin(1, 225_000), fin(2, 229_000)), (fin(2, 230_000), fin(1, 228_000))], 0),
        # Equal gaps: the newer.
        ([(fin(1, 225_000), fin(2, 226_000)), (fin(2, 226_000), fin(1, 225_000))], 1),
        # A tie is not decided; a win over a DNF has no gap.
        ([(fin(1, 225_000), fin(2, 225_300)), (fin(1, 225_000), fin(1, 225_000))], 0),
        ([(fin(1, 225_000), DNF), (fin(2, 226_000), fin(1, 225_900))], 1),
        ([(fin(1, 225_000), fin(1, 225_000)), (DNF, DQ), (fin(1, 225_000), DNS)], None),
    ],
)
def test_largest_margin_is_the_decided_meeting_with_the_largest_gap(a, b, meetings, largest):
    races = [met(a, b, a_result, b_result) for a_result, b_result in meetings]
    margin = headtohead.between(a, b).largest_margin
    if largest is None:
        assert margin is None
    else:
        assert margin is not None
        assert margin.race_id == races[largest].pk


# --- symmetry and arguments ------------------------------------------------------------------


def mirrored(value):
    """The same facts told from B's side."""
    swap = {"a": "b", "b": "a"}
    if isinstance(value, Tally):
        return Tally(value.meetings, value.b_ahead, value.a_ahead, value.ties, value.no_decision)
    if isinstance(value, Meeting):
        return Meeting(
            **{
                **vars(value),
                "a": value.b,
                "b": value.a,
                "ahead": swap.get(value.ahead, value.ahead),
            }
        )
    if isinstance(value, Streak):
        return Streak(swap[value.who], value.length)
    if isinstance(value, dict):
        return {key: mirrored(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return tuple(mirrored(item) for item in value)
    return value


@pytest.mark.parametrize("filters", [Filters(), Filters(rounds="finals"), Filters(indoor=True)])
def test_between_b_and_a_mirrors_between_a_and_b(a, b, filters):
    meet = MeetFactory(start_date=DAY, level=Level.WORLD)
    met(a, b, fin(1, 215_000), fin(3, 215_500), date=DAY, meet=meet, round=Round.HEAT)
    met(a, b, fin(4, 210_000), fin(1, 209_000), date=DAY + datetime.timedelta(days=2), meet=meet)
    met(a, b, DNF, fin(5, 240_000), indoor=True, event="Mile")
    met(a, b, fin(2, 231_000), DQ, indoor=True)
    history(a, b, ["a", "tie", None, "b", "b"])
    forward, backward = headtohead.between(a, b, filters), headtohead.between(b, a, filters)
    assert (backward.a, backward.b) == (b, a)
    for name in ["overall", "finals", "by_event", "by_year", "by_level", "by_venue", "meetings"]:
        assert getattr(backward, name) == mirrored(getattr(forward, name)), name
    assert backward.streak == mirrored(forward.streak)
    assert backward.last_meeting == mirrored(forward.last_meeting)
    assert backward.largest_margin == mirrored(forward.largest_margin)
    assert forward.meetings != mirrored(forward.meetings)  # the check can tell them apart


def test_an_athlete_has_no_head_to_head_with_themself(a):
    with pytest.raises(ValueError, match="Josh Kerr"):
        headtohead.between(a, a)


@pytest.mark.parametrize("meeting_count", [3, 30])
def test_query_count_does_not_grow_with_the_meetings(
    a, b, meeting_count, django_assert_max_num_queries
):
    outcomes = ["a", "b", "tie", None]
    history(a, b, [outcomes[n % 4] for n in range(meeting_count)], level=Level.WORLD)
    history(a, b, ["a"], indoor=True, event="Mile")
    with django_assert_max_num_queries(2):
        result = headtohead.between(a, b, Filters())
    assert result.overall.meetings == meeting_count + 1
    assert len(result.meetings) == meeting_count + 1


# --- Filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "filters"),
    [
        ({}, Filters()),
        ({"rounds": "", "event": "", "indoor": ""}, Filters()),
        ({"rounds": "all"}, Filters()),
        ({"rounds": "finals"}, Filters(rounds="finals")),
        ({"rounds": " Finals "}, Filters(rounds="finals")),
        ({"event": "1500m"}, Filters(event="1500m")),
        ({"indoor": "true"}, Filters(indoor=True)),
        ({"indoor": "TRUE"}, Filters(indoor=True)),
        ({"indoor": "1"}, Filters(indoor=True)),
        ({"indoor": "Yes"}, Filters(indoor=True)),
        ({"indoor": "false"}, Filters(indoor=False)),
        ({"indoor": "False"}, Filters(indoor=False)),
        ({"indoor": "0"}, Filters(indoor=False)),
        ({"indoor": "no"}, Filters(indoor=False)),
        ({"rounds": "finals", "event": "mile", "indoor": "false", "page": "2"},
         Filters(rounds="finals", event="mile", indoor=False)),
    ],
)  # fmt: skip
def test_filters_from_query_reads_the_counting_choices(params, filters):
    assert Filters.from_query(params) == filters


def test_filters_from_query_reads_a_querydict():
    from django.http import QueryDict

    params = QueryDict("rounds=finals&event=5000m&indoor=yes")
    assert Filters.from_query(params) == Filters(rounds="finals", event="5000m", indoor=True)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"rounds": "semis"}, "rounds='semis' is not a choice: use 'all' or 'finals'"),
        ({"rounds": "final"}, "rounds='final' is not a choice"),
        ({"indoor": "maybe"}, "indoor='maybe' is not a choice: use 'true' or 'false'"),
        ({"indoor": "2"}, "indoor='2' is not a choice"),
    ],
)
def test_filters_from_query_refuses_bad_values_quoting_them(params, message):
    with pytest.raises(FilterError) as caught:
        Filters.from_query(params)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_filters_refuse_an_unknown_rounds_choice():
    with pytest.raises(FilterError, match="rounds='heats'"):
        Filters(rounds="heats")


@pytest.mark.parametrize(
    ("filters", "event_name", "words"),
    [
        (Filters(), None, "all rounds, all events, indoor and outdoor"),
        (
            Filters(rounds="finals", event="1500m", indoor=False),
            None,
            "finals only, 1500m, outdoor",
        ),
        (Filters(event="mile", indoor=True), "Mile", "all rounds, Mile, indoor"),
        (Filters(event="mile"), None, "all rounds, mile, indoor and outdoor"),
        (Filters(), "Mile", "all rounds, all events, indoor and outdoor"),
    ],
)
def test_filters_describe_the_rule_in_words(filters, event_name, words):
    assert filters.describe(event_name) == words


@pytest.mark.parametrize(
    ("filters", "query"),
    [
        (Filters(), {}),
        (Filters(rounds="finals"), {"rounds": "finals"}),
        (Filters(event="mile", indoor=False), {"event": "mile", "indoor": "false"}),
        (Filters(rounds="finals", event="1500m", indoor=True),
         {"rounds": "finals", "event": "1500m", "indoor": "true"}),
    ],
)  # fmt: skip
def test_filters_as_query_keeps_only_choices_and_reads_back(filters, query):
    assert filters.as_query() == query
    assert Filters.from_query(filters.as_query()) == filters


# --- tally_after_each ------------------------------------------------------------------------


def test_tally_after_each_runs_oldest_first(a, b):
    history(a, b, ["a", "b", "b", "tie", None, "a"])
    meetings = headtohead.between(a, b).meetings
    expected = [
        tally(1, a_ahead=1),
        tally(2, a_ahead=1, b_ahead=1),
        tally(3, a_ahead=1, b_ahead=2),
        tally(4, a_ahead=1, b_ahead=2, ties=1),
        tally(5, a_ahead=1, b_ahead=2, ties=1, no_decision=1),
        tally(6, a_ahead=2, b_ahead=2, ties=1, no_decision=1),
    ]
    assert headtohead.tally_after_each(meetings) == expected
    assert headtohead.tally_after_each(list(reversed(meetings))) == expected
    assert headtohead.tally_after_each(meetings)[-1] == headtohead.between(a, b).overall
    assert headtohead.chronological(meetings) == list(reversed(meetings))


def test_tally_after_each_of_nothing_is_empty():
    assert headtohead.tally_after_each([]) == []
