"""WSGI entry point for gunicorn: ``gunicorn rivalries.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rivalries.settings")

application = get_wsgi_application()
