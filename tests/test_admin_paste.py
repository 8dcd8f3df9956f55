"""The admin's "Paste results" page: the race first, every line as read, then one save."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from athletes.models import Athlete, Race, Result
from tests.editors import make_editor
from tests.factories import (
    AthleteAliasFactory,
    AthleteFactory,
    EventFactory,
    MeetFactory,
    RaceFactory,
)
from tests.test_pasting import NEWS_LIST, WEB_TABLE

pytestmark = pytest.mark.django_db

PASTE = "/admin/paste/"
BOWERMAN = [
    ("Josh Kerr", "GB"),
    ("Jakob Ingebrigtsen", "NO"),
    ("Yared Nuguse", "US"),
    ("Neil Gourley", "GB"),
    ("Jake Wightman", "GB"),
]


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


@pytest.fixture
def prefontaine():
    return MeetFactory(name="Prefontaine Classic")


@pytest.fixture
def bowerman_field():
    EventFactory(name="Mile", distance_m=1609.344)
    return {name: AthleteFactory(name=name, country=country) for name, country in BOWERMAN}


def race_fields(meet, /, **extra):
    return {
        "meet": str(meet.pk) if meet else "",
        "event": "Mile",
        "sex": "men",
        "round": "final",
        "name": "Bowerman Mile",
        "text": WEB_TABLE,
    } | extra


def read(client, data):
    return client.post(PASTE, {**data, "read": "Read the table"})


def rows_of(response):
    """What the page shows for each line: its fields as they would be posted."""
    formset = response.context["formset"]
    shown = []
    for form, choice in response.context["rows"]:
        value = {name: form[name].value() for name in form.fields}
        value["offered"] = [label for _, label in form.fields["athlete"].widget.choices]
        value["matched"] = choice.matched.name if choice.matched else None
        shown.append(value)
    assert len(shown) == formset.total_form_count()
    return shown


def post_rows(response, changes=None):
    """The page's whole form as the browser would send it, with ``changes`` by line."""
    data = {}
    race_form = response.context["race_form"]
    for name in race_form.fields:
        value = race_form[name].value()
        data[name] = "" if value is None else value
    formset = response.context["formset"]
    for name, value in formset.management_form.initial.items():
        data[f"rows-{name}"] = value
    for index, form in enumerate(formset.forms):
        line = form["line"].value()
        values = {name: form[name].value() for name in form.fields}
        values.update((changes or {}).get(line, {}))
        for name, value in values.items():
            if value is None or value is False:
                continue
            data[f"rows-{index}-{name}"] = "on" if value is True else value
    data["save"] = "Save"
    return data


