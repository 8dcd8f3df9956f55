import datetime
import re

import pytest

from athletes.models import Level
from tests.factories import (
    AthleteFactory,
    EventFactory,
    MeetFactory,
    QuoteFactory,
    RaceFactory,
    ResultFactory,
)

pytestmark = pytest.mark.django_db


def meeting(kerr, jakob, *, day, kerr_place, jakob_place, event=None, level=Level.WORLD,
            indoor=False, round="final"):  # fmt: skip
    race = RaceFactory(
        meet=MeetFactory(start_date=day, level=level, indoor=indoor),
        event=event or EventFactory(name="1500m", distance_m=1500),
        round=round,
        round_number=1 if round != "final" else None,
    )
    for athlete, place in ((kerr, kerr_place), (jakob, jakob_place)):
        if place == "DNF":
            ResultFactory(race=race, athlete=athlete, status="DNF", place=None, time_ms=None)
        else:
            ResultFactory(race=race, athlete=athlete, place=place, time_ms=209_000 + place * 100)
    return race


@pytest.fixture
def rivals():
    kerr = AthleteFactory(name="Josh Kerr", country="GB")
    jakob = AthleteFactory(name="Jakob Ingebrigtsen", country="NO")
    mile = EventFactory(name="Mile", distance_m=1609.344)
    meeting(kerr, jakob, day=datetime.date(2021, 8, 7), kerr_place=3, jakob_place=1)
    meeting(
        kerr, jakob, day=datetime.date(2023, 8, 20), kerr_place=2, jakob_place=1, round="semi-final"
    )
    meeting(kerr, jakob, day=datetime.date(2023, 8, 23), kerr_place=1, jakob_place=2)
    meeting(kerr, jakob, day=datetime.date(2024, 5, 25), kerr_place=1, jakob_place=2, event=mile,
            level=Level.DIAMOND_LEAGUE)  # fmt: skip
    meeting(kerr, jakob, day=datetime.date(2024, 2, 11), kerr_place=1, jakob_place="DNF",
            level=Level.ONE_DAY, indoor=True)  # fmt: skip
    QuoteFactory(speaker=jakob, about=[kerr], text="98 out of 100")
    return kerr, jakob


def test_page_and_json_give_the_same_numbers(client, rivals):
    kerr, jakob = rivals
    page = client.get(f"/h2h/{kerr.slug}/vs/{jakob.slug}/")
    data = client.get(f"/api/v1/h2h/{kerr.slug}/{jakob.slug}/").json()

    assert page.status_code == 200
    assert (data["meetings"], data["a_ahead"], data["b_ahead"]) == (5, 3, 2)
    assert data["a"] == {"slug": "josh-kerr", "name": "Josh Kerr", "country": "GBR"}
    assert [race["date"] for race in data["races"]] == [
        "2024-05-25", "2024-02-11", "2023-08-23", "2023-08-20", "2021-08-07",
    ]  # fmt: skip
    assert data["races"][1]["b"] == {"place": None, "time": None, "status": "DNF", "flags": []}
    assert data["races"][0]["gap_s"] == 0.1
    assert data["by_event"]["Mile"]["a_ahead"] == 1
    assert data["by_year"]["2023"] == {
        "meetings": 2, "a_ahead": 1, "b_ahead": 1, "ties": 0, "no_decision": 0,
    }  # fmt: skip
    html = page.content.decode()
    assert '<strong class="score-a">3</strong>' in html
    assert '<strong class="score-b">2</strong>' in html
    assert "all rounds, all events, indoor and outdoor" in html
    assert "98 out of 100" in html


@pytest.mark.parametrize(
    ("query", "meetings", "kerr_ahead", "rule"),
    [
        ("rounds=finals", 4, 3, "finals only, all events, indoor and outdoor"),
        ("event=mile", 1, 1, "all rounds, Mile, indoor and outdoor"),
        ("indoor=false", 4, 2, "all rounds, all events, outdoor"),
        ("indoor=true&rounds=finals", 1, 1, "finals only, all events, indoor"),
    ],
)
def test_counting_choices_change_page_and_json_alike(
    client, rivals, query, meetings, kerr_ahead, rule
):
    kerr, jakob = rivals
    data = client.get(f"/api/v1/h2h/{kerr.slug}/{jakob.slug}/?{query}").json()
    page = client.get(f"/h2h/{kerr.slug}/vs/{jakob.slug}/?{query}").content.decode()
    assert (data["meetings"], data["a_ahead"]) == (meetings, kerr_ahead)
    assert rule in page
    assert f"{meetings} meeting" in page


