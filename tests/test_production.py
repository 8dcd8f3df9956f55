"""Production refuses to start unsafe, and tells outsiders nothing (issue 14, finding 5)."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError, connections

from tests.public_site import build_world, public_urls

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent
DEPLOYMENT = {"DEBUG", "SECRET_KEY", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
NO_KEY_MESSAGE = "SECRET_KEY is not set and DEBUG is off"


def environment(**env: str) -> dict[str, str]:
    """This process's environment without its deployment settings, plus ``env``."""
    kept = {name: value for name, value in os.environ.items() if name not in DEPLOYMENT}
    return {**kept, "DJANGO_SETTINGS_MODULE": "rivalries.settings", **env}


def run(command: list[str], timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        cwd=BASE_DIR,
        env=environment(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_manage_py_check_refuses_debug_off_without_a_secret_key():
    checked = run([sys.executable, "manage.py", "check"], DEBUG="false")
    assert checked.returncode != 0
    assert "rivalries.E001" in checked.stderr
    assert NO_KEY_MESSAGE in checked.stderr


def test_manage_py_check_passes_with_a_key_or_in_development():
    for env in ({"DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50)}, {"DEBUG": "true"}):
        checked = run([sys.executable, "manage.py", "check"], **env)
        assert checked.returncode == 0, checked.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_refuses_to_start_without_a_secret_key():
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    try:
        started = run(
            [gunicorn, "-c", "gunicorn.conf.py"],
            timeout=60,
            DEBUG="false",
            PORT=str(_free_port()),
            WEB_CONCURRENCY="1",
        )
    except subprocess.TimeoutExpired:
        pytest.fail("gunicorn started (and served) with DEBUG off and no SECRET_KEY")
    assert started.returncode != 0
    assert NO_KEY_MESSAGE in started.stderr


SETTINGS_PROBE = (
    "import django, json; django.setup(); from django.conf import settings;"
    "print(json.dumps([settings.SECURE_SSL_REDIRECT if hasattr(settings, 'SECURE_SSL_REDIRECT')"
    " else False, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE,"
    " settings.SECURE_HSTS_SECONDS]))"
)


@pytest.mark.parametrize(
    ("env", "secure"),
    [
        ({"DEBUG": "false"}, True),  # production unless told otherwise
        ({"DEBUG": "false", "HTTPS": "true"}, True),
        ({"DEBUG": "false", "HTTPS": "false"}, False),  # plain-HTTP loopback: bench, drill
        ({"DEBUG": "true"}, False),
    ],
)
def test_https_is_on_by_default_with_debug_off(env, secure):
    probed = run([sys.executable, "-c", SETTINGS_PROBE], SECRET_KEY="k" * 50, **env)
    assert probed.returncode == 0, probed.stderr
    redirect, session, csrf, hsts = json.loads(probed.stdout.strip().splitlines()[-1])
    assert (redirect, session, csrf, hsts >= 31_536_000) == (secure,) * 4


# --- /healthz and the API's 503 --------------------------------------------------------------


UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "rivalries.cache_backends.FailSoftRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.mark.parametrize(
    ("address", "allowed", "details"),
    [
        ("127.0.0.1", ["127.0.0.1", "::1"], True),
        ("::1", ["127.0.0.1", "::1"], True),
        ("198.51.100.7", ["127.0.0.1", "::1"], False),
        ("10.1.2.3", ["10.0.0.0/8"], True),  # the load balancer's network, configured
    ],
)
def test_healthz_gives_details_only_to_allowed_addresses(
    client, settings, address, allowed, details
):
    settings.CACHES = UNREACHABLE_REDIS
    settings.HEALTHZ_ALLOWED = allowed
    response = client.get("/healthz", REMOTE_ADDR=address)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert ("cache" in body) is details
    assert ("Error 111" in response.content.decode()) is details


def test_the_json_api_answers_a_database_outage_as_json(client, monkeypatch):
    urls = public_urls(build_world())
    down = OperationalError("connection to server at 127.0.0.1, port 5432 failed: refused")

    def fail(*args, **kwargs):
        raise down

    monkeypatch.setattr(connections["default"], "cursor", fail)
    for name in ("api-h2h", "api-rivalry-timeline"):
        response = client.get(urls[name])
        assert response.status_code == 503, name
        assert response["Content-Type"] == "application/json"
        assert "try again in 30 seconds" in response.json()["error"]
        assert response["Retry-After"] == "30"
