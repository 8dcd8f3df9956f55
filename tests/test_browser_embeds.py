"""Other sites' pages in Chromium: a newsroom's page (another origin, with a server of its own)
embeds our TimelineJS URL with the real TimelineJS (npm's ``@knight-lab/timelinejs``, as its
documentation tells newsrooms to), and frames our embeds; our other pages refuse the frame.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.newsroom import timelinejs_page
from tests.public_site import build_world, public_urls

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMELINE = "/api/v1/rivalries/kerr-vs-ingebrigtsen/timeline/?format=timelinejs"


def every_item(client) -> list[dict]:
    """The plain JSON's items, page after page."""
    found, url = [], TIMELINE.split("?")[0]
    while url:
        data = client.get(url).json()
        found += data["items"]
        url = data["next"]
    return found


def test_timelinejs_on_another_origin_shows_every_item_with_absolute_links(
    page: Page, live_server, demo, client, newsroom
):
    expected = client.get(TIMELINE).json()["events"]
    assert len(expected) == len(every_item(client))  # the whole rivalry, whatever its length
    page.goto(newsroom.publish(timelinejs_page(live_server.url + TIMELINE)))
    markers = page.locator(".tl-timemarker")
    expect(markers).to_have_count(len(expected), timeout=15_000)
    expect(page.locator(".tl-slide")).to_have_count(len(expected) + 1)  # and the title slide
    expect(page.locator(".tl-message-full")).to_have_count(0)
    assert "unexpected error" not in page.content()

    links = page.eval_on_selector_all(".tl-slide a[href]", "links => links.map(a => a.href)")
    ours = {link for link in links if link.startswith(live_server.url)}
    assert ours, "the slides link back to us"
    assert all(link.startswith(("http://", "https://")) for link in links), links
    for link in sorted(ours):
        assert page.request.get(link).status == 200, link


def test_embeds_render_in_another_origins_iframe_and_other_pages_refuse(
    page: Page, live_server, newsroom
):
    world = build_world()
    urls = public_urls(world)
    framed = {
        name: url
        for name, url in urls.items()
        if name not in ("rivalry-feed", "sitemap", "sitemap-section", "robots", "favicon")
        and not name.startswith("api-")
        and name not in ("healthz", "oembed")
    }
    frames = "".join(
        f'<iframe id="{name}" src="{live_server.url}{url}" title="{name}"></iframe>'
        for name, url in framed.items()
    )
    address = newsroom.publish(f"<!doctype html><title>Newsroom</title>{frames}")
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text))
    page.goto(address, wait_until="load")

    embed = page.frame_locator("#embed-h2h")
    expect(embed.locator("h1")).to_contain_text("Josh Kerr vs Jakob Ingebrigtsen")
    expect(embed.get_by_text("Last meetings")).to_be_visible()
    expect(page.frame_locator("#embed-rivalry").locator("h1")).to_contain_text(
        "Kerr vs Ingebrigtsen"
    )
    for name in framed:
        if name.startswith("embed-"):
            continue
        # A refused frame holds Chromium's error page, not ours: no header, no heading.
        expect(page.frame_locator(f"#{name}").locator(".site-header")).to_have_count(0)
    others = [name for name in framed if not name.startswith("embed-")]
    # Chromium names only our origin in its message: one refusal per other page.
    assert len([text for text in refused if "frame-ancestors 'none'" in text]) == len(others)
