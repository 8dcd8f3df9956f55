"""Pasting a results table in headless Chromium, as an editor, counted like the typed entry.

The typed entry of the same race (tests/test_browser_editors.py) prints its keystrokes and
seconds; this prints the pasted entry's beside them. Set EDITOR_SCREENSHOTS=/some/dir to keep
a screenshot of each step.
"""

import time

import pytest
from playwright.sync_api import Page, expect

from athletes.models import Race
from tests.factories import AthleteFactory, EventFactory, MeetFactory
from tests.test_browser_editors import Keyboard, snap
from tests.test_pasting import WEB_TABLE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The finishers of ../shared/intake/paste-web-table.txt, stored as the typed test stores them.
FINISHERS = [
    ("Josh Kerr", "GB"),
    ("Jakob Ingebrigtsen", "NO"),
    ("Yared Nuguse", "US"),
    ("Neil Gourley", "GB"),
    ("Jake Wightman", "GB"),
]


def test_editor_pastes_the_2024_bowerman_mile_into_a_new_race(page: Page, live_server, editor):
    MeetFactory(name="Prefontaine Classic")
    EventFactory(name="Mile", distance_m=1609.344)
    for name, country in FINISHERS:
        AthleteFactory(name=name, country=country)

    page.goto(f"{live_server.url}/admin/paste/")
    keys = Keyboard(page)
    clicks = 0
    started = time.perf_counter()

    page.locator("#id_meet + .select2 .select2-selection").focus()
    keys.autocomplete("prefon", "Prefontaine Classic 2024")
    page.locator("#id_event").focus()
    keys.type("Mile")
    page.locator("#id_sex").focus()
    keys.type("m")
    page.locator("#id_name").focus()
    keys.type("Bowerman Mile")
    page.locator("#id_text").focus()
    page.keyboard.insert_text(WEB_TABLE)  # what Ctrl+V does
    keys.strokes += 2
    keys.press("Tab")
    expect(page.get_by_role("button", name="Read the table")).to_be_focused()
    keys.press("Enter")

    rows = page.locator("#paste-rows tbody tr")
    expect(rows).to_have_count(6)
    expect(page.locator("#line-2")).to_contain_text("matched")
    expect(page.locator("#line-2 input[name$='-mark']")).to_have_value("3:45.34")
    expect(page.locator("#line-7")).to_contain_text("not stored")
    read = time.perf_counter() - started
    snap(page, "paste_read")

    # Jane Doe (XYZ) is the examples' made-up athlete: the editor leaves her line out.
    page.locator("#line-7").get_by_label("Leave out").check()
    clicks += 1
    page.get_by_role("button", name="Save the race and its results").click()
    clicks += 1
    expect(page.locator(".messagelist")).to_contain_text("results 5 created")
    total = time.perf_counter() - started
    snap(page, "paste_saved")

    race = Race.objects.get()
    assert (race.name, str(race.date), race.event.name) == ("Bowerman Mile", "2024-05-25", "Mile")
    stored = list(race.results.order_by("place").values_list("place", "athlete__name", "flags"))
    assert stored == [
        (place, name, "WL NR" if place == 1 else "") for place, (name, _) in enumerate(FINISHERS, 1)
    ]
    assert race.results.get(place=1).time == "3:45.34"
    print(
        f"\nBowerman Mile 2024 pasted ({len(FINISHERS)} finishers, the example's; the 14-finisher"
        f" table is not in ../shared/intake): read after {read:.1f} s, saved after {total:.1f} s,"
        f" {keys.strokes} keystrokes and {clicks} clicks"
    )
