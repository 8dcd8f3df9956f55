"""A whole-page cache for readers that never serves a page older than the last saved edit.

DESIGN.md, "Scale": a reader's GET of a public page is answered from the cache (Redis in
production, local memory by default), keyed by the full URL (whose path names the language:
``/nb/...``), the language and whether it is an htmx request,
and stored with the *data version* it was rendered at: one integer in the cache that every saved
write to the record (the ``athletes`` and ``rivalries`` apps) bumps. A stored page is served
only while its version is the current one, so a bump needs to delete nothing: the next request
of any page renders afresh and overwrites it. One ``MGET`` fetches the version and the page.

What bumps the version:

- ``post_save``, ``post_delete`` and ``m2m_changed`` of any model of the two apps (the admin,
  the shell, any code that saves), except their history rows, which never change alone;
- the CSV importers, which write with ``bulk_create`` (no ``post_save``): each sends
  ``athletes.importing.imported`` once when it has changed something.

A write inside a transaction bumps at once *and* again when the transaction commits: a reader
who renders the page between the two (still seeing the old rows) stores it with a version that
the commit then leaves behind. (The immediate bump is what makes an edit visible to requests made
later in the same transaction, which is how tests run.) Writes that send no signal
(``QuerySet.update()``, raw SQL) must call :func:`data_changed` themselves.

Every public response (anonymous GET/HEAD with status 200, not under ``/admin/``, no cookie set)
gets ``Cache-Control: public, max-age=60`` and an ``ETag``, and a matching ``If-None-Match``
gets a 304, so browsers and any CDN can keep pages for a minute. A request that carries a
session cookie (an editor) is neither served from nor stored in the cache.

With the local-memory cache each process keeps its own pages, but the version lives in a file
that every process reads once a request (rivalries/dataversion.py), so a write made by another
process (``manage.py import_results`` while ``make serve`` serves, another gunicorn worker)
reaches every process's next request; production uses Redis, which all processes share.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from hashlib import md5
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.http.request import split_domain_port
from django.middleware.csp import get_nonce
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import get_language

from athletes.importing import imported
from rivalries.dataversion import local_version

VERSION_KEY = "data-version"
PUBLIC_CACHE_CONTROL = {"public": True, "max_age": 60}
DATA_APPS = frozenset({"athletes", "rivalries"})
PRIVATE_PATHS = ("/admin/", "/nb/admin/")
"""Never cached, never marked public: the editors' side (setting ``PAGE_CACHE_PRIVATE_PATHS``)."""
VARY_ALLOWED = frozenset({"hx-request", "hx-history-restore-request"})
"""Request headers a stored page may vary on: both are part of the key."""
DEFAULT_PAGE_SECONDS = 3600
_TIMELINE = frozenset({"kind", "year", "event", "speaker", "cursor"})
_HEAD_TO_HEAD = frozenset({"rounds", "event", "indoor", "year", "from", "to"})
PAGE_QUERY_PARAMETERS: dict[str, frozenset[str]] = {
    "home": frozenset(),
    "rivalries": frozenset({"page"}),
    "rivalry": _TIMELINE,
    "rivalry-feed": frozenset(),
    "athletes": frozenset({"letter", "country", "page"}),
    "athlete": frozenset({"vs", "year", "event", "page"}),
    "h2h": _HEAD_TO_HEAD,
    "race": frozenset(),
    "quote": frozenset(),
    "search": frozenset({"q"}),
    "sitemap": frozenset(),
    "sitemap-section": frozenset({"p"}),
    "robots": frozenset(),
    "favicon": frozenset(),
    "api-h2h": _HEAD_TO_HEAD,
    "api-rivalry-timeline": _TIMELINE | {"format"},
    "embed-h2h": frozenset(),
    "embed-rivalry": frozenset(),
    "oembed": frozenset({"url", "format", "maxwidth", "maxheight"}),
    "quote-card": frozenset(),
    "h2h-card": frozenset(),
    "rivalry-card": frozenset(),
}
"""The pages the cache stores, by URL name, with the query parameters each reads. A request
with any other parameter is answered uncached and not stored; a URL name not listed (healthz,
the admin) is never stored."""


