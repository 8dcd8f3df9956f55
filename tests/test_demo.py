"""`manage.py load_demo`: the seed article's story, loaded through the CSV importers and the
article intake (its quotes are read from the seed article itself, as an editor would)."""

import datetime
import io

import pytest
from django.core.management import call_command

from athletes.headtohead import Tally, between
from athletes.models import Athlete, AthleteAlias, Meet, Race, Result
from rivalries.importing import import_quotes_text
from rivalries.management.commands.load_demo import DEMO_DIR, load_athletes
from rivalries.models import Article, Moment, Quote, Rivalry, Source

pytestmark = pytest.mark.django_db


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def tables() -> dict[str, int]:
    models = (Athlete, AthleteAlias, Meet, Race, Result, Quote, Source, Rivalry, Moment, Article)
    counts = {model.__name__: model.objects.count() for model in models}
    counts["history"] = Result.history.count() + Quote.history.count()
    return counts


def test_load_demo_loads_the_story():
    output = load_demo()
    assert "demo/races/01-olympic-games-2021-1500m-final.txt: 13 rows read" in output
    assert Athlete.objects.count() == 28 + 29  # the second rivalry adds 29
    assert Result.objects.count() == 53 + 65
    tokyo = Race.objects.get(event__name="1500m", date="2021-08-07")
    assert tokyo.results.count() == 13  # the whole final, as world-track.org and ESPN list it
    assert tokyo.results.get(place=13).source_url.startswith("https://africa.espn.com/")
    assert Quote.objects.published().count() == 11 + 14
    assert Rivalry.objects.published().count() == 2
    assert Moment.objects.published().count() == 1 + 8
    bowerman = Race.objects.get(name="Bowerman Mile")
    assert bowerman.meet.level == "diamond"
    assert [(r.athlete.name, r.time) for r in bowerman.results.order_by("place")[:3]] == [
        ("Josh Kerr", "3:45.34"),
        ("Jakob Ingebrigtsen", "3:45.60"),
        ("Yared Nuguse", "3:46.22"),
    ]


def test_running_load_demo_twice_changes_nothing():
    load_demo()
    before = tables()
    output = load_demo()
    assert tables() == before
    assert (
        "demo/races/06-olympic-games-2024-1500m-final.txt: 12 rows read; nothing changed" in output
    )
    assert "article.json: 16 statements proposed; quotes kept 0 created, 10 unchanged" in output
    assert "quotes.csv: 1 row read; nothing changed" in output
    assert "rivalry 0 created, 1 unchanged" in output


@pytest.mark.parametrize(
    ("spelling", "name"),
    [
        ("Josh Cole", "Josh Kerr"),
        ("Cole", "Josh Kerr"),
        ("Ingebritsen", "Jakob Ingebrigtsen"),
        ("Ingebritsson", "Jakob Ingebrigtsen"),
        ("Ingebritson", "Jakob Ingebrigtsen"),
        ("Jacob Ingebritson", "Jakob Ingebrigtsen"),
        ("Jack Whiteman", "Jake Wightman"),
        ("whiteman", "Jake Wightman"),
        ("Nugus", "Yared Nuguse"),
    ],
)
def test_the_articles_misspellings_resolve(spelling, name):
    load_demo()
    assert Athlete.objects.matching(spelling).get().name == name


def test_ten_of_the_demo_quotes_come_from_the_seed_article_itself():
    load_demo()
    article = Article.objects.get(publisher="The Athletic")
    assert article.publisher == "The Athletic"
    assert article.quotes.count() == 10
    for quote in article.quotes.all():
        assert quote.published
        assert quote.source == article.source
        assert article.text[quote.article_start : quote.article_end].startswith(
            quote.imported_text[:12]
        )
    times = article.quotes.get(said_on=datetime.date(2024, 3, 1))
    assert "people like Cole" in times.imported_text  # the article's words, first imported
    assert "people like Kerr" in times.text  # the editor's correction


def test_a_database_loaded_before_the_article_intake_gets_no_second_copies():
    """Until now the demo's quotes came from quotes.csv: the article adopts those rows."""
    load_athletes(DEMO_DIR / "athletes.csv")
    old = (
        "date,date_precision,speaker,about,text,source_name,source_url\n"
        "2024-05-24,day,Josh Kerr,Jakob Ingebrigtsen,I'm not here to resolve tensions.,"
        "The Athletic,\n"
    )
    assert import_quotes_text(old, filename="quotes.csv").ok
    load_demo()
    (quote,) = Quote.objects.filter(text="I'm not here to resolve tensions.")
    assert quote.article is not None
    assert Quote.objects.filter(speaker__sex="men").count() == 11


@pytest.mark.parametrize("said_on", [datetime.date(2024, 5, 24), datetime.date(2024, 2, 1)])
def test_an_editors_correction_survives_loading_the_demo_again(said_on):
    """One quote from the article (24 May), one from quotes.csv (Feb 2024)."""
    load_demo()
    quote = Quote.objects.filter(said_on=said_on).order_by("pk").first()
    quote.text = "Corrected by an editor."
    quote.save()
    before = tables()
    load_demo()
    assert tables() == before
    assert Quote.objects.filter(text="Corrected by an editor.").count() == 1
    assert Quote.objects.get(pk=quote.pk).text == "Corrected by an editor."


def test_the_rivalry_has_its_members_in_order():
    load_demo()
    rivalry = Rivalry.objects.get(title="Kerr vs Ingebrigtsen")
    members = list(rivalry.memberships.values_list("athlete__name", flat=True))
    assert members == ["Josh Kerr", "Jakob Ingebrigtsen"]
    assert rivalry.published
    assert (rivalry.began_on, rivalry.began_on_precision) == (datetime.date(2023, 8, 1), "month")


def test_mixed_zone_quotes_are_linked_after_the_bowerman_mile():
    load_demo()
    bowerman = Race.objects.get(name="Bowerman Mile")
    linked = Quote.objects.filter(race=bowerman)
    assert linked.count() == 3
    assert set(linked.values_list("timing", flat=True)) == {"after"}
    assert not Quote.objects.filter(said_on=datetime.date(2024, 5, 24), race__isnull=False)


def test_every_demo_quote_and_moment_has_a_source():
    load_demo()
    assert not Quote.objects.filter(source__isnull=True).exists()
    moment = Moment.objects.get(source__publisher="The Athletic")
    assert moment.source.publisher == "The Athletic"
    assert list(moment.athletes.values_list("name", flat=True)) == ["Jakob Ingebrigtsen"]


def test_demo_head_to_head_of_the_rivals():
    """Tokyo final (J), Eugene final (J), Budapest final (K), Bowerman Mile (K), Paris final (K)."""
    load_demo()
    kerr = Athlete.objects.get(name="Josh Kerr")
    jakob = Athlete.objects.get(name="Jakob Ingebrigtsen")
    assert between(kerr, jakob).overall == Tally(5, 3, 2, 0, 0)
