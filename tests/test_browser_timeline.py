"""The rivalry timeline and head-to-head in headless Chromium, with and without JavaScript."""

import datetime

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.factories import (
    AthleteFactory,
    EventFactory,
    MeetFactory,
    QuoteFactory,
    RaceFactory,
    ResultFactory,
    RivalryFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMELINE = "/rivalries/kerr-vs-ingebrigtsen/"


@pytest.fixture
def rivalry():
    kerr = AthleteFactory(name="Josh Kerr", country="GB")
    jakob = AthleteFactory(name="Jakob Ingebrigtsen", country="NO")
    nuguse = AthleteFactory(name="Yared Nuguse", country="US")
    rivalry = RivalryFactory(title="Kerr vs Ingebrigtsen", members=[kerr, jakob])
    mile = EventFactory(name="Mile", distance_m=1609.344)
    metric = EventFactory(name="1500m", distance_m=1500)
    start = datetime.date(2021, 1, 2)
    for week in range(24):
        day = start + datetime.timedelta(weeks=week * 3)
        race = RaceFactory(
            meet=MeetFactory(name=f"Meet {week}", start_date=day),
            event=mile if week == 23 else metric,
            name="Bowerman Mile" if week == 23 else "",
        )
        kerr_place = 1 if week % 3 else 2
        ResultFactory(race=race, athlete=kerr, place=kerr_place, time_ms=210_000 + kerr_place)
        ResultFactory(race=race, athlete=jakob, place=3 - kerr_place, time_ms=212_000 - kerr_place)
        ResultFactory(race=race, athlete=nuguse, place=3, time_ms=213_000)
    QuoteFactory(
        speaker=jakob, about=[kerr], text="98 out of 100",
        said_on=datetime.date(2022, 2, 1), said_on_precision="month",
    )  # fmt: skip
    return rivalry


def items(page: Page):
    return page.locator("#timeline li.item")


def test_filter_load_more_expand_and_history(page: Page, live_server, rivalry):
    page.goto(live_server.url + TIMELINE)
    expect(items(page)).to_have_count(20)

    page.get_by_role("link", name="Load more").click()
    expect(items(page)).to_have_count(25)
    expect(page).to_have_url(f"{live_server.url}{TIMELINE}?cursor=" + page.url.split("cursor=")[1])

    page.goto(live_server.url + TIMELINE)
    page.get_by_label("Quotes", exact=True).check()
    expect(items(page)).to_have_count(1)
    expect(page).to_have_url(live_server.url + TIMELINE + "?kind=quote")
    expect(items(page).first).to_contain_text("98 out of 100")

    page.get_by_label("Year").select_option("2022")
    expect(page).to_have_url(live_server.url + TIMELINE + "?kind=quote&year=2022")

    page.go_back()
    expect(page).to_have_url(live_server.url + TIMELINE + "?kind=quote")
    expect(items(page)).to_have_count(1)
    page.go_back()
    expect(page).to_have_url(live_server.url + TIMELINE)
    expect(items(page)).to_have_count(20)
    page.go_forward()
    expect(page).to_have_url(live_server.url + TIMELINE + "?kind=quote")
    expect(items(page)).to_have_count(1)


def test_a_race_expands_in_place_to_its_full_results(page: Page, live_server, rivalry):
    page.goto(live_server.url + TIMELINE)
    first_race = items(page).filter(has_text="Meet 0").first
    expect(first_race).not_to_contain_text("Yared Nuguse")
    first_race.get_by_role("link", name="Full results").click()
    expect(first_race.locator("table.results")).to_contain_text("Yared Nuguse")
    expect(page).to_have_url(live_server.url + TIMELINE)


def test_switching_a_counting_rule_changes_the_numbers_and_the_url(
    page: Page, live_server, rivalry
):
    kerr, jakob = rivalry.members.all()
    page.goto(f"{live_server.url}/h2h/{kerr.slug}/vs/{jakob.slug}/")
    expect(page.locator(".scoreboard")).to_contain_text("24 meetings")
    page.get_by_role("link", name="Mile", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/h2h/{kerr.slug}/vs/{jakob.slug}/?event=mile")
    expect(page.locator(".scoreboard")).to_contain_text("1 meeting")
    expect(page.locator(".scoreboard")).to_contain_text("all rounds, Mile")
    page.go_back()
    expect(page.locator(".scoreboard")).to_contain_text("24 meetings")


@pytest.mark.parametrize(
    "path",
    [
        TIMELINE,
        TIMELINE + "?kind=quote",
        TIMELINE + "?event=mile",
        "/h2h/josh-kerr/vs/jakob-ingebrigtsen/?event=mile",
    ],
)
def test_without_javascript_the_same_urls_show_the_same_content(
    browser: Browser, page: Page, live_server, rivalry, path
):
    page.goto(live_server.url + path)
    with_js = page.locator("main").inner_text()
    context = browser.new_context(java_script_enabled=False)
    try:
        plain = context.new_page()
        plain.goto(live_server.url + path)
        assert plain.locator("main").inner_text() == with_js
    finally:
        context.close()


def test_without_javascript_filters_and_load_more_are_plain_links_and_forms(
    browser: Browser, live_server, rivalry
):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + TIMELINE)
        page.get_by_role("link", name="Load more").click()
        expect(items(page)).to_have_count(5)
        page.goto(live_server.url + TIMELINE)
        page.get_by_label("Quotes", exact=True).check()
        page.get_by_role("button", name="Apply").click()
        expect(page).to_have_url(live_server.url + TIMELINE + "?kind=quote&year=&event=&speaker=")
        expect(items(page)).to_have_count(1)
        race_link = page.get_by_role("link", name="Full results")
        expect(race_link).to_have_count(0)
    finally:
        context.close()
