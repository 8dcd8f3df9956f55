"""An editor enters a race in the admin, in headless Chromium, as a person would."""

import re

import pytest
from playwright.sync_api import Page, expect

from athletes.models import Race, Result
from tests.factories import AthleteFactory, EventFactory, MeetFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, live_server, admin_user) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(admin_user.username)
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def choose(page: Page, select_id: str, typed: str, option: str) -> None:
    """Pick from an admin autocomplete (select2) widget: open it, type, choose."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    page.locator(".select2-search__field").last.fill(typed)
    page.get_by_role("option", name=option).click()


def test_editor_enters_a_race_and_a_bad_mark_is_rejected_with_its_message(
    page: Page, live_server, admin_user
):
    MeetFactory(name="Prefontaine Classic")
    EventFactory(name="Mile", distance_m=1609.344)
    AthleteFactory(name="Josh Kerr")
    AthleteFactory(name="Jakob Ingebrigtsen")
    log_in(page, live_server, admin_user)

    page.goto(f"{live_server.url}/admin/athletes/race/add/")
    choose(page, "id_meet", "Prefon", "Prefontaine Classic 2024")
    choose(page, "id_event", "Mile", "Mile")
    page.locator("#id_sex").select_option("men")
    page.locator("#id_name").fill("Bowerman Mile")
    page.locator("#id_date").fill("2024-05-25")
    rows = [("1", "Kerr", "Josh Kerr", "3:45.34"), ("2", "Inge", "Jakob Ingebrigtsen", "3:4x.60")]
    for index, (place, typed, name, mark) in enumerate(rows):
        page.locator(f"#id_results-{index}-place").fill(place)
        choose(page, f"id_results-{index}-athlete", typed, name)
        page.locator(f"#id_results-{index}-mark").fill(mark)
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".errorlist").first).to_contain_text("'3:4x.60' is not a time")
    assert Race.objects.count() == 0

    page.locator("#id_results-1-mark").fill("3:45.60")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(re.compile("was added successfully"))

    race = Race.objects.get()
    marks = list(race.results.order_by("place").values_list("athlete__name", "time_ms"))
    assert marks == [("Josh Kerr", 225_340), ("Jakob Ingebrigtsen", 225_600)]
    assert Result.history.count() == 2
