"""Search: athletes by any spelling, rivalries by title, quotes by their words."""

import pytest
from django.db import connection

from athletes.search import MAX_QUERY_LENGTH, clean_query, find_athletes, similar_spellings
from rivalries.search import search
from tests.factories import AthleteAliasFactory, AthleteFactory, QuoteFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        ("  Josh   Kerr ", "Josh Kerr"),
        ("Kerr\x00\x1b[31m", "Kerr[31m"),
        ("Ker\u202er", "Kerr"),  # a bidi override is dropped
        ("Jakob\tIngebrigtsen\n", "Jakob Ingebrigtsen"),
        ("", ""),
        (None, ""),
        ("x" * 500, "x" * MAX_QUERY_LENGTH),
        ("Jákob", "Jákob"),
    ],
)
def test_clean_query_drops_control_characters_and_caps_the_length(typed, cleaned):
    assert clean_query(typed) == cleaned


def names(hits) -> list[str]:
    return [hit.athlete.name for hit in hits]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Josh Cole", "Josh Kerr"),  # an alias from the seed article
        ("Ingebritsen", "Jakob Ingebrigtsen"),
        ("Whiteman", "Jake Wightman"),
        ("jack whiteman", "Jake Wightman"),
        ("INGEBRIGTSEN", "Jakob Ingebrigtsen"),
        ("jákob", "Jakob Ingebrigtsen"),
        ("nordas", "Narve Gilje Nordås"),  # accents folded
        ("Ingebrigsten", "Jakob Ingebrigtsen"),  # no alias: a similar spelling
        ("Nugusse", "Yared Nuguse"),
        ("ingebr", "Jakob Ingebrigtsen"),  # typed so far
        ("kerr josh", "Josh Kerr"),  # words in any order
    ],
)
def test_misspellings_and_aliases_find_the_athlete(demo, typed, found):
    assert names(find_athletes(typed))[0] == found


def test_an_exact_name_comes_before_names_that_contain_it():
    AthleteFactory(name="Cole Hocker")
    kerr = AthleteFactory(name="Josh Kerr")
    AthleteAliasFactory(athlete=kerr, name="Cole")
    hits = find_athletes("cole")
    assert names(hits) == ["Josh Kerr", "Cole Hocker"]
    assert hits[0].match == "alias"
    assert hits[0].alias == "Cole"
    assert hits[1].match == "name"


def test_nonsense_and_empty_queries_find_nobody(demo):
    assert find_athletes("") == []
    assert find_athletes("   ") == []
    assert find_athletes("qqqqzzzz") == []
    assert find_athletes("%") == []
    assert find_athletes("_") == []


def test_site_search_finds_rivalries_by_title_and_member_and_quotes_by_words(demo):
    results = search("Ingebritsen")
    assert names(results.athletes) == ["Jakob Ingebrigtsen"]
    assert [rivalry.title for rivalry in results.rivalries] == ["Kerr vs Ingebrigtsen"]
    by_title = search("kerr vs")
    assert [rivalry.title for rivalry in by_title.rivalries] == ["Kerr vs Ingebrigtsen"]
    quotes = search("blindfolded")
    assert [quote.text for quote in quotes.quotes] == ["He could beat Kerr blindfolded."]


def test_quote_search_matches_every_word_and_finds_translations():
    QuoteFactory(text="Han er bare neste i køen", translation="He is just next in line")
    QuoteFactory(text="Next year, the line will move")
    QuoteFactory(text="Unpublished next in line", published=False, source=None)
    found = [quote.text for quote in search("next in line").quotes]
    assert "Han er bare neste i køen" in found
    assert "Unpublished next in line" not in found


def test_search_page_without_javascript(client, demo):
    response = client.get("/search/", {"q": "Whiteman"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'href="/athletes/jake-wightman/"' in body
    assert "also written “Whiteman”" in body
    assert 'value="Whiteman"' in body  # the box keeps what was typed
    assert "<title>“Whiteman”: search | Rivalries</title>" in body
    assert not response.cookies


def test_search_answers_htmx_with_the_results_fragment(client, demo):
    response = client.get("/search/", {"q": "Josh Cole"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body
    assert 'href="/athletes/josh-kerr/"' in body
    assert "HX-Request" in response.headers["Vary"]


def test_every_page_has_the_live_search_box(client, demo):
    body = client.get("/athletes/").content.decode()
    assert 'data-hx-get="/search/"' in body
    assert 'data-hx-trigger="input changed delay:300ms, search"' in body
    assert 'data-hx-target="#search-results"' in body
    assert 'action="/search/" method="get"' in body


@pytest.mark.parametrize(
    "query",
    [
        "",
        "x" * 10_000,
        "\x00\x01\x02",
        "%00",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "!!! & | ! :* <->",
        "🏃‍♂️💨",
        "a",
        "le " * 300,
    ],
)
def test_odd_queries_never_fail(client, demo, query):
    """A page or a 400 that says what was wrong (the request guard refuses control
    characters, rivalries/middleware.py), never a 500; and never the input as markup."""
    response = client.get("/search/", {"q": query})
    assert response.status_code in {200, 400}
    assert "<script>alert(1)</script>" not in response.content.decode()
    fragment = client.get("/search/", {"q": query}, headers={"HX-Request": "true"})
    assert fragment.status_code in {200, 400}


def test_a_query_string_that_is_not_utf8_does_not_fail(client, demo):
    assert client.get("/search/?q=%ff%fe%c3").status_code == 200
    assert client.get("/search/?q=a&q=b").status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes")
def test_postgresql_search_uses_the_gin_indexes(demo):
    from django.contrib.postgres.search import SearchQuery

    from athletes.models import Athlete
    from rivalries.models import Quote, Rivalry
    from rivalries.search import QUOTE_SEARCH_CONFIG, find_rivalries, quote_vector

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    try:
        names = Athlete.objects.filter(search_name__trigram_word_similar="ingebrigsten")
        assert "athlete_search_name_trgm" in names.explain()
        words = Quote.objects.annotate(document=quote_vector()).filter(
            document=SearchQuery("blindfolded", search_type="websearch", config=QUOTE_SEARCH_CONFIG)
        )
        assert "quote_words_search" in words.explain()
        titles = Rivalry.objects.filter(title__icontains="ingebrigtsen")
        assert "rivalry_title_trgm" in titles.explain()
        found = find_rivalries("kerr", [Athlete.objects.get(slug="josh-kerr").pk]).explain()
        assert "rivalry_title_trgm" in found
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = on")


def test_similar_spellings_suggests_for_every_name_at_once(demo, django_assert_max_num_queries):
    typed = ["Jakob Ingebrigsten", "Josh Ker", "Yared Nuguce", "Nobody Atall", "J. Wightman"]
    with django_assert_max_num_queries(2):  # candidates, their aliases: for any number of names
        found = similar_spellings(typed, limit=3)
    assert found["Jakob Ingebrigsten"][0].name == "Jakob Ingebrigtsen"
    assert found["Josh Ker"][0].name == "Josh Kerr"
    assert found["Yared Nuguce"][0].name == "Yared Nuguse"
    assert found["Nobody Atall"] == []
    assert [athlete.name for athlete in found["J. Wightman"]] == ["Jake Wightman"]


def test_similar_spellings_of_nothing_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert similar_spellings(["", "  ", "\x00"]) == {}
