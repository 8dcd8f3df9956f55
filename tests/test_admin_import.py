"""The admin's CSV import page: upload and read the dry run, then confirm."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from athletes.models import Athlete, Race, Result
from rivalries.admin_views import PENDING_KEY
from rivalries.models import Quote
from tests.editors import make_editor
from tests.factories import AthleteFactory

pytestmark = pytest.mark.django_db

IMPORT = "/admin/import/"
HEADER = (
    "date,meet,race_name,city,country,venue,event,round,indoor,place,athlete,nationality,"
    "mark,status,flags,source_url\n"
)
PRE = "2024-05-25,Prefontaine Classic,Bowerman Mile,Eugene,USA,Hayward Field,Mile,final,false"
RESULTS = (
    HEADER
    + f"{PRE},1,Josh Kerr,GBR,3:45.34,,WL NR,\n"
    + f"{PRE},2,Jakob Ingebrigtsen,NOR,3:45.60,,,\n"
)
BAD_RESULTS = (
    HEADER
    + f"{PRE},1,Josh Kerr,GBR,3:45.34,,,\n"
    + f"{PRE},2,Jakob Ingebrigtsen,NOR,3:4x.60,,,\n"
    + f"{PRE},3,Yared Nuguse,USA,3:46.22,,XX,\n"
)
QUOTES = (
    "date,date_precision,speaker,about,text,source_name,source_url\n"
    "2023-11,month,Josh Kerr,Jakob Ingebrigtsen,His ego is pretty high.,The Athletic,\n"
)


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def upload(client, text, *, kind="results", create_athletes=False, name="pre-2024.csv"):
    data = {"kind": kind, "file": SimpleUploadedFile(name, text.encode(), "text/csv")}
    if create_athletes:
        data["create_athletes"] = "on"
    return client.post(IMPORT, data)


def test_preview_reports_what_would_be_created_and_writes_nothing(editor_client):
    response = upload(editor_client, RESULTS, create_athletes=True)

    assert response.status_code == 200
    counts = {row["kind"]: row["created"] for row in response.context["rows"]}
    assert counts == {"athletes": 2, "events": 1, "meets": 1, "races": 1, "results": 2}
    assert response.context["token"]
    assert 'id="confirm-import"' in response.content.decode()
    assert not Athlete.objects.exists()
    assert not Result.objects.exists()


def test_confirming_writes_exactly_what_was_previewed(editor_client):
    token = upload(editor_client, RESULTS, create_athletes=True).context["token"]

    response = editor_client.post(IMPORT, {"token": token})

    assert response.status_code == 200
    assert Race.objects.get().name == "Bowerman Mile"
    assert list(Result.objects.order_by("place").values_list("athlete__name", "time_ms")) == [
        ("Josh Kerr", 225_340),
        ("Jakob Ingebrigtsen", 225_600),
    ]
    assert "Imported pre-2024.csv: 2 rows read" in " ".join(
        str(message) for message in response.context["messages"]
    )


def test_a_preview_is_imported_once(editor_client):
    token = upload(editor_client, RESULTS, create_athletes=True).context["token"]
    editor_client.post(IMPORT, {"token": token})

    response = editor_client.post(IMPORT, {"token": token}, follow=True)

    assert "already been imported or has expired" in response.content.decode()
    assert Result.objects.count() == 2


def test_uploaded_file_waits_in_the_session_not_on_disk(editor_client):
    token = upload(editor_client, RESULTS, create_athletes=True).context["token"]
    assert set(editor_client.session[PENDING_KEY]) == {token}


def test_bad_rows_are_listed_by_line_and_there_is_nothing_to_confirm(editor_client):
    response = upload(editor_client, BAD_RESULTS, create_athletes=True)

    page = response.content.decode()
    errors = [(e.line, e.column, e.value) for e in response.context["report"].errors]
    assert (3, "mark", "3:4x.60") in errors
    assert (4, "flags", "XX") in errors
    assert "&#x27;3:4x.60&#x27; is not a time" in page
    assert 'id="confirm-import"' not in page
    assert not response.context["token"]


def test_unknown_athletes_are_rejected_without_create_athletes(editor_client):
    AthleteFactory(name="Josh Kerr")
    response = upload(editor_client, RESULTS)

    errors = response.context["report"].errors
    assert [(e.line, e.column, e.value) for e in errors] == [(3, "athlete", "Jakob Ingebrigtsen")]


def test_quotes_file_through_the_same_page(editor_client):
    AthleteFactory(name="Josh Kerr")
    AthleteFactory(name="Jakob Ingebrigtsen")
    token = upload(editor_client, QUOTES, kind="quotes").context["token"]

    editor_client.post(IMPORT, {"token": token})

    quote = Quote.objects.get()
    assert (quote.speaker.name, quote.said.display()) == ("Josh Kerr", "Nov 2023")


def test_a_file_already_imported_has_nothing_to_confirm(editor_client):
    editor_client.post(
        IMPORT, {"token": upload(editor_client, RESULTS, create_athletes=True).context["token"]}
    )

    response = upload(editor_client, RESULTS, create_athletes=True)

    assert "Nothing to import" in response.content.decode()
    assert not response.context["token"]


def test_an_oversized_file_is_refused_with_its_size(editor_client, monkeypatch):
    monkeypatch.setattr("rivalries.admin_views.MAX_UPLOAD_BYTES", 100)
    response = upload(editor_client, RESULTS)

    assert "&#x27;pre-2024.csv&#x27; is " in response.content.decode()
    assert "manage.py import_results" in response.content.decode()


def test_upload_page_opens_from_the_admin_index(editor_client):
    assert 'href="/admin/import/"' in editor_client.get("/admin/").content.decode()
    assert editor_client.get(IMPORT).status_code == 200


def test_an_opentrack_competition_is_previewed_and_imported_like_a_csv(editor_client):
    with open("tests/data/opentrack-budapest-2023.json", encoding="utf-8") as handle:
        text = handle.read()
    response = upload(editor_client, text, create_athletes=True, name="budapest-2023.json")
    assert response.status_code == 200
    counts = {row["kind"]: row["created"] for row in response.context["rows"]}
    assert counts == {"athletes": 6, "events": 1, "meets": 1, "races": 1, "results": 6}
    assert not Result.objects.exists()

    response = editor_client.post(IMPORT, {"token": response.context["token"]})
    assert response.status_code == 200
    race = Race.objects.get()
    assert (race.round, race.date.isoformat()) == ("final", "2023-08-23")
    assert Result.objects.filter(race=race).count() == 6


def test_a_json_file_that_is_not_a_competition_is_refused_with_its_line(editor_client):
    response = upload(editor_client, '{\n  "events": 3\n}', name="wrong.json")
    report = response.context["report"]
    assert not report.ok
    assert "this is not an OpenTrack competition" in report.summary()
    assert not Race.objects.exists()
