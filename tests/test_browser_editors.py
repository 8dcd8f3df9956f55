"""The editors' desk in headless Chromium, as an editor (the "Editors" group, not a superuser).

Set EDITOR_SCREENSHOTS=/some/dir to keep a screenshot of each admin page the tests visit.
"""

import os
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from athletes.importing import import_results_text
from athletes.models import Athlete, Race
from rivalries.models import Quote
from tests.factories import (
    AthleteFactory,
    EventFactory,
    MeetFactory,
    QuoteFactory,
    SourceFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The 2024 Bowerman Mile (Prefontaine Classic, Eugene, 25 May 2024): the first five as in the
# demo data; the rest of the field is illustrative, in a plausible order.
BOWERMAN_2024 = [
    ("Josh Kerr", "GB", "3:45.34", ["WL", "NR"]),
    ("Jakob Ingebrigtsen", "NO", "3:45.60", []),
    ("Yared Nuguse", "US", "3:46.22", []),
    ("Neil Gourley", "GB", "3:47.74", []),
    ("Jake Wightman", "GB", "3:47.83", []),
    ("Cole Hocker", "US", "3:48.10", ["SB"]),
    ("Hobbs Kessler", "US", "3:48.35", ["PB"]),
    ("Mario García", "ES", "3:48.62", []),
    ("George Mills", "GB", "3:49.05", []),
    ("Niels Laros", "NL", "3:49.40", []),
    ("Narve Gilje Nordås", "NO", "3:50.12", []),
    ("Reynold Cheruiyot", "KE", "3:50.48", []),
    ("Abel Kipsang", "KE", "3:51.30", []),
    ("Ollie Hoare", "AU", "3:52.77", []),
]
TYPO_ROW = 1  # Ingebrigtsen's mark is first typed with a slip of the finger
TYPO = "3:4x.60"


def snap(page: Page, name: str) -> None:
    folder = os.environ.get("EDITOR_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png")


def choose(page: Page, select_id: str, typed: str, option: str) -> None:
    """Pick from an admin autocomplete (select2) widget: open it, type, choose."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    page.locator(".select2-search__field").last.fill(typed)
    page.get_by_role("option", name=option).click()


class Keyboard:
    """The page's keyboard, counting keystrokes so the closing note can say how many."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.strokes = 0

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.strokes += len(text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.strokes += 1

    def autocomplete(self, typed: str, option: str) -> None:
        """On a focused select2 field: Enter opens it, type, Enter takes the highlighted match."""
        self.press("Enter")
        expect(self.page.locator(".select2-container--open .select2-search__field")).to_be_focused()
        self.type(typed)
        highlighted = self.page.locator(".select2-results__option--highlighted")
        expect(highlighted).to_have_text(option)
        self.press("Enter")


def test_editor_enters_the_2024_bowerman_mile_by_keyboard(page: Page, live_server, editor):
    MeetFactory(name="Prefontaine Classic")
    EventFactory(name="Mile", distance_m=1609.344)
    for name, country, _, _ in BOWERMAN_2024:
        AthleteFactory(name=name, country=country)

    page.goto(f"{live_server.url}/admin/athletes/race/add/")
    keys = Keyboard(page)
    started = time.perf_counter()

    page.locator("#id_meet + .select2 .select2-selection").focus()
    keys.autocomplete("prefon", "Prefontaine Classic 2024")
    page.locator("#id_event + .select2 .select2-selection").focus()
    keys.autocomplete("mile", "Mile")
    page.locator("#id_sex").focus()
    keys.type("m")
    page.locator("#id_name").focus()
    keys.type("Bowerman Mile")
    # The date is left empty: the meet's first day.

    page.locator("#id_results-0-place").focus()
    for index, (name, _, mark, flags) in enumerate(BOWERMAN_2024):
        expect(page.locator(f"#id_results-{index}-place")).to_be_focused()
        keys.type(str(index + 1))
        keys.press("Tab")  # to the athlete
        keys.autocomplete(name.split()[-1][:5], name)
        expect(page.locator(f"#id_results-{index}-mark")).to_be_focused()
        keys.type(TYPO if index == TYPO_ROW else mark)
        if flags:
            keys.press("Tab")  # past the status
            keys.press("Tab")
            expect(page.locator(f"#id_results-{index}-flags")).to_be_focused()
            keys.type(" ".join(flags))
        keys.press("Enter")  # on to the next row's place
    typed = time.perf_counter() - started
    snap(page, "race_add_filled")

    tabs_to_save = tab_to(page, keys, page.get_by_role("button", name="Save", exact=True))
    keys.press("Enter")
    error = page.locator(f"#results-{TYPO_ROW} .errorlist")
    expect(error).to_contain_text(f"'{TYPO}' is not a time: only digits, ':' and '.' are allowed")
    assert not Race.objects.exists()
    # The cursor waits in the bad mark, its text selected: typing replaces it.
    expect(page.locator(f"#id_results-{TYPO_ROW}-mark")).to_be_focused()
    snap(page, "race_add_bad_mark")

    keys.type(BOWERMAN_2024[TYPO_ROW][2])
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(re.compile("was added successfully"))
    total = time.perf_counter() - started

    race = Race.objects.get()
    assert (race.name, str(race.date)) == ("Bowerman Mile", "2024-05-25")
    stored = list(race.results.order_by("place").values_list("place", "athlete__name", "flags"))
    assert stored == [
        (place, name, " ".join(flags)) for place, (name, _, _, flags) in enumerate(BOWERMAN_2024, 1)
    ]
    assert race.results.get(place=1).time == "3:45.34"
    print(
        f"\nBowerman Mile 2024, {len(BOWERMAN_2024)} finishers: typed in {typed:.1f} s,"
        f" saved (with one mark corrected) after {total:.1f} s, {keys.strokes} keystrokes"
        f" ({tabs_to_save} Tabs from the last row to Save)"
    )

    page.goto(f"{live_server.url}/admin/athletes/race/{race.pk}/change/")
    expect(page.locator("#id_results-0-mark")).to_have_value("3:45.34")
    snap(page, "race_change")


def tab_to(page: Page, keys: Keyboard, target, most: int = 60) -> int:
    """Press Tab until ``target`` has the focus; how many it took."""
    for count in range(1, most + 1):
        keys.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return count
    pytest.fail(f"{most} Tabs did not reach {target}")


def test_editor_is_warned_about_a_race_already_stored(page: Page, live_server, editor):
    meet = MeetFactory(name="Prefontaine Classic")
    mile = EventFactory(name="Mile", distance_m=1609.344)
    Race.objects.create(meet=meet, event=mile, sex="men", date=meet.start_date)
    AthleteFactory(name="Josh Kerr")

    page.goto(f"{live_server.url}/admin/athletes/race/add/")
    choose(page, "id_meet", "Prefon", "Prefontaine Classic 2024")
    choose(page, "id_event", "Mile", "Mile")
    page.locator("#id_sex").select_option("men")
    page.locator("#id_name").fill("Bowerman Mile")
    page.locator("#id_results-0-place").fill("1")
    choose(page, "id_results-0-athlete", "Kerr", "Josh Kerr")
    page.locator("#id_results-0-mark").fill("3:45.34")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator("#similar-races")).to_contain_text("Possibly a duplicate")
    snap(page, "race_duplicate_warning")
    page.get_by_label("This is a different race: save it anyway").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(re.compile("was added successfully"))
    assert Race.objects.count() == 2


def test_editor_publishes_a_quote_only_once_it_has_a_source(page: Page, live_server, editor):
    AthleteFactory(name="Josh Kerr")
    AthleteFactory(name="Jakob Ingebrigtsen")
    SourceFactory(publisher="The Athletic", title="Kerr on the Plodcast")

    page.goto(f"{live_server.url}/admin/rivalries/quote/add/")
    choose(page, "id_speaker", "Kerr", "Josh Kerr")
    choose(page, "id_about", "Inge", "Jakob Ingebrigtsen")
    page.locator("#id_text").fill("His ego is pretty high, and he has some major weaknesses.")
    page.locator("#id_said_on").fill("2023-11-14")
    page.get_by_label("Month").check()
    expect(page.locator("[data-precise-date='said_on']")).to_have_text("Nov 2023")
    page.get_by_label("Year", exact=True).check()
    expect(page.locator("[data-precise-date='said_on']")).to_have_text("2023")
    page.get_by_label("Month").check()
    page.get_by_label("Published").check()
    page.get_by_role("button", name="Save", exact=True).click()

    source_error = page.locator(".field-source .errorlist")
    expect(source_error).to_have_text("A quote needs a source before it can be published.")
    assert not Quote.objects.exists()
    source_error.scroll_into_view_if_needed()
    snap(page, "quote_needs_source")

    choose(page, "id_source", "Athletic", "The Athletic: Kerr on the Plodcast")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(re.compile("was added successfully"))
    quote = Quote.objects.get()
    assert (quote.published, quote.said.display()) == (True, "Nov 2023")

    # The bulk action publishes what has a source and names what has none.
    QuoteFactory(
        speaker=quote.speaker, text="Words nobody can source", published=False, source=None
    )
    page.goto(f"{live_server.url}/admin/rivalries/quote/?published__exact=0")
    snap(page, "quote_list")
    page.locator("#action-toggle").check()
    page.locator("select[name='action']").select_option("publish")
    page.get_by_role("button", name="Run").click()
    expect(page.locator(".messagelist .error")).to_contain_text("Words nobody can source")
    assert Quote.objects.filter(published=False).count() == 1


def test_editor_merges_a_duplicate_created_from_a_misspelling(page: Page, live_server, editor):
    AthleteFactory(name="Jakob Ingebrigtsen", country="NO")
    report = import_results_text(
        "date,meet,race_name,city,country,venue,event,round,indoor,place,athlete,nationality,"
        "mark,status,flags,source_url\n"
        "2023-06-15,Bislett Games,,Oslo,NOR,Bislett,1500m,final,false,1,Jakob Ingebritsen,NOR,"
        "3:29.63,,,\n",
        create_athletes=True,
    )
    assert report.ok, report.summary()
    assert Athlete.objects.count() == 2

    page.goto(f"{live_server.url}/admin/athletes/athlete/?q=ingebri")
    page.locator("#action-toggle").check()
    page.locator("select[name='action']").select_option("merge_selected")
    page.get_by_role("button", name="Run").click()

    expect(page.get_by_role("heading", name="Merge athletes")).to_be_visible()
    page.get_by_role("radio", name=re.compile(r"^Jakob Ingebrigtsen\b")).check()
    page.get_by_role("button", name="Show the merge").click()
    plan = page.locator("#merge-plan-1")
    expect(plan).to_contain_text("“Jakob Ingebritsen” into “Jakob Ingebrigtsen”")
    expect(plan).to_contain_text("Results: 1 moves over")
    snap(page, "athlete_merge")
    page.get_by_role("button", name="Yes, merge").click()

    expect(page.locator(".messagelist")).to_contain_text(
        "Merged 'Jakob Ingebritsen' into 'Jakob Ingebrigtsen'"
    )
    jakob = Athlete.objects.get()
    assert jakob.name == "Jakob Ingebrigtsen"
    assert jakob.results.count() == 1
    assert list(jakob.aliases.values_list("name", flat=True)) == ["Jakob Ingebritsen"]

    page.goto(f"{live_server.url}/admin/athletes/athlete/?q=Ingebritsen")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    snap(page, "athlete_list")


def test_editor_imports_a_csv_through_the_upload_page(page: Page, live_server, editor, tmp_path):
    csv = tmp_path / "pre-2024.csv"
    csv.write_text(
        "date,meet,race_name,city,country,venue,event,round,indoor,place,athlete,nationality,"
        "mark,status,flags,source_url\n"
        "2024-05-25,Prefontaine Classic,Bowerman Mile,Eugene,USA,Hayward Field,Mile,final,false,"
        "1,Josh Kerr,GBR,3:45.34,,WL NR,\n"
        "2024-05-25,Prefontaine Classic,Bowerman Mile,Eugene,USA,Hayward Field,Mile,final,false,"
        "2,Jakob Ingebrigtsen,NOR,3:45.60,,,\n",
        encoding="utf-8",
    )
    AthleteFactory(name="Josh Kerr", country="GB")

    page.goto(f"{live_server.url}/admin/")
    snap(page, "admin_index")
    page.get_by_role("link", name="Import results (CSV or OpenTrack JSON) or quotes (CSV)").click()
    page.get_by_label("Results").check()
    page.get_by_label("File:", exact=True).set_input_files(csv)
    page.get_by_role("button", name="Check the file").click()

    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("Jakob Ingebrigtsen")
    expect(errors.locator("tbody tr td").first).to_have_text("3")
    snap(page, "import_rejected")

    page.get_by_label("Results").check()
    page.get_by_label("File:", exact=True).set_input_files(csv)
    page.get_by_label("Create missing athletes").check()
    page.get_by_role("button", name="Check the file").click()
    counts = page.locator("#import-counts")
    expect(counts.locator("tr", has_text="Athletes")).to_contain_text("1")
    expect(counts.locator("tr", has_text="Results")).to_contain_text("2")
    assert not Race.objects.exists()
    snap(page, "import_preview")

    page.get_by_role("button", name="Import pre-2024.csv").click()
    expect(page.locator(".messagelist")).to_contain_text("Imported pre-2024.csv: 2 rows read")
    snap(page, "import_done")
    race = Race.objects.get()
    assert race.results.count() == 2
    assert Athlete.objects.count() == 2


def test_editor_cannot_open_user_management(page: Page, live_server, editor):
    for url in ("/admin/auth/user/", "/admin/auth/group/"):
        response = page.goto(f"{live_server.url}{url}")
        assert response is not None
        assert response.status == 403, url


def test_enter_on_the_last_result_row_adds_a_row(page: Page, live_server, editor):
    page.goto(f"{live_server.url}/admin/athletes/race/add/")
    last = page.locator("#results-group tr.form-row:not(.empty-form)").count() - 1
    page.locator(f"#id_results-{last}-place").focus()
    page.keyboard.press("Enter")

    expect(page.locator(f"#id_results-{last + 1}-place")).to_be_focused()
    page.keyboard.press("Shift+Enter")
    expect(page.locator(f"#id_results-{last}-place")).to_be_focused()


def test_the_new_meet_popup_fills_the_slug_from_the_name(page: Page, live_server, editor):
    page.goto(f"{live_server.url}/admin/athletes/race/add/")
    with page.expect_popup() as opened:
        page.locator("#add_id_meet").click()
    popup = opened.value
    popup.locator("#id_name").press_sequentially("Bislett Games")
    popup.locator("#id_start_date").fill("2024-05-30")
    popup.locator("#id_start_date").dispatch_event("change")
    expect(popup.locator("#id_slug")).to_have_value("bislett-games-2024-05-30")
    snap(popup, "meet_popup")
    popup.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#id_meet + .select2")).to_contain_text("Bislett Games 2024")
