"""Fail fast: a small circuit breaker per database (DESIGN.md, "Scale").

While PostgreSQL is down every request would otherwise wait the pool's timeout
(``DATABASE_POOL_TIMEOUT``, 3 s) before its 503; 200 requests took 256 s. Once one request has
found a database down, its breaker *opens*: for ``open_seconds`` every request that needs that
database gets the 503 page at once (the replica's reads go to the primary instead). Then the
next request *probes* it with a direct connection of its own (a refused connection fails in a
millisecond, a silent host after ``PROBE_TIMEOUT``), never through the pool: back, the breaker
closes and the request goes on; still down, the breaker stays open for another period.

A breaker may also check a database that answers, at most every ``check_every`` seconds: the
replica's probe measures its replay lag and fails when it is more than
``DATABASE_REPLICA_MAX_LAG`` seconds behind, which skips it until it has caught up.

State is per process (each gunicorn worker learns on its own first failure): a breaker only
saves waiting, it never decides what is true for long.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg

logger = logging.getLogger(__name__)

PROBE_TIMEOUT = 1
"""Seconds a probe waits to connect: a host that does not answer at all."""

REPLICA_LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() IS NULL OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
        THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""
"""Seconds the replica is behind: 0 when it has replayed all it received (an idle primary, or
one that is down, leaves it as fresh as it can be), else the age of the last replayed commit."""


class DatabaseUnfit(Exception):
    """A probe's verdict: the database answers but must not be used (a replica too far behind)."""


@dataclass
class Breaker:
    """Whether one database may be tried now; see the module's docstring."""

    name: str
    probe: Callable[[], None]
    """Raises when the database cannot serve."""
    open_seconds: float = 3.0
    check_every: float | None = None
    """Probe a closed breaker too, at most this often (None: only after a failure)."""
    clock: Callable[[], float] = time.monotonic
    open_until: float = 0.0
    """0 while closed."""
    next_check: float = 0.0
    last_error: str = field(default="", repr=False)

    @property
    def is_open(self) -> bool:
        return bool(self.open_until)

    def allows(self) -> bool:
        """Whether a request may use the database now (probing it first when due)."""
        now = self.clock()
        if self.open_until:
            if now < self.open_until:
                return False
            return self._probe(now)
        if self.check_every is not None and now >= self.next_check:
            return self._probe(now)
        return True

    def failed(self, error: BaseException | str) -> None:
        """A request found the database down: open for ``open_seconds``."""
        if not self.open_until:
            logger.warning("Database %s unavailable, failing fast: %s", self.name, error)
        self.last_error = str(error)
        self.open_until = self.clock() + self.open_seconds

    def succeeded(self) -> None:
        if self.open_until:
            logger.warning("Database %s available again", self.name)
        self.open_until = 0.0

    def _probe(self, now: float) -> bool:
        if self.check_every is not None:
            self.next_check = now + self.check_every
        try:
            self.probe()
        except Exception as error:  # psycopg's errors, DatabaseUnfit, anything: not usable
            self.failed(error)
            return False
        self.succeeded()
        return True


def connection_kwargs(settings_dict: dict[str, Any]) -> dict[str, Any]:
    """psycopg.connect's arguments for one of Django's DATABASES entries."""
    kwargs = {
        "dbname": settings_dict.get("NAME") or "postgres",
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
        "connect_timeout": PROBE_TIMEOUT,
    }
    return {key: value for key, value in kwargs.items() if value is not None}


def connect_probe(settings_dict: dict[str, Any]) -> Callable[[], None]:
    """A probe that connects directly (not through the pool) and runs ``SELECT 1``."""

    def probe() -> None:
        with psycopg.connect(**connection_kwargs(settings_dict)) as conn:
            conn.execute("SELECT 1")

    return probe


def replica_probe(settings_dict: dict[str, Any], max_lag: float) -> Callable[[], None]:
    """A probe that fails when the replica cannot be reached or lags more than ``max_lag`` s."""

    def probe() -> None:
        with psycopg.connect(**connection_kwargs(settings_dict)) as conn:
            (lag,) = conn.execute(REPLICA_LAG_SQL).fetchone()
        if float(lag) > max_lag:
            raise DatabaseUnfit(f"the replica is {float(lag):.1f} s behind (at most {max_lag})")

    return probe
