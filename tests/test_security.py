"""Readers can read and nothing else; editors' logins are throttled; a protected delete is
refused with a message; production settings are deployment-clean; outages are friendly 503s."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import InterfaceError, OperationalError, connections
from django.test import Client

from athletes.models import Athlete, Meet, Race
from rivalries import health
from rivalries.cache_backends import FailSoftRedisCache
from rivalries.models import Source
from rivalries.routers import reset_breakers
from tests.factories import QuoteFactory, RaceFactory, ResultFactory, SourceFactory
from tests.public_site import build_world, public_pattern_names, public_urls

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def editor_login(settings):
    """A staff user with the password "password", hashed quickly (the real hasher takes ~1 s)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return User.objects.create_superuser("admin", "admin@example.com", "password")


@pytest.fixture
def admin_client(client, editor_login):
    """pytest-django's, without its slow password hash."""
    client.force_login(editor_login)
    return client


# --- production settings ---------------------------------------------------------------------

PRODUCTION_PROBE = """
import json
from django.conf import settings
from django.core.management import call_command
call_command("check", deploy=True, fail_level="WARNING")
print(json.dumps({name: getattr(settings, name, None) for name in [
    "DEBUG", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY", "SECURE_CROSS_ORIGIN_OPENER_POLICY", "X_FRAME_OPTIONS",
]}))
"""


def run_settings_probe(**env: str) -> subprocess.CompletedProcess:
    environment = {
        **{
            name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"
        },
        "DJANGO_SETTINGS_MODULE": "rivalries.settings",
        **env,
    }  # (the browser tests' async switch is itself a deployment error)
    code = "import django; django.setup()\n" + PRODUCTION_PROBE
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_with_no_warning():
    run = run_settings_probe(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        HTTPS="true",
        ALLOWED_HOSTS="rivalries.example.com",
        SITE_URL="https://rivalries.example.com",
    )
    assert run.returncode == 0, run.stderr
    assert "System check identified no issues" in run.stdout
    values = json.loads(run.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert values["X_FRAME_OPTIONS"] == "DENY"


def test_the_deploy_check_is_not_vacuous_without_a_secret_key():
    run = run_settings_probe(DEBUG="false", SECRET_KEY="", HTTPS="true")
    assert run.returncode != 0
    assert "security.W009" in run.stderr  # the development key


def test_the_deploy_check_asks_for_the_sites_own_origin():
    run = run_settings_probe(
        DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50), HTTPS="true", SITE_URL=""
    )
    assert run.returncode != 0
    assert "rivalries.W001" in run.stderr


def test_a_site_url_that_is_not_an_origin_refuses_to_start():
    run = run_settings_probe(SITE_URL="rivalries.example.com/path")
    assert run.returncode != 0
    assert "SITE_URL='rivalries.example.com/path' is not an origin" in run.stderr


# --- headers and the Content Security Policy ------------------------------------------------


def csp_nonce(response) -> str:
    policy = response["Content-Security-Policy"]
    found = re.search(r"script-src 'nonce-([\w-]+)'", policy)
    assert found, policy
    return found.group(1)


def test_pages_carry_the_security_headers_and_a_nonce_policy(client, world):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert "base-uri 'none'" in policy


@pytest.mark.parametrize("name", ["home", "rivalry", "athlete", "h2h", "race", "quote", "search"])
def test_every_script_carries_the_responses_nonce(client, world, name):
    response = client.get(public_urls(world)[name])
    nonce = csp_nonce(response)
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert scripts, "htmx and site.js at least"
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag, tag


def test_a_page_from_the_page_cache_keeps_its_own_nonce_in_header_and_html(client, world, settings):
    settings.PAGE_CACHE = True
    first = client.get("/rivalries/")
    second = client.get("/rivalries/")
    assert second["X-Cache"] == "hit"
    nonce = csp_nonce(second)
    assert nonce == csp_nonce(first)
    assert f'nonce="{nonce}"' in second.content.decode()


def test_the_admin_runs_under_the_same_policy(admin_client):
    response = admin_client.get("/admin/athletes/athlete/add/")
    assert response.status_code == 200
    nonce = csp_nonce(response)
    for tag in re.findall(r"<script\b[^>]*\bsrc=[^>]*>", response.content.decode()):
        assert f'nonce="{nonce}"' in tag, tag


