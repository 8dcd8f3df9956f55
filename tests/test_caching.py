"""The page cache (rivalries/caching.py): readers get cached pages, never one older than the
last saved edit, whichever way the edit was made."""

import datetime

import pytest
from django.db import transaction

from athletes.importing import import_results_text, imported
from athletes.models import Athlete
from rivalries import caching
from rivalries.dataversion import local_version
from rivalries.importing import import_quotes_text
from rivalries.models import Quote
from tests.editors import opened_version
from tests.factories import (
    AthleteFactory,
    MeetFactory,
    QuoteFactory,
    RaceFactory,
    ResultFactory,
    RivalryFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

RIVALRY = "/rivalries/kerr-vs-ingebrigtsen/"
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE = True


@pytest.fixture
def kerr():
    return AthleteFactory(name="Josh Kerr", country="GB")


@pytest.fixture
def jakob():
    return AthleteFactory(name="Jakob Ingebrigtsen", country="NO")


@pytest.fixture
def rivalry(kerr, jakob):
    rivalry = RivalryFactory(title="Kerr vs Ingebrigtsen", members=[kerr, jakob])
    race = RaceFactory(
        meet=MeetFactory(name="Bowerman Mile", start_date=datetime.date(2024, 5, 25))
    )
    ResultFactory(race=race, athlete=kerr, place=1, time_ms=225_340)
    ResultFactory(race=race, athlete=jakob, place=2, time_ms=226_000)
    return rivalry


@pytest.fixture
def quote(kerr, jakob, rivalry):
    return QuoteFactory(
        speaker=jakob,
        about=[kerr],
        text="He is just next in line.",
        said_on=datetime.date(2023, 8, 1),
        source=SourceFactory(publisher="The Athletic"),
    )


def test_second_request_is_served_from_the_cache_without_a_query(
    client, quote, django_assert_num_queries
):
    first = client.get(RIVALRY)
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(RIVALRY)
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_a_saved_edit_is_on_the_next_request(client, quote):
    assert b"just next in line" in client.get(RIVALRY).content
    quote.text = "Kerr is the one to beat."
    quote.save()
    page = client.get(RIVALRY)
    assert page["X-Cache"] == "miss"
    assert b"Kerr is the one to beat." in page.content
    assert b"just next in line" not in page.content


def test_an_edit_in_the_admin_is_on_the_next_request(client, admin_client, quote):
    assert b"The Athletic" in client.get(RIVALRY).content
    source = quote.source
    response = admin_client.post(
        f"/admin/rivalries/source/{source.pk}/change/",
        {
            "publisher": "NRK",
            "title": source.title,
            "medium": source.medium,
            "published_on": "",
            "url": source.url,
            "archive_url": "",
            "version": opened_version(source),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(RIVALRY)
    assert b"NRK" in page.content
    assert b"The Athletic" not in page.content


def test_an_added_member_is_on_the_next_request(client, rivalry):
    assert b"Cole Hocker" not in client.get(RIVALRY).content
    rivalry.members.add(AthleteFactory(name="Cole Hocker", country="US"))  # m2m_changed only
    assert b"Cole Hocker" in client.get(RIVALRY).content


def test_a_deletion_is_on_the_next_request(client, quote):
    assert b"just next in line" in client.get(RIVALRY).content
    quote.delete()
    assert b"just next in line" not in client.get(RIVALRY).content


def test_an_import_is_on_the_next_request(client, kerr, django_capture_on_commit_callbacks):
    page = f"/athletes/{kerr.slug}/"
    assert b"Golden Gala" not in client.get(page).content
    csv = (
        "date,meet,race_name,city,country,venue,event,round,indoor,place,athlete,nationality,"
        "mark,status,flags,source_url\n"
        "2024-05-30,Golden Gala,,Rome,ITA,,1500m,final,false,1,Josh Kerr,GBR,3:30.01,,,\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = import_results_text(csv)
    assert report.ok, report.summary()
    assert b"Golden Gala" in client.get(page).content


def test_an_import_announces_itself_once_and_a_dry_run_not_at_all(kerr, jakob, rivalry):
    sent = []

    def receiver(sender, **kwargs):
        sent.append(sender)

    imported.connect(receiver)
    try:
        quotes = (
            "date,date_precision,speaker,about,text,source_name,source_url\n"
            "2024-05-24,day,Josh Kerr,Jakob Ingebrigtsen,One.,BBC Sport,https://bbc.co.uk/1\n"
            "2024-05-26,day,Josh Kerr,Jakob Ingebrigtsen,Two.,BBC Sport,https://bbc.co.uk/1\n"
        )
        assert import_quotes_text(quotes, dry_run=True).ok
        assert sent == []
        assert import_quotes_text(quotes).ok
        assert sent == [Quote]
        assert import_quotes_text(quotes).ok  # the same file again changes nothing
        assert sent == [Quote]
    finally:
        imported.disconnect(receiver)


def test_a_write_in_a_transaction_bumps_now_and_once_more_on_commit(
    django_capture_on_commit_callbacks,
):
    before = caching.data_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for number in range(3):
            Athlete.objects.create(name=f"New Runner{number}")
        during = caching.data_version()
    bumps = [callback for callback in callbacks if callback is caching._bump_after_commit]
    assert len(bumps) == 1
    assert during >= before + 3
    assert caching.data_version() == during + 1


def test_a_lost_version_never_comes_back_lower(kerr):
    before = caching.data_version()
    caching.cache.delete(caching.VERSION_KEY)
    if (local := local_version()) is not None:  # without Redis the version is in a file
        local.path.unlink()
    assert caching.data_version() > before


def test_etag_and_if_none_match_give_304(client, quote):
    first = client.get(RIVALRY)
    etag = first["ETag"]
    assert etag.startswith('"')
    for _ in range(2):  # a miss, then a hit: both answer conditional requests
        client.get(RIVALRY)  # stored
        not_modified = client.get(RIVALRY, headers={"If-None-Match": etag})
        assert not_modified.status_code == 304
        assert not_modified.content == b""
        assert not_modified["ETag"] == etag
    quote.text = "Changed."
    quote.save()
    changed = client.get(RIVALRY, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


@pytest.mark.parametrize(
    "path",
    [
        "/",
        RIVALRY,
        "/athletes/josh-kerr/",
        "/h2h/josh-kerr/vs/jakob-ingebrigtsen/",
        "/api/v1/h2h/josh-kerr/jakob-ingebrigtsen/",
        "/api/v1/rivalries/kerr-vs-ingebrigtsen/timeline/",
    ],
)
def test_public_pages_are_public_for_a_minute_and_set_no_cookie(client, quote, path):
    for _ in range(2):  # the miss and the hit
        response = client.get(path)
        assert response.status_code == 200
        assert response["Cache-Control"] == "public, max-age=60"
        assert "ETag" in response
        assert not response.cookies
        assert "Cookie" not in response.get("Vary", "")


def test_admin_is_never_cached(client, admin_client):
    for _ in range(2):
        login = client.get("/admin/login/")
        assert "X-Cache" not in login
        assert "public" not in login.get("Cache-Control", "")
        index = admin_client.get("/admin/")
        assert index.status_code == 200
        assert "X-Cache" not in index
        assert "public" not in index.get("Cache-Control", "")


def test_an_editor_reading_a_page_neither_reads_nor_fills_the_cache(client, admin_client, quote):
    editor_view = admin_client.get(RIVALRY)
    assert "X-Cache" not in editor_view
    assert client.get(RIVALRY)["X-Cache"] == "miss"
    assert "X-Cache" not in admin_client.get(RIVALRY)


def test_htmx_and_plain_requests_are_cached_apart(client, quote):
    page = client.get(RIVALRY)
    fragment = client.get(RIVALRY, headers=HTMX)
    assert fragment["X-Cache"] == "miss"
    assert "HX-Request" in page["Vary"]
    assert b"<html" in page.content
    assert b"<html" not in fragment.content
    assert client.get(RIVALRY)["X-Cache"] == "hit"
    again = client.get(RIVALRY, headers=HTMX)
    assert again["X-Cache"] == "hit"
    assert again.content == fragment.content


def test_the_full_url_is_the_key(client, quote):
    client.get(RIVALRY)
    assert client.get(RIVALRY + "?kind=quote")["X-Cache"] == "miss"
    assert client.get(RIVALRY + "?kind=quote")["X-Cache"] == "hit"


def test_errors_are_not_cached(client, quote):
    for _ in range(2):
        missing = client.get("/rivalries/no-such-rivalry/")
        assert missing.status_code == 404
        assert "X-Cache" not in missing
        assert "public" not in missing.get("Cache-Control", "")


def test_the_cache_can_be_turned_off(client, settings, quote):
    settings.PAGE_CACHE = False
    client.get(RIVALRY)
    assert "X-Cache" not in client.get(RIVALRY)


def test_head_gets_the_headers_of_a_get_and_no_body(client, quote):
    for expected in ("miss", "hit"):
        head = client.head(RIVALRY)
        assert head["X-Cache"] == expected
        assert head.content == b""
        assert head["Cache-Control"] == "public, max-age=60"
    assert client.get(RIVALRY).content.startswith(b"<!doctype html>")
