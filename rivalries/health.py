"""``/healthz``: whether this app server can serve, for a load balancer.

200 when the database answers, 503 when it does not; the cache is reported (a Redis that
answers but refuses writes, being full, is "degraded") but never fails the check, because the
site serves without it (rivalries/cache_backends.py), only slower.

The details (timings, backends, error text such as "Error 111 connecting to 127.0.0.1:6399")
are for the addresses in ``HEALTHZ_ALLOWED`` (loopback by default: the load balancer's or the
operator's own check); any other client gets the bare status and the same status code.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from rivalries.clients import client_address, is_in, networks

DATABASE_CHECK_TIMEOUT = 2.0
"""Seconds to wait for a pooled connection: a load balancer's check must not hang."""
PROBE_KEY = "healthz-probe"


def database_status() -> dict[str, Any]:
    started = time.perf_counter()
    try:
        pool = getattr(connection, "pool", None)
        if pool is not None:
            # Straight from the pool with a short wait, not through Django's connection, whose
            # wait for the pool is as long as any request's.
            pool.open()
            with pool.connection(timeout=DATABASE_CHECK_TIMEOUT) as conn:
                conn.execute("SELECT 1")
        else:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
    except Exception as error:  # Django's DatabaseError, or psycopg's own from the pool
        return {"ok": False, "vendor": connection.vendor, "error": _describe(error)}
    return {"ok": True, "vendor": connection.vendor, "ms": _ms_since(started)}


def cache_status() -> dict[str, Any]:
    started = time.perf_counter()
    cache = caches[DEFAULT_CACHE_ALIAS]
    backend = cache.__class__.__name__
    ping = getattr(cache, "ping", None)
    if ping is not None:
        ok, error = ping()
    else:
        try:
            cache.set(PROBE_KEY, 1, 10)
            ok, error = cache.get(PROBE_KEY) == 1, ""
        except Exception as failure:
            ok, error = False, _describe(failure)
    status: dict[str, Any] = {"ok": ok, "backend": backend}
    if ok:
        status["ms"] = _ms_since(started)
    else:
        status["error"] = error or "the probe value did not come back"
    return status


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    database = database_status()
    cache_ = cache_status()
    if not database["ok"]:
        status = "down"
    elif not cache_["ok"]:
        status = "degraded"
    else:
        status = "ok"
    code = 200 if database["ok"] else 503
    if not is_in(client_address(request), networks(settings.HEALTHZ_ALLOWED)):
        return JsonResponse({"status": status}, status=code)
    return JsonResponse({"status": status, "database": database, "cache": cache_}, status=code)


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def _describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{error.__class__.__name__}: {text[0]}" if text else error.__class__.__name__
