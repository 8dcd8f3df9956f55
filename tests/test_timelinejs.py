"""The timeline in TimelineJS's JSON format: ``…/timeline/?format=timelinejs``."""

import datetime
import re

import pytest

from rivalries import timeline, timelinejs
from rivalries.models import Source
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
    assert '<a href="http://testserver/races/' in race["text"]["text"]  # absolute: for embeds
    assert document["truncated"] is None


def test_timelinejs_carries_the_whole_timeline_where_the_json_pages(client, rivalry):
    jakob, kerr = rivalry.members.order_by("name")
    for day in range(timeline.PAGE_SIZE + 5):
        QuoteFactory(speaker=kerr, about=[jakob], said_on=datetime.date(2020, 1, 1 + day))
    plain = client.get(API).json()
    assert len(plain["items"]) == timeline.PAGE_SIZE
    assert plain["next"].startswith(API + "?cursor=")  # a path and query, as DESIGN.md says
    document = client.get(API, {"format": "timelinejs"}).json()
    assert len(document["events"]) == timeline.PAGE_SIZE + 5 + 3
    assert document["next"] is None
    assert document["truncated"] is None
    kinds = client.get(API, {"format": "timelinejs", "kind": ["quote", "race"]}).json()
    assert {event["group"] for event in kinds["events"]} == {"Quotes", "Races"}


def test_a_timeline_past_the_bound_is_cut_with_a_note_and_an_absolute_next(
    client, rivalry, monkeypatch
):
    monkeypatch.setattr(timelinejs, "MAX_EVENTS", 1)
    document = client.get(API, {"format": "timelinejs"}).json()
    assert len(document["events"]) == 1
    assert document["truncated"]["shown"] == 1
    assert "next" in document["truncated"]["note"]
    assert "the rest" in document["title"]["text"]["text"]
    assert document["next"].startswith("http://testserver" + API + "?cursor=")
    assert document["next"].endswith("&format=timelinejs")
    following = client.get(document["next"].removeprefix("http://testserver")).json()
    assert following["events"][0]["group"] == "Moments"


def test_page_to_timelinejs_keeps_the_callers_next(rivalry):
    page = timeline.page(rivalry, timeline.TimelineFilters(), size=1)
    document = page_to_timelinejs(rivalry, page, "https://x.test/next?format=timelinejs", str)
    assert len(document["events"]) == 1
    assert document["next"] == "https://x.test/next?format=timelinejs"


def test_a_paraphrase_is_reported_speech_in_timelinejs(client, rivalry):
    jakob, kerr = rivalry.members.order_by("name")
    QuoteFactory(
        speaker=jakob, about=[kerr], text="He could beat Kerr blindfolded.", is_paraphrase=True,
        said_on=datetime.date(2024, 7, 1),
    )  # fmt: skip
    event = client.get(API, {"format": "timelinejs"}).json()["events"][-1]
    assert event["text"]["headline"] == "Paraphrase of Jakob Ingebrigtsen on Josh Kerr"
    assert (
        '<span class="paraphrase" lang="en">Paraphrase:</span> He could beat Kerr blindfolded.'
        in event["text"]["text"]
    )
    assert "<blockquote>" not in event["text"]["text"]
    assert "“" not in event["text"]["text"]


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", " JaVa\tscript:x"]
)
def test_a_stored_url_that_is_not_http_is_not_linked(client, rivalry, url):
    """Issue 14: a URL stored past the forms (the ORM, an older import) is never an href."""
    Source.objects.update(url=url)  # straight through the ORM: no form validates it
    document = client.get(API, {"format": "timelinejs"}).json()
    quote = document["events"][0]
    assert "href" not in quote["text"]["text"].split("What happened next")[0]
    assert "The Athletic" in quote["text"]["text"]
    plain = client.get(API).json()
    assert plain["items"][0]["quote"]["source"]["url"] == ""


def test_an_unknown_format_is_a_400_that_names_it(client, rivalry):
    response = client.get(API, {"format": "xml"})
    assert response.status_code == 400
    assert response.json() == {"error": "format='xml' is not a format: use json or timelinejs"}


def test_every_link_and_media_url_is_absolute_on_the_site_origin(client, rivalry, settings):
    """TimelineJS runs on other sites' pages: a relative link there points at their site."""
    settings.SITE_URL = "https://rivalries.example"
    kerr = rivalry.members.get(name="Josh Kerr")
    race = kerr.results.get().race
    QuoteFactory(
        speaker=kerr, text="Watch me.", race=race, timing="before", said_on=race.meet.start_date
    )
    document = client.get(API, {"format": "timelinejs"}).json()
    media = document["title"]["media"]
    assert media["url"] == "https://rivalries.example/rivalries/kerr-vs-ingebrigtsen/card.png"
    assert media["link"] == "https://rivalries.example/rivalries/kerr-vs-ingebrigtsen/"
    assert client.get(media["url"].removeprefix("https://rivalries.example")).status_code == 200
    texts = [document["title"]["text"]["text"]] + [e["text"]["text"] for e in document["events"]]
    links = [link for text in texts for link in re.findall(r'href="([^"]*)"', text)]
    ours = [link for link in links if not link.startswith("https://example.com/")]  # sources
    assert ours
    assert all(link.startswith("https://rivalries.example/") for link in ours), ours
    assert any("/races/" in link for link in ours)
    assert any("/quotes/" in link for link in ours)
