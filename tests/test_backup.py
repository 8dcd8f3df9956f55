"""`make backup` / `make restore`: a dump restored into an empty database shows readers exactly
what the original did: the same head-to-head numbers and the same HTML on every public page."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection

from tests.factories import RaceFactory, ResultFactory
from tests.public_site import build_world

BASE_DIR = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.django_db(transaction=True),  # pg_dump sees committed rows only
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="pg_dump and pg_restore: PostgreSQL only"
    ),
]


def database_url(name: str) -> str:
    params = connection.settings_dict
    user = quote(params["USER"] or "")
    password = f":{quote(params['PASSWORD'])}" if params.get("PASSWORD") else ""
    host = params["HOST"] or "localhost"
    port = f":{params['PORT']}" if params.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{name}"


def run(command: list[str], url: str) -> subprocess.CompletedProcess:
    environment = {
        **{key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": url,
    }
    return subprocess.run(
        command, cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=300
    )


def snapshot(url: str) -> dict:
    done = run([sys.executable, "ops/snapshot.py"], url)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def empty_database():
    """A database with nothing in it, not even Django's tables; dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"
    admin_url = database_url("postgres")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield database_url(name)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_restored_backup_shows_the_same_numbers_and_pages(tmp_path, empty_database):
    world = build_world()
    for day in (10, 17):  # a third meeting, in a heat, and a third athlete
        race = RaceFactory(date=world.race.date.replace(day=day), round="heat", round_number=1)
        ResultFactory(race=race, athlete=world.a, place=2, time_ms=226_000)
        ResultFactory(race=race, athlete=world.b, place=1, time_ms=225_000)
        ResultFactory(race=race, place=3, time_ms=227_000)
    original_url = database_url(connection.settings_dict["NAME"])
    before = snapshot(original_url)
    assert before["head_to_head"][f"{world.a.slug} v {world.b.slug}"]["meetings"] == 4

    dump = tmp_path / "rivalries.dump"
    backup = run(["ops/backup.sh", str(dump)], original_url)
    assert backup.returncode == 0, backup.stderr
    assert backup.stdout.strip() == str(dump)
    restore = run(["ops/restore.sh", str(dump)], empty_database)
    assert restore.returncode == 0, restore.stderr

    after = snapshot(empty_database)
    assert after["head_to_head"] == before["head_to_head"]
    assert after["pages"].keys() == before["pages"].keys()
    for path, page in before["pages"].items():
        assert page["status"] == 200, path
        assert after["pages"][path] == page, path


def test_backup_and_restore_refuse_what_they_cannot_do(tmp_path):
    assert run(["ops/backup.sh"], "sqlite:///db.sqlite3").returncode == 2
    missing = run(["ops/restore.sh", str(tmp_path / "nowhere.dump")], database_url("x"))
    assert missing.returncode == 2
    assert "BACKUP=" in missing.stderr
