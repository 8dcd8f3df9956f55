import datetime
import re

import pytest

from athletes.templatetags.athletics import country_flag
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


def race_between(kerr, jakob, day, kerr_place=1, event=None):
    race = RaceFactory(meet=MeetFactory(start_date=day), event=event or EventFactory())
    ResultFactory(race=race, athlete=kerr, place=kerr_place, time_ms=209_000 + kerr_place)
    ResultFactory(race=race, athlete=jakob, place=3 - kerr_place, time_ms=212_000 - kerr_place)
    return race


@pytest.fixture
def rivalry():
    kerr = AthleteFactory(name="Josh Kerr", country="GB")
    jakob = AthleteFactory(name="Jakob Ingebrigtsen", country="NO")
    rivalry = RivalryFactory(title="Kerr vs Ingebrigtsen", members=[kerr, jakob])
    race_between(kerr, jakob, datetime.date(2021, 8, 7), kerr_place=2)
    race_between(kerr, jakob, datetime.date(2023, 8, 23), kerr_place=1)
    mile = EventFactory(name="Mile", distance_m=1609.344)
    race_between(kerr, jakob, datetime.date(2024, 5, 25), kerr_place=1, event=mile)
    QuoteFactory(
        speaker=jakob, about=[kerr], text="98 out of 100",
        said_on=datetime.date(2024, 2, 1), said_on_precision="month",
    )  # fmt: skip
    QuoteFactory(
        speaker=jakob, about=[kerr], text="just next in line",
        said_on=datetime.date(2023, 8, 1), said_on_precision="month",
    )  # fmt: skip
    MomentFactory(title="Achilles injury", athletes=[jakob], happened_on=datetime.date(2024, 1, 1))
    return rivalry


def test_rivalry_page_shows_the_rivals_the_tally_and_the_timeline(client, rivalry):
    html = client.get("/rivalries/kerr-vs-ingebrigtsen/").content.decode()
    assert "Josh Kerr" in html
    assert "GBR" in html
    assert '<strong class="score-a">2</strong>' in html  # Kerr ahead twice
    assert '<strong class="score-b">1</strong>' in html
    assert "all rounds, all events, indoor and outdoor" in html
    assert "98 out of 100" in html
    assert "Achilles injury" in html
    assert "Feb 2024" in html
    # "just next in line" (Aug 2023) may have been said after the 23 Aug final: uncertain.
    assert "may have been said after this race" in html
    assert "<svg" in html


def test_page_and_json_list_the_same_items(client, rivalry):
    html = client.get("/rivalries/kerr-vs-ingebrigtsen/").content.decode()
    data = client.get("/api/v1/rivalries/kerr-vs-ingebrigtsen/timeline/").json()
    kinds = [item["kind"] for item in data["items"]]
    assert kinds == ["race", "quote", "race", "moment", "quote", "race"]
    assert [item["date"] for item in data["items"]] == [
        "2021-08-07", "2023-08", "2023-08-23", "2024-01-01", "2024-02", "2024-05-25",
    ]  # fmt: skip
    assert data["items"][-1]["race"]["tally_after"] == {"josh-kerr": 2, "jakob-ingebrigtsen": 1}
    assert data["items"][1]["quote"]["next_meeting"]["certain"] is False
    assert data["next"] is None
    for item in data["items"]:
        if item["url"]:
            assert item["url"].startswith("http://testserver/")  # absolute, for other sites
            assert f'href="{item["url"].removeprefix("http://testserver")}"' in html


@pytest.mark.parametrize(
    ("query", "kinds"),
    [
        ("kind=quote", ["quote", "quote"]),
        ("kind=race&kind=moment", ["race", "race", "moment", "race"]),
        ("year=2024", ["moment", "quote", "race"]),
        ("event=mile", ["race"]),
        ("speaker=josh-kerr&kind=quote", []),
    ],
)
def test_filters_apply_to_page_and_json_alike(client, rivalry, query, kinds):
    data = client.get(f"/api/v1/rivalries/kerr-vs-ingebrigtsen/timeline/?{query}").json()
    page = client.get(f"/rivalries/kerr-vs-ingebrigtsen/?{query}")
    assert [item["kind"] for item in data["items"]] == kinds
    assert page.content.decode().count('class="item item-') == len(kinds)


