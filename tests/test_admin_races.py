"""Entering a race in the admin: marks, places and statuses that agree, and duplicate races."""

import datetime
import re

import pytest

from athletes.models import Race, Result, ResultStatus
from tests.editors import make_editor, opened_version
from tests.factories import AthleteFactory, EventFactory, MeetFactory, RaceFactory

pytestmark = pytest.mark.django_db

ADD_RACE = "/admin/athletes/race/add/"


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


@pytest.fixture
def pre():
    return MeetFactory(name="Prefontaine Classic", start_date=datetime.date(2024, 5, 25))


@pytest.fixture
def mile():
    return EventFactory(name="Mile", distance_m=1609.344)


@pytest.fixture
def kerr():
    return AthleteFactory(name="Josh Kerr")


@pytest.fixture
def jakob():
    return AthleteFactory(name="Jakob Ingebrigtsen", country="NO")


def race_data(meet, event, rows, **race):
    """The POST of the race form with its results inline, as the browser sends it."""
    data = {
        "meet": meet.pk,
        "event": event.pk,
        "sex": "men",
        "round": "final",
        "round_number": "",
        "name": "Bowerman Mile",
        "date": "2024-05-25",
        "status": "official",
        "source_url": "",
        "results-TOTAL_FORMS": len(rows),
        "results-INITIAL_FORMS": 0,
        "results-MIN_NUM_FORMS": 0,
        "results-MAX_NUM_FORMS": 1000,
        **race,
    }
    for index, row in enumerate(rows):
        values = {"status": "finished", "place": "", "mark": "", "note": "", **row}
        for name, value in values.items():
            data[f"results-{index}-{name}"] = value
    return data


def errors_of(response) -> list[str]:
    """Every error message on the page: the race form's and each result row's."""
    assert response.status_code == 200, "the form was saved"
    context = response.context
    found = [str(e) for errors in context["adminform"].form.errors.values() for e in errors]
    for formset in context["inline_admin_formsets"]:
        found += [str(e) for e in formset.formset.non_form_errors()]
        for form_errors in formset.formset.errors:
            found += [str(e) for errors in form_errors.values() for e in errors]
    return found


def test_a_race_with_marks_and_flags_is_stored(editor_client, pre, mile, kerr, jakob):
    rows = [
        {"place": 1, "athlete": kerr.pk, "mark": "3:45.34", "flags": "nr, WL"},
        {"place": 2, "athlete": jakob.pk, "mark": "3:45.60"},
    ]
    response = editor_client.post(ADD_RACE, race_data(pre, mile, rows))

    assert response.status_code == 302
    results = Result.objects.order_by("place")
    assert [(r.athlete, r.time_ms, r.flags) for r in results] == [
        (kerr, 225_340, "WL NR"),
        (jakob, 225_600, ""),
    ]


def test_change_form_shows_results_in_finishing_order_with_marks(editor_client, pre, mile):
    race = RaceFactory(meet=pre, event=mile)
    dnf = Result.objects.create(race=race, athlete=AthleteFactory(name="Last Out"), status="DNF")
    second = Result.objects.create(race=race, athlete=AthleteFactory(), place=2, time_ms=225_600)
    first = Result.objects.create(race=race, athlete=AthleteFactory(), place=1, time_ms=225_340)

    response = editor_client.get(f"/admin/athletes/race/{race.pk}/change/")

    forms = response.context["inline_admin_formsets"][0].formset.initial_forms
    assert [form.instance.pk for form in forms] == [first.pk, second.pk, dnf.pk]
    assert forms[0]["mark"].value() == "3:45.34"


def test_bad_mark_is_rejected_with_the_parsers_message(editor_client, pre, mile, kerr):
    rows = [{"place": 1, "athlete": kerr.pk, "mark": "3:4x.60"}]
    response = editor_client.post(ADD_RACE, race_data(pre, mile, rows))

    assert "'3:4x.60' is not a time: only digits, ':' and '.' are allowed" in errors_of(response)
    assert not Race.objects.exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"status": "DNF", "place": 9}, "A result with status DNF has no place: clear '9'."),
        ({"status": "DNS", "mark": "3:50.00"}, "A result with status DNS has no mark: clear"),
        ({"status": "finished", "mark": "3:50.00"}, "A finisher needs a place."),
        ({"status": "finished", "place": 3}, "A finisher needs a mark."),
        ({"status": "entered"}, "'entered' is for a scheduled race's start list"),
    ],
)
def test_place_mark_and_status_must_agree(editor_client, pre, mile, kerr, row, message):
    response = editor_client.post(ADD_RACE, race_data(pre, mile, [{"athlete": kerr.pk, **row}]))

    assert any(error.startswith(message) for error in errors_of(response)), errors_of(response)


def test_a_scheduled_race_refuses_outcomes(editor_client, pre, mile, kerr):
    rows = [{"athlete": kerr.pk, "place": 1, "mark": "3:45.34"}]
    response = editor_client.post(ADD_RACE, race_data(pre, mile, rows, status="scheduled"))

    assert any("the race is scheduled" in error for error in errors_of(response))


