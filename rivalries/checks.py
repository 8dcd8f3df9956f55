"""Production refuses to start unsafe: a system check, and the WSGI entry point's own guard.

With DEBUG off and no ``SECRET_KEY`` the site would sign sessions, CSRF tokens and the admin's
version fields with the development key printed in this repository. That is an error, not a
warning: ``manage.py check`` (and every command that runs the checks: ``migrate``,
``collectstatic``, ``load_demo``) fails, and gunicorn's loading of rivalries/wsgi.py raises,
both saying why.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

DEVELOPMENT_KEY = "django-insecure-development-key-set-SECRET_KEY"


def unsafe_settings() -> list[str]:
    """What makes these settings unfit for a server with DEBUG off, one message each."""
    problems = []
    if not settings.DEBUG and settings.SECRET_KEY == DEVELOPMENT_KEY:
        problems.append(
            "SECRET_KEY is not set and DEBUG is off: the site would run on the development key"
            " printed in rivalries/settings.py. Set SECRET_KEY in the environment (50 or more"
            ' random characters: python -c "import secrets; print(secrets.token_urlsafe(50))"),'
            " or DEBUG=true for development."
        )
    return problems


@register(Tags.security)
def production_settings(app_configs, **kwargs) -> list[Error]:
    return [Error(problem, id="rivalries.E001") for problem in unsafe_settings()]


def refuse_unsafe_start() -> None:
    """For the WSGI entry point, which gunicorn loads without running the system checks."""
    problems = unsafe_settings()
    if problems:
        raise ImproperlyConfigured(" ".join(problems))
