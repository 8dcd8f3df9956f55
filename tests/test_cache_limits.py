"""No reader can grow the page cache or break the site through it (issue 14, finding 2).

Junk query strings and Host header variants store nothing; a Redis that is full (``maxmemory``
with ``noeviction``, so every write is refused with ``OutOfMemoryError``) serves pages
uncached, never a 500, and /healthz says the cache is degraded.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.core.cache import cache

from rivalries import caching
from tests.public_site import build_world, public_pattern_names, public_urls

pytestmark = pytest.mark.django_db

REDIS_SERVER = shutil.which("redis-server")


@pytest.fixture
def world():
    return build_world()


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE = True


def stored_keys() -> int:
    """How many entries the local-memory cache holds now."""
    return len(cache._cache)


def test_every_public_page_says_which_query_parameters_it_reads(world):
    assert set(public_pattern_names()) - {"healthz"} <= set(caching.PAGE_QUERY_PARAMETERS)


def test_a_thousand_junk_query_strings_store_no_page(client, world):
    url = public_urls(world)["quote"]
    client.get(url)
    before = stored_keys()
    statuses = {client.get(url, {"junk": number}).status_code for number in range(1000)}
    assert statuses == {200}
    assert stored_keys() == before


@pytest.mark.parametrize("junk", ["utm_source=x", "page=2", "kind=race&junk=1"])
def test_a_parameter_the_page_does_not_read_is_served_uncached(client, world, junk):
    url = public_urls(world)["rivalry"]
    for _ in range(2):
        response = client.get(f"{url}?{junk}")
        assert response.status_code in (200, 400)
        assert "X-Cache" not in response


def test_the_parameters_a_page_reads_share_one_key_in_any_order(client, world):
    url = public_urls(world)["rivalry"]
    assert client.get(f"{url}?kind=race&year=2024")["X-Cache"] == "miss"
    assert client.get(f"{url}?year=2024&kind=race")["X-Cache"] == "hit"
    assert client.get(f"{url}?year=2024&kind=race&event=")["X-Cache"] == "hit"


@pytest.mark.parametrize(
    "host", [f"testserver:{port}" for port in (1, 2, 8081)] + ["TESTSERVER:1", "testserver.:9"]
)
def test_host_header_ports_store_no_page(client, world, host):
    url = public_urls(world)["home"]
    client.get(url)
    before = stored_keys()
    response = client.get(url, headers={"host": host})
    assert response.status_code == 200
    assert "X-Cache" not in response
    assert stored_keys() == before


def test_the_default_port_is_the_same_page(client, world):
    url = public_urls(world)["home"]
    assert client.get(url)["X-Cache"] == "miss"
    assert client.get(url, headers={"host": "testserver:80"})["X-Cache"] == "hit"
    assert client.get(url, headers={"host": "TestServer"})["X-Cache"] == "hit"


# --- a full Redis ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fill(client: redis.Redis) -> bool:
    """Write until Redis refuses: True once it answers ``OutOfMemoryError``."""
    for number in range(10_000):
        try:
            client.set(f"filler:{number}", b"x" * 10_000)
        except redis.exceptions.OutOfMemoryError:
            return True
    return False


@pytest.fixture
def full_redis():
    """A private redis-server at a 1 MB maxmemory with noeviction, filled to refusal."""
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed")
    port = _free_port()
    server = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
         "no", "--maxmemory", "1mb", "--maxmemory-policy", "noeviction"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        client = redis.Redis(port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        assert _fill(client) is True
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def full_cache(settings, full_redis):
    settings.CACHES = {
        "default": {
            "BACKEND": "rivalries.cache_backends.FailSoftRedisCache",
            "LOCATION": full_redis,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
    return full_redis


def test_a_full_redis_gives_no_500_on_any_public_page(client, world, full_cache):
    urls = public_urls(world)
    statuses = [client.get(url).status_code for _ in range(3) for url in urls.values()]
    assert statuses.count(500) == 0
    assert set(statuses) == {200}


def test_an_edit_while_redis_is_full_is_on_the_next_page(client, world, full_cache):
    url = public_urls(world)["athlete"]
    client.get(url)
    world.a.name = "Josh Kerr (edited)"
    world.a.save()
    assert "Josh Kerr (edited)" in client.get(url).content.decode()


def test_healthz_reports_a_cache_that_refuses_writes(client, world, full_cache):
    # The database is fine, so the site is up; the cache is not keeping anything.
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["cache"]["ok"] is False
    # Refused outright, or seen full from INFO when a small write happens to fit.
    assert any(word in body["cache"]["error"] for word in ("OutOfMemoryError", "noeviction"))


def test_healthz_reports_a_full_redis_after_requests_have_come_and_gone(client, world, full_cache):
    for url in public_urls(world).values():
        client.get(url, {"n": 1})
    time.sleep(1)  # Redis frees client buffers: a small write may fit again, pages do not
    assert client.get("/healthz").json()["status"] == "degraded"
