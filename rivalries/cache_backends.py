"""A Redis cache that degrades to no cache while Redis cannot be reached.

The cache only makes pages faster; an outage of Redis must not take the site down with it.
Django's ``RedisCache`` raises ``redis.ConnectionError`` from every call while Redis is away,
and ``OutOfMemoryError`` from every write once it is full with ``noeviction``; this backend
answers as an empty cache instead (reads miss, writes are dropped), logs the
outage once and its end once, and reconnects by itself.

One loss needs care: a delete or an ``incr`` (the data version's bump, rivalries/caching.py)
dropped during the outage may leave stale entries behind if Redis comes back with its data (a
network blip rather than a restart). So after an outage in which such a write was lost, the
first call that reaches Redis again empties the cache: after a lost invalidation nothing in it
can be trusted, and an empty cache is only slower.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
FULL_SHARE = 0.95
"""A Redis with ``noeviction`` this close to its ``maxmemory`` refuses most writes (a page is
kilobytes; the probe's write may still fit in what client buffers free now and then)."""
PROBE_KEY = "healthz-probe"
PROBE_SECONDS = 10
RETRY_SECONDS = 1.0
"""After a failure, calls answer as an empty cache without trying Redis for this long: a Redis
that does not answer at all would otherwise cost every call its socket timeout."""


class KeptClientRedisCacheClient(RedisCacheClient):
    """One redis-py client per connection pool, made once.

    Django's client makes a new ``redis.Redis`` for every cache call, which costs about 0.15 ms
    of CPU with redis-py 8: half of what a page-cache hit costs (rivalries/caching.py, bench/).
    A client is safe to share; the pool under it still hands out the connections.
    """

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        kept = self.__dict__.setdefault("_kept_clients", {})
        if index not in kept:
            kept[index] = self._client(connection_pool=self._get_connection_pool(write))
        return kept[index]


class FailSoftRedisCache(RedisCache):
    """``RedisCache`` that behaves as an empty cache, rather than raising, during an outage."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient
        self.unreachable_since_error: str = ""
        self.refusing_since_error: str = ""
        self.lost_invalidation = False
        self.retry_at = 0.0

    # -- the wrapper -------------------------------------------------------------------------

    def _soft[T](
        self, call: Callable[..., T], default: T, *args: Any, invalidates: bool = False, **kw: Any
    ) -> T:
        if self.unreachable_since_error and time.monotonic() < self.retry_at:
            self.lost_invalidation |= invalidates
            return default
        try:
            result = call(*args, **kw)
        except UNREACHABLE as error:
            self._unreachable(error, invalidates)
            return default
        except RedisError as error:  # reachable, but refusing: a full Redis, a bad command
            self._refused(error, invalidates)
            return default
        if self.unreachable_since_error:
            self._recovered()
        return result

    def _unreachable(self, error: RedisError, invalidates: bool) -> None:
        if not self.unreachable_since_error:
            logger.warning("Cache unreachable, serving without it: %s", error)
        self.unreachable_since_error = _describe(error)
        self.lost_invalidation |= invalidates
        self.retry_at = time.monotonic() + RETRY_SECONDS

    def _refused(self, error: RedisError, invalidates: bool) -> None:
        """A write Redis refused (``OutOfMemoryError`` at ``maxmemory`` with ``noeviction``):
        the page is served uncached. A refused invalidation empties the cache at once, as
        nothing stored can be trusted after it (FLUSHDB frees memory, so a full Redis still
        takes it); if even that fails, the cache answers as empty until it can be emptied."""
        if self.refusing_since_error != _describe(error):
            logger.warning("Cache refused a command, serving without it: %s", error)
        self.refusing_since_error = _describe(error)
        if not invalidates:
            return
        try:
            super().clear()
        except RedisError as failure:
            self._unreachable(failure, invalidates=True)

    def _recovered(self) -> None:
        logger.warning("Cache reachable again")
        self.unreachable_since_error = ""
        if self.lost_invalidation:
            self.lost_invalidation = False
            logger.warning("A cache invalidation was lost during the outage: emptying the cache")
            self._soft(super().clear, None, invalidates=True)

    def ping(self) -> tuple[bool, str]:
        """Whether Redis answers now and takes a write, and the error when not (for /healthz):
        a Redis at its ``maxmemory`` with ``noeviction`` answers PING but stores nothing."""
        try:
            client = self._cache.get_client(write=True)
            client.ping()
            client.set(PROBE_KEY, b"1", ex=PROBE_SECONDS)
            memory = client.info("memory")
        except RedisError as error:
            return False, _describe(error)
        full = full_without_eviction(memory)
        if full:
            return False, full
        self.refusing_since_error = ""
        return True, ""

    # -- every call of the cache API ---------------------------------------------------------

    def get(self, key, default=None, version=None):
        return self._soft(super().get, default, key, default, version)

    def get_many(self, keys, version=None):
        return self._soft(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._soft(super().has_key, False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(super().add, False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(super().set, None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(super().set_many, [], data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(super().touch, False, key, timeout, version, invalidates=True)

    def delete(self, key, version=None):
        return self._soft(super().delete, False, key, version, invalidates=True)

    def delete_many(self, keys, version=None):
        return self._soft(super().delete_many, None, keys, version, invalidates=True)

    def incr(self, key, delta=1, version=None):
        return self._soft(super().incr, 0, key, delta, version, invalidates=True)

    def clear(self):
        return self._soft(super().clear, None, invalidates=True)


def full_without_eviction(memory: dict[str, Any]) -> str:
    """Why a Redis (``INFO memory``) refuses writes for being full, or "" when it does not."""
    limit, used = int(memory.get("maxmemory") or 0), int(memory.get("used_memory") or 0)
    policy = memory.get("maxmemory_policy", "")
    if not limit or policy != "noeviction" or used < FULL_SHARE * limit:
        return ""
    return (
        f"Redis is full (used_memory {used} of maxmemory {limit}) with maxmemory-policy"
        " noeviction: it refuses writes, so pages are not cached. Set maxmemory-policy"
        " allkeys-lru."
    )


def _describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{error.__class__.__name__}: {text[0]}" if text else error.__class__.__name__