# --- the data version ------------------------------------------------------------------------


def data_version() -> int | None:
    """The current version; created when missing (a new cache, or one that evicted it).

    A new version starts from the clock in microseconds rather than 1, so a version that was
    lost can never come back to a number whose pages are still stored. None while the cache
    cannot be reached (rivalries/cache_backends.py answers as an empty cache then). With the
    local-memory cache the version is kept in a file every process reads (rivalries/dataversion.py).
    """
    if (local := local_version()) is not None:
        return local.read()
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns() // 1000, timeout=None)
        version = cache.get(VERSION_KEY)
    return None if version is None else int(version)


def bump_data_version() -> int:
    """Move every page key on: the next request of any page renders afresh."""
    if (local := local_version()) is not None:
        return local.bump()
    try:
        return cache.incr(VERSION_KEY)
    except ValueError:  # missing: start it (a racing process may have just done so)
        data_version()
    try:
        return cache.incr(VERSION_KEY)
    except ValueError:  # still missing (a full Redis refuses to create it): no page matches
        return 0


def data_changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """Record a write: bump the version now and, inside a transaction, once more on commit."""
    bump_data_version()
    connection = connections[using]
    if connection.in_atomic_block and not any(
        func is _bump_after_commit for _, func, _ in connection.run_on_commit
    ):
        transaction.on_commit(_bump_after_commit, using=using, robust=True)


def _bump_after_commit() -> None:
    bump_data_version()


def _is_record(model: type[models.Model]) -> bool:
    """A model of the record or the story; not a history row, which a save always comes with."""
    meta = model._meta
    return meta.app_label in DATA_APPS and not meta.model_name.startswith("historical")


