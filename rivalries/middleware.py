"""What stands between a request and the views: readers' site read-only, junk URLs a 400, and
a database outage a friendly 503 instead of a stack trace.

- Only the editors' side (``/admin/``) takes anything but GET and HEAD: every other URL answers
  405 before CSRF, sessions or a view run, so no public page can ever be made to write. The
  one exception is ``OPTIONS`` on the public API (``/api/v1/``), answered here with ``Allow``
  (a CORS preflight is answered before, by django-cors-headers), so other sites' pages may
  read it.
- A control character in the path or the query string is a 400 that says so. A NUL byte cannot
  be stored in PostgreSQL at all (psycopg refuses the query), and no reader types the others;
  refusing them here means no view has to think about them.
- ``OperationalError`` or ``InterfaceError`` from a view (PostgreSQL restarting, the pool unable
  to connect, a statement cancelled) is a 503 page with ``Retry-After``; the connection pool
  reconnects on its own, so the next request after the database is back succeeds.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.views import defaults

logger = logging.getLogger(__name__)

EDITORS_PATH = "/admin/"
API_PATH = "/api/"
SAFE_METHODS = ("GET", "HEAD")
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""C0 controls and DEL, but not tab, line feed and carriage return (text a form may send)."""
RETRY_AFTER_SECONDS = 30
DATABASE_ERRORS = (OperationalError, InterfaceError)


class RequestGuardMiddleware:
    """Refuse what no page of the readers' site answers, before any other work is done."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method == "OPTIONS" and request.path.startswith(API_PATH):
            return options(request)
        if request.method not in SAFE_METHODS and not request.path.startswith(EDITORS_PATH):
            return method_not_allowed(request)
        bad = control_character_in(request)
        if bad:
            return refuse(
                request,
                f"The address contains a control character (U+{ord(bad):04X}), which no"
                " page takes: check the link.",
            )
        return self.get_response(request)


def control_character_in(request: HttpRequest) -> str:
    """The first control character in the path or the query string's names and values."""
    texts = [request.path]
    for name, values in request.GET.lists():
        texts.append(name)
        texts.extend(values)
    for text in texts:
        found = CONTROL_CHARACTER.search(text)
        if found:
            return found.group()
    return ""


def method_not_allowed(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        f"{request.method} is not allowed here: the readers' site only answers GET and HEAD.\n",
        status=405,
        content_type="text/plain; charset=utf-8",
    )
    response["Allow"] = ", ".join(SAFE_METHODS)
    return response


def options(request: HttpRequest) -> HttpResponse:
    """What the public API answers: its methods, with no body."""
    response = HttpResponse(status=200, content_type="text/plain; charset=utf-8")
    response["Allow"] = ", ".join((*SAFE_METHODS, "OPTIONS"))
    return response


def refuse(request: HttpRequest, message: str) -> HttpResponse:
    """The site's 400 page (templates/400.html) with ``message``."""
    return render(request, "400.html", {"message": message}, status=400)


class DatabaseOutageMiddleware:
    """A database that cannot be reached is a 503 page, not a 500 with a stack trace."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            logger.warning("Database unavailable for %s: %s", request.path, exception)
            return service_unavailable(request)
        return None


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """templates/503.html, which needs no database; plain HTML should even that fail. The JSON
    API's clients get JSON, as from every other answer of the API."""
    if request.path.startswith(API_PATH):
        response = JsonResponse(
            {
                "error": "The site cannot reach its database just now: try again in"
                f" {RETRY_AFTER_SECONDS} seconds."
            },
            status=503,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    try:
        response = render(request, "503.html", {"retry_after": RETRY_AFTER_SECONDS}, status=503)
    except Exception:  # the page that says we are down must not go down itself
        logger.exception("The 503 page failed to render")
        response = HttpResponse(
            "<!doctype html><title>Back soon</title><h1>Back soon</h1>"
            "<p>The site cannot reach its database just now. Please try again in a minute.</p>",
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """``handler500``: a database error raised outside a view is still the 503 page."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return service_unavailable(request)
    return defaults.server_error(request, template_name)


class ReadersNotFoundMiddleware:
    """Our own 404 page with DEBUG on too (``make run``), not Django's technical one.

    With DEBUG on, Django answers every 404 with a page listing every URL pattern, which no
    reader should see and which hides what a 404 of ours looks like. Two ways lead there: a
    view raising ``Http404`` (answered here, in ``process_exception``) and an address that
    resolves to no view (the response comes back with no ``resolver_match``). A 404 a view
    returns itself (the JSON API's) is left as it is, and so is everything with DEBUG off,
    where ``handler404`` already answers. Placed before ``CommonMiddleware``, so an address
    missing its slash is still redirected first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and getattr(request, "resolver_match", None) is None
        ):
            return page_not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if settings.DEBUG and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from rivalries.views import page_not_found as our_page  # the views import the whole site

    return our_page(request, exception)
