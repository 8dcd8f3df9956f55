"""Other sites use us (issue 18): CORS on the API, absolute URLs on the site's own origin,
embeds that only they may frame, and oEmbed discovery."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.public_site import build_world, public_urls

pytestmark = pytest.mark.django_db

NEWSROOM = "https://newsroom.example"


@pytest.fixture
def world():
    return build_world()


def api_urls(world) -> list[str]:
    return [url for url in public_urls(world).values() if url.startswith("/api/v1/")]


def test_the_api_may_be_read_from_any_origin_without_credentials(client, world):
    for url in api_urls(world):
        response = client.get(url, HTTP_ORIGIN=NEWSROOM)
        assert response.status_code == 200, url
        assert response["Access-Control-Allow-Origin"] == "*", url
        assert "Access-Control-Allow-Credentials" not in response, url
        assert not response.cookies, url


def test_a_cors_preflight_of_the_api_is_answered(client, world):
    for url in api_urls(world):
        response = client.options(
            url, HTTP_ORIGIN=NEWSROOM, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
        )
        assert response.status_code == 200, url
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "GET" in response["Access-Control-Allow-Methods"]
        assert "POST" not in response["Access-Control-Allow-Methods"]


def test_only_the_api_answers_other_origins(client, world):
    response = client.get(public_urls(world)["h2h"], HTTP_ORIGIN=NEWSROOM)
    assert "Access-Control-Allow-Origin" not in response


def test_api_urls_are_absolute(client, world):
    h2h = client.get(public_urls(world)["api-h2h"]).json()
    assert h2h["races"][0]["race_url"] == f"http://testserver/races/{world.race.pk}/"
    assert h2h["last_meeting"]["race_url"].startswith("http://testserver/races/")
    items = client.get(public_urls(world)["api-rivalry-timeline"]).json()["items"]
    assert all(item["url"].startswith("http://testserver/") for item in items if item["url"])
    quote = next(item for item in items if item["kind"] == "quote")
    assert quote["quote"]["next_meeting"] is None or quote["quote"]["next_meeting"][
        "race_url"
    ].startswith("http://testserver/")


@pytest.mark.parametrize(
    ("site_url", "allowed", "host", "origin"),
    [
        ("https://rivalries.example", ["*"], "evil.example", "https://rivalries.example"),
        ("", ["testserver", "evil.example"], "evil.example", "http://evil.example"),
        ("", ["*"], "evil.example", "http://localhost"),  # a wildcard is no origin
        ("", [".example"], "evil.example", "http://localhost"),
        ("", ["localhost"], "localhost:8123", "http://localhost:8123"),
    ],
)
def test_absolute_urls_come_from_site_url_or_a_named_allowed_host(
    client, world, settings, site_url, allowed, host, origin
):
    settings.SITE_URL = site_url
    settings.ALLOWED_HOSTS = allowed
    data = client.get(public_urls(world)["api-h2h"], HTTP_HOST=host).json()
    assert data["races"][0]["race_url"] == f"{origin}/races/{world.race.pk}/"


# --- embeds ------------------------------------------------------------------------------------


def test_embeds_show_score_rule_last_meetings_and_link_back(client, world):
    urls = public_urls(world)
    for name, full in (("embed-h2h", urls["h2h"]), ("embed-rivalry", urls["rivalry"])):
        response = client.get(urls[name])
        body = response.content.decode()
        assert response.status_code == 200
        assert '<strong class="score-a">1</strong>' in body  # the score, 1-1
        assert "Counting all rounds, all events, indoor and outdoor" in body
        assert "Last meetings" in body
        assert "Prefontaine Classic, Bowerman Mile" in body
        assert f'href="http://testserver{full}"' in body
        assert '<base target="_blank">' in body  # our full pages refuse a frame
        assert "site-search-q" not in body  # no site header in a newsroom's page


def test_only_embeds_may_be_framed(client, world):
    for name, url in public_urls(world).items():
        response = client.get(url)
        policy = response.get("Content-Security-Policy", "")
        if name.startswith("embed-"):
            assert "frame-ancestors *" in policy, name
            assert "X-Frame-Options" not in response, name
        else:
            assert "frame-ancestors *" not in policy, name
            assert response.get("X-Frame-Options") == "DENY", name


def test_embeds_are_cached_like_every_page(client, world, settings, django_assert_num_queries):
    settings.PAGE_CACHE = True
    url = public_urls(world)["embed-h2h"]
    first = client.get(url)
    assert first["Cache-Control"] == "public, max-age=60"
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second["X-Cache"] == "hit"
    assert "frame-ancestors *" in second["Content-Security-Policy"]


def test_embed_pages_cost_a_few_queries(client, world, django_assert_max_num_queries):
    urls = public_urls(world)
    with django_assert_max_num_queries(4):
        client.get(urls["embed-h2h"])
    with django_assert_max_num_queries(5):
        client.get(urls["embed-rivalry"])
    with django_assert_max_num_queries(3):
        client.get(urls["oembed"])


def test_head_to_head_and_rivalry_pages_give_the_snippet_and_discovery(client, world):
    urls = public_urls(world)
    for page, embed in (("h2h", "embed-h2h"), ("rivalry", "embed-rivalry")):
        body = client.get(urls[page]).content.decode()
        assert "<summary>Embed</summary>" in body
        assert f"&lt;iframe src=&quot;http://testserver{urls[embed]}&quot;" in body
        assert '<link rel="alternate" type="application/json+oembed"' in body
        assert "http://testserver/oembed?url=http%3A%2F%2Ftestserver" in body


def test_unknown_embeds_are_404(client, world):
    assert client.get(f"/embed/h2h/{world.a.slug}/vs/nobody/").status_code == 404
    assert client.get("/embed/rivalries/nobody/").status_code == 404


# --- oEmbed ------------------------------------------------------------------------------------


def test_oembed_of_a_head_to_head_page(client, world):
    page = f"http://testserver{public_urls(world)['h2h']}"
    answer = client.get("/oembed", {"url": page, "maxwidth": "400"}).json()
    assert answer["version"] == "1.0"
    assert answer["type"] == "rich"
    assert answer["provider_name"] == "Rivalries"
    assert answer["title"] == "Josh Kerr vs Jakob Ingebrigtsen: head-to-head"
    assert answer["width"] == 400
    assert answer["html"].startswith(
        f'<iframe src="http://testserver{public_urls(world)["embed-h2h"]}"'
    )


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("", 400),
        ("javascript:alert(1)", 400),
        ("http://[::1", 400),
        ("http://evil.example/rivalries/kerr-vs-ingebrigtsen/", 404),
        ("http://testserver/rivalries/nobody/", 404),
        ("http://testserver/races/1/", 404),  # a page without an embed
        ("http://testserver/no/such/page/", 404),
        ("http://testserver/h2h/josh-kerr/vs/josh-kerr/", 404),
    ],
)
def test_oembed_of_a_bad_url_is_a_json_error(client, world, url, status):
    response = client.get("/oembed", {"url": url})
    assert response.status_code == status
    assert url in response.json()["error"] or not url


@pytest.mark.parametrize("query", [{"format": "xml"}, {"maxwidth": "wide"}, {"maxheight": "-1"}])
def test_oembed_bad_parameters_are_400(client, world, query):
    url = f"http://testserver{public_urls(world)['rivalry']}"
    response = client.get("/oembed", {"url": url, **query})
    assert response.status_code == 400
    assert "error" in response.json()


def test_the_site_outside_the_api_still_refuses_options(world):
    response = Client().options(public_urls(world)["embed-h2h"])
    assert response.status_code == 405