# --- read-only, cookie-free public site -----------------------------------------------------


def test_the_sweep_covers_every_public_url_pattern(world):
    assert set(public_urls(world)) == public_pattern_names()


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options", "trace"])
def test_public_urls_answer_only_get_and_head(world, method):
    client = Client(enforce_csrf_checks=True)
    for name, url in public_urls(world).items():
        response = client.generic(method.upper(), url)
        assert not response.cookies, name
        if method == "options" and url.startswith("/api/v1/"):  # other sites' pages read it
            assert response.status_code == 200, name
            assert response["Allow"] == "GET, HEAD, OPTIONS", name
            continue
        assert response.status_code == 405, (name, method)
        assert response["Allow"] == "GET, HEAD", name


def test_public_urls_answer_get_and_head_and_set_no_cookie(client, world):
    for name, url in public_urls(world).items():
        for response in (client.get(url), client.head(url)):
            assert response.status_code == 200, name
            assert not response.cookies, (name, response.cookies)
            assert "Set-Cookie" not in response, name
            assert not response.has_header("Vary") or "Cookie" not in response["Vary"], name


def test_only_the_admin_has_sessions_and_csrf(editor_login):
    client = Client(enforce_csrf_checks=True)
    login_page = client.get("/admin/login/")
    assert "csrftoken" in login_page.cookies
    refused = client.post("/admin/login/", {"username": "admin", "password": "password"})
    assert refused.status_code == 403  # no CSRF token
    token = login_page.cookies["csrftoken"].value
    client.post(
        "/admin/login/",
        {"username": "admin", "password": "password", "csrfmiddlewaretoken": token},
    )
    assert "sessionid" in client.cookies


# --- throttled logins -----------------------------------------------------------------------


def test_logins_are_locked_after_repeated_failures(client, editor_login, settings):
    def log_in(password: str):
        return client.post(
            "/admin/login/?next=/admin/", {"username": "admin", "password": password}
        )

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in("wrong").status_code == 200  # the form again, with its error
    locked = log_in("wrong")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert log_in("password").status_code == 429  # even the right password, for a while
    assert "sessionid" not in client.cookies


def test_a_successful_login_resets_the_count(client, editor_login, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/admin/login/", {"username": "admin", "password": "wrong"})
    ok = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": "password"})
    assert ok.status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert (
            client.post("/admin/login/", {"username": "admin", "password": "wrong"}).status_code
            == 200
        )


# --- protected deletes ----------------------------------------------------------------------

PROTECTED = "would require deleting the following protected related objects"


def protected_cases():
    race = RaceFactory(name="Bowerman Mile")
    result = ResultFactory(race=race)
    source = SourceFactory(publisher="The Athletic")
    QuoteFactory(source=source, speaker=result.athlete)
    return [
        (result.athlete, f"/admin/athletes/athlete/{result.athlete.pk}/delete/"),
        (race, f"/admin/athletes/race/{race.pk}/delete/"),
        (race.meet, f"/admin/athletes/meet/{race.meet.pk}/delete/"),
        (source, f"/admin/rivalries/source/{source.pk}/delete/"),
    ]


def test_deleting_what_results_or_quotes_still_use_is_refused_with_a_message(admin_client):
    for obj, url in protected_cases():
        page = admin_client.get(url)
        assert page.status_code == 200
        assert PROTECTED in page.content.decode(), url
        refused = admin_client.post(url, {"post": "yes"})
        assert refused.status_code == 200
        assert PROTECTED in refused.content.decode(), url
        assert type(obj).objects.filter(pk=obj.pk).exists(), url


def test_a_bulk_delete_of_protected_rows_is_refused_too(admin_client):
    cases = protected_cases()
    athlete = cases[0][0]
    response = admin_client.post(
        "/admin/athletes/athlete/",
        {"action": "delete_selected", "_selected_action": [athlete.pk], "post": "yes"},
    )
    assert response.status_code == 200
    assert "protected" in response.content.decode()
    assert Athlete.objects.filter(pk=athlete.pk).exists()
    assert Race.objects.count() == 1
    assert Meet.objects.count() == 1
    assert Source.objects.count() == 1


# --- outages: the database, the cache -------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("connection to server at 127.0.0.1, port 5432 failed: refused"),
        InterfaceError("connection already closed"),
    ],
)
def test_a_database_outage_is_a_friendly_503_with_retry_after(client, world, monkeypatch, error):
    urls = public_urls(world)
    monkeypatch.setattr(connections["default"], "cursor", _raise(error))
    for name in ("home", "rivalry", "athlete", "h2h", "race", "search", "api-h2h"):
        response = client.get(urls[name])
        assert response.status_code == 503, name
        assert response["Retry-After"] == "30"
        assert "no-store" in response["Cache-Control"]
        assert "Content-Security-Policy" in response
        if not name.startswith("api"):
            assert "Back soon" in response.content.decode()


