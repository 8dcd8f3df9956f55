"""Property: no address of the readers' site is a server error, whatever it holds.

Every public URL pattern, found from the URL configuration (a new page is fuzzed without being
listed here), gets random slugs, ids and query strings: the filters each page reads, cursors
(well-formed ones with extreme keys as well as junk), page numbers and sizes, search text with
any Unicode, control characters and very long values, with and without htmx's header. Every
answer must be below 500, and an error must be a page of its own (400, 404) with a body.
"""

from __future__ import annotations

import base64
import datetime
import re
from urllib.parse import quote, urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rivalries.timeline import KIND_RANK, encode_cursor
from tests.public_site import build_world, public_pattern_names

pytestmark = pytest.mark.django_db

EXAMPLES_PER_PATTERN = 40
"""19 patterns x 40 examples, about 18 s per database in CI."""

ANY_TEXT = st.text(max_size=40)
LONG_TEXT = st.text(min_size=200, max_size=3000)
CONTROL = st.text(alphabet=st.characters(max_codepoint=0x20), min_size=1, max_size=5)
HOSTILE = st.sampled_from(
    [
        "",
        " ",
        "%00",
        "\x00",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "../../etc/passwd",
        "\u202e\ufeff\u200b",
        "🏃‍♂️💨",
        "NaN",
        "-1",
        "0",
        "1e309",
        "9" * 40,
        "-" * 300,
        "a" * 5000,
    ]
)
TEXT = st.one_of(ANY_TEXT, HOSTILE, CONTROL, LONG_TEXT)
NUMBER = st.integers(min_value=-(2**70), max_value=2**70).map(str)
CURSOR = st.one_of(
    st.builds(
        encode_cursor,
        st.tuples(
            st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)),
            st.integers(min_value=0, max_value=3),
            st.integers(min_value=0, max_value=12),
            st.sampled_from(sorted(set(KIND_RANK.values()))),
            st.integers(min_value=0, max_value=2**70),
        ),
    ),
    st.binary(max_size=60).map(lambda raw: base64.urlsafe_b64encode(raw).decode()),
    TEXT,
)


def values_for(world) -> dict[str, st.SearchStrategy[str]]:
    """Each query parameter a page reads, with good values among the bad ones."""
    slugs = st.sampled_from([world.a.slug, world.b.slug])
    return {
        "q": st.one_of(st.sampled_from(["kerr", "Ingebritsen", "ker", "jakob"]), TEXT),
        "kind": st.one_of(st.sampled_from(["race", "quote", "moment", "upcoming"]), TEXT),
        "year": st.one_of(st.sampled_from(["2023", "2024", "1900", "10000"]), NUMBER, TEXT),
        "event": st.one_of(st.sampled_from(["mile", "1500m"]), TEXT),
        "speaker": st.one_of(slugs, TEXT),
        "cursor": CURSOR,
        "page": st.one_of(NUMBER, st.sampled_from(["last", "1", "2"]), TEXT),
        "page_size": st.one_of(NUMBER, TEXT),
        "per_page": st.one_of(NUMBER, TEXT),
        "rounds": st.one_of(st.sampled_from(["all", "finals", "FINALS"]), TEXT),
        "indoor": st.one_of(st.sampled_from(["true", "false", "1", "no"]), TEXT),
        "letter": st.one_of(st.sampled_from(["K", "#", "é"]), TEXT),
        "country": st.one_of(st.sampled_from(["GBR", "gb", "NOR", "XXX"]), TEXT),
        "vs": st.one_of(st.sampled_from(["ingebrigtsen", "josh"]), TEXT),
        "format": TEXT,
        "url": st.one_of(
            st.sampled_from(
                [
                    f"http://testserver/h2h/{world.a.slug}/vs/{world.b.slug}/",
                    f"http://testserver/rivalries/{world.rivalry.slug}/",
                    "http://testserver/rivalries/nobody/",
                    "http://evil.example/rivalries/x/",
                    "javascript:alert(1)",
                    "http://[::1",
                ]
            ),
            TEXT,
        ),
        "maxwidth": st.one_of(NUMBER, TEXT),
        "maxheight": st.one_of(NUMBER, TEXT),
    }


def query_strings(world) -> st.SearchStrategy[str]:
    known = values_for(world)
    pair = st.one_of(
        st.sampled_from(sorted(known)).flatmap(lambda name: st.tuples(st.just(name), known[name])),
        st.tuples(ANY_TEXT, TEXT),
    )
    return st.lists(pair, max_size=6).map(lambda pairs: urlencode(pairs))


def segment(kind: str, world) -> st.SearchStrategy[str]:
    """A value for one ``<converter:name>`` of a route: often plausible, often not."""
    if kind == "int":
        good = st.sampled_from([str(world.race.pk), str(world.quote.pk)])
        return st.one_of(good, st.integers(min_value=0, max_value=2**80).map(str), TEXT)
    good = st.sampled_from([world.a.slug, world.b.slug, world.rivalry.slug, "athletes"])
    slug_like = st.from_regex(r"[-a-zA-Z0-9_]{1,120}", fullmatch=True)
    return st.one_of(good, slug_like, TEXT)


CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")


def paths(route: str, world) -> st.SearchStrategy[str]:
    """``route`` with each converter filled, percent-encoded as a browser would send it."""
    parts = CONVERTER.split(route)
    # split gives [text, kind, name, text, kind, name, ..., text]
    pieces: list[st.SearchStrategy[str]] = []
    for index in range(0, len(parts), 3):
        pieces.append(st.just(parts[index]))
        if index + 1 < len(parts):
            kind = parts[index + 1] or "str"
            pieces.append(segment(kind, world).map(lambda value: quote(value, safe="")))
    return st.tuples(*pieces).map(lambda texts: "/" + "".join(texts))


def route_of(name: str) -> str:
    """The pattern's route; a reader's page sits inside the language prefix (English at /)."""
    entries = list(get_resolver().url_patterns)
    while entries:
        entry = entries.pop(0)
        if isinstance(entry, URLResolver) and entry.app_name != "admin":
            entries += entry.url_patterns
        elif isinstance(entry, URLPattern) and entry.name == name:
            return str(entry.pattern)
    raise LookupError(name)


@pytest.fixture
def fuzz_world(settings):
    settings.PAGE_CACHE = False  # every example reaches the views
    return build_world()


@pytest.mark.parametrize("name", sorted(public_pattern_names()))
def test_no_address_of_the_readers_site_is_a_server_error(client, fuzz_world, name):
    route = route_of(name)

    @settings(
        max_examples=EXAMPLES_PER_PATTERN,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        path=paths(route, fuzz_world),
        query=query_strings(fuzz_world),
        htmx=st.booleans(),
        method=st.sampled_from(["GET", "HEAD"]),
    )
    def answers_without_a_server_error(path: str, query: str, htmx: bool, method: str):
        url = f"{path}?{query}" if query else path
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.generic(method, url, headers=headers)
        assert response.status_code < 500, (url, response.status_code)
        if response.status_code >= 400:
            assert response.status_code in (400, 404), (url, response.status_code)
            if method == "GET":
                assert response.content.strip(), (url, "an error page says what went wrong")

    answers_without_a_server_error()


def test_a_nul_byte_anywhere_in_a_query_is_a_400_that_says_so(client, fuzz_world):
    for url in ("/search/?q=a%00b", "/athletes/?letter=%00", "/rivalries/?page=1%00"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "control character (U+0000)" in response.content.decode()
    assert client.get("/search/?q=tab%09ok").status_code == 200