def test_switches_are_links_that_keep_the_other_choices(client, rivals):
    kerr, jakob = rivals
    html = client.get(f"/h2h/{kerr.slug}/vs/{jakob.slug}/?rounds=finals").content.decode()
    assert f'href="/h2h/{kerr.slug}/vs/{jakob.slug}/?rounds=finals&amp;event=mile"' in html
    assert f'href="/h2h/{kerr.slug}/vs/{jakob.slug}/" ' not in html
    assert 'aria-current="true">Finals only' in html


@pytest.mark.parametrize(
    "path",
    [
        "/h2h/josh-kerr/vs/nobody/",
        "/h2h/nobody/vs/josh-kerr/",
        "/h2h/josh-kerr/vs/josh-kerr/",
        "/api/v1/h2h/josh-kerr/nobody/",
        "/races/999999/",
        "/quotes/999999/",
        "/athletes/nobody/",
    ],
)
def test_unknown_slugs_and_ids_are_404(client, rivals, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("query", ["rounds=semis", "indoor=maybe"])
def test_bad_counting_choice_is_a_400_that_says_why(client, rivals, query):
    kerr, jakob = rivals
    page = client.get(f"/h2h/{kerr.slug}/vs/{jakob.slug}/?{query}")
    api = client.get(f"/api/v1/h2h/{kerr.slug}/{jakob.slug}/?{query}")
    value = query.split("=")[1]
    assert page.status_code == api.status_code == 400
    assert f"&#x27;{value}&#x27; is not a choice" in page.content.decode()
    assert f"'{value}'" in api.json()["error"]


def test_query_count_does_not_grow_with_meetings(client, django_assert_max_num_queries):
    kerr, jakob = AthleteFactory(), AthleteFactory()

    def add(count):
        for day in range(count):
            meeting(kerr, jakob, day=datetime.date(2020, 1, 1) + datetime.timedelta(days=day * 7),
                    kerr_place=1 + day % 2, jakob_place=2 - day % 2)  # fmt: skip
            QuoteFactory(speaker=kerr, about=[jakob])

    add(3)
    with django_assert_max_num_queries(8):
        client.get(f"/h2h/{kerr.slug}/vs/{jakob.slug}/")
    with django_assert_max_num_queries(3):
        client.get(f"/api/v1/h2h/{kerr.slug}/{jakob.slug}/")
    add(30)
    with django_assert_max_num_queries(8):
        client.get(f"/h2h/{kerr.slug}/vs/{jakob.slug}/")
    with django_assert_max_num_queries(3):
        client.get(f"/api/v1/h2h/{kerr.slug}/{jakob.slug}/")


def test_race_page_lists_every_result_and_htmx_gets_only_the_table(client, rivals):
    kerr, _ = rivals
    race = kerr.results.order_by("race__date").first().race
    page = client.get(f"/races/{race.pk}/")
    fragment = client.get(f"/races/{race.pk}/", headers={"HX-Request": "true"})
    assert page.status_code == fragment.status_code == 200
    assert "Josh Kerr" in fragment.content.decode()
    assert "<html" in page.content.decode()
    assert "<html" not in fragment.content.decode()
    assert "HX-Request" in fragment["Vary"]


def test_public_views_answer_get_and_head_only(client, rivals):
    kerr, jakob = rivals
    assert client.head(f"/h2h/{kerr.slug}/vs/{jakob.slug}/").status_code == 200
    assert client.post(f"/h2h/{kerr.slug}/vs/{jakob.slug}/").status_code == 405


@pytest.mark.parametrize(
    ("query", "meetings", "rule"),
    [
        ("year=2024", 2, "2024 only"),
        ("from=2024&to=2024", 2, "2024 only"),
        ("from=2023", 4, "from 2023"),
        ("to=2023", 3, "up to 2023"),
        ("from=2021&to=2023", 3, "2021\N{EN DASH}2023"),
        ("year=2024&from=2024", 2, "2024 only"),
        ("from=2030", 0, "from 2030"),
    ],
)
def test_year_range_counts_page_and_json_alike(client, rivals, query, meetings, rule):
    kerr, jakob = rivals
    page = client.get(f"/h2h/{kerr.slug}/vs/{jakob.slug}/?{query}")
    data = client.get(f"/api/v1/h2h/{kerr.slug}/{jakob.slug}/?{query}").json()
    assert data["meetings"] == meetings
    html = page.content.decode()
    assert f"Counting all rounds, all events, indoor and outdoor, {rule}" in html
    assert f"Each row counts all rounds, all events, indoor and outdoor, {rule}." in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=24", "year=&#x27;24&#x27; is not a year"),
        ("from=abc", "from=&#x27;abc&#x27; is not a year"),
        ("to=\N{FULLWIDTH DIGIT TWO}024", "\N{FULLWIDTH DIGIT TWO}024&#x27; is not a year"),
        ("from=2025&to=2023", "from=2025 is after to=2023"),
        ("year=2024&to=2023", "either year= or from= and to="),
        ("to=" + "9" * 400, "is not a year"),
    ],
)
def test_bad_years_are_a_400_that_says_why(client, rivals, query, message):
    kerr, jakob = rivals
    page = client.get(f"/h2h/{kerr.slug}/vs/{jakob.slug}/?{query}")
    assert page.status_code == 400
    assert message in page.content.decode()
    assert client.get(f"/api/v1/h2h/{kerr.slug}/{jakob.slug}/?{query}").status_code == 400


