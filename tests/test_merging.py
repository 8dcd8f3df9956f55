"""Merging a duplicate athlete (a misspelling) into the right one."""

import datetime

import pytest

from athletes.merging import MergeRefused, merge_athletes, plan_merge
from athletes.models import Athlete, AthleteAlias, Result
from rivalries.models import Quote, RivalryMember
from tests.factories import (
    AthleteAliasFactory,
    AthleteFactory,
    MomentFactory,
    QuoteFactory,
    RaceFactory,
    ResultFactory,
    RivalryFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def jakob():
    return AthleteFactory(name="Jakob Ingebrigtsen", country="NO", world_athletics_id=None)


@pytest.fixture
def misspelt():
    return AthleteFactory(name="Jakob Ingebritsen", country="", world_athletics_id="14466915")


def test_results_move_to_the_kept_athlete_and_the_duplicate_is_deleted(jakob, misspelt):
    kept_result = ResultFactory(athlete=jakob)
    moved_result = ResultFactory(athlete=misspelt, race=RaceFactory())

    merge_athletes(jakob, misspelt)

    assert not Athlete.objects.filter(pk=misspelt.pk).exists()
    assert set(Result.objects.values_list("pk", "athlete_id")) == {
        (kept_result.pk, jakob.pk),
        (moved_result.pk, jakob.pk),
    }


def test_duplicate_name_becomes_an_alias_that_matching_finds(jakob, misspelt):
    merge_athletes(jakob, misspelt)

    alias = AthleteAlias.objects.get(athlete=jakob)
    assert (alias.name, alias.kind) == ("Jakob Ingebritsen", AthleteAlias.Kind.MISSPELLING)
    assert list(Athlete.objects.matching("jakob ingebritsen")) == [jakob]


def test_duplicate_aliases_move_over_and_repeats_are_dropped(jakob, misspelt):
    AthleteAliasFactory(athlete=jakob, name="Ingebrigtsen")
    AthleteAliasFactory(athlete=misspelt, name="INGEBRIGTSEN")  # folds the same: dropped
    AthleteAliasFactory(athlete=misspelt, name="Jakob Ingebrigsten")
    AthleteAliasFactory(athlete=misspelt, name="Jakob Ingebrigtsen")  # the kept name: dropped

    merge_athletes(jakob, misspelt)

    assert sorted(jakob.aliases.values_list("name", flat=True)) == [
        "Ingebrigtsen",
        "Jakob Ingebrigsten",
        "Jakob Ingebritsen",
    ]


def test_a_name_that_folds_to_the_kept_name_adds_no_alias(jakob):
    shouting = AthleteFactory(name="JAKOB INGEBRIGTSEN")

    merge_athletes(jakob, shouting)

    assert not jakob.aliases.exists()


def test_quotes_as_speaker_and_about_move_over(jakob, misspelt):
    kerr = AthleteFactory(name="Josh Kerr")
    said = QuoteFactory(speaker=misspelt, about=[kerr])
    heard = QuoteFactory(speaker=kerr, about=[misspelt])
    heard_twice = QuoteFactory(speaker=kerr, about=[misspelt, jakob])

    merge_athletes(jakob, misspelt)

    assert Quote.objects.get(pk=said.pk).speaker == jakob
    assert list(Quote.objects.get(pk=heard.pk).about.all()) == [jakob]
    assert list(Quote.objects.get(pk=heard_twice.pk).about.all()) == [jakob]


def test_rivalry_membership_moves_and_a_shared_rivalry_keeps_one_membership(jakob, misspelt):
    kerr = AthleteFactory(name="Josh Kerr")
    moved = RivalryFactory(members=[kerr, misspelt])
    shared = RivalryFactory(members=[jakob, kerr, misspelt])

    merge_athletes(jakob, misspelt)

    assert list(moved.memberships.values_list("athlete__name", "order")) == [
        ("Josh Kerr", 1),
        ("Jakob Ingebrigtsen", 2),
    ]
    assert list(shared.memberships.values_list("athlete__name", flat=True)) == [
        "Jakob Ingebrigtsen",
        "Josh Kerr",
    ]
    assert not RivalryMember.objects.filter(athlete_id=misspelt.pk).exists()


def test_moments_move_over(jakob, misspelt):
    moment = MomentFactory(athletes=[misspelt])

    merge_athletes(jakob, misspelt)

    assert list(moment.athletes.all()) == [jakob]


def test_kept_athlete_takes_only_the_details_it_lacks(jakob, misspelt):
    misspelt.birth_date = datetime.date(2000, 9, 19)
    misspelt.save()

    plan = merge_athletes(jakob, misspelt)

    jakob.refresh_from_db()
    assert plan.filled == ("birth_date", "world_athletics_id")
    assert (jakob.country.code, jakob.birth_date, jakob.world_athletics_id) == (
        "NO",
        datetime.date(2000, 9, 19),
        "14466915",
    )


def test_merge_is_refused_when_both_ran_the_same_race_and_nothing_changes(jakob, misspelt):
    race = RaceFactory(name="Bowerman Mile")
    ResultFactory(race=race, athlete=jakob, place=2, time_ms=225_600)
    ResultFactory(race=race, athlete=misspelt, place=3, time_ms=226_220)
    QuoteFactory(speaker=misspelt)

    with pytest.raises(MergeRefused, match="'Jakob Ingebritsen' and 'Jakob Ingebrigtsen' both"):
        merge_athletes(jakob, misspelt)

    assert Athlete.objects.filter(pk=misspelt.pk).exists()
    assert Quote.objects.get().speaker_id == misspelt.pk
    assert not AthleteAlias.objects.exists()


def test_refusal_names_the_shared_race(jakob, misspelt):
    race = RaceFactory(name="Bowerman Mile")
    ResultFactory(race=race, athlete=jakob)
    ResultFactory(race=race, athlete=misspelt, place=2, time_ms=226_000)

    assert "Bowerman Mile" in plan_merge(jakob, misspelt).refusal


def test_an_athlete_cannot_be_merged_into_itself(jakob):
    with pytest.raises(MergeRefused, match="cannot be merged into itself"):
        merge_athletes(jakob, jakob)


def test_plan_counts_what_would_move_and_writes_nothing(jakob, misspelt):
    ResultFactory(athlete=misspelt)
    ResultFactory(athlete=misspelt, race=RaceFactory())
    QuoteFactory(speaker=misspelt)

    plan = plan_merge(jakob, misspelt)

    assert plan.allowed
    assert {move.label: move.moved for move in plan.moves} == {
        "results": 2,
        "quotes (speaker)": 1,
    }
    assert plan.new_aliases == ("Jakob Ingebritsen",)
    assert Result.objects.filter(athlete=misspelt).count() == 2


def test_moved_results_keep_a_history_that_says_why(jakob, misspelt):
    result = ResultFactory(athlete=misspelt)

    merge_athletes(jakob, misspelt)

    latest = result.history.latest()
    assert latest.athlete_id == jakob.pk
    assert latest.history_change_reason == (
        f"merged 'Jakob Ingebritsen' (#{misspelt.pk}) into 'Jakob Ingebrigtsen'"
    )
