"""A real results file (20 races) and 30 quotes, imported through the CSV importer, checked
against numbers counted by hand from the files, on the timeline and head-to-head, page and JSON.

Kerr and Ingebrigtsen both ran nine of the twenty races in tests/data/real_results.csv; in
date order, with who was ahead and the tally after (Kerr-Ingebrigtsen):
  2021-08-05 Tokyo semi-final 2   J  0-1      2023-08-19 Budapest heat 1   J  1-4
  2021-08-07 Tokyo final          J  0-2      2023-08-23 Budapest final    K  2-4
  2022-07-17 Eugene semi-final 1  K  1-2      2024-05-25 Bowerman Mile     K  3-4
  2022-07-19 Eugene final         J  1-3      2024-08-04 Paris semi-final 1 J 3-5
                                              2024-08-06 Paris final       K  4-5
tests/data/timeline_quotes.csv holds 30 quotes; 25 are by one rival about the other (rows 9,
16, 21, 28 and 30 are by or about someone else), so the timeline has 9 + 25 = 34 items.
"""

import pytest

from athletes.importing import import_results
from athletes.models import Athlete
from rivalries.dates import PreciseDate
from rivalries.importing import import_quotes
from tests.factories import RivalryFactory

pytestmark = pytest.mark.django_db

DATA = "tests/data"
TIMELINE = "/api/v1/rivalries/kerr-vs-ingebrigtsen/timeline/"

TALLIES = [(0, 1), (0, 2), (1, 2), (1, 3), (1, 4), (2, 4), (3, 4), (3, 5), (4, 5)]

# quote number -> (date of the next meeting, certain?) or None; counted by hand per DESIGN.md.
NEXT_MEETING = {
    1: ("2021-08-05", True),  # day before the Tokyo semi
    2: ("2021-08-05", False),  # "Aug 2021" may postdate the semi
    3: ("2022-07-17", True),  # after the Tokyo final: next meeting strictly after it
    4: ("2021-08-07", True),  # before the Tokyo final, which both ran
    5: ("2021-08-05", False),
    6: ("2022-07-17", False),
    7: ("2022-07-17", True),
    8: ("2023-08-19", True),
    10: ("2023-08-19", True),
    11: ("2023-08-19", True),
    12: ("2024-05-25", True),
    13: ("2023-08-19", False),
    14: ("2024-05-25", True),
    15: ("2024-05-25", True),
    17: ("2024-05-25", True),
    18: ("2024-05-25", True),
    19: ("2024-05-25", True),
    20: ("2024-08-04", True),
    22: ("2024-05-25", False),
    23: ("2024-08-06", True),
    24: None,  # after their last meeting
    25: ("2024-08-04", False),
    26: None,
    27: ("2024-05-25", False),
    29: ("2022-07-19", True),
}


@pytest.fixture
def imported():
    results = import_results(f"{DATA}/real_results.csv", create_athletes=True)
    quotes = import_quotes(f"{DATA}/timeline_quotes.csv")
    assert results.ok, results.lines()
    assert quotes.ok, quotes.lines()
    kerr = Athlete.objects.get(name="Josh Kerr")
    jakob = Athlete.objects.get(name="Jakob Ingebrigtsen")
    return RivalryFactory(title="Kerr vs Ingebrigtsen", members=[kerr, jakob])


def all_items(client):
    items, url = [], TIMELINE
    while url:
        data = client.get(url).json()
        items += data["items"]
        url = data["next"]
    return items


def test_timeline_has_every_meeting_and_quote_in_order(client, imported):
    first = client.get(TIMELINE).json()
    items = all_items(client)
    assert len(first["items"]) == 20
    assert len(items) == 34
    assert [item["kind"] for item in items].count("race") == 9
    keys = [(PreciseDate.parse(item["date"]).sort_key) for item in items]
    assert keys == sorted(keys)


def test_tally_after_each_race_matches_the_hand_count(client, imported):
    races = [item for item in all_items(client) if item["kind"] == "race"]
    tallies = [
        (
            race["race"]["tally_after"]["josh-kerr"],
            race["race"]["tally_after"]["jakob-ingebrigtsen"],
        )
        for race in races
    ]
    assert tallies == TALLIES
    assert [race["race"]["ahead"] for race in races] == [
        "jakob-ingebrigtsen", "jakob-ingebrigtsen", "josh-kerr", "jakob-ingebrigtsen",
        "jakob-ingebrigtsen", "josh-kerr", "josh-kerr", "jakob-ingebrigtsen", "josh-kerr",
    ]  # fmt: skip


def test_each_quote_is_paired_with_the_next_meeting_counted_by_hand(client, imported):
    quotes = [item for item in all_items(client) if item["kind"] == "quote"]
    found = {}
    for item in quotes:
        number = int(item["quote"]["text"].split(":")[0].removeprefix("Test quote "))
        following = item["quote"]["next_meeting"]
        found[number] = (following["date"], following["certain"]) if following else None
    assert found == NEXT_MEETING


def test_quotes_linked_to_a_race_sit_before_or_after_it_on_the_day(client, imported):
    items = all_items(client)
    tokyo_final = next(
        i for i, item in enumerate(items) if item["kind"] == "race" and item["date"] == "2021-08-07"
    )
    assert items[tokyo_final - 1]["quote"]["text"].startswith("Test quote 4:")
    assert items[tokyo_final + 1]["quote"]["text"].startswith("Test quote 3:")


def test_head_to_head_page_and_json_give_the_hand_count(client, imported):
    data = client.get("/api/v1/h2h/josh-kerr/jakob-ingebrigtsen/").json()
    assert (data["meetings"], data["a_ahead"], data["b_ahead"]) == (9, 4, 5)
    finals = client.get("/api/v1/h2h/josh-kerr/jakob-ingebrigtsen/?rounds=finals").json()
    assert (finals["meetings"], finals["a_ahead"], finals["b_ahead"]) == (5, 3, 2)
    page = client.get("/h2h/josh-kerr/vs/jakob-ingebrigtsen/").content.decode()
    assert "9 meetings" in page
    assert '<strong class="score-a">4</strong>' in page
    assert '<strong class="score-b">5</strong>' in page
    assert "Kerr ahead in the last meeting." in page