def test_year_form_keeps_the_other_choices(client, rivals):
    kerr, jakob = rivals
    html = client.get(f"/h2h/{kerr.slug}/vs/{jakob.slug}/?event=mile&from=2024").content.decode()
    form = html.split('class="filters years"')[1].split("</form>")[0]
    assert '<input type="hidden" name="event" value="mile">' in form
    assert 'name="from"' not in form.split("<select")[0]  # the range is chosen, not carried
    assert '<option value="2024" selected>2024</option>' in form


def test_upcoming_races_where_both_are_entered(client, rivals):
    kerr, jakob = rivals
    other = AthleteFactory(name="Someone Else")
    both = RaceFactory(
        meet=MeetFactory(name="Bislett Games", start_date=datetime.date(2099, 6, 12)),
        status="scheduled",
        name="Dream Mile",
    )
    only_one = RaceFactory(
        meet=MeetFactory(name="Only Kerr Meet", start_date=datetime.date(2099, 7, 1)),
        status="scheduled",
    )
    for race, athletes in ((both, (kerr, jakob, other)), (only_one, (kerr, other))):
        for athlete in athletes:
            ResultFactory(race=race, athlete=athlete, status="entered", place=None, time_ms=None)
    html = client.get(f"/h2h/{kerr.slug}/vs/{jakob.slug}/").content.decode()
    upcoming = html.split("Coming up: both entered")[1].split("</ul>")[0]
    assert "Bislett Games, Dream Mile" in upcoming
    assert "12 Jun 2099" in upcoming
    assert "Only Kerr Meet" not in html
    # Entries are not meetings: the score is unchanged.
    assert '<strong class="score-a">3</strong>' in html


def test_form_strip_shows_the_last_five_in_letters_and_words(client, rivals):
    kerr, jakob = rivals
    html = client.get(f"/h2h/{kerr.slug}/vs/{jakob.slug}/").content.decode()
    strip = html.split('<ol class="form">')[1].split("</ol>")[0]
    letters = re.findall(r'<span aria-hidden="true">(.)</span>', strip)
    assert letters == ["W", "W", "W", "L", "L"]  # newest first: Kerr ahead in the last three
    assert strip.count("Josh Kerr ahead") == 3
    assert strip.count("Jakob Ingebrigtsen ahead") == 2
