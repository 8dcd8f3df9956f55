"""A pytest plugin (``-p tests.plain_http`` in pyproject.toml), loaded before pytest-django
imports the settings: the test client speaks plain HTTP, so HTTPS (on by default with DEBUG
off, rivalries/settings.py) is off unless a run asks for it."""

import os

os.environ.setdefault("HTTPS", "false")
