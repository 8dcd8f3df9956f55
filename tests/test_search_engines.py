"""What search engines and link previews read (issue 18): one canonical URL per content, and
OpenGraph on every page, on the site's own origin."""

from __future__ import annotations

import html
import re

import pytest

from tests.public_site import build_world, public_urls

pytestmark = pytest.mark.django_db

NOT_HTML = {"rivalry-feed", "sitemap", "sitemap-section", "robots", "favicon", "healthz", "oembed"}
NOT_HTML |= {"quote-card", "h2h-card", "rivalry-card"}  # the pages' share cards, PNG


@pytest.fixture
def world():
    return build_world()


def html_urls(world) -> dict[str, str]:
    return {
        name: url
        for name, url in public_urls(world).items()
        if name not in NOT_HTML and not name.startswith("api-")
    }


def canonical(body: str) -> str:
    found = re.findall(r'<link rel="canonical" href="([^"]*)">', body)
    assert len(found) == 1, found
    return html.unescape(found[0])


def test_every_page_has_one_canonical_url_and_opengraph(client, world):
    for name, url in html_urls(world).items():
        body = client.get(url).content.decode()
        assert canonical(body).startswith("http://testserver/"), name
        for tag in ("og:type", "og:url", "og:title", "og:description", "og:site_name"):
            assert re.search(rf'<meta property="{tag}" content="[^"]+">', body), (name, tag)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/h2h/{a}/vs/{b}/?rounds=finals&event=mile&indoor=false", "/h2h/{a}/vs/{b}/"),
        ("/rivalries/{rivalry}/?kind=quote&year=2024", "/rivalries/{rivalry}/"),
        ("/athletes/?letter=K&country=GBR", "/athletes/"),
        ("/athletes/?page=2", "/athletes/?page=2"),
        ("/athletes/?page=1", "/athletes/"),
        ("/athletes/{a}/?year=2024&junk=1", "/athletes/{a}/"),
        ("/search/?q=kerr&junk=1", "/search/?q=kerr"),
        ("/?utm_source=newsletter", "/"),
    ],
)
def test_filters_and_junk_are_not_canonical(client, world, url, expected):
    names = {"a": world.a.slug, "b": world.b.slug, "rivalry": world.rivalry.slug}
    body = client.get(url.format(**names)).content.decode()
    assert canonical(body) == "http://testserver" + expected.format(**names)


def test_the_canonical_url_is_on_site_url_whatever_the_host_header(client, world, settings):
    settings.SITE_URL = "https://rivalries.example"
    settings.ALLOWED_HOSTS = ["*"]
    body = client.get("/rivalries/", HTTP_HOST="evil.example").content.decode()
    assert canonical(body) == "https://rivalries.example/rivalries/"
    assert "evil.example" not in body


def test_a_quote_page_is_an_article_for_link_previews(client, world):
    body = client.get(public_urls(world)["quote"]).content.decode()
    assert '<meta property="og:type" content="article">' in body
    assert body.count('property="og:type"') == 1


@pytest.mark.parametrize("url", ["/athletes/no-such-athlete/", "/h2h/a/vs/b/", "/search/?q=%00"])
def test_error_pages_name_no_canonical_url(client, world, url):
    response = client.get(url)
    assert response.status_code in (400, 404)
    assert 'rel="canonical"' not in response.content.decode()


def test_a_head_to_head_seen_from_either_side_is_one_page(client, world):
    first, second = sorted((world.a, world.b), key=lambda athlete: athlete.pk)
    expected = f"http://testserver/h2h/{first.slug}/vs/{second.slug}/"
    for a, b in ((first, second), (second, first)):
        body = client.get(f"/h2h/{a.slug}/vs/{b.slug}/?rounds=finals").content.decode()
        assert canonical(body) == expected
