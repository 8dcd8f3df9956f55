"""A paraphrase is never a quotation (issue 18): in every output it is reported speech, with
its marker, no quotation marks around it, and the athlete never its author."""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass

import feedparser
import pytest

from rivalries import statements
from tests.factories import AthleteFactory, QuoteFactory, RivalryFactory, SourceFactory

WORDS = "He could beat Kerr blindfolded."
QUOTED = re.compile(r"[“”\"]\s*He could beat|blindfolded\.?\s*[“”\"]")


@dataclass
class Said:
    text: str = WORDS
    translation: str = ""
    is_paraphrase: bool = True
    source: object | None = None
    speaker_label: str = "Jakob Ingebrigtsen"


@dataclass
class Publisher:
    publisher: str = "Dagbladet"


def says_paraphrase_unquoted(text: str) -> None:
    assert "Paraphrase" in text, text
    assert "He could beat Kerr blindfolded" in text, text
    assert not QUOTED.search(text), text


# --- the module, output by output -------------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "quote", "paraphrase"),
    [
        (statements.plain, "“He could beat Kerr blindfolded.”", "Paraphrase: " + WORDS),
        (
            statements.headline,
            "Jakob Ingebrigtsen: “He could beat Kerr blindfolded.”",
            "Paraphrase of Jakob Ingebrigtsen: " + WORDS,
        ),
        (
            statements.description,
            "“He could beat Kerr blindfolded.” Jakob Ingebrigtsen (Dagbladet)",
            f"Paraphrase: {WORDS} (Dagbladet, not Jakob Ingebrigtsen's own words)",
        ),
        (
            statements.html,
            "<blockquote>He could beat Kerr blindfolded.</blockquote>",
            '<p class="reported"><span class="paraphrase" lang="en">Paraphrase:</span> '
            + WORDS
            + "</p>",
        ),
        (
            lambda said: statements.card(said).words + " " + statements.card(said).byline,
            "“He could beat Kerr blindfolded.” — Jakob Ingebrigtsen",
            f"Paraphrase: {WORDS} — Dagbladet, reporting Jakob Ingebrigtsen",
        ),
    ],
    ids=["plain", "headline", "description", "html", "share card"],
)
def test_each_output_writes_a_quote_in_marks_and_a_paraphrase_as_reported(
    output, quote, paraphrase
):
    source = Publisher()
    assert output(Said(is_paraphrase=False, source=source)) == quote
    assert output(Said(source=source)) == paraphrase
    says_paraphrase_unquoted(output(Said(source=source)))


@pytest.mark.parametrize(
    ("said", "author"),
    [
        (Said(is_paraphrase=False), "Jakob Ingebrigtsen"),
        (Said(source=Publisher()), "Dagbladet"),
        (Said(source=None), None),  # the feed's own author, the site, stands
    ],
)
def test_the_feed_author_of_a_paraphrase_is_never_the_athlete(said, author):
    assert statements.feed_author(said) == author


def test_a_long_paraphrase_is_cut_after_its_marker():
    said = Said(text="word " * 100)
    assert statements.plain(said, 20).startswith("Paraphrase: word")
    assert statements.plain(said, 20).endswith("…")


# --- the outputs themselves -------------------------------------------------------------------


@pytest.fixture
def paraphrase(db):
    kerr = AthleteFactory(name="Josh Kerr")
    jakob = AthleteFactory(name="Jakob Ingebrigtsen")
    RivalryFactory(title="Kerr vs Ingebrigtsen", members=[kerr, jakob])
    return QuoteFactory(
        speaker=jakob,
        about=[kerr],
        text=WORDS,
        is_paraphrase=True,
        said_on=datetime.date(2024, 7, 1),
        source=SourceFactory(publisher="Dagbladet"),
    )


def meta(body: str, attribute: str, name: str) -> str:
    found = re.search(rf'<meta {attribute}="{name}" content="([^"]*)">', body)
    assert found, name
    return html.unescape(found.group(1))


def test_the_quote_page_title_opengraph_twitter_and_body(client, paraphrase):
    body = client.get(f"/quotes/{paraphrase.pk}/").content.decode()
    title = html.unescape(re.search(r"<title>(.*?)</title>", body).group(1))
    says_paraphrase_unquoted(title)
    for attribute, name in (
        ("name", "description"),
        ("property", "og:description"),
        ("name", "twitter:description"),
    ):
        says_paraphrase_unquoted(meta(body, attribute, name))
    assert "(paraphrased)" in meta(body, "property", "og:title")
    lead = body[body.index('<div class="quote-lead">') :].split("</figure>")[0]
    says_paraphrase_unquoted(html.unescape(re.sub(r"<[^>]+>", "", lead)))
    assert "<blockquote" not in lead


@pytest.mark.parametrize("url", ["/", "/rivalries/kerr-vs-ingebrigtsen/", "/search/?q=blindfolded"])
def test_lists_of_quotes_show_the_paraphrase_as_reported(client, paraphrase, url):
    body = client.get(url).content.decode()
    text = html.unescape(re.sub(r"<[^>]+>", "", body))
    says_paraphrase_unquoted(text[text.index("Paraphrase") - 5 :][:200])


def test_the_feed(client, paraphrase):
    feed = feedparser.parse(client.get("/rivalries/kerr-vs-ingebrigtsen/feed/").content)
    entry = feed.entries[0]
    says_paraphrase_unquoted(entry.title)
    says_paraphrase_unquoted(html.unescape(entry.summary))
    assert entry.author == "Dagbladet"


def test_the_json_and_timelinejs(client, paraphrase):
    api = "/api/v1/rivalries/kerr-vs-ingebrigtsen/timeline/"
    quote = client.get(api).json()["items"][0]["quote"]
    assert quote["is_paraphrase"] is True
    says_paraphrase_unquoted(quote["display"])
    assert quote["attribution"] == "Dagbladet, reporting Jakob Ingebrigtsen"
    event = client.get(api, {"format": "timelinejs"}).json()["events"][0]
    says_paraphrase_unquoted(event["text"]["headline"] + " " + event["text"]["text"])
    assert "<blockquote" not in event["text"]["text"]
