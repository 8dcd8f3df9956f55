"""WSGI entry point for gunicorn: ``gunicorn rivalries.wsgi``; refuses unsafe settings
(rivalries/checks.py), as gunicorn runs no system checks."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rivalries.settings")

application = get_wsgi_application()

from rivalries.checks import refuse_unsafe_start  # noqa: E402 (needs the settings loaded)

refuse_unsafe_start()