def test_the_503_page_is_never_stored_in_the_page_cache(client, world, monkeypatch, settings):
    settings.PAGE_CACHE = True
    with monkeypatch.context() as patch:
        patch.setattr(connections["default"], "cursor", _raise(OperationalError("down")))
        assert client.get("/rivalries/").status_code == 503
    reset_breakers()  # the breaker's few seconds of failing fast are over (rivalries/breaker.py)
    assert client.get("/rivalries/").status_code == 200


def _raise(error: Exception):
    def fail(*args, **kwargs):
        raise error

    return fail


def test_healthz_reports_database_and_cache(client, world):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["cache"]["ok"] is True
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    class Down:
        vendor = "postgresql"
        pool = None

        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", Down())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert "connection refused" in response.json()["database"]["error"]


UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "rivalries.cache_backends.FailSoftRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def test_without_redis_the_site_serves_uncached_and_healthz_says_degraded(client, world, settings):
    settings.CACHES = UNREACHABLE_REDIS
    settings.PAGE_CACHE = True
    for name, url in public_urls(world).items():
        assert client.get(url).status_code == 200, name
    response = client.get("/rivalries/")
    assert "X-Cache" not in response  # not from the cache, not stored in it
    body = client.get("/healthz").json()
    assert body["status"] == "degraded"
    assert body["cache"]["ok"] is False
    assert body["database"]["ok"] is True


def test_an_edit_made_while_redis_is_away_is_saved(client, world, settings):
    settings.CACHES = UNREACHABLE_REDIS
    world.a.name = "Josh Kerr (edited)"
    world.a.save()  # bumps the data version: a lost bump must not fail the save
    assert Athlete.objects.get(pk=world.a.pk).name == "Josh Kerr (edited)"


def test_the_fail_soft_cache_answers_as_an_empty_cache_while_unreachable():
    cache = FailSoftRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_timeout": 0.2}})
    assert cache.get("k", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set("k", 1) is None
    assert cache.add("k", 1) is False
    assert cache.incr("k") == 0
    assert cache.delete("k") is False
    assert cache.ping()[0] is False
    assert cache.lost_invalidation  # incr and delete were dropped: clear on recovery


def test_the_fail_soft_cache_waits_a_moment_before_trying_an_unreachable_redis_again(
    monkeypatch,
):
    cache = FailSoftRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_timeout": 0.2}})
    assert cache.get("k") is None
    tries = []
    monkeypatch.setattr(
        "django.core.cache.backends.redis.RedisCache.get",
        lambda self, *args: tries.append(1) or "back",
    )
    assert cache.get("k") is None  # not tried: within a second of the failure
    assert tries == []
    cache.retry_at = 0.0
    assert cache.get("k") == "back"


def test_after_an_outage_that_lost_an_invalidation_the_cache_is_emptied(monkeypatch):
    cache = FailSoftRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_timeout": 0.2}})
    cache.incr("data-version")  # lost
    cleared = []
    monkeypatch.setattr(
        "django.core.cache.backends.redis.RedisCache.clear", lambda self: cleared.append(1)
    )
    monkeypatch.setattr(
        "django.core.cache.backends.redis.RedisCache.get", lambda self, *args: "fresh"
    )
    cache.retry_at = 0.0  # a second later
    assert cache.get("page") == "fresh"  # Redis is back
    assert cleared == [1]
    assert not cache.lost_invalidation
    cache.get("page")
    assert cleared == [1]  # once
