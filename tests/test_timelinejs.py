"""The timeline in TimelineJS's JSON format: ``…/timeline/?format=timelinejs``."""

import datetime

import pytest

from rivalries import timeline
from rivalries.timelinejs import page_to_timelinejs
from tests.factories import (
    AthleteFactory,
    MeetFactory,
    MomentFactory,
    QuoteFactory,
    RaceFactory,
    ResultFactory,
    RivalryFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/rivalries/kerr-vs-ingebrigtsen/timeline/"


@pytest.fixture
def rivalry():
    kerr = AthleteFactory(name="Josh Kerr", country="GB")
    jakob = AthleteFactory(name="Jakob Ingebrigtsen", country="NO")
    rivalry = RivalryFactory(
        title="Kerr vs Ingebrigtsen", summary="A feud <in> the press.", members=[kerr, jakob]
    )
    race = RaceFactory(
        meet=MeetFactory(name="Prefontaine Classic", start_date=datetime.date(2024, 5, 25)),
        name="Bowerman Mile",
    )
    ResultFactory(race=race, athlete=kerr, place=1, time_ms=225_340, flags="WL")
    ResultFactory(race=race, athlete=jakob, place=2, time_ms=226_010)
    QuoteFactory(
        speaker=jakob,
        about=[kerr],
        text="Kerr is <just> next in line.",
        said_on=datetime.date(2023, 11, 1),
        said_on_precision="month",
        source=SourceFactory(publisher="The Athletic", title="", url="https://example.com/a"),
    )
    MomentFactory(
        title="Achilles injury",
        athletes=[jakob],
        happened_on=datetime.date(2024, 1, 1),
        happened_on_precision="year",
    )
    return rivalry


def test_timelinejs_has_a_title_slide_and_one_event_per_item(client, rivalry):
    document = client.get(API, {"format": "timelinejs"}).json()
    assert document["title"]["text"]["headline"] == "Kerr vs Ingebrigtsen"
    assert document["title"]["text"]["text"] == "<p>A feud &lt;in&gt; the press.</p>"
    quote, moment, race = document["events"]
    assert document["next"] is None

    assert quote["start_date"] == {"year": 2023, "month": 11}  # "Nov 2023": no day
    assert quote["display_date"] == "Nov 2023"
    assert quote["group"] == "Quotes"
    assert quote["text"]["headline"] == "Jakob Ingebrigtsen on Josh Kerr"
    assert "<blockquote>Kerr is &lt;just&gt; next in line.</blockquote>" in quote["text"]["text"]
    assert '<a href="https://example.com/a">The Athletic</a>' in quote["text"]["text"]
    assert "What happened next" in quote["text"]["text"]
    assert quote["unique_id"].startswith("quote-")

    assert moment["start_date"] == {"year": 2024}
    assert moment["group"] == "Moments"
    assert moment["text"]["headline"] == "Achilles injury"

    assert race["start_date"] == {"year": 2024, "month": 5, "day": 25}
    assert race["group"] == "Races"
    assert race["text"]["headline"] == "Bowerman Mile, Final"
    assert "<li>1. Josh Kerr 3:45.34</li>" in race["text"]["text"]
    assert "Josh Kerr 1 – Jakob Ingebrigtsen 0" in race["text"]["text"]  # noqa: RUF001
    assert '<a href="/races/' in race["text"]["text"]


def test_timelinejs_pages_like_the_json_and_keeps_its_format(client, rivalry):
    first = client.get(API, {"format": "timelinejs", "kind": ["quote", "race"]}).json()
    plain = client.get(API, {"kind": ["quote", "race"]}).json()
    assert len(first["events"]) == len(plain["items"]) == 2

    page = timeline.page(rivalry, timeline.TimelineFilters(), size=1)
    document = page_to_timelinejs(rivalry, page, "/next?cursor=x&format=timelinejs", lambda _: "")
    assert len(document["events"]) == 1
    assert document["next"].endswith("format=timelinejs")

    response = client.get(API, {"format": "timelinejs", "cursor": page.next_cursor})
    assert [event["group"] for event in response.json()["events"]] == ["Moments", "Races"]


def test_next_link_of_a_long_timeline_keeps_timelinejs(client, rivalry, monkeypatch):
    monkeypatch.setattr(timeline.page, "__kwdefaults__", {"size": 1})  # one item a page
    document = client.get(API, {"format": "timelinejs"}).json()
    assert len(document["events"]) == 1
    assert document["next"].startswith(API + "?cursor=")
    assert document["next"].endswith("&format=timelinejs")
    following = client.get(document["next"]).json()
    assert following["events"][0]["group"] == "Moments"


def test_an_unknown_format_is_a_400_that_names_it(client, rivalry):
    response = client.get(API, {"format": "xml"})
    assert response.status_code == 400
    assert response.json() == {"error": "format='xml' is not a format: use json or timelinejs"}
