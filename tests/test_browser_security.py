"""Hostile text is inert: XSS payloads stored as every text a reader sees render as text.

The payloads come in through the CSV importers (athlete, meet and race names, cities, quote
texts, sources, occasions) and the models (aliases, source titles, moments, rivalries, bios).
Each would set ``window.__xss`` or open a dialog if it ran; headless Chromium visits every
public page, the Atom feed, the JSON responses, the live search, the error pages and the
admin, and checks that no script ran, no dialog opened, and the Content Security Policy had
nothing to block (so escaping alone kept them inert, and our own pages obey the policy).

Values no form or importer accepts (``javascript:`` and ``data:`` URLs, an attribute-breaking
URL, markup in every text) are then written straight through the ORM, as the shell or an older
import could: every page links only to web addresses, a feed reader rendering the summaries
runs nothing, and TimelineJS on another site's page (where our policy does not reach) neither.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from athletes.models import Race
from rivalries.models import Moment, Quote, Source
from tests.newsroom import timelinejs_page
from tests.public_site import Names, build_world, public_urls

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTILE = Names(
    athlete_a="Josh <img src=x onerror=\"window.__xss='athlete'\"> Kerr",
    athlete_b='Jakob "><svg onload=window.__xss=1> Ingebrigtsen',
    alias="<script>window.__xss='alias'</script>",
    meet="Pre </title><script>window.__xss='meet'</script> Classic",
    race_name="'><iframe srcdoc=\"<script>parent.__xss='race'</script>\"></iframe>",
    city="<body onload=alert('city')>",
    venue='<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    quote=(
        '<div hx-get="/" hx-trigger="load" hx-on::after-request="window.__xss=\'htmx\'">x</div>'
        "</textarea><style>*{display:none}</style><img src=x onerror=alert('quote')>"
        "\u2028</script><script>alert('json')</script>"
    ),
    translation="<math><mtext><table><mglyph><style><img src=x onerror=alert('math')>",
    occasion="<a href=\"javascript:alert('occasion')\" id=xss>click</a>",
    publisher="{{ 7|add:7 }}{% debug %}${alert('publisher')}<svg/onload=alert(1)>",
    source_title='<base href="//evil.example/"><script src="//evil.example/x.js"></script>',
    moment="<img src=x onerror=\"window.__xss='moment'\">",
    rivalry="Kerr <script>alert('rivalry')</script> vs Ingebrigtsen",
    summary="<iframe src=\"javascript:alert('summary')\"></iframe>",
    bio="<object data=\"javascript:alert('bio')\"></object>",
)

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""


@pytest.fixture
def hostile_world():
    return build_world(HOSTILE)


@pytest.fixture
def watched(page: Page) -> list[str]:
    """Dialogs opened on ``page``; it also records CSP violations in ``window.__violations``."""
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(WATCH)
    return dialogs


def assert_inert(page: Page, dialogs: list[str], where: str, allowed: tuple[str, ...] = ()) -> None:
    page.wait_for_timeout(50)  # a handler of a failed image or a srcdoc frame runs by now
    assert page.evaluate("window.__xss") is None, where
    assert dialogs == [], where
    if page.evaluate("document.contentType") == "text/html":  # not the XML or JSON viewer's own
        violations = page.evaluate("window.__violations")
        assert [v for v in violations if not v.startswith(allowed)] == [], where


def visit(page: Page, url: str) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None
    assert response.status < 500, url


def test_hostile_text_is_inert_on_every_public_page_feed_and_json(
    page: Page, live_server, hostile_world, watched
):
    for name, path in public_urls(hostile_world).items():
        visit(page, live_server.url + path)
        assert_inert(page, watched, name)
    # and it is shown, as text, where it belongs
    visit(page, f"{live_server.url}/athletes/{hostile_world.a.slug}/")
    expect(page.locator("h1")).to_contain_text("onerror=\"window.__xss='athlete'\"")
    visit(page, f"{live_server.url}/quotes/{hostile_world.quote.pk}/")
    expect(page.locator("main")).to_contain_text('hx-on::after-request="window.__xss')


def test_hostile_text_is_inert_in_live_search_and_on_error_pages(
    page: Page, live_server, hostile_world, watched
):
    visit(page, live_server.url + "/")
    box = page.locator("#site-search-q")
    for typed in ("script", "onerror", "<img src=x onerror=alert('typed')>"):
        with page.expect_response(lambda response: "/search/" in response.url):
            box.fill(typed)
        page.wait_for_timeout(100)  # htmx swaps the results in
        assert_inert(page, watched, f"live search {typed!r}")
    bad_pages = [
        "/search/?q=" + quote("<script>alert('q')</script>"),
        f"/rivalries/{hostile_world.rivalry.slug}/?year=" + quote("<script>alert(1)</script>"),
        f"/h2h/{hostile_world.a.slug}/vs/{hostile_world.b.slug}/?rounds="
        + quote("<img src=x onerror=alert('rounds')>"),
        "/athletes/" + quote("<svg onload=alert('404')>") + "/",
        "/athletes/josh-img-src-x/",  # a 404 whose guesses are the hostile athletes
    ]
    for path in bad_pages:
        visit(page, live_server.url + path)
        assert_inert(page, watched, path)


def test_hostile_text_is_inert_in_the_admin(
    page: Page, live_server, hostile_world, watched, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.create_superuser("admin", "admin@example.com", "password")
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    world = hostile_world
    for path in [
        "/admin/",
        "/admin/athletes/athlete/",
        f"/admin/athletes/athlete/{world.a.pk}/change/",
        f"/admin/athletes/athlete/{world.a.pk}/history/",
        "/admin/athletes/race/",
        f"/admin/athletes/race/{world.race.pk}/change/",
        "/admin/athletes/meet/",
        "/admin/rivalries/quote/",
        f"/admin/rivalries/quote/{world.quote.pk}/change/",
        "/admin/rivalries/source/",
        "/admin/rivalries/rivalry/",
        "/admin/rivalries/moment/",
        f"/admin/athletes/athlete/{world.a.pk}/delete/",
    ]:
        visit(page, live_server.url + path)
        # django-simple-history's history page has one style="" attribute (a paginator's
        # border), which the policy blocks: cosmetic, and no script.
        assert_inert(page, watched, path, allowed=("style-src-attr inline",))


# --- stored past the forms (issue 14): URLs and markup written straight through the ORM -------

ORM_URLS = {
    "url": "javascript:window.__xss='source url'",
    "archive_url": "data:text/html,<script>alert('archive')</script>",
}
ORM_RACE_URL = "\tJaVaScRiPt:alert('race source')"
ORM_ATTRIBUTE_BREAK = 'https://example.com/" onmouseover="window.__xss=\'attribute\'" x="'
ORM_TEXT = "<img src=x onerror=\"window.__xss='orm text'\"><script>alert('orm')</script>"
LINKS = """() => [...document.querySelectorAll("[href], [src], [action], [data]")].map(
  el => el.getAttribute("href") || el.getAttribute("src") || el.getAttribute("action")
    || el.getAttribute("data"))"""


@pytest.fixture
def orm_world(hostile_world):
    """The hostile world, plus values no form or importer would take, saved by the ORM."""
    Source.objects.update(**ORM_URLS)
    Race.objects.update(source_url=ORM_RACE_URL)
    other = Source.objects.create(publisher=ORM_TEXT, url=ORM_ATTRIBUTE_BREAK)
    Moment.objects.update(source=other, description=ORM_TEXT)
    Quote.objects.update(translation=ORM_TEXT, is_paraphrase=True)
    return hostile_world


def assert_links_are_web_links(page: Page, where: str) -> None:
    for link in page.evaluate(LINKS):
        scheme = link.strip().split(":", 1)[0].lower() if ":" in link.split("/")[0] else ""
        assert scheme in ("", "http", "https"), (where, link)


def test_urls_and_text_stored_through_the_orm_render_inert_everywhere(
    page: Page, live_server, orm_world, watched, newsroom
):
    for name, path in public_urls(orm_world).items():
        visit(page, live_server.url + path)
        assert_inert(page, watched, name)
        if page.evaluate("document.contentType") == "text/html":
            assert_links_are_web_links(page, name)

    # A feed reader renders each summary as HTML: it must be text by then.
    feed = page.request.get(f"{live_server.url}/rivalries/{orm_world.rivalry.slug}/feed/").text()
    summaries = re.findall(r"<summary type=\"html\">(.*?)</summary>", feed, flags=re.DOTALL)
    assert summaries
    for summary in summaries:
        page.set_content(f"<div id=reader>{html.unescape(summary)}</div>")
        assert_inert(page, watched, f"feed summary {summary[:40]}")
        assert page.locator("#reader img, #reader script").count() == 0

    # TimelineJS on a newsroom's page (no policy of ours there) renders our JSON inert.
    api = f"{live_server.url}/api/v1/rivalries/{orm_world.rivalry.slug}/timeline/?format=timelinejs"
    page.goto(newsroom.publish(timelinejs_page(api)))
    expect(page.locator(".tl-slide").first).to_be_attached(timeout=15_000)
    assert_inert(page, watched, "TimelineJS")
    assert_links_are_web_links(page, "TimelineJS")