def test_htmx_gets_fragments_and_says_it_varies(client, rivalry):
    filtered = client.get(
        "/rivalries/kerr-vs-ingebrigtsen/?kind=quote", headers={"HX-Request": "true"}
    )
    html = filtered.content.decode()
    assert html.lstrip().startswith('<section id="timeline"')
    assert "<html" not in html
    assert "HX-Request" in filtered["Vary"]
    restore = client.get(
        "/rivalries/kerr-vs-ingebrigtsen/?kind=quote",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in restore.content.decode()


def test_load_more_pages_by_cursor_with_and_without_htmx(client, rivalry):
    kerr, jakob = rivalry.members.all()
    for week in range(25):
        race_between(kerr, jakob, datetime.date(2022, 1, 1) + datetime.timedelta(weeks=week))
    first = client.get("/api/v1/rivalries/kerr-vs-ingebrigtsen/timeline/").json()
    assert len(first["items"]) == 20
    second = client.get(first["next"]).json()
    assert len(second["items"]) == 11
    assert second["next"] is None
    page_url = first["next"].replace(
        "/api/v1/rivalries/kerr-vs-ingebrigtsen/timeline/", "/rivalries/kerr-vs-ingebrigtsen/"
    )
    html = client.get("/rivalries/kerr-vs-ingebrigtsen/").content.decode()
    assert page_url.replace("&", "&amp;") in html
    more = client.get(page_url, headers={"HX-Request": "true"}).content.decode()
    assert more.count('class="item item-') == 11
    assert "<section" not in more
    full = client.get(page_url).content.decode()
    assert full.count('class="item item-') == 11
    assert "<html" in full


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/rivalries/nobody-vs-nobody/", 404),
        ("/api/v1/rivalries/nobody-vs-nobody/timeline/", 404),
        ("/rivalries/kerr-vs-ingebrigtsen/?cursor=garbage", 400),
        ("/rivalries/kerr-vs-ingebrigtsen/?kind=gossip", 400),
        ("/rivalries/kerr-vs-ingebrigtsen/?year=twenty", 400),
        ("/api/v1/rivalries/kerr-vs-ingebrigtsen/timeline/?cursor=garbage", 400),
    ],
)
def test_unknown_rivalry_is_404_and_bad_query_is_400(client, rivalry, path, status):
    assert client.get(path).status_code == status


def test_unpublished_rivalry_is_404(client):
    RivalryFactory(title="Secret", published=False)
    assert client.get("/rivalries/secret/").status_code == 404


def test_query_count_does_not_grow_with_the_rivalry(client, rivalry, django_assert_max_num_queries):
    kerr, jakob = rivalry.members.all()

    def add(count):
        for week in range(count):
            day = datetime.date(2010, 1, 1) + datetime.timedelta(weeks=week + add.weeks)
            race_between(kerr, jakob, day, kerr_place=1 + week % 2)
            QuoteFactory(speaker=kerr, about=[jakob], said_on=day)
        add.weeks += count

    add.weeks = 0
    add(5)
    with django_assert_max_num_queries(20) as small:
        client.get("/rivalries/kerr-vs-ingebrigtsen/")
    with django_assert_max_num_queries(12) as small_json:
        client.get("/api/v1/rivalries/kerr-vs-ingebrigtsen/timeline/")
    add(50)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/rivalries/kerr-vs-ingebrigtsen/")
    with django_assert_max_num_queries(len(small_json.captured_queries)):
        client.get("/api/v1/rivalries/kerr-vs-ingebrigtsen/timeline/")


def test_running_tally_says_what_it_counts(client, rivalry):
    everything = client.get(f"/rivalries/{rivalry.slug}/").content.decode()
    assert "Head-to-head after this race, counting all rounds, all events, indoor and outdoor:" in (
        everything
    )
    mile = client.get(f"/rivalries/{rivalry.slug}/?event=mile").content.decode()
    assert "Head-to-head after this race, counting all rounds, Mile, indoor and outdoor:" in mile
    assert "after this race, counting all rounds, all events" not in mile


def test_header_shows_flags_score_and_form(client, rivalry):
    html = client.get(f"/rivalries/{rivalry.slug}/").content.decode()
    head = html.split('class="score-head"')[1].split("</div>")[0]
    assert head.index("/static/flags/gb.svg") < head.index("score-a") < head.index("/flags/no.svg")
    strip = html.split('<ol class="form">')[1].split("</ol>")[0]
    assert re.findall(r'<span aria-hidden="true">(.)</span>', strip) == ["W", "W", "L"]
    assert strip.count("Josh Kerr ahead") == 2


def test_no_flag_for_a_country_we_hold_none_of(db):
    assert country_flag(AthleteFactory(country="")) == ""
    assert "flags/ke.svg" in country_flag(AthleteFactory(country="KE"))
