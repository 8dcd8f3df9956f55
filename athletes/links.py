"""Links to the pages of one thing (a race, an athlete, a quote, a rivalry), made fast; and
the allow-list every link out of the site passes (``outbound``).

Pages link by the dozen (a gap chart, a results table, a list of quotes, a head-to-head's
JSON), and ``reverse`` costs tens of microseconds a call. ``path_to`` reverses each URL name
once, with a placeholder, and then only fills the placeholder in.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

_PLACEHOLDER = "987654321"
"""Valid for both the ``int`` and the ``slug`` converters, and never part of a route."""


def path_to(name: str, key: int | str) -> str:
    """``reverse(name, args=[key])`` for a URL with one ``int`` or ``slug`` argument."""
    head, tail = _halves(name, get_script_prefix(), get_urlconf(), get_language())
    return f"{head}{key}{tail}"


def race_path(race_id: int) -> str:
    return path_to("race", race_id)


@functools.lru_cache(maxsize=64)
def _halves(name: str, prefix: str, urlconf: str | None, language: str) -> tuple[str, str]:
    """Keyed by the language too: a Norwegian page's links are under /nb/."""
    head, _, tail = reverse(name, args=[_PLACEHOLDER]).rpartition(_PLACEHOLDER)
    return head, tail


OUTBOUND_SCHEMES = frozenset({"http", "https"})
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]")
"""Characters a browser strips from or skips inside a URL ("java\\tscript:" is javascript:)."""


def outbound(url: str | None) -> str:
    """``url`` when it is an absolute http(s) URL, else "": checked each time a URL is rendered,
    since a stored value may have bypassed the forms (the shell, an older import, raw SQL)."""
    if not url:
        return ""
    url = url.strip()
    if _INVISIBLE.search(url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in OUTBOUND_SCHEMES or not parts.hostname:
        return ""
    return url
