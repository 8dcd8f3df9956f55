"""Athletes in the admin: folded search, and the merge shown before it is done."""

import pytest
from django.contrib.auth.models import Permission

from athletes.models import Athlete
from tests.editors import make_editor
from tests.factories import AthleteFactory, RaceFactory, ResultFactory

pytestmark = pytest.mark.django_db

ATHLETES = "/admin/athletes/athlete/"


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


@pytest.fixture
def jakob():
    jakob = AthleteFactory(name="Jakob Ingebrigtsen", country="NO")
    ResultFactory(athlete=jakob)
    return jakob


@pytest.fixture
def misspelt():
    misspelt = AthleteFactory(name="Jakob Ingebritsen", country="NO")
    ResultFactory(athlete=misspelt, race=RaceFactory(name="Bislett 1500"))
    return misspelt


@pytest.mark.parametrize("term", ["ødegaard", "Odegaard", "ODEGAARD", "Oddy"])
def test_search_finds_a_name_or_alias_with_accents_folded(editor_client, term):
    athlete = AthleteFactory(name="Ådne Ødegaard")
    athlete.aliases.create(name="Oddy", kind="nickname")
    AthleteFactory(name="Someone Else")

    response = editor_client.get(ATHLETES, {"q": term})

    assert list(response.context["cl"].result_list) == [athlete]


def merge(client, athletes, **extra):
    """The merge action; confirmed (``post="yes"``) from a page showing the athletes as now."""
    shown = {f"version-{a.pk}": a.version for a in athletes}
    data = {"action": "merge_selected", "_selected_action": [a.pk for a in athletes], **shown}
    data.update(extra)
    return client.post(ATHLETES, data, follow=True)


def test_merge_shows_what_it_would_do_and_changes_nothing_yet(editor_client, jakob, misspelt):
    response = merge(editor_client, [jakob, misspelt])

    page = response.content.decode()
    assert "“Jakob Ingebritsen” into “Jakob Ingebrigtsen”" in page
    assert "Results: 1 moves over" in page
    assert "New aliases of “Jakob Ingebrigtsen”: Jakob Ingebritsen" in page
    assert Athlete.objects.count() == 2


def test_merge_is_done_once_confirmed(editor_client, jakob, misspelt):
    response = merge(
        editor_client, [jakob, misspelt], keep=jakob.pk, previewed_keep=jakob.pk, post="yes"
    )

    assert list(Athlete.objects.all()) == [jakob]
    assert jakob.results.count() == 2
    assert "Merged 'Jakob Ingebritsen' into 'Jakob Ingebrigtsen'" in " ".join(
        str(message) for message in response.context["messages"]
    )


def test_a_changed_choice_of_keep_is_shown_before_it_is_done(editor_client, jakob, misspelt):
    response = merge(
        editor_client, [jakob, misspelt], keep=misspelt.pk, previewed_keep=jakob.pk, post="yes"
    )

    assert "“Jakob Ingebrigtsen” into “Jakob Ingebritsen”" in response.content.decode()
    assert Athlete.objects.count() == 2


def test_merge_of_two_who_ran_the_same_race_is_refused_on_the_page(editor_client, jakob):
    rival = AthleteFactory(name="Jakob Ingebrigtsen Jr")
    ResultFactory(athlete=rival, race=jakob.results.get().race, place=2, time_ms=226_000)

    page = merge(editor_client, [jakob, rival]).content.decode()
    assert "both have a result in" in page
    assert 'id="confirm-merge"' not in page

    response = merge(
        editor_client, [jakob, rival], keep=jakob.pk, previewed_keep=jakob.pk, post="yes"
    )
    assert Athlete.objects.count() == 2
    assert "one athlete cannot run a race twice" in response.content.decode()


def test_merge_needs_two_athletes(editor_client, jakob):
    response = merge(editor_client, [jakob])
    assert "Select two or more athletes" in " ".join(
        str(message) for message in response.context["messages"]
    )


def test_staff_who_may_not_delete_athletes_are_not_offered_the_merge(client, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(*_permissions("view_athlete", "change_athlete"))
    client.force_login(viewer)

    response = client.get(ATHLETES)

    assert "merge_selected" not in response.content.decode()


def _permissions(*codenames):
    return Permission.objects.filter(content_type__app_label="athletes", codename__in=codenames)
