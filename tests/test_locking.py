"""Two editors, one record: the later save from an older form is refused, never silently kept.

Each test opens the same form in two signed-in clients, as two editors in two browsers would;
the first saves, the second's save from its older copy is refused with what changed, and its
own input stays in the form.
"""

from __future__ import annotations

import pytest
from concurrency.exceptions import RecordModifiedError
from django.db import transaction
from django.test import Client

from athletes.importing import import_results_text
from athletes.models import Athlete, Race, Result
from rivalries.models import Quote, Source
from tests.editors import form_fields, make_editor, open_form
from tests.factories import (
    AthleteFactory,
    QuoteFactory,
    RaceFactory,
    ResultFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

ATHLETES = "/admin/athletes/athlete/"


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(make_editor(username))
    return client


@pytest.fixture
def anna():
    return signed_in("anna")


@pytest.fixture
def bo():
    return signed_in("bo")


def errors_on(response) -> str:
    """Every error the admin shows on a re-rendered change form, as one text."""
    assert response.status_code == 200, f"saved ({response.status_code}), not refused"
    texts = [str(error) for error in response.context["adminform"].form.non_field_errors()]
    for formset in response.context["inline_admin_formsets"]:
        for form in formset.formset.forms:
            texts += [str(error) for error in form.non_field_errors()]
    return " ".join(texts)


def test_a_quote_saved_from_an_older_form_is_refused_and_says_what_changed(anna, bo):
    quote = QuoteFactory(text="I am the best 1500 m runner.", occasion="")
    url = f"/admin/rivalries/quote/{quote.pk}/change/"
    annas, bos = open_form(anna, url), open_form(bo, url)

    annas["text"] = ["I am the best 1500 m runner in the world."]
    assert anna.post(url, annas).status_code == 302
    bos["occasion"] = ["Press conference, Eugene"]
    refused = bo.post(url, bos)

    message = errors_on(refused)
    assert "You opened version 1; it is now version 2" in message
    assert "“I am the best 1500 m runner.” → “I am the best 1500 m runner in the world.”" in message
    assert "by anna" in message
    kept = form_fields(refused)
    assert kept["occasion"] == ["Press conference, Eugene"]  # Bo's input, still in the form
    quote.refresh_from_db()
    assert (quote.text, quote.occasion, quote.version) == (
        "I am the best 1500 m runner in the world.",
        "",
        2,
    )

    # Bo has read what changed; saving the refused form again is a choice, and it saves.
    kept["text"] = ["I am the best 1500 m runner in the world."]
    assert bo.post(url, kept).status_code == 302
    quote.refresh_from_db()
    assert (quote.text, quote.occasion, quote.version) == (
        "I am the best 1500 m runner in the world.",
        "Press conference, Eugene",
        3,
    )


def test_a_corrected_mark_is_not_put_back_by_a_race_form_opened_before_it(anna, bo):
    race = RaceFactory(name="Bowerman Mile")
    result = ResultFactory(race=race, place=1, time_ms=225_340)
    url = f"/admin/athletes/race/{race.pk}/change/"
    annas, bos = open_form(anna, url), open_form(bo, url)
    assert annas["results-0-mark"] == ["3:45.34"]

    annas["results-0-mark"] = ["3:45.30"]
    assert anna.post(url, annas).status_code == 302
    bos["source_url"] = ["https://worldathletics.org/results/bowerman-mile"]
    refused = bo.post(url, bos)

    message = errors_on(refused)
    assert "this result" in message
    assert "version 1; it is now version 2" in message
    assert "225340” → “225300”" in message
    result.refresh_from_db()
    race.refresh_from_db()
    assert result.time_ms == 225_300
    assert race.source_url == ""  # nothing of Bo's form was saved, the race row neither
    assert form_fields(refused)["source_url"] == [
        "https://worldathletics.org/results/bowerman-mile"
    ]


def test_an_unchanged_inline_row_of_a_stale_form_still_refuses_the_save(anna, bo):
    """Bo's form would have written the old mark back: whole form refused, not half saved."""
    race = RaceFactory()
    ResultFactory(race=race, place=1, time_ms=225_340)
    ResultFactory(race=race, place=2, time_ms=226_000)
    url = f"/admin/athletes/race/{race.pk}/change/"
    annas, bos = open_form(anna, url), open_form(bo, url)
    annas["results-1-note"] = ["fell at the bell"]
    assert anna.post(url, annas).status_code == 302
    bos["results-0-note"] = ["PB"]
    errors_on(bo.post(url, bos))
    assert list(Result.objects.order_by("place").values_list("note", flat=True)) == [
        "",
        "fell at the bell",
    ]


@pytest.mark.parametrize(
    ("model", "make", "field", "value"),
    [
        (Athlete, lambda: AthleteFactory(name="Josh Kerr"), "bio", "Scottish miler."),
        (Source, lambda: SourceFactory(publisher="The Times"), "title", "Kerr speaks"),
    ],
)
def test_every_edited_model_refuses_a_stale_change_form(anna, bo, model, make, field, value):
    row = make()
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{row.pk}/change/"
    annas, bos = open_form(anna, url), open_form(bo, url)
    annas[field] = [value]
    assert anna.post(url, annas).status_code == 302
    bos[field] = ["something else"]
    assert "it is now version 2" in errors_on(bo.post(url, bos))
    row.refresh_from_db()
    assert getattr(row, field) == value


def merge_page(client, athletes, **extra):
    data = {"action": "merge_selected", "_selected_action": [a.pk for a in athletes], **extra}
    return client.post(ATHLETES, data)


def test_a_merge_confirmed_from_a_page_shown_before_an_edit_is_refused(anna, bo):
    jakob = AthleteFactory(name="Jakob Ingebrigtsen", country="NO")
    ResultFactory(athlete=jakob)
    misspelt = AthleteFactory(name="Jakob Ingebritsen", country="NO", bio="")
    shown = form_fields(merge_page(anna, [jakob, misspelt]))

    bos = open_form(bo, f"/admin/athletes/athlete/{misspelt.pk}/change/")
    bos["bio"] = ["Born 2000 in Sandnes."]
    assert bo.post(f"/admin/athletes/athlete/{misspelt.pk}/change/", bos).status_code == 302

    refused = anna.post(ATHLETES, {**shown, "post": "yes"}, follow=True)
    page = refused.content.decode()
    assert "Not saved: someone else saved this athlete (“Jakob Ingebritsen”)" in page
    assert "“—” → “Born 2000 in Sandnes.”" in page
    assert Athlete.objects.count() == 2

    # The page shown again is up to date: confirming it merges (and carries the bio over).
    again = form_fields(refused)
    assert anna.post(ATHLETES, {**again, "post": "yes"}).status_code == 302
    assert list(Athlete.objects.values_list("name", "bio")) == [
        ("Jakob Ingebrigtsen", "Born 2000 in Sandnes.")
    ]


# --- saves outside the forms -----------------------------------------------------------------


def test_each_save_increments_the_version_update_fields_included():
    quote = QuoteFactory()
    assert quote.version == 1
    quote.occasion = "Mixed zone"
    quote.save()
    quote.published = False
    quote.save(update_fields=["published"])
    assert Quote.objects.get(pk=quote.pk).version == quote.version == 3


def test_a_script_saving_a_row_it_loaded_before_someone_else_saved_it_is_refused():
    quote = QuoteFactory(text="Original")
    earlier = Quote.objects.get(pk=quote.pk)
    quote.text = "Corrected"
    quote.save()
    earlier.occasion = "overwrites the correction"
    with pytest.raises(RecordModifiedError), transaction.atomic():
        earlier.save()
    assert Quote.objects.get(pk=quote.pk).text == "Corrected"


def test_bulk_writes_that_bypass_save_still_work():
    race = RaceFactory()
    new = Result(race=race, athlete=AthleteFactory(), place=1, time_ms=225_340)
    Result.objects.bulk_create([new])
    row = Result.objects.get()
    assert row.version == 1
    row.place = 2
    Result.objects.bulk_update([row], ["place"])
    Race.objects.filter(pk=race.pk).update(name="Renamed")
    assert Result.objects.get().place == 2


# --- the import ------------------------------------------------------------------------------

BOWERMAN = (
    "date,meet,race_name,city,country,venue,event,round,indoor,place,athlete,nationality,"
    "mark,status,flags,source_url\n"
    "2024-05-25,Prefontaine Classic,Bowerman Mile,Eugene,USA,Hayward Field,Mile,final,false,"
    "1,Josh Kerr,GBR,{mark},,,\n"
)


def test_imported_rows_start_at_version_one_and_save_from_the_admin(anna):
    """The import writes with COPY (PostgreSQL) or bulk_create: no save(), still a version."""
    import_results_text(
        BOWERMAN.format(mark="3:45.34"), filename="results.csv", create_athletes=True
    )
    result = Result.objects.get()
    assert (result.version, result.race.version, result.athlete.version) == (1, 1, 1)
    url = f"/admin/athletes/race/{result.race_id}/change/"
    form = open_form(anna, url)
    form["results-0-mark"] = ["3:45.30"]
    assert anna.post(url, form).status_code == 302
    assert Result.objects.get().version == 2


def test_a_form_opened_before_a_reimport_cannot_put_the_old_mark_back(anna):
    import_results_text(
        BOWERMAN.format(mark="3:45.34"), filename="results.csv", create_athletes=True
    )
    race = Race.objects.get()
    url = f"/admin/athletes/race/{race.pk}/change/"
    stale = open_form(anna, url)
    import_results_text(
        BOWERMAN.format(mark="3:45.30"), filename="results.csv", create_athletes=True
    )
    assert Result.objects.get().time_ms == 225_300
    stale["source_url"] = ["https://example.com/results"]
    anna.post(url, stale)
    assert Result.objects.get().time_ms == 225_300
