"""Rules the database keeps, so no path around the admin or the importer can break them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from athletes.models import Athlete, Race, Result, ResultStatus, normalise_flags
from rivalries.models import Quote, RivalryMember
from tests.factories import (
    AthleteAliasFactory,
    AthleteFactory,
    QuoteFactory,
    RaceFactory,
    ResultFactory,
    RivalryFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def refused(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        ResultFactory(**fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"status": ResultStatus.FINISHED, "place": None},
        {"status": ResultStatus.FINISHED, "time_ms": None},
        {"status": ResultStatus.DNF, "place": None, "time_ms": 225_000},
        {"status": ResultStatus.DQ, "place": 3, "time_ms": None},
        {"status": ResultStatus.DNS, "place": 3, "time_ms": 225_000},
        {"status": "lapped", "place": None, "time_ms": None},
        {"place": 0},
        {"time_ms": 0},
    ],
)
def test_database_keeps_finished_iff_place_and_time(fields):
    refused(**fields)


@pytest.mark.parametrize("status", [ResultStatus.DNF, ResultStatus.DNS, ResultStatus.DQ])
def test_non_finishers_are_stored_without_place_or_time(status):
    result = ResultFactory(status=status, place=None, time_ms=None)
    assert result.mark_display == status


def test_one_result_per_athlete_per_race():
    result = ResultFactory()
    refused(race=result.race, athlete=result.athlete, place=2)


def test_one_final_per_meet_event_and_sex_even_without_round_number():
    race = RaceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RaceFactory(meet=race.meet, event=race.event, date=race.date)
    assert RaceFactory(meet=race.meet, event=race.event, round="heat", round_number=1)


def test_result_time_is_shown_rounded_up_to_hundredths():
    assert ResultFactory(time_ms=209_371).time == "3:29.38"


def test_slug_is_ascii_and_a_clash_gets_a_number():
    first = AthleteFactory(name="Narve Gilje Nordås")
    second = AthleteFactory(name="Narve Gilje Nordas")
    assert (first.slug, second.slug) == ("narve-gilje-nordas", "narve-gilje-nordas-2")
    assert AthleteFactory(name="Karsten Warholm Ødegård").slug == "karsten-warholm-odegard"


def test_sort_name_and_search_name_are_derived():
    athlete = AthleteFactory(name="  Jakob   Ingebrigtsen ")
    assert (athlete.name, athlete.sort_name, athlete.search_name) == (
        "Jakob Ingebrigtsen",
        "Ingebrigtsen, Jakob",
        "jakob ingebrigtsen",
    )


def test_country_is_shown_with_its_ioc_code():
    assert AthleteFactory(country="CH").country_code == "SUI"


def test_athletes_match_by_name_or_alias_with_case_and_accents_folded():
    jakob = AthleteFactory(name="Jakob Ingebrigtsen")
    AthleteAliasFactory(athlete=jakob, name="Ingebritsen")
    AthleteFactory(name="Henrik Ingebrigtsen")
    for name in ["JAKOB INGEBRIGTSEN", "Jákob Ingebrigtsen", "ingebritsen", " Ingebritsen "]:
        assert list(Athlete.objects.matching(name)) == [jakob]


@pytest.mark.parametrize(
    ("given", "stored"),
    [("pb wl", "WL PB"), ("NR,WL", "WL NR"), ("", ""), ("dlr sb sb", "SB DLR")],
)
def test_flags_are_normalised(given, stored):
    assert normalise_flags(given) == stored


def test_unknown_flag_is_refused_by_name():
    with pytest.raises(ValueError, match="'XR' is not a flag"):
        normalise_flags("WL XR")


def test_members_add_just_works_and_numbers_the_members():
    a, b, c, d = AthleteFactory.create_batch(4)
    rivalry = RivalryFactory()
    rivalry.members.add(a, b)
    numbered = dict(RivalryMember.objects.filter(rivalry=rivalry).values_list("athlete", "order"))
    assert sorted(numbered.values()) == [1, 2]
    rivalry.members.add(c)
    rivalry.members.add(d)
    orders = list(RivalryMember.objects.filter(rivalry=rivalry).values_list("athlete", "order"))
    assert orders[2:] == [(c.pk, 3), (d.pk, 4)]


def test_a_quote_has_exactly_one_speaker():
    athlete = AthleteFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        QuoteFactory(speaker=athlete, speaker_name="A coach")
    with pytest.raises(IntegrityError), transaction.atomic():
        QuoteFactory(speaker=None, speaker_name="")
    assert QuoteFactory(speaker=None, speaker_name="Gjert Ingebrigtsen").speaker_label


def test_a_quote_cannot_be_published_without_a_source():
    with pytest.raises(IntegrityError), transaction.atomic():
        QuoteFactory(source=None, published=True)
    draft = QuoteFactory(source=None, published=False)
    draft.published = True
    with pytest.raises(ValidationError, match="needs a source"):
        draft.full_clean()


def test_a_race_link_says_before_or_after():
    race = RaceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        QuoteFactory(race=race, timing="")
    with pytest.raises(IntegrityError), transaction.atomic():
        QuoteFactory(race=None, timing="before")
    assert QuoteFactory(race=race, timing="after").race == race


def test_a_month_quote_is_stored_on_the_first_of_the_month():
    quote = QuoteFactory.build(
        speaker=AthleteFactory(),
        source=SourceFactory(),
        said_on=datetime.date(2023, 11, 14),
        said_on_precision="month",
    )
    with pytest.raises(ValidationError, match="not the first day of its month"):
        quote.full_clean()
    quote.said_on = datetime.date(2023, 11, 1)
    quote.full_clean()
    assert quote.said.display() == "Nov 2023"


def test_quote_querysets_read_like_english():
    kerr, jakob, other = AthleteFactory.create_batch(3)
    jab = QuoteFactory(speaker=kerr, about=[jakob])
    reply = QuoteFactory(speaker=jakob, about=[kerr, other])
    QuoteFactory(speaker=other, about=[kerr])
    QuoteFactory(speaker=kerr, about=[jakob], published=False)
    published = Quote.objects.published()
    assert list(published.by(kerr).about(jakob)) == [jab]
    assert set(published.between(kerr, jakob)) == {jab, reply}


def test_deleting_a_race_with_results_is_refused():
    result = ResultFactory()
    with pytest.raises(Exception, match="protected"):
        Race.objects.filter(pk=result.race_id).delete()
    assert Result.objects.count() == 1
