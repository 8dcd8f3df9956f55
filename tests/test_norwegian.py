"""Every reader's page in Norwegian under /nb/ (DESIGN.md, "Languages and sharing"): the page
says it is Norwegian, links to itself in both languages, and none of our own English is left.

"None of our English left" is checked against the English page: a piece of text that reads the
same in both is either the data (a quote, a name, a meet) or a string someone forgot to mark
for translation. Everything stored in the data is cut out of it first; what is left must not
hold English words.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.utils import translation

from athletes.models import Athlete, Event, Meet, Race
from rivalries.models import Moment, Quote, Rivalry, Source

pytestmark = pytest.mark.django_db

SKIPPED = {"script", "style", "svg"}
WORDS = re.compile(r"[A-Za-z]{2,}(?:\s+[A-Za-z]{2,})+")


class VisibleText(HTMLParser):
    """The text a reader sees, one stretch per text node (SVG's own text alternatives are
    checked by the chart tests)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.pieces: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in SKIPPED:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self.depth:
            self.pieces.append(text)


def visible(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.pieces


def stored_strings() -> list[str]:
    """Every value of the data a page may show as it is, longest first (so that a name inside a
    title does not leave the rest of the title behind)."""
    values: set[str] = set()
    for model, fields in (
        (Quote, ("text", "translation", "occasion", "speaker_name")),
        (Source, ("publisher", "title")),
        (Moment, ("title", "description")),
        (Rivalry, ("title", "summary")),
        (Athlete, ("name", "bio")),
        (Meet, ("name", "city", "venue")),
        (Race, ("name",)),
        (Event, ("name",)),
    ):
        for row in model.objects.values_list(*fields):
            values.update(" ".join(str(value).split()) for value in row if value)
    for athlete in Athlete.objects.all():
        values.add(athlete.sort_name)  # "Surname, Given" in the A to Z
        if not athlete.country:
            continue
        values.add(athlete.country.alpha3)
        for language in ("en", "nb"):  # many a country's name is the same in both
            with translation.override(language):
                values.add(str(athlete.country.name))
    return sorted(values, key=len, reverse=True)


def english_left(english: str, norwegian: str, data: list[str]) -> list[str]:
    """Text pieces the same in both pages that still hold words once the data is cut out."""
    left = []
    shown_in_english = set(visible(english))
    for piece in visible(norwegian):
        if piece not in shown_in_english:
            continue
        rest = piece.removesuffix("…").rstrip()
        if piece != rest and any(rest in value for value in data):
            continue  # a quote cut short
        for value in data:
            if value in rest:
                rest = rest.replace(value, " ")
        if WORDS.search(rest):
            left.append(piece)
    return left


def pages() -> dict[str, str]:
    quote = Quote.objects.published().order_by("pk").first()
    race = Race.objects.order_by("pk").first()
    return {
        "home": "/",
        "rivalries": "/rivalries/",
        "rivalry": "/rivalries/kerr-vs-ingebrigtsen/",
        "second rivalry": "/rivalries/kipyegon-vs-tsegay/",
        "filtered timeline": "/rivalries/kerr-vs-ingebrigtsen/?event=mile",
        "h2h": "/h2h/josh-kerr/vs/jakob-ingebrigtsen/",
        "h2h, years": "/h2h/josh-kerr/vs/jakob-ingebrigtsen/?from=2023&to=2024",
        "athletes": "/athletes/",
        "athlete": "/athletes/jakob-ingebrigtsen/",
        "race": f"/races/{race.pk}/",
        "quote": f"/quotes/{quote.pk}/",
        "search": "/search/?q=kerr",
        "nothing found": "/search/?q=zzzzqqq",
        "embedded h2h": "/embed/h2h/josh-kerr/vs/jakob-ingebrigtsen/",
        "embedded rivalry": "/embed/rivalries/kerr-vs-ingebrigtsen/",
    }


def test_every_readers_page_is_norwegian_under_nb_with_no_english_of_ours_left(client, demo):
    assert Rivalry.objects.filter(slug="kipyegon-vs-tsegay").exists()
    data = stored_strings()
    problems = {}
    for name, path in pages().items():
        english = client.get(path)
        norwegian = client.get(f"/nb{path}")
        assert english.status_code == norwegian.status_code == 200, name
        html = norwegian.content.decode()
        assert '<html lang="nb"' in html, name
        assert norwegian["Content-Language"] == "nb", name
        assert not norwegian.cookies, name
        left = english_left(english.content.decode(), html, data)
        if left:
            problems[name] = left
    assert not problems, problems


@pytest.mark.parametrize("path", ["/", "/rivalries/kerr-vs-ingebrigtsen/", "/athletes/josh-kerr/"])
def test_each_language_names_the_other_as_its_alternate(client, demo, path):
    english = client.get(path).content.decode()
    norwegian = client.get(f"/nb{path}").content.decode()
    for html in (english, norwegian):
        assert re.search(rf'<link rel="alternate" hreflang="en" href="https?://[^"]+{path}"', html)
        assert re.search(
            rf'<link rel="alternate" hreflang="nb" href="https?://[^"]+/nb{path}"', html
        )
        assert 'hreflang="x-default"' in html


def test_an_unmarked_english_string_is_caught():
    """The check itself: a sentence of ours the same in both languages is found, data is not."""
    english = "<p>Josh Kerr</p><p>Every meeting so far</p><p>3:27.79</p>"
    norwegian = "<p>Josh Kerr</p><p>Every meeting so far</p><p>3:27.79</p>"
    assert english_left(english, norwegian, ["Josh Kerr"]) == ["Every meeting so far"]


def test_norwegian_dates_and_marks_as_athletics_writes_them(client, demo):
    html = client.get("/nb/h2h/josh-kerr/vs/jakob-ingebrigtsen/").content.decode()
    assert "6. aug 2024" in html  # Paris, in the table of meetings
    assert "3:27.79" in html  # Kerr's mark there, as athletics writes it
    assert not re.search(r"\d:\d\d,\d\d", html), "a mark written with a decimal comma"
