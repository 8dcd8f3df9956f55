"""Fail fast (rivalries/breaker.py): once the database is known down, requests get the 503 page
at once instead of each waiting the pool's timeout, and it is probed again every few seconds.
The clock is fake and the outage is a connection that raises: behaviour, not timing."""

from unittest import mock

import pytest
from django.db import OperationalError, connections

from rivalries import routers
from rivalries.breaker import Breaker
from tests.factories import AthleteFactory

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Database:
    def __init__(self) -> None:
        self.up = False
        self.probes = 0

    def probe(self) -> None:
        self.probes += 1
        if not self.up:
            raise OperationalError("connection refused")


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def database():
    return Database()


@pytest.fixture(autouse=True)
def _breaker(settings, clock, database):
    settings.PAGE_CACHE = False
    routers.reset_breakers()
    routers.breakers()["default"] = Breaker("default", database.probe, 3, clock=clock)
    yield
    routers.reset_breakers()


def test_during_an_outage_every_request_after_the_first_gets_the_503_without_trying(
    client, clock, database
):
    url = f"/athletes/{AthleteFactory().slug}/"
    down = OperationalError("the pool timed out")
    with mock.patch.object(connections["default"], "create_cursor", side_effect=down) as tries:
        first = client.get(url)
        attempts = tries.call_count
        rest = [client.get(url) for _ in range(20)]
        assert tries.call_count == attempts  # none of them waited for the database
        assert database.probes == 0
        clock.now += 3
        probed = client.get(url)
        assert database.probes == 1  # one quick probe, still down: the 503 at once
        assert tries.call_count == attempts
    assert first.status_code == 503
    assert attempts >= 1
    assert {r.status_code for r in rest} == {503}
    assert all(r["Retry-After"] for r in rest)
    assert b"Back soon" in rest[-1].content or b"back soon" in rest[-1].content.lower()
    assert probed.status_code == 503
    database.up = True
    clock.now += 3
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert database.probes == 2


@pytest.mark.parametrize(
    ("events", "allows"),
    [
        ([], True),
        (["fail"], False),
        (["fail", "wait 2"], False),
        (["fail", "wait 3"], False),  # the probe fails: open again
        (["fail", "up", "wait 3"], True),
        (["fail", "up", "wait 3", "check", "down", "wait 1"], True),  # closed: no more probes
    ],
)
def test_the_breaker_opens_on_a_failure_and_closes_on_a_probe_that_answers(events, allows):
    clock, database = Clock(), Database()
    database.up = False
    breaker = Breaker("default", database.probe, 3, clock=clock)
    for event in events:
        if event == "fail":
            breaker.failed("refused")
        elif event == "up":
            database.up = True
        elif event == "down":
            database.up = False
        elif event == "check":
            assert breaker.allows()
        else:
            clock.now += float(event.split()[1])
    assert breaker.allows() is allows