def test_a_bare_name_on_a_scheduled_race_is_an_entry(editor_client, pre, mile, kerr, jakob):
    rows = [{"athlete": kerr.pk}, {"athlete": jakob.pk, "status": "entered"}]
    response = editor_client.post(ADD_RACE, race_data(pre, mile, rows, status="scheduled"))

    assert response.status_code == 302
    assert set(Result.objects.values_list("status", flat=True)) == {ResultStatus.ENTERED}


def test_a_later_place_cannot_be_faster(editor_client, pre, mile, kerr, jakob):
    rows = [
        {"place": 1, "athlete": kerr.pk, "mark": "3:45.34"},
        {"place": 2, "athlete": jakob.pk, "mark": "3:44.60"},
    ]
    response = editor_client.post(ADD_RACE, race_data(pre, mile, rows))

    assert "'3:44.60' in place 2 is faster than 3:45.34 in place 1" in " ".join(errors_of(response))


def test_shared_place_with_the_same_time_is_fine(editor_client, pre, mile, kerr, jakob):
    rows = [
        {"place": 1, "athlete": kerr.pk, "mark": "3:45.34"},
        {"place": 1, "athlete": jakob.pk, "mark": "3:45.34"},
    ]
    assert editor_client.post(ADD_RACE, race_data(pre, mile, rows)).status_code == 302


def test_the_same_athlete_twice_is_refused(editor_client, pre, mile, kerr):
    rows = [
        {"place": 1, "athlete": kerr.pk, "mark": "3:45.34"},
        {"place": 2, "athlete": kerr.pk, "mark": "3:45.60"},
    ]
    response = editor_client.post(ADD_RACE, race_data(pre, mile, rows))
    assert any("duplicate" in error for error in errors_of(response))


def test_an_empty_date_is_the_meets_first_day(editor_client, pre, mile, kerr):
    rows = [{"place": 1, "athlete": kerr.pk, "mark": "3:45.34"}]
    editor_client.post(ADD_RACE, race_data(pre, mile, rows, date=""))

    assert Race.objects.get().date == datetime.date(2024, 5, 25)


def test_a_race_like_a_stored_one_needs_confirming(editor_client, pre, mile, kerr):
    stored = RaceFactory(meet=pre, event=mile, name="", date=datetime.date(2024, 5, 25))
    rows = [{"place": 1, "athlete": kerr.pk, "mark": "3:45.34"}]

    response = editor_client.post(ADD_RACE, race_data(pre, mile, rows))

    page = response.content.decode()
    assert "This looks like a race already stored" in " ".join(errors_of(response))
    assert f'href="/admin/athletes/race/{stored.pk}/change/"' in page
    assert 'name="confirm_different"' in page
    assert Race.objects.count() == 1

    confirmed = race_data(pre, mile, rows, confirm_different="on")
    assert editor_client.post(ADD_RACE, confirmed).status_code == 302
    assert Race.objects.count() == 2


def test_another_heat_is_not_a_duplicate(editor_client, pre, mile, kerr):
    RaceFactory(meet=pre, event=mile, round="heat", round_number=1, name="")
    rows = [{"place": 1, "athlete": kerr.pk, "mark": "3:45.34"}]
    data = race_data(pre, mile, rows, round="heat", round_number=2, name="")

    assert editor_client.post(ADD_RACE, data).status_code == 302


def test_saving_a_stored_race_again_is_no_duplicate_of_itself(editor_client, pre, mile, kerr):
    race = RaceFactory(meet=pre, event=mile, name="Bowerman Mile")
    data = race_data(pre, mile, [], version=opened_version(race))
    response = editor_client.post(f"/admin/athletes/race/{race.pk}/change/", data)
    assert response.status_code == 302


def test_new_race_form_starts_with_a_few_empty_rows(editor_client):
    """Enter on the last row adds another (tests/test_browser_editors.py); every empty row
    would be Tabs between the editor and Save."""
    response = editor_client.get(ADD_RACE)
    assert response.context["inline_admin_formsets"][0].formset.total_form_count() == 3
    assert b"js/admin/results_entry.js" in response.content


def test_a_race_with_results_has_one_spare_row(editor_client, pre, mile, kerr):
    race = RaceFactory(meet=pre, event=mile)
    Result.objects.create(race=race, athlete=kerr, place=1, time_ms=225_340)
    response = editor_client.get(f"/admin/athletes/race/{race.pk}/change/")
    assert response.context["inline_admin_formsets"][0].formset.total_form_count() == 2


def test_flags_are_one_text_box_and_an_unknown_code_is_quoted(editor_client, pre, mile, kerr):
    page = editor_client.get(ADD_RACE).content.decode()
    assert 'type="text" name="results-0-flags"' in page
    assert 'type="checkbox" name="results-0-flags"' not in page

    rows = [{"place": 1, "athlete": kerr.pk, "mark": "3:45.34", "flags": "WL XR"}]
    response = editor_client.post(ADD_RACE, race_data(pre, mile, rows))
    assert "'XR' is not a flag: use WR, WL, AR, NR, PB, SB, OR, CR, MR, DLR" in errors_of(response)


def test_empty_marks_show_no_example_that_looks_like_data(editor_client):
    page = editor_client.get(ADD_RACE).content.decode()
    (mark,) = re.findall(r'<input[^>]*name="results-0-mark"[^>]*>', page)
    assert "placeholder" not in mark
    assert "As written: &quot;3:45.34&quot;" in page  # the example is help text instead
