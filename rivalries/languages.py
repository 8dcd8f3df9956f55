"""The site's two languages: which one a request is in, each page's address in the other, and
languages named in words.

DESIGN.md, "Languages and sharing": English at ``/``, Norwegian (bokmål) under ``/nb/``. The
language is read from the path and nothing else (no cookie, no session, no Accept-Language),
so every URL is one page for every reader and the page cache can keep it; a reader switches
language by following a link to the other address.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.translation import gettext_noop

ENGLISH, NORWEGIAN = "en", "nb"
PREFIXED = (NORWEGIAN,)
"""The languages whose pages live under a prefix; English (the default) has none."""

OWN_NAMES = (gettext_noop("Norwegian"),)
"""Language names Django's own catalogue does not name in bokmål ("no"); ours does."""

NORWEGIAN_CODES = frozenset({"no", "nb", "nn"})
"""Codes a quote's language may be given in that a reader of bokmål reads as their own."""


def language_of_path(path: str) -> str:
    """ "nb" for ``/nb/...``, else English."""
    for code in PREFIXED:
        if path == f"/{code}" or path.startswith(f"/{code}/"):
            return code
    return settings.LANGUAGE_CODE


def path_in(path: str, language: str) -> str:
    """The same page's path in another language: ``/races/1/`` <-> ``/nb/races/1/``."""
    current = language_of_path(path)
    bare = path[len(current) + 1 :] if current in PREFIXED else path
    bare = bare or "/"
    return bare if language not in PREFIXED else f"/{language}{bare}"


@dataclass(frozen=True)
class Alternate:
    """One language's version of a page, for ``hreflang`` and the language switcher."""

    code: str
    name: str
    path: str
    current: bool


NAMES = {ENGLISH: "English", NORWEGIAN: "Norsk"}
"""Each language in its own words, as a switcher names it."""


def alternates(path: str) -> list[Alternate]:
    current = language_of_path(path)
    return [
        Alternate(code, NAMES[code], path_in(path, code), code == current)
        for code, _ in settings.LANGUAGES
    ]


def same_language(a: str, b: str) -> bool:
    """Whether two language codes name a language one reader reads as theirs ("no" is "nb")."""
    a, b = a.lower().split("-")[0], b.lower().split("-")[0]
    return a == b or (a in NORWEGIAN_CODES and b in NORWEGIAN_CODES)


def language_name(code: str) -> str:
    """A quote's language in the reader's words: "no" is "Norwegian" in English, "norsk" in
    bokmål (which writes language names in lower case); an unknown code stays as given."""
    code = (code or "").strip()
    if not code:
        return ""
    try:
        info = translation.get_language_info(code.lower())
    except KeyError:
        return code
    name = str(info["name_translated"])
    if translation.get_language() == NORWEGIAN:
        name = name[:1].lower() + name[1:]
    return name


class PathLanguageMiddleware:
    """Django's LocaleMiddleware, without what would make a page differ by reader: it reads
    the language from the path alone and adds no ``Vary: Accept-Language`` (which the page
    cache could not key on), and it sends ``Content-Language``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        language = language_of_path(request.path_info)
        request.LANGUAGE_CODE = language
        # For this request only: the thread goes back to its language after it (a test run,
        # a worker's next request to a path without a prefix, anything else the thread does).
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
