"""Quotes, moments and sources in the admin: sources before publishing, dates at a precision."""

import datetime

import pytest

from rivalries.models import Moment, Quote
from tests.editors import make_editor
from tests.factories import (
    AthleteFactory,
    MomentFactory,
    QuoteFactory,
    RaceFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

QUOTES = "/admin/rivalries/quote/"


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


@pytest.fixture
def kerr():
    return AthleteFactory(name="Josh Kerr")


@pytest.fixture
def jakob():
    return AthleteFactory(name="Jakob Ingebrigtsen")


def quote_data(speaker, **values):
    return {
        "speaker": speaker.pk,
        "speaker_name": "",
        "text": "He has some major weaknesses.",
        "language": "en",
        "translation": "",
        "said_on": "2023-11-14",
        "said_on_precision": "month",
        "occasion": "",
        "race": "",
        "timing": "",
        "source": "",
        **values,
    }


def test_publishing_without_a_source_shows_the_models_message(editor_client, kerr):
    response = editor_client.post(f"{QUOTES}add/", quote_data(kerr, published="on"))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["source"] == ["A quote needs a source before it can be published."]
    assert not Quote.objects.exists()


def test_a_quote_with_a_source_is_published(editor_client, kerr, jakob):
    source = SourceFactory(publisher="The Athletic")
    data = quote_data(kerr, published="on", source=source.pk, about=[jakob.pk])

    assert editor_client.post(f"{QUOTES}add/", data).status_code == 302

    quote = Quote.objects.get()
    assert (quote.published, quote.source, list(quote.about.all())) == (True, source, [jakob])


def test_a_date_at_month_precision_is_stored_as_the_first_of_the_month(editor_client, kerr):
    editor_client.post(f"{QUOTES}add/", quote_data(kerr))

    quote = Quote.objects.get()
    assert (quote.said_on, quote.said.display()) == (datetime.date(2023, 11, 1), "Nov 2023")


def test_change_form_previews_the_date_as_readers_see_it(editor_client, kerr):
    quote = QuoteFactory(
        speaker=kerr, said_on=datetime.date(2023, 11, 1), said_on_precision="month"
    )

    page = editor_client.get(f"{QUOTES}{quote.pk}/change/").content.decode()

    assert '<span data-precise-date="said_on">Nov 2023</span>' in page
    assert "js/admin/precise_date.js" in page


def test_a_race_link_needs_its_timing(editor_client, kerr):
    race = RaceFactory()
    response = editor_client.post(f"{QUOTES}add/", quote_data(kerr, race=race.pk))

    assert "before or after" in response.context["adminform"].form.errors["timing"][0]


def test_a_quote_linked_before_a_race_is_stored(editor_client, kerr):
    race = RaceFactory()
    data = quote_data(kerr, race=race.pk, timing="before")
    assert editor_client.post(f"{QUOTES}add/", data).status_code == 302
    assert Quote.objects.get().timing == "before"


def test_publish_action_refuses_quotes_without_a_source_and_names_them(editor_client, kerr):
    sourced = QuoteFactory(speaker=kerr, published=False, text="Sourced words")
    unsourced = QuoteFactory(speaker=kerr, published=False, source=None, text="Rumoured words")

    response = editor_client.post(
        QUOTES,
        {"action": "publish", "_selected_action": [sourced.pk, unsourced.pk]},
        follow=True,
    )

    messages = [str(message) for message in response.context["messages"]]
    assert "Published 1 quote(s)." in messages
    refused = next(message for message in messages if message.startswith("Not published"))
    assert "Rumoured words" in refused
    assert "Sourced words" not in refused
    assert Quote.objects.get(pk=sourced.pk).published
    assert not Quote.objects.get(pk=unsourced.pk).published


def test_publish_action_keeps_history(editor_client, kerr):
    quote = QuoteFactory(speaker=kerr, published=False)
    editor_client.post(QUOTES, {"action": "publish", "_selected_action": [quote.pk]})

    assert quote.history.latest().history_change_reason == "published"


def test_unpublish_action(editor_client, kerr):
    quote = QuoteFactory(speaker=kerr, published=True)
    editor_client.post(QUOTES, {"action": "unpublish", "_selected_action": [quote.pk]})

    assert not Quote.objects.get(pk=quote.pk).published


def test_moments_are_published_only_with_a_source(editor_client):
    sourced = MomentFactory(published=False)
    unsourced = MomentFactory(published=False, source=None, title="Withdraws from Oslo")

    response = editor_client.post(
        "/admin/rivalries/moment/",
        {"action": "publish", "_selected_action": [sourced.pk, unsourced.pk]},
        follow=True,
    )

    assert "Withdraws from Oslo" in " ".join(str(m) for m in response.context["messages"])
    assert list(Moment.objects.filter(published=True)) == [sourced]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("published__exact=0", {"draft"}),
        ("year=2023", {"old"}),
        ("year=2024", {"draft", "by jakob"}),
        ("speaker__id__exact={jakob}", {"by jakob"}),
        ("about__id__exact={jakob}", {"old", "draft"}),
    ],
)
def test_quote_list_filters(editor_client, kerr, jakob, query, expected):
    QuoteFactory(speaker=kerr, about=[jakob], text="old", said_on=datetime.date(2023, 8, 1))
    QuoteFactory(speaker=kerr, about=[jakob], text="draft", published=False)
    QuoteFactory(speaker=jakob, about=[kerr], text="by jakob")

    response = editor_client.get(f"{QUOTES}?{query.format(jakob=jakob.pk)}")

    assert {quote.text for quote in response.context["cl"].result_list} == expected


