"""The data version in a file, for the page cache without Redis (rivalries/caching.py).

With the local-memory cache each process keeps its own pages, so the version they are checked
against must live where every process sees a write at once: a small file holding the number,
read once per request (an ``open`` and a ``read``, a few microseconds, no query). A bump takes
an exclusive lock, reads, and replaces the file atomically (``os.replace``), so a reader never
sees half a number and two processes bumping at once never lose one.

The file is ``PAGE_CACHE_VERSION_FILE``, by default one per database in the temporary
directory: every process of a site on one machine shares it (``make serve``'s workers,
``manage.py import_results`` run beside them), and the test run's database has its own. Processes
on several machines need a shared cache (``REDIS_URL``), which keeps the version itself.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
import time
from hashlib import md5
from pathlib import Path

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS, connections


class FileVersion:
    """A number in a file that every process reads and any process bumps."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> int:
        try:
            return int(self.path.read_bytes())
        except (FileNotFoundError, ValueError):  # new, or lost: start it from the clock
            return self.bump()

    def bump(self) -> int:
        """One more; a new (or lost) file starts from the clock in microseconds, so it never
        brings back a number whose pages are still stored."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                version = int(self.path.read_bytes()) + 1
            except (FileNotFoundError, ValueError):
                version = time.time_ns() // 1000
            temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}")
            temporary.write_bytes(str(version).encode())
            os.replace(temporary, self.path)
        return version


_stores: dict[Path, FileVersion] = {}


def local_version() -> FileVersion | None:
    """The file version when the page cache is this process's own memory; else None (the
    shared cache keeps the version)."""
    if not isinstance(caches[DEFAULT_CACHE_ALIAS], LocMemCache):
        return None
    path = version_path()
    if path not in _stores:
        _stores[path] = FileVersion(path)
    return _stores[path]


def version_path() -> Path:
    configured = getattr(settings, "PAGE_CACHE_VERSION_FILE", "")
    if configured:
        return Path(configured)
    database = connections[DEFAULT_DB_ALIAS].settings_dict
    identity = "|".join(str(database.get(key) or "") for key in ("ENGINE", "HOST", "PORT", "NAME"))
    digest = md5(identity.encode(), usedforsecurity=False).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"rivalries-data-version-{digest}"
