"""The reader's site in headless Chromium: live search, the keyboard, no JavaScript, axe-core.

axe-core comes from the npm registry (``package.json``/``package-lock.json`` at the top of the
repository; ``npm ci --no-audit --no-fund`` installs it) and is injected into each page.
"""

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from athletes.models import Race
from rivalries.models import Quote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


def site_pages() -> dict[str, str]:
    bowerman = Race.objects.get(name="Bowerman Mile")
    quote = Quote.objects.published().get(text__startswith="He would win 98 out of 100")
    return {
        "home": "/",
        "rivalries": "/rivalries/",
        "rivalry": "/rivalries/kerr-vs-ingebrigtsen/",
        "athletes": "/athletes/",
        "athletes by letter": "/athletes/?letter=K&country=GBR",
        "athlete": "/athletes/josh-kerr/",
        "athlete's results in a year": "/athletes/josh-kerr/?year=2024&event=1500m",
        "head-to-head": "/h2h/josh-kerr/vs/jakob-ingebrigtsen/",
        "race": f"/races/{bowerman.pk}/",
        "quote": f"/quotes/{quote.pk}/",
        "search": "/search/?q=Ingebritsen",
        "empty search": "/search/",
        "not found": "/athletes/jakob-ingebritsen/",
        "head-to-head embed": "/embed/h2h/josh-kerr/vs/jakob-ingebrigtsen/",
        "rivalry embed": "/embed/rivalries/kerr-vs-ingebrigtsen/",
    }


def search_box(page: Page):
    return page.get_by_role("searchbox", name="Search athletes, rivalries and quotes")


def test_live_search_from_a_misspelled_name_to_the_athlete(page: Page, live_server, demo):
    page.goto(live_server.url + "/races/" + str(Race.objects.get(name="Bowerman Mile").pk) + "/")
    search_box(page).press_sequentially("Ingebrigsten", delay=20)
    live = page.locator("#search-results")
    found = live.get_by_role("link", name="Jakob Ingebrigtsen")
    expect(found).to_be_visible()
    expect(live).to_contain_text("Athletes with a similar name")
    found.click()
    expect(page).to_have_url(live_server.url + "/athletes/jakob-ingebrigtsen/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jakob Ingebrigtsen")


def test_live_search_by_alias_and_then_the_full_results_page(page: Page, live_server, demo):
    page.goto(live_server.url + "/")
    search_box(page).press_sequentially("Josh Cole", delay=20)
    expect(page.locator("#search-results")).to_contain_text("also written “Josh Cole”")
    search_box(page).press("Enter")
    expect(page).to_have_url(live_server.url + "/search/?q=Josh+Cole")
    expect(page.locator("main")).to_contain_text("Josh Kerr")
    # On the search page, typing updates the page's own results and its address.
    search_box(page).fill("")
    search_box(page).press_sequentially("blindfolded", delay=20)
    expect(page.locator("main")).to_contain_text("He could beat Kerr blindfolded.")
    expect(page).to_have_url(live_server.url + "/search/?q=blindfolded")


def test_keyboard_only_from_home_to_a_quote(page: Page, live_server, demo):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    for _ in range(80):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.getAttribute('href') || ''")
        if href.startswith("/quotes/"):
            break
    else:
        pytest.fail("no quote link is reachable with Tab from the home page")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused link shows no focus ring"
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + href)
    expect(page.get_by_role("heading", name="Corrections")).to_be_visible()


def test_without_javascript_every_page_shows_the_same_content(
    browser: Browser, page: Page, live_server, demo
):
    context = browser.new_context(java_script_enabled=False)
    try:
        plain = context.new_page()
        for name, path in site_pages().items():
            page.goto(live_server.url + path)
            plain.goto(live_server.url + path)
            assert plain.locator("main").inner_text() == page.locator("main").inner_text(), name
    finally:
        context.close()


def test_without_javascript_search_filters_and_the_picker_are_plain_forms(
    browser: Browser, live_server, demo
):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        search_box(page).fill("Whiteman")
        search_box(page).press("Enter")
        expect(page).to_have_url(live_server.url + "/search/?q=Whiteman")
        page.get_by_role("link", name="Jake Wightman").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Jake Wightman")

        page.goto(live_server.url + "/athletes/josh-kerr/")
        page.get_by_label("Year").select_option("2024")
        page.get_by_role("button", name="Show").click()
        expect(page).to_have_url(live_server.url + "/athletes/josh-kerr/?year=2024&event=")
        expect(page.locator("#results")).to_contain_text("results in 2024")

        page.get_by_label("Compare with any athlete").fill("Ingebritsen")
        page.get_by_role("button", name="Head-to-head").click()
        expect(page).to_have_url(live_server.url + "/h2h/josh-kerr/vs/jakob-ingebrigtsen/")

        page.goto(live_server.url + "/athletes/")
        page.get_by_label("Country").select_option("NOR")
        page.get_by_role("button", name="Show").click()
        expect(page.locator("main")).to_contain_text("Ingebrigtsen, Jakob")
        expect(page.locator("main")).not_to_contain_text("Kerr, Josh")
    finally:
        context.close()


def test_with_javascript_the_results_filter_updates_in_place(page: Page, live_server, demo):
    page.goto(live_server.url + "/athletes/josh-kerr/")
    page.get_by_label("Year").select_option("2024")
    expect(page).to_have_url(live_server.url + "/athletes/josh-kerr/?year=2024")
    expect(page.locator("#results")).to_contain_text("results in 2024")
    expect(page.locator("#results tbody tr")).to_have_count(3)


@pytest.mark.parametrize("width", [360, 1280])
def test_pages_fit_the_screen_without_sideways_scrolling(
    browser: Browser, live_server, demo, width
):
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        for name, path in site_pages().items():
            page.goto(live_server.url + path)
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= width, f"{name} is {overflow}px wide at {width}px"
    finally:
        context.close()


def axe_violations(page: Page) -> list[dict]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    report = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        violation
        for violation in report["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def describe(violations: list[dict]) -> str:
    return json.dumps(
        [
            {
                "id": violation["id"],
                "help": violation["help"],
                "targets": [node["target"] for node in violation["nodes"]][:5],
            }
            for violation in violations
        ],
        indent=1,
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violation_on_any_page(
    browser: Browser, live_server, demo, scheme
):
    if not AXE.exists():
        pytest.fail("axe-core is not installed: run `npm ci --no-audit --no-fund` (make test does)")
    # The site's Content Security Policy (rightly) refuses an injected script: bypass it for
    # the scan alone; every other browser test runs under it.
    context = browser.new_context(color_scheme=scheme, bypass_csp=True)
    try:
        page = context.new_page()
        for name, path in site_pages().items():
            page.goto(live_server.url + path)
            violations = axe_violations(page)
            assert not violations, f"{name} ({scheme}): {describe(violations)}"
        # The live results, open under the search box.
        page.goto(live_server.url + "/")
        search_box(page).press_sequentially("Kerr", delay=20)
        expect(page.locator("#search-results")).to_contain_text("Josh Kerr")
        violations = axe_violations(page)
        assert not violations, f"live search ({scheme}): {describe(violations)}"
    finally:
        context.close()
