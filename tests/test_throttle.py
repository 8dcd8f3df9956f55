"""Login throttling from several client addresses, behind a proxy and without one."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client, RequestFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
NGINX = "10.0.0.2"
ATTACKER, EDITOR, OTHERS = "198.51.100.7", "203.0.113.9", ["192.0.2.1", "192.0.2.2", "192.0.2.3"]


@pytest.fixture(autouse=True)
def quick_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor():
    return User.objects.create_superuser("anna", "anna@example.com", "right-password")


@pytest.fixture
def behind_nginx(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = [NGINX]


def log_in(address: str, username: str = "anna", password: str = "wrong", via_proxy=True) -> int:
    """The status of one login POST from ``address`` (through nginx unless told otherwise)."""
    if via_proxy:
        client = Client(REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=address)
    else:
        client = Client(REMOTE_ADDR=address)
    return client.post(LOGIN, {"username": username, "password": password}).status_code


def test_behind_the_proxy_a_guesser_locks_out_only_their_own_address(editor, behind_nginx):
    for _ in range(5):
        log_in(ATTACKER)
    assert log_in(ATTACKER, password="right-password") == 429
    assert log_in(EDITOR, password="right-password") == 302


def test_guesses_spread_over_four_addresses_lock_the_username(editor, behind_nginx, settings):
    assert settings.LOGIN_USERNAME_FAILURE_LIMIT == 10
    statuses = [log_in(address) for _ in range(3) for address in [ATTACKER, *OTHERS]]
    assert statuses[:9] == [200] * 9
    assert 429 in statuses[9:]
    assert log_in("192.0.2.99") == 429  # a fifth address: the username is locked


def test_one_address_cannot_spray_usernames(editor, behind_nginx):
    for username in ["bo", "carl", "dina"]:
        assert log_in(ATTACKER, username=username) in (200, 429)
    assert log_in(ATTACKER, username="anna", password="right-password") == 429
    assert log_in(EDITOR, username="anna", password="right-password") == 302


def test_one_address_failing_many_times_is_locked_whatever_the_usernames(editor, settings):
    settings.LOGIN_USERNAMES_PER_ADDRESS = 100
    settings.AXES_FAILURE_LIMIT = 100
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    for number in range(6):
        log_in(ATTACKER, username=f"user{number % 2}", via_proxy=False)
    assert log_in(ATTACKER, password="right-password", via_proxy=False) == 429


def test_a_good_login_does_not_reset_another_addresss_count(editor, behind_nginx):
    for _ in range(4):
        log_in(ATTACKER)
    assert log_in(EDITOR, password="right-password") == 302
    log_in(ATTACKER)
    assert log_in(ATTACKER, password="right-password") == 429


def test_a_good_login_resets_its_own_count(editor, behind_nginx):
    for _ in range(4):
        log_in(EDITOR)
    assert log_in(EDITOR, password="right-password") == 302
    for _ in range(4):
        assert log_in(EDITOR) == 200


def test_without_a_trusted_proxy_a_forged_forwarded_for_does_not_reset_the_count(editor):
    for number in range(5):
        Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{number}").post(
            LOGIN, {"username": "anna", "password": "wrong"}
        )
    assert log_in(ATTACKER, password="right-password", via_proxy=False) == 429


@pytest.mark.parametrize(
    ("count", "trusted", "remote", "forwarded", "client"),
    [
        (0, [], "198.51.100.7", "192.0.2.1", "198.51.100.7"),  # no proxy: header ignored
        (1, [], NGINX, "198.51.100.7", "198.51.100.7"),
        (1, [], NGINX, "192.0.2.1, 198.51.100.7", "198.51.100.7"),  # left entry forged
        (2, [], NGINX, "192.0.2.1, 198.51.100.7, 10.0.0.8", "198.51.100.7"),
        (1, [], NGINX, "", NGINX),  # no header: the socket's address
        (1, [], NGINX, "not-an-address", NGINX),
        (0, ["10.0.0.0/8"], NGINX, "198.51.100.7, 10.0.0.8", "198.51.100.7"),
        (0, ["10.0.0.0/8"], "198.51.100.7", "192.0.2.1", "198.51.100.7"),  # around the proxy
        (1, [NGINX], "198.51.100.7", "192.0.2.1", "198.51.100.7"),
    ],
)
def test_the_client_address(settings, count, trusted, remote, forwarded, client):
    from rivalries.clients import client_address  # here: the other tests run without it

    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXIES = count, trusted
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **extra)
    assert client_address(request) == client
