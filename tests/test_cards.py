"""Share cards (rivalries/cards.py): a 1200x630 PNG for every quote, head-to-head and rivalry,
named by its page, cached like a page, never a 500 whatever the stored text holds."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from athletes.models import Athlete
from rivalries import cards
from rivalries.models import Rivalry
from tests.factories import (
    AthleteFactory,
    MeetFactory,
    QuoteFactory,
    RaceFactory,
    ResultFactory,
    RivalryFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def kerr():
    return AthleteFactory(name="Josh Kerr", country="GB")


@pytest.fixture
def jakob():
    return AthleteFactory(name="Jakob Ingebrigtsen", country="NO")


@pytest.fixture
def race(kerr, jakob):
    race = RaceFactory(meet=MeetFactory(start_date=datetime.date(2024, 5, 25)))
    ResultFactory(race=race, athlete=kerr, place=1, time_ms=225_340)
    ResultFactory(race=race, athlete=jakob, place=2, time_ms=226_000)
    return race


@pytest.fixture
def rivalry(kerr, jakob, race):
    return RivalryFactory(
        title="Kerr vs Ingebrigtsen", slug="kerr-vs-ingebrigtsen", members=[kerr, jakob]
    )


@pytest.fixture
def quote(kerr, jakob):
    return QuoteFactory(speaker=jakob, about=[kerr], text="He would win 98 out of 100.")


def png(response) -> Image.Image:
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    return image


def card_urls(quote, rivalry) -> list[str]:
    return [
        f"/quotes/{quote.pk}/card.png",
        "/h2h/josh-kerr/vs/jakob-ingebrigtsen/card.png",
        "/h2h/jakob-ingebrigtsen/vs/josh-kerr/card.png",
        "/rivalries/kerr-vs-ingebrigtsen/card.png",
    ]


def test_every_card_is_a_1200_by_630_png(client, quote, rivalry):
    for url in card_urls(quote, rivalry):
        assert png(client.get(url)).size == (1200, 630), url


def test_a_card_costs_the_same_queries_however_much_data(client, quote, rivalry, kerr, jakob):
    def counts() -> list[int]:
        found = []
        for url in card_urls(quote, rivalry):
            with CaptureQueriesContext(connection) as queries:
                png(client.get(url))
            found.append(len(queries))
        return found

    before = counts()
    for day in range(1, 21):
        race = RaceFactory(meet=MeetFactory(start_date=datetime.date(2023, 1, day)))
        ResultFactory(race=race, athlete=kerr, place=2, time_ms=230_000)
        ResultFactory(race=race, athlete=jakob, place=1, time_ms=229_000)
        QuoteFactory(speaker=kerr, about=[jakob])
    assert counts() == before
    assert max(before) <= 4


def test_second_request_is_a_cache_hit_with_etag_and_304(client, settings, quote, rivalry):
    settings.PAGE_CACHE = True
    for url in card_urls(quote, rivalry):
        first = client.get(url)
        assert first["X-Cache"] == "miss", url
        assert "public" in first["Cache-Control"]
        assert "max-age=60" in first["Cache-Control"]
        second = client.get(url)
        assert second["X-Cache"] == "hit"
        assert second.content == first.content
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_an_edit_draws_the_card_anew(client, settings, quote):
    settings.PAGE_CACHE = True
    url = f"/quotes/{quote.pk}/card.png"
    first = client.get(url).content
    quote.text = "Something else entirely, and longer than before."
    quote.save()
    assert client.get(url).content != first


@pytest.mark.parametrize(
    "url",
    [
        "/quotes/999999/card.png",
        "/h2h/josh-kerr/vs/nobody/card.png",
        "/h2h/josh-kerr/vs/josh-kerr/card.png",
        "/rivalries/no-such-rivalry/card.png",
    ],
)
def test_unknown_ids_and_slugs_are_404(client, quote, rivalry, url):
    assert client.get(url).status_code == 404


def test_unpublished_quote_and_rivalry_have_no_card(client, quote, rivalry):
    quote.published = False
    quote.save()
    rivalry.published = False
    rivalry.save()
    assert client.get(f"/quotes/{quote.pk}/card.png").status_code == 404
    assert client.get("/rivalries/kerr-vs-ingebrigtsen/card.png").status_code == 404


HOSTILE = {
    "very long": "Word " * 20_000,
    "one endless word": "x" * 100_000,
    "right to left": "זה ציטוט בעברית, ארוך מספיק כדי לעבור שורה אחת לפחות. " * 4,
    "arabic": "سأفوز في السباق القادم بلا شك " * 5,
    "emoji": "😀🏃‍♂️🇳🇴 fast 🔥" * 10,
    "control characters": "a\x00b\x07c\x1bd\u202eevil\u2066\r\n\tend",
    "only emoji": "🫠🫠🫠",
    "empty after cleaning": "\x00\x01\x02",
    "markup": "<script>alert(1)</script>&amp;",
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_text_still_draws(client, kerr, jakob, text):
    if connection.vendor == "postgresql":
        text = text.replace("\x00", "")  # PostgreSQL stores no NUL: it never reaches a card
    name_length = Athlete._meta.get_field("name").max_length
    title_length = Rivalry._meta.get_field("title").max_length
    speaker = AthleteFactory(name=text[:name_length] or "x", country="NO")
    quote = QuoteFactory(speaker=speaker, text=text, translation=text[:500])
    rivalry = RivalryFactory(
        title=text[:title_length] or "x", slug="hostile", members=[speaker, kerr, jakob]
    )
    assert png(client.get(f"/quotes/{quote.pk}/card.png")).size == (1200, 630)
    assert png(client.get(f"/h2h/{speaker.slug}/vs/{kerr.slug}/card.png")).size == (1200, 630)
    assert png(client.get(f"/rivalries/{rivalry.slug}/card.png")).size == (1200, 630)


def test_clean_drops_controls_and_undrawable_characters():
    assert cards.clean("a\x00b\x07c\u202ed\r\n\te") == "abcd e"
    assert cards.clean("🫠 run") == "run"  # DejaVu has no glyph for it
    assert cards.clean("Ingebrigtsen ☺") == "Ingebrigtsen ☺"  # it has this one
    assert cards.clean("y" * 5000) == "y" * cards.MAX_TEXT


@pytest.mark.parametrize(
    ("length", "size"),
    [(20, 64), (80, 64), (120, 56), (200, 44), (300, 36), (450, 32), (600, 28), (2000, 28)],
)
def test_words_shrink_to_fit_the_box(length, size):
    """Table-driven on length: the size falls as the words grow, and the lines always fit."""
    words = ("Lorem ipsum dolor sit amet consectetur " * 200)[:length].strip()
    fitted = cards.fit(words, cards.INNER, 330, cards.QUOTE_SIZES)
    assert fitted.face.size == size
    assert fitted.height <= 330
    assert all(fitted.face.getlength(line) <= cards.INNER for line in fitted.lines)
    if length >= 2000:
        assert fitted.lines[-1].endswith(cards.ELLIPSIS)
    else:
        assert " ".join(fitted.lines) == words


def test_a_word_longer_than_the_line_is_broken():
    fitted = cards.fit("z" * 400, cards.INNER, 330, cards.QUOTE_SIZES)
    assert len(fitted.lines) > 1
    assert all(fitted.face.getlength(line) <= cards.INNER for line in fitted.lines)


def test_right_to_left_is_detected():
    assert cards.is_rtl("“שלום עולם”")
    assert not cards.is_rtl("“Hello” שלום")


def meta(html: str, key: str) -> str:
    found = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)
    assert found, key
    return found.group(1)


def test_each_page_names_its_card_in_opengraph_and_twitter(client, settings, quote, rivalry):
    settings.SITE_URL = "https://rivalries.example"
    pages = {
        f"/quotes/{quote.pk}/": f"https://rivalries.example/quotes/{quote.pk}/card.png",
        "/rivalries/kerr-vs-ingebrigtsen/": (
            "https://rivalries.example/rivalries/kerr-vs-ingebrigtsen/card.png"
        ),
    }
    first, second = sorted(
        (quote.speaker, quote.about.get()), key=lambda athlete: athlete.pk
    )  # the pair's one canonical order, from either side
    for path in (f"/h2h/{first.slug}/vs/{second.slug}/", f"/h2h/{second.slug}/vs/{first.slug}/"):
        pages[path] = f"https://rivalries.example/h2h/{first.slug}/vs/{second.slug}/card.png"
    for path, card in pages.items():
        html = client.get(path).content.decode()
        assert meta(html, "og:image") == card, path
        assert meta(html, "twitter:image") == card
        assert meta(html, "twitter:card") == "summary_large_image"
        assert meta(html, "og:image:width") == "1200"
        assert meta(html, "og:image:height") == "630"
        assert meta(html, "og:image:alt")
        assert png(client.get(card.removeprefix("https://rivalries.example"))).size == (1200, 630)


def test_pages_without_a_card_keep_the_small_summary(client, rivalry):
    html = client.get("/athletes/").content.decode()
    assert meta(html, "twitter:card") == "summary"
    assert "og:image" not in html
