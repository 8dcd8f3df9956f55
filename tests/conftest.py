import os
import shutil

import pytest
from django.core.cache import cache

from tests.newsroom import newsroom  # noqa: F401 - the fixture of another site's server
from tests.snapshots import DemoSnapshot

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from
# such a thread unless told it is safe (pytest-django's live_server runs in its own thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium: Playwright cannot download its own browser here."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: run `make test`, which installs it")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """On PostgreSQL, a second real database "replica" for tests/test_routers.py: the router's
    stand-in for a streaming replica (ops/stack.py runs a real one for the drill). Nothing is
    routed to it unless a test installs the router."""
    from django.conf import settings
    from django.db import connections

    default = connections.settings["default"]
    if "replica" not in settings.DATABASES and default["ENGINE"].endswith("postgresql"):
        test = {**default["TEST"], "NAME": None, "MIRROR": None}
        replica = {**default, "NAME": f"{default['NAME']}_replica", "TEST": test}
        settings.DATABASES["replica"] = connections.settings["replica"] = replica


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Tests run without `collectstatic`, so static URLs come from the finders, unhashed."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _own_data_version_file(settings, tmp_path_factory):
    """The data version's file is named after the database (rivalries/dataversion.py), and every
    test run's in-memory SQLite database has the same name: without a file of its own, two test
    runs on one machine bump each other's version and a page stored by one is a miss in the
    other. (tests/test_pagecache_processes.py gives its servers a file of their own.)"""
    settings.PAGE_CACHE_VERSION_FILE = str(tmp_path_factory.getbasetemp() / "data-version")


@pytest.fixture(autouse=True)
def _empty_cache():
    """The local-memory cache outlives each test's rolled-back data: start every test empty, so
    no test is served a page that another test stored (rivalries/caching.py)."""
    cache.clear()


@pytest.fixture(autouse=True)
def _closed_breakers():
    """A test that makes the database fail opens its breaker (rivalries/breaker.py): the next
    test starts with every database believed up."""
    from rivalries.routers import reset_breakers

    reset_breakers()
    yield
    reset_breakers()


@pytest.fixture
def editor(live_server, page):
    """An editor, logged in through the login page (the browser tests' way in)."""
    from playwright.sync_api import expect

    from tests.editors import PASSWORD, make_editor

    user = make_editor(password=PASSWORD)
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    return user


_demo = DemoSnapshot()


@pytest.fixture
def demo():
    """The demo data (`manage.py load_demo`), loaded for real once a run (tests/snapshots.py)."""
    _demo.load()
