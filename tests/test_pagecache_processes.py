"""Without Redis every process keeps its own page cache, yet an edit shows on the very next
request from each of them, and they give the same page the same ETag: two gunicorn servers
and a third process that edits, on one SQLite file (rivalries/dataversion.py)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str) -> tuple[str, str, str]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return response.read().decode(), response.headers["ETag"], response.headers["X-Cache"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    directory = tmp_path_factory.mktemp("two-processes")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_REPLICA_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="rivalries.settings",
        DATABASE_URL=f"sqlite:///{directory / 'site.sqlite3'}",
        DEBUG="true",  # unhashed static files: no collectstatic needed
        PAGE_CACHE="true",
        PAGE_CACHE_VERSION_FILE=str(directory / "data-version"),
        LOG_LEVEL="ERROR",
        # One origin for the absolute URLs a page carries (canonical, OpenGraph): the two
        # servers listen on different ports, and the page must not differ by the port.
        SITE_URL="http://rivalries.test",
    )

    def manage(*args: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True,
            capture_output=True,
        )  # fmt: skip

    manage("migrate", "--noinput")
    manage("shell", "-c", "from athletes.models import Athlete; Athlete.objects.create("
           "name='Josh Kerr', country='GB', sex='men')")  # fmt: skip
    ports = [free_port(), free_port()]
    servers = [
        subprocess.Popen(
            [
                GUNICORN,
                "rivalries.wsgi:application",
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{port}",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        for port in ports:
            deadline = time.monotonic() + 30
            while True:
                try:
                    get(port, "/robots.txt")
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        yield ports, manage
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)


def test_an_edit_in_one_process_is_on_the_next_request_of_every_other(site):
    ports, manage = site
    path = "/athletes/josh-kerr/"
    before = [get(port, path) for port in ports for _ in range(2)]
    assert [cached for _, _, cached in before] == ["miss", "hit", "miss", "hit"]
    assert len({etag for _, etag, _ in before}) == 1  # the same page, the same ETag everywhere
    manage("shell", "-c", "from athletes.models import Athlete; a = Athlete.objects.get();"
           " a.name = 'Josh Kerr MBE'; a.save()")  # fmt: skip
    after = [get(port, path) for port in ports]
    assert all("Josh Kerr MBE" in page for page, _, _ in after)
    assert len({etag for _, etag, _ in after}) == 1
    assert after[0][1] != before[0][1]