def test_quote_list_offers_only_speakers_and_targets_that_have_quotes(editor_client, kerr, jakob):
    AthleteFactory(name="Never Quoted")
    QuoteFactory(speaker=kerr, about=[jakob])

    page = editor_client.get(QUOTES).content.decode()

    assert "target (about)" in page
    assert "Never Quoted" not in page


def test_source_list_links_the_archive(editor_client):
    SourceFactory(archive_url="https://web.archive.org/web/2023/https://example.com/x")
    page = editor_client.get("/admin/rivalries/source/").content.decode()
    assert 'href="https://web.archive.org/web/2023/https://example.com/x"' in page


@pytest.mark.parametrize(
    ("url", "term"),
    [
        ("/admin/autocomplete/?app_label=rivalries&model_name=quote&field_name=speaker", "jako"),
        ("/admin/autocomplete/?app_label=rivalries&model_name=quote&field_name=about", "JÁKOB"),
        ("/admin/autocomplete/?app_label=rivalries&model_name=moment&field_name=athletes", "ingeb"),
    ],
)
def test_athlete_autocomplete_folds_accents_and_case(editor_client, jakob, url, term):
    response = editor_client.get(f"{url}&term={term}")
    assert [item["text"] for item in response.json()["results"]] == ["Jakob Ingebrigtsen"]


def test_athlete_autocomplete_finds_an_alias(editor_client, jakob):
    jakob.aliases.create(name="Jakob Ingebritsen")
    url = "/admin/autocomplete/?app_label=rivalries&model_name=quote&field_name=speaker"
    response = editor_client.get(f"{url}&term=ingebritsen")
    assert [item["text"] for item in response.json()["results"]] == ["Jakob Ingebrigtsen"]


@pytest.mark.parametrize(
    ("said_on", "precision", "stored", "shown"),
    [
        ("2025-06", "month", datetime.date(2025, 6, 1), "Jun 2025"),
        ("2025-6", "month", datetime.date(2025, 6, 1), "Jun 2025"),
        ("2025", "year", datetime.date(2025, 1, 1), "2025"),
        ("2025-06-14", "month", datetime.date(2025, 6, 1), "Jun 2025"),
        ("2025-06-14", "day", datetime.date(2025, 6, 14), "14 Jun 2025"),
    ],
)
def test_a_month_or_a_year_is_typed_as_it_is_written(
    editor_client, kerr, said_on, precision, stored, shown
):
    data = quote_data(kerr, said_on=said_on, said_on_precision=precision)
    assert editor_client.post(f"{QUOTES}add/", data).status_code == 302
    quote = Quote.objects.get()
    assert (quote.said_on, quote.said.display()) == (stored, shown)


MONTH_AS_DAY = "'2025-06' is a month: choose month precision, or type the day (2025-06-14)"


@pytest.mark.parametrize(
    ("said_on", "precision", "error"),
    [
        ("2025-06", "day", MONTH_AS_DAY),
        ("2025", "month", "'2025' is a year: choose year precision, or type the month (2025-06)"),
        ("2025-13", "month", "'2025-13' is not a month: months run from 01 to 12"),
        ("June", "month", "Type a day as 2025-06-14, a month as 2025-06 or a year as 2025"),
    ],
)
def test_a_date_that_does_not_fit_its_precision_is_a_clear_error(
    editor_client, kerr, said_on, precision, error
):
    data = quote_data(kerr, said_on=said_on, said_on_precision=precision)
    response = editor_client.post(f"{QUOTES}add/", data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["said_on"] == [error]
    assert not Quote.objects.exists()


def test_a_moment_takes_a_month_as_typed(editor_client, kerr):
    source = SourceFactory()
    data = {
        "title": "Injury",
        "athletes": [kerr.pk],
        "description": "",
        "happened_on": "2024-03",
        "happened_on_precision": "month",
        "source": source.pk,
        "published": "",
    }
    response = editor_client.post("/admin/rivalries/moment/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Moment.objects.get().happened_on == datetime.date(2024, 3, 1)
