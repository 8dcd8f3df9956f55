"""Quotes from an article, in headless Chromium, as an editor: paste, review, keep, publish, and
read them on the rivalry's timeline with their source."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from rivalries.models import Quote
from tests.factories import (
    AthleteFactory,
    EventFactory,
    MeetFactory,
    RaceFactory,
    ResultFactory,
    RivalryFactory,
)
from tests.test_browser_editors import snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Written for this test: not reporting. "Cole" is no athlete in this test's database.
ARTICLE = """\
EUGENE, Ore. — Josh Kerr and Jakob Ingebrigtsen met again on Saturday.
“Ingebrigtsen is not my friend,” Kerr said on Friday.
“Kerr is just next in line,” Ingebrigtsen said after the race.
The crowd loved it. “I will beat Ingebrigtsen in Paris,” Cole said.
"""


@pytest.fixture
def rivals():
    kerr = AthleteFactory(name="Josh Kerr", country="GB")
    jakob = AthleteFactory(name="Jakob Ingebrigtsen", country="NO")
    rivalry = RivalryFactory(title="Kerr vs Ingebrigtsen", published=True)
    rivalry.members.add(kerr)
    rivalry.members.add(jakob)
    race = RaceFactory(
        meet=MeetFactory(name="Prefontaine Classic", start_date=datetime.date(2024, 5, 25)),
        event=EventFactory(name="Mile", distance_m=1609.344),
        name="Bowerman Mile",
    )
    ResultFactory(race=race, athlete=kerr, place=1, time_ms=225_340)
    ResultFactory(race=race, athlete=jakob, place=2, time_ms=225_600)
    return rivalry


def test_editor_turns_an_article_into_published_quotes(page: Page, live_server, editor, rivals):
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Quotes from an article").click()
    page.get_by_label("Article text").fill(ARTICLE)
    page.get_by_label("URL").fill("https://www.example.com/bowerman")
    page.get_by_label("Publisher").fill("The Athletic")
    page.get_by_label("Published on").fill("2024-05-26")
    page.get_by_role("button", name="Read the article").click()

    statements = page.locator("fieldset.statement-form")
    expect(statements).to_have_count(3)
    expect(page.locator("mark.statement")).to_have_count(3)
    snap(page, "article_review")

    first = page.locator("#statement-1")
    expect(first.locator("[data-precise-date]")).to_have_text("24 May 2024")
    first.get_by_label("Said on").fill("2024-05-23")  # the editor knows better
    expect(first.locator("[data-precise-date]")).to_have_text("23 May 2024")

    second = page.locator("#statement-2")
    expect(second.get_by_label("Race")).to_have_value("after")

    third = page.locator("#statement-3")
    expect(third.get_by_label("Speaker")).to_have_value("Cole")
    third.get_by_label("Speaker").fill("Josh Kerr")
    third.get_by_label("Not an athlete").uncheck()

    for number in (1, 2, 3):
        page.locator(f"#statement-{number}").get_by_label("Keep").check()
    page.get_by_role("button", name="Save the kept statements").click()

    expect(page.locator(".messagelist")).to_contain_text("Saved 3 unpublished quote(s)")
    quotes = Quote.objects.order_by("article_start")
    assert [q.published for q in quotes] == [False, False, False]
    assert quotes[0].said_on == datetime.date(2024, 5, 23)
    assert quotes[2].speaker.name == "Josh Kerr"
    assert quotes[1].race.name == "Bowerman Mile"

    page.locator("#action-toggle").check()
    page.locator("select[name='action']").select_option("publish")
    page.get_by_role("button", name="Run").click()
    expect(page.locator(".messagelist")).to_contain_text("Published 3 quote(s)")

    page.goto(f"{live_server.url}/rivalries/{rivals.slug}/")
    for words in (
        "Ingebrigtsen is not my friend",
        "Kerr is just next in line",
        "I will beat Ingebrigtsen in Paris",
    ):
        quote = page.locator("figure.quote", has_text=words)
        expect(quote).to_be_visible()
        expect(quote.get_by_role("link", name="The Athletic")).to_have_attribute(
            "href", "https://www.example.com/bowerman"
        )
    expect(page.locator("figure.quote", has_text="not my friend")).to_contain_text("23 May 2024")
    snap(page, "article_quotes_on_the_timeline")