def runners(count):
    """Names a pasted line reads whole (no digits): "Runner Qaa", "Runner Qba", ..."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return [f"Runner Q{letters[n % 26]}{letters[n // 26]}" for n in range(count)]


def test_the_page_is_linked_from_the_admin_index_beside_the_csv_import(editor_client):
    page = editor_client.get("/admin/").content.decode()
    assert 'href="/admin/paste/">Paste results</a>' in page


def test_a_stored_race_links_to_the_page_for_itself(editor_client):
    race = RaceFactory()
    page = editor_client.get(f"/admin/athletes/race/{race.pk}/change/").content.decode()
    assert f'href="/admin/paste/?race={race.pk}"' in page


def test_the_page_asks_for_the_race_first(editor_client):
    response = editor_client.get(PASTE)
    assert response.status_code == 200
    page = response.content.decode()
    for field in ("meet", "new_meet", "date", "event", "sex", "round", "round_number", "name"):
        assert f'name="{field}"' in page, field
    assert response.context["formset"] is None


def test_every_line_is_shown_as_read_with_the_athlete_matched(
    editor_client, prefontaine, bowerman_field
):
    response = read(editor_client, race_fields(prefontaine))

    rows = rows_of(response)
    assert [(row["line"], row["place"], row["matched"], row["country"]) for row in rows] == [
        (2, 1, "Josh Kerr", "GBR"),
        (3, 2, "Jakob Ingebrigtsen", "NOR"),
        (4, 3, "Yared Nuguse", "USA"),
        (5, 4, "Neil Gourley", "GBR"),
        (6, 5, "Jake Wightman", "GBR"),
        (7, None, None, "XYZ"),
    ]
    assert rows[0]["mark"] == "3:45.34"
    assert rows[0]["flags"] == "WL NR"
    assert rows[0]["athlete"] == str(bowerman_field["Josh Kerr"].pk)
    assert rows[5]["status"] == "dnf"
    assert rows[5]["athlete"] in (None, "")
    assert rows[5]["offered"] == ["New athlete “Jane Doe”"]
    assert not Race.objects.exists()


def test_an_alias_matches_and_a_misspelling_is_only_suggested(editor_client, prefontaine):
    EventFactory(name="Mile", distance_m=1609.344)
    kerr = AthleteFactory(name="Josh Kerr", country="GB")
    AthleteAliasFactory(athlete=kerr, name="Joshua Kerr")
    jakob = AthleteFactory(name="Jakob Ingebrigtsen", country="NO")
    text = "1. Joshua Kerr (GBR) 3:45.34\n2. Jakob Ingebrigsten (NOR) 3:45.60\n"

    response = read(editor_client, race_fields(prefontaine, text=text))

    kerr_row, jakob_row = rows_of(response)
    assert kerr_row["matched"] == "Josh Kerr"
    assert kerr_row["athlete"] == str(kerr.pk)
    assert jakob_row["matched"] is None
    assert jakob_row["athlete"] in (None, "")  # a suggestion is never chosen for the editor
    assert jakob_row["offered"] == ["Jakob Ingebrigtsen (NOR)?", "New athlete “Jakob Ingebrigsten”"]
    page = response.content.decode()
    assert f'value="{jakob.pk}"' in page


def test_what_was_not_read_is_quoted_beside_its_line(editor_client, prefontaine, bowerman_field):
    text = "1\tJosh KERR\tGBR\t3:4x.34\tWL\n2\tJakob INGEBRIGTSEN\tNOR\t3:45.60\tEdinburgh AC\n"

    response = read(editor_client, race_fields(prefontaine, text=text))

    page = response.content.decode()
    assert "&#x27;3:4x.34&#x27; is not a time: only digits" in page
    assert "not read: &#x27;Edinburgh AC&#x27;" in page
    assert "2 with something not read" in page


def test_pasted_text_cannot_run_as_script(editor_client, prefontaine):
    text = "1 <script>alert(1)</script> GBR 3:45.34\n"
    page = read(editor_client, race_fields(prefontaine, text=text)).content.decode()
    assert "<script>alert(1)</script>" not in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"meet": ""}, "meet", "Choose the meet, or name a new one."),
        ({"new_meet": "Bislett Games"}, "new_meet", "not both: clear 'Bislett Games'"),
        ({"meet": "", "new_meet": "Bislett Games"}, "date", "A new meet needs its date."),
        ({"event": ""}, "event", "Name the event"),
        ({"meet": "999999"}, "meet", "Select a valid choice"),
        ({"date": "25 May"}, "date", "Enter a valid date"),
        ({"round": "fastest"}, "round", "Select a valid choice"),
        ({"race": "999999"}, "race", "That race is not stored"),
        ({"race": "x'--"}, "race", "That race is not stored"),
    ],
)
def test_a_bad_race_description_is_said_beside_its_field(
    editor_client, prefontaine, bowerman_field, data, field, message
):
    response = read(editor_client, race_fields(prefontaine, **data))
    assert response.status_code == 200
    assert message in " ".join(response.context["race_form"].errors[field])


def test_a_race_from_its_own_form_needs_no_description(editor_client, bowerman_field):
    race = RaceFactory(name="Bowerman Mile")

    response = editor_client.get(f"{PASTE}?race={race.pk}")
    assert response.context["race"] == race
    response = read(editor_client, {"race": race.pk, "text": NEWS_LIST})

    assert response.context["race_form"].is_valid()
    assert len(rows_of(response)) == 6


@pytest.mark.parametrize("race_id", ["999999", "abc", "1 OR 1=1"])
def test_a_race_link_to_no_race_says_so(editor_client, race_id):
    response = editor_client.get(PASTE, {"race": race_id})
    assert response.status_code == 200
    assert f"There is no race '{race_id}'" in " ".join(
        str(message) for message in response.context["messages"]
    )


def test_a_stale_or_tampered_save_is_read_again_with_a_message(
    editor_client, prefontaine, bowerman_field
):
    data = race_fields(prefontaine)
    data["save"] = "Save"  # the rows (and their management form) are missing

    response = editor_client.post(PASTE, data)

    assert response.status_code == 200
    assert "could not be read back" in " ".join(
        str(message) for message in response.context["messages"]
    )
    assert len(rows_of(response)) == 6
    assert not Race.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"mark": "3:4x.60"}, "mark", "'3:4x.60' is not a time"),
        ({"country": "ZZZZ"}, "country", "is not a country code"),
        ({"flags": "XX"}, "flags", "'XX' is not a flag"),
        ({"athlete": "1; DROP TABLE"}, "athlete", "is not an athlete"),
        ({"athlete": ""}, "athlete", "Choose who this is"),
        ({"place": "-1"}, "place", "greater than or equal to 1"),
        ({"status": "won"}, "status", "Select a valid choice"),
    ],
)
def test_a_bad_row_is_said_beside_it_and_nothing_is_saved(
    editor_client, prefontaine, bowerman_field, changes, field, message
):
    response = read(editor_client, race_fields(prefontaine))
    data = post_rows(response, {3: changes, 7: {"skip": True}})

    response = editor_client.post(PASTE, data)

    assert response.status_code == 200
    (bad,) = [form for form in response.context["formset"].forms if form.errors]
    assert bad["line"].value() == "3"
    assert message in " ".join(bad.errors[field])
    assert "autofocus" in str(bad[field])
    assert not Race.objects.exists()
    # The editor's input is kept.
    page = response.content.decode()
    assert 'value="3:45.34"' in page


def test_a_line_left_out_is_not_checked(editor_client, prefontaine, bowerman_field):
    response = read(editor_client, race_fields(prefontaine))
    data = post_rows(response, {7: {"skip": True, "mark": "nonsense"}, 2: {"mark": "3:4x"}})

    response = editor_client.post(PASTE, data)

    lines = [form["line"].value() for form in response.context["formset"].forms if form.errors]
    assert lines == ["2"]


def test_an_athlete_chosen_who_is_gone_is_said_beside_the_row(
    editor_client, prefontaine, bowerman_field
):
    response = read(editor_client, race_fields(prefontaine))
    data = post_rows(response, {3: {"athlete": "999999"}, 7: {"skip": True}})

    response = editor_client.post(PASTE, data)

    (bad,) = [form for form in response.context["formset"].forms if form.errors]
    assert "Athlete 999999 is not stored" in " ".join(bad.errors["athlete"])
    assert not Race.objects.exists()


def test_an_editor_without_the_import_permission_cannot_paste(client):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_user("visitor", is_staff=True))
    assert client.get(PASTE).status_code == 403
    assert client.post(PASTE, {"text": WEB_TABLE}).status_code == 403


def test_reading_costs_the_same_queries_for_six_lines_as_for_fifty_nine(editor_client, prefontaine):
    EventFactory(name="Mile", distance_m=1609.344)
    names = runners(50)
    for name in names:
        AthleteFactory(name=name)
    lines = [
        f"{place}. {name} (GBR) 3:{45 + place // 10}.{place % 10}0"
        for place, name in enumerate(names, 1)
    ]
    unknown = [
        f"{place}. Unknown Stranger{letter} (GBR) 4:00.00"
        for place, letter in enumerate("abcdefghi", 51)
    ]

    def queries(known, strangers):
        with CaptureQueriesContext(connection) as captured:
            text = "\n".join(lines[:known] + unknown[:strangers])
            response = read(editor_client, race_fields(prefontaine, text=text))
        shown = rows_of(response)
        assert sum(1 for row in shown if row["matched"]) == known
        assert len(shown) == known + strangers
        return len(captured)

    assert queries(5, 1) == queries(50, 9)


# -- saving: the rows go to athletes.importing.import_rows, all or nothing --------------------


def test_saving_writes_the_race_and_its_results_at_once(editor_client, prefontaine, bowerman_field):
    response = read(editor_client, race_fields(prefontaine))
    data = post_rows(response, {7: {"athlete": "new", "country": ""}})

    response = editor_client.post(PASTE, data)

    race = Race.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/athletes/race/{race.pk}/change/"
    assert (race.meet, race.event.name, race.name, race.sex, race.round) == (
        prefontaine,
        "Mile",
        "Bowerman Mile",
        "men",
        "final",
    )
    assert str(race.date) == "2024-05-25"  # the meet's first day
    stored = list(
        race.results.in_finishing_order().values_list("place", "athlete__name", "time_ms", "flags")
    )
    assert stored == [
        (1, "Josh Kerr", 225_340, "WL NR"),
        (2, "Jakob Ingebrigtsen", 225_600, ""),
        (3, "Yared Nuguse", 226_220, ""),
        (4, "Neil Gourley", 227_740, ""),
        (5, "Jake Wightman", 227_830, ""),
        (None, "Jane Doe", None, ""),
    ]
    assert race.results.get(athlete__name="Jane Doe").status == "DNF"
    shown = [
        str(message) for message in editor_client.get(response["Location"]).context["messages"]
    ]
    assert shown == [
        "Saved the pasted table (6 rows): athletes 1 created, 0 changed; races 1 created,"
        " 0 changed; results 6 created, 0 changed."
    ]


def test_a_suggestion_chosen_is_the_athlete_and_no_new_one_is_made(editor_client, prefontaine):
    EventFactory(name="Mile", distance_m=1609.344)
    jakob = AthleteFactory(name="Jakob Ingebrigtsen", country="NO")
    text = "1. Jakob Ingebrigsten (NOR) 3:43.73 ER\n"
    response = read(editor_client, race_fields(prefontaine, text=text))

    response = editor_client.post(PASTE, post_rows(response, {1: {"athlete": str(jakob.pk)}}))

    assert response.status_code == 302
    (result,) = Result.objects.all()
    assert (result.athlete, result.flags, result.time_ms) == (jakob, "AR", 223_730)
    assert Athlete.objects.count() == 1


def test_pasting_into_a_stored_race_adds_its_results_and_again_changes_nothing(
    editor_client, bowerman_field
):
    race = RaceFactory(name="Bowerman Mile")
    response = read(editor_client, {"race": race.pk, "text": NEWS_LIST})
    data = post_rows(response, {7: {"skip": True}})

    response = editor_client.post(PASTE, data)

    assert response["Location"] == f"/admin/athletes/race/{race.pk}/change/"
    assert race.results.count() == 5
    assert Race.objects.count() == 1
    again = editor_client.post(PASTE, data, follow=True)
    assert "was already stored: nothing changed" in again.content.decode()
    assert race.results.count() == 5


def test_a_new_meet_is_made_with_the_race(editor_client, bowerman_field):
    data = race_fields(None, new_meet="Bislett Games", date="2024-05-30")
    response = read(editor_client, data)

    response = editor_client.post(PASTE, post_rows(response, {7: {"skip": True}}))

    assert response.status_code == 302
    race = Race.objects.get()
    assert (race.meet.name, str(race.meet.start_date), str(race.date)) == (
        "Bislett Games",
        "2024-05-30",
        "2024-05-30",
    )


def test_errors_of_the_import_are_said_beside_their_rows_and_nothing_is_written(
    editor_client, prefontaine, bowerman_field
):
    response = read(editor_client, race_fields(prefontaine))
    data = post_rows(response, {4: {"place": ""}, 7: {"athlete": "new", "country": ""}})

    response = editor_client.post(PASTE, data)

    assert response.status_code == 200
    bad = {
        form["line"].value(): form.errors
        for form in response.context["formset"].forms
        if form.errors
    }
    assert list(bad) == ["4"]
    assert "a finisher needs a place" in " ".join(bad["4"]["place"])
    assert "nothing was written" in response.content.decode()
    assert not Race.objects.exists()
    assert not Athlete.objects.filter(name="Jane Doe").exists()
    page = response.content.decode()
    assert 'value="3:45.34"' in page
    assert 'value="Jane Doe"' in page


def test_saving_costs_the_same_queries_for_five_lines_as_for_twenty(editor_client, prefontaine):
    EventFactory(name="Mile", distance_m=1609.344)
    names = runners(20)
    for name in names:
        AthleteFactory(name=name)

    def queries(count, race_name):
        text = "\n".join(
            f"{place}. {name} (GBR) 3:{40 + place}.00"
            for place, name in enumerate(names[:count], 1)
        )
        response = read(editor_client, race_fields(prefontaine, text=text, name=race_name))
        with CaptureQueriesContext(connection) as captured:
            saved = editor_client.post(PASTE, post_rows(response))
        assert saved.status_code == 302
        assert Race.objects.get(name=race_name).results.count() == count
        return len(captured)

    assert queries(5, "B race") == queries(19, "A race")
