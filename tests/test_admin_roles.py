"""The "Editors" group: exactly the permissions to enter, change and publish; no user admin."""

import pytest
from django.contrib.auth.models import Group

from tests.editors import editors_group, make_editor, opened_version
from tests.factories import (
    AthleteFactory,
    MeetFactory,
    MomentFactory,
    QuoteFactory,
    RaceFactory,
    ResultFactory,
    RivalryFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

ACTIONS = ("add", "change", "delete", "view")
RECORD = ("athlete", "athletealias", "event", "meet", "race", "result")
STORY = ("rivalry", "rivalrymember", "source", "quote", "moment", "article")
HISTORIES = {
    "athletes": ("athlete", "meet", "race", "result"),
    "rivalries": ("rivalry", "source", "quote", "moment"),
}
EXPECTED = (
    {f"athletes.{action}_{model}" for model in RECORD for action in ACTIONS}
    | {f"rivalries.{action}_{model}" for model in STORY for action in ACTIONS}
    | {f"{app}.view_historical{model}" for app, models in HISTORIES.items() for model in models}
    | {"rivalries.import_csv"}
)


def permission_names(group: Group) -> set[str]:
    return {
        f"{permission.content_type.app_label}.{permission.codename}"
        for permission in group.permissions.select_related("content_type")
    }


def test_migration_gives_editors_exactly_the_editing_permissions():
    assert permission_names(Group.objects.get(name="Editors")) == EXPECTED


def test_editors_hold_nothing_over_users_groups_or_permissions():
    apps = {name.split(".")[0] for name in permission_names(Group.objects.get(name="Editors"))}
    assert apps == {"athletes", "rivalries"}


def test_group_made_again_after_tables_were_emptied_is_the_same():
    Group.objects.all().delete()
    assert permission_names(editors_group()) == EXPECTED


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/auth/user/",
        "/admin/auth/user/add/",
        "/admin/auth/group/",
        "/admin/auth/group/add/",
    ],
)
def test_editor_cannot_open_user_management(editor_client, url):
    assert editor_client.get(url).status_code == 403


def test_editor_index_lists_the_import_page_and_not_users(editor_client):
    page = editor_client.get("/admin/").content.decode()
    assert 'href="/admin/import/"' in page
    assert "/admin/auth/" not in page


def test_staff_without_the_group_cannot_open_the_import_page(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("clerk", is_staff=True))
    assert client.get("/admin/import/").status_code == 403
    assert 'href="/admin/import/"' not in client.get("/admin/").content.decode()


def test_anonymous_visitor_is_sent_to_log_in_from_the_import_page(client):
    response = client.get("/admin/import/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_every_editing_page_opens_for_an_editor(editor_client):
    a, b = AthleteFactory(), AthleteFactory()
    result = ResultFactory(athlete=a)
    objects = {
        "athletes/athlete": a,
        "athletes/meet": MeetFactory(),
        "athletes/race": RaceFactory(),
        "athletes/result": result,
        "athletes/event": result.race.event,
        "rivalries/rivalry": RivalryFactory(members=[a, b]),
        "rivalries/source": SourceFactory(),
        "rivalries/quote": QuoteFactory(speaker=a, about=[b]),
        "rivalries/moment": MomentFactory(athletes=[a]),
    }
    for model, obj in objects.items():
        for url in (
            f"/admin/{model}/",
            f"/admin/{model}/add/",
            f"/admin/{model}/{obj.pk}/change/",
            f"/admin/{model}/{obj.pk}/history/",
        ):
            assert editor_client.get(url).status_code == 200, url


def test_history_page_shows_who_changed_a_quote(editor_client):
    quote = QuoteFactory(text="Original words")
    page = editor_client.get(f"/admin/rivalries/quote/{quote.pk}/change/")
    assert page.status_code == 200
    data = {
        "speaker": quote.speaker_id,
        "speaker_name": "",
        "text": "Corrected words",
        "language": "en",
        "translation": "",
        "said_on": "2024-05-24",
        "said_on_precision": "day",
        "occasion": "",
        "race": "",
        "timing": "",
        "source": quote.source_id,
        "published": "on",
        "version": opened_version(quote),
    }
    response = editor_client.post(f"/admin/rivalries/quote/{quote.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    history = editor_client.get(f"/admin/rivalries/quote/{quote.pk}/history/").content.decode()
    assert "editor" in history
    assert quote.history.count() == 2