def _saved_or_deleted(sender: type[models.Model], using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    if _is_record(sender):
        data_changed(using)


def _members_changed(
    sender: type[models.Model], action: str, using: str = DEFAULT_DB_ALIAS, **kwargs
) -> None:
    if action.startswith("post_") and _is_record(sender):
        data_changed(using)


def _imported(sender: object, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    data_changed(using)


def connect_signals() -> None:
    """Called from ``RivalriesConfig.ready``, so that shell and command writes bump too."""
    post_save.connect(_saved_or_deleted, dispatch_uid="rivalries.caching.saved")
    post_delete.connect(_saved_or_deleted, dispatch_uid="rivalries.caching.deleted")
    m2m_changed.connect(_members_changed, dispatch_uid="rivalries.caching.m2m")
    imported.connect(_imported, dispatch_uid="rivalries.caching.imported")


# --- the middleware --------------------------------------------------------------------------


def is_public_request(request: HttpRequest) -> bool:
    """An anonymous GET or HEAD of a reader's page."""
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(
            tuple(getattr(settings, "PAGE_CACHE_PRIVATE_PATHS", PRIVATE_PATHS))
        )
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "authorization" not in request.headers
    )


def is_public_response(response: HttpResponseBase) -> bool:
    """A 200 that any cache may keep: no cookie, nothing private, no Vary we do not key on."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    varies = {
        header.strip().lower() for header in response.get("Vary", "").split(",") if header.strip()
    }
    return varies <= VARY_ALLOWED


def htmx_variant(request: HttpRequest) -> str:
    """ "page", "htmx" or "htmx-restore": the views answer each differently."""
    if request.headers.get("HX-Request") != "true":
        return "page"
    return "htmx-restore" if request.headers.get("HX-History-Restore-Request") == "true" else "htmx"


def canonical_host(request: HttpRequest) -> str | None:
    """The host (and port, when not the scheme's default) a stored page may be kept under, or
    None when this request's Host header is a variant no page should be stored for.

    Pages carry absolute links made from the Host header (the share link, robots.txt), and
    Django's ALLOWED_HOSTS check ignores the port: without this, ``Host: localhost:1``,
    ``localhost:2``, ... would each store a page. The host must be one of ALLOWED_HOSTS as
    written (not a wildcard match) and the port absent, the scheme's default or the one the
    server listens on.
    """
    host, port = split_domain_port(request.get_host())
    if host not in {allowed.lower() for allowed in settings.ALLOWED_HOSTS}:
        return None
    default = "443" if request.is_secure() else "80"
    if port in ("", default):
        return host
    if port == str(request.META.get("SERVER_PORT", "")):
        return f"{host}:{port}"
    return None


def canonical_query(request: HttpRequest, allowed: frozenset[str]) -> str | None:
    """The query string a stored page is kept under (the parameters the page reads, sorted,
    empty ones dropped), or None when it holds one the page does not read."""
    pairs = []
    for name, values in request.GET.lists():
        if name not in allowed:
            return None
        pairs.extend((name, value) for value in values if value != "")
    return urlencode(sorted(pairs))


def page_key(request: HttpRequest) -> str | None:
    """The cache key of this request's page, or None when it must not be stored: an address
    the site does not serve, or one with a query parameter its page does not read (every
    ``?junk=N`` would otherwise be a page of its own, and anyone could fill the cache)."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    allowed = PAGE_QUERY_PARAMETERS.get(match.url_name or "")
    if allowed is None:
        return None
    host, query = canonical_host(request), canonical_query(request, allowed)
    if host is None or query is None:
        return None
    scheme = "https" if request.is_secure() else "http"
    url = f"{scheme}://{host}{request.path}?{query}"
    digest = md5(url.encode(), usedforsecurity=False).hexdigest()
    # The path names the language already (/nb/...); the key says it too, so a page can never
    # be served in the language of another (rivalries/languages.py).
    return f"page:{htmx_variant(request)}:{get_language()}:{digest}"


class PageCacheMiddleware:
    """Serve readers' pages from the cache; stamp public responses for browsers and CDNs.

    Goes right after WhiteNoise: a hit is answered before sessions, authentication or the URL
    resolver run, with no database query.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not getattr(settings, "PAGE_CACHE", True) or not is_public_request(request):
            return self.get_response(request)
        key = page_key(request)
        if key is None:
            return self.get_response(request)
        found = cache.get_many([VERSION_KEY, key])  # one round trip to Redis
        version = found.get(VERSION_KEY)
        if version is None:
            version = data_version()
        if version is None:  # the cache is down: serve uncached rather than not at all
            return self.get_response(request)
        stored = found.get(key)
        if stored is not None and stored[0] == version:
            response = _thaw(stored, body=request.method != "HEAD")
            response["X-Cache"] = "hit"
            return get_conditional_response(request, etag=response.get("ETag"), response=response)
        response = self.get_response(request)
        if not is_public_response(response):
            return response
        patch_cache_control(response, **PUBLIC_CACHE_CONTROL)
        if not response.has_header("ETag"):
            set_stable_etag(request, response)
        seconds = getattr(settings, "PAGE_CACHE_SECONDS", DEFAULT_PAGE_SECONDS)
        cache.set(key, _freeze(version, response), seconds)
        if request.method == "HEAD":  # the headers of a GET, no body (gunicorn would drop it)
            response.content = b""
        response["X-Cache"] = "miss"
        return get_conditional_response(request, etag=response.get("ETag"), response=response)


def set_stable_etag(request: HttpRequest, response: HttpResponse) -> None:
    """An ETag of the page without its CSP nonce: the same page rendered by another worker (or
    after its cache entry expired) has the same ETag, so a browser's or a proxy's copy stays
    good until the data changes."""
    nonce = get_nonce(request)
    content = response.content
    if nonce:
        content = content.replace(str(nonce).encode(), b"")
    digest = md5(content, usedforsecurity=False).hexdigest()
    response.headers["ETag"] = f'"{digest}"'


Stored = tuple[int, bytes, list[tuple[str, str]]]


def _freeze(version: int, response: HttpResponse) -> Stored:
    """The data version the page was rendered at, its body and headers (smaller and faster to
    load than a pickled response)."""
    return version, response.content, list(response.headers.items())


def _thaw(stored: Stored, *, body: bool = True) -> HttpResponse:
    _, content, headers = stored
    response = HttpResponse(content if body else b"")
    for name, value in headers:
        response.headers[name] = value
    return response
