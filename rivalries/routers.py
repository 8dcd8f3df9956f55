"""Reads on the replica, everything else on the primary (DESIGN.md, "Scale").

With ``DATABASE_REPLICA_URL`` set, settings add a ``replica`` database and :class:`ReplicaRouter`.
Only a *public read* goes to the replica: a reader's GET or HEAD of a public page (the page
cache's own test, :func:`rivalries.caching.is_public_request`), decided once per request by
:class:`DatabaseRoutingMiddleware`. The primary serves everything else:

- the admin, and every request that carries a session cookie (a signed-in editor reads the
  primary, so always sees their own edit, whatever the replica's lag);
- imports, management commands, the shell: any code outside a request;
- anything inside a transaction the request opened, and the rest of a request once it wrote.

The replica is skipped while it cannot be reached or is more than ``DATABASE_REPLICA_MAX_LAG``
seconds behind: its breaker (rivalries/breaker.py) probes it at most every
``DATABASE_REPLICA_CHECK_SECONDS``. A public read that fails on the replica mid-request is
answered again from the primary (a reader's GET writes nothing, so running it twice is safe).

The middleware is also where the primary fails fast: while its breaker is open, a request that
needs it gets the 503 page at once.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponseBase

from rivalries.breaker import Breaker, connect_probe, replica_probe
from rivalries.caching import is_public_request
from rivalries.middleware import DATABASE_ERRORS, service_unavailable

REPLICA = "replica"
ROUTER = "rivalries.routers.ReplicaRouter"


@dataclass
class Route:
    """One request's routing: whether it may read the replica, and what happened."""

    replica_allowed: bool
    base_depth: int = 0
    """Atomic blocks open on the primary when the request began (a test's own transaction)."""
    last_alias: str = DEFAULT_DB_ALIAS
    used: set[str] = field(default_factory=set)
    failed: str = ""
    """The alias a database error came from."""


_route: contextvars.ContextVar[Route | None] = contextvars.ContextVar("route", default=None)


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        route = _route.get()
        alias = DEFAULT_DB_ALIAS
        if (
            route is not None
            and route.replica_allowed
            and len(connections[DEFAULT_DB_ALIAS].atomic_blocks) <= route.base_depth
        ):
            alias = REPLICA
        if route is not None:
            route.last_alias = alias
            route.used.add(alias)
        return alias

    def db_for_write(self, model, **hints) -> str:
        route = _route.get()
        if route is not None:  # from now on this request reads what it wrote
            route.replica_allowed = False
            route.last_alias = DEFAULT_DB_ALIAS
            route.used.add(DEFAULT_DB_ALIAS)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db, app_label, **hints) -> None:
        return None


# --- the breakers ------------------------------------------------------------------------------

_breakers: dict[str, Breaker] = {}


def breakers() -> dict[str, Breaker]:
    """This process's breakers, made on first use: the primary's, and the replica's if any."""
    if not _breakers:
        _breakers.update(make_breakers())
    return _breakers


def reset_breakers() -> None:
    _breakers.clear()


def make_breakers() -> dict[str, Breaker]:
    seconds = float(getattr(settings, "DATABASE_BREAKER_SECONDS", 3))
    made = {DEFAULT_DB_ALIAS: Breaker(DEFAULT_DB_ALIAS, _probe_for(DEFAULT_DB_ALIAS), seconds)}
    if replica_routing():
        max_lag = float(getattr(settings, "DATABASE_REPLICA_MAX_LAG", 5))
        replica = connections[REPLICA]
        probe = (
            replica_probe(replica.settings_dict, max_lag)
            if replica.vendor == "postgresql"
            else _probe_for(REPLICA)
        )
        made[REPLICA] = Breaker(
            REPLICA,
            probe,
            seconds,
            check_every=float(getattr(settings, "DATABASE_REPLICA_CHECK_SECONDS", 2)),
        )
    return made


def _probe_for(alias: str) -> Callable[[], None]:
    connection = connections[alias]
    if connection.vendor == "postgresql":
        return connect_probe(connection.settings_dict)
    return connection.ensure_connection


def replica_routing() -> bool:
    return REPLICA in settings.DATABASES and ROUTER in settings.DATABASE_ROUTERS


# --- the middleware ----------------------------------------------------------------------------


class DatabaseRoutingMiddleware:
    """Decide where a request reads; fail fast while the database it needs is known down.

    Sits right after ``DatabaseOutageMiddleware``: its ``process_exception`` runs first (it
    only notes which database failed) and the 503 page that one renders comes back through here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        states = breakers()
        replica = states.get(REPLICA)
        use_replica = replica is not None and is_public_request(request) and replica.allows()
        if not use_replica and not states[DEFAULT_DB_ALIAS].allows():
            return service_unavailable(request)
        response, route = self._serve(request, use_replica)
        if route.failed == REPLICA:  # answer again from the primary
            if not states[DEFAULT_DB_ALIAS].allows():
                return service_unavailable(request)
            response, route = self._serve(request, False)
        return response

    def _serve(self, request: HttpRequest, use_replica: bool) -> tuple[HttpResponseBase, Route]:
        route = Route(use_replica, base_depth=len(connections[DEFAULT_DB_ALIAS].atomic_blocks))
        token = _route.set(route)
        try:
            response = self.get_response(request)
        finally:
            _route.reset(token)
        if not route.failed and response.status_code == 503:
            # a database error raised in a middleware (sessions) rather than in the view
            route.failed = _failed_alias(route, require_error=True)
        if route.failed:
            breakers()[route.failed].failed(f"{request.method} {request.path}")
        return response, route

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        route = _route.get()
        if route is not None and isinstance(exception, DATABASE_ERRORS):
            route.failed = _failed_alias(route)
        return None


def _failed_alias(route: Route, *, require_error: bool = False) -> str:
    """The database whose connection saw the error: Django marks it; else the last one read."""
    for alias in route.used or {DEFAULT_DB_ALIAS}:
        if alias in connections and connections[alias].errors_occurred:
            return alias
    return "" if require_error else route.last_alias
