"""The replica router (rivalries/routers.py) on two real PostgreSQL databases: the second one
stands in for a streaming replica (tests/conftest.py) and holds a different copy of the same
athlete, so every page shows which database it was read from. Its lag and reachability are
what its probe reports, injected here; the clock is fake, so no test waits."""

from unittest import mock

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connections, transaction

from athletes.models import Athlete
from rivalries import routers
from rivalries.breaker import Breaker, DatabaseUnfit
from tests.editors import make_editor
from tests.factories import AthleteFactory

pytestmark = [
    pytest.mark.skipif(
        not django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="the replica's tests need PostgreSQL (two real databases)",
    ),
    pytest.mark.django_db(databases=["default", "replica"]),
]

ON_PRIMARY = "Josh Kerr"
ON_REPLICA = "Josh Kerr, as the replica has him"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Replica:
    """What the replica's probe finds."""

    def __init__(self) -> None:
        self.lag = 0.0
        self.reachable = True
        self.probes = 0

    def probe(self) -> None:
        self.probes += 1
        if not self.reachable:
            raise psycopg.OperationalError("connection refused")
        if self.lag > django_settings.DATABASE_REPLICA_MAX_LAG:
            raise DatabaseUnfit(f"{self.lag} s behind")


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def replica():
    return Replica()


@pytest.fixture(autouse=True)
def _routed(settings, clock, replica):
    settings.DATABASE_ROUTERS = [routers.ROUTER]
    settings.PAGE_CACHE = False  # every request reaches a database
    routers.reset_breakers()
    routers.breakers().update(
        default=Breaker("default", lambda: None, 3, clock=clock),
        replica=Breaker("replica", replica.probe, 3, check_every=2, clock=clock),
    )
    yield
    routers.reset_breakers()


@pytest.fixture
def kerr():
    athlete = AthleteFactory(name=ON_PRIMARY)
    copy = Athlete.objects.using("default").get(pk=athlete.pk)
    copy.name = ON_REPLICA
    copy.save(using="replica", force_insert=True)
    return athlete


def page(client, kerr) -> str:
    response = client.get(f"/athletes/{kerr.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_readers_page_is_read_from_the_replica(client, kerr):
    assert ON_REPLICA in page(client, kerr)


@pytest.mark.parametrize(
    "path", ["/athletes/{slug}/", "/admin/athletes/athlete/{pk}/change/"], ids=["page", "admin"]
)
def test_a_signed_in_editor_reads_the_primary(client, kerr, path):
    client.force_login(make_editor())
    response = client.get(path.format(slug=kerr.slug, pk=kerr.pk))
    assert response.status_code == 200
    assert ON_PRIMARY in response.content.decode()
    assert ON_REPLICA not in response.content.decode()


def test_a_replica_that_lags_is_skipped_until_it_catches_up(client, kerr, clock, replica):
    replica.lag = django_settings.DATABASE_REPLICA_MAX_LAG + 1
    for _ in range(5):
        assert ON_REPLICA not in page(client, kerr)
    assert replica.probes == 1  # checked at most every few seconds, not per request
    replica.lag = 0
    clock.now += 1
    assert ON_REPLICA not in page(client, kerr)  # still within the breaker's period
    clock.now += 3
    assert ON_REPLICA in page(client, kerr)
    assert replica.probes == 2


def test_a_replica_that_cannot_be_reached_is_skipped_until_it_is_back(client, kerr, clock, replica):
    replica.reachable = False
    assert [ON_PRIMARY in page(client, kerr) for _ in range(4)] == [True] * 4
    assert replica.probes == 1
    replica.reachable = True
    clock.now += 3
    assert ON_REPLICA in page(client, kerr)


def test_a_healthy_replica_is_checked_every_few_seconds_not_per_request(
    client, kerr, clock, replica
):
    for _ in range(5):
        page(client, kerr)
    assert replica.probes == 1
    clock.now += 2
    page(client, kerr)
    assert replica.probes == 2


def test_a_replica_failing_mid_request_is_answered_from_the_primary_and_then_skipped(
    client, kerr, replica
):
    broken = psycopg.OperationalError("server closed the connection unexpectedly")
    with mock.patch.object(connections["replica"], "create_cursor", side_effect=broken) as cursor:
        assert ON_PRIMARY in page(client, kerr)
        calls = cursor.call_count
        assert ON_PRIMARY in page(client, kerr)
    assert calls >= 1
    assert cursor.call_count == calls  # the next request did not try the replica


def test_code_outside_a_request_reads_the_primary(kerr):
    """Imports, management commands and the shell."""
    assert Athlete.objects.get(pk=kerr.pk).name == ON_PRIMARY


def test_inside_a_transaction_and_after_a_write_a_request_reads_the_primary(kerr):
    route = routers.Route(True, base_depth=len(connections["default"].atomic_blocks))
    token = routers._route.set(route)
    try:
        assert Athlete.objects.get(pk=kerr.pk).name == ON_REPLICA
        with transaction.atomic():
            assert Athlete.objects.get(pk=kerr.pk).name == ON_PRIMARY
        assert Athlete.objects.get(pk=kerr.pk).name == ON_REPLICA
        AthleteFactory(name="Someone New")
        assert Athlete.objects.get(pk=kerr.pk).name == ON_PRIMARY
    finally:
        routers._route.reset(token)
