"""Closed-loop HTTP load on loopback for the drill and the soak: ``concurrency`` connections,
each sending its next request when the last one is answered, so the load is bounded by the
number of connections and the run by its caller. Every request is kept (when, how long, what
status, whether the page cache answered), so a run can be cut into phases afterwards.

A share of the requests (``uncached``) carries a unique ``_bust`` parameter, which the views
ignore and the page cache cannot have seen, so they always reach Django and the database.
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Sample:
    started: float
    """``time.monotonic()`` when the request was sent."""
    seconds: float
    status: int
    """0: no HTTP answer at all (refused, reset, timed out)."""
    uncached: bool
    cache: str
    """The ``X-Cache`` header: "hit", "miss", or "" when the page cache was not used."""
    error: str = ""

    @property
    def ended(self) -> float:
        return self.started + self.seconds


class Load:
    def __init__(
        self,
        port: int,
        paths: Sequence[str],
        *,
        concurrency: int,
        uncached: float = 0.2,
        timeout: float = 30.0,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.port = port
        self.headers = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
        self.paths = list(paths)
        self.concurrency = concurrency
        self.uncached = uncached
        self.timeout = timeout
        self.samples: list[Sample] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._counter = itertools.count()

    # -- running ---------------------------------------------------------------------------------

    def start(self) -> Load:
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.timeout + 5)

    async def _run(self) -> None:
        await asyncio.gather(*(self._connection() for _ in range(self.concurrency)))

    async def _connection(self) -> None:
        every = round(1 / self.uncached) if self.uncached else 0
        while not self._stop.is_set():
            number = next(self._counter)
            path = self.paths[number % len(self.paths)]
            uncached = bool(every) and number % every == 0
            if uncached:
                path = f"{path}{'&' if '?' in path else '?'}_bust={number}"
            self.samples.append(await self._request(path, uncached))

    async def _request(self, path: str, uncached: bool) -> Sample:
        started = time.monotonic()
        try:
            status, cache = await asyncio.wait_for(self._get(path), self.timeout)
            error = ""
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as failure:
            status, cache, error = 0, "", f"{failure.__class__.__name__}: {failure}"
        return Sample(started, time.monotonic() - started, status, uncached, cache, error)

    async def _get(self, path: str) -> tuple[int, str]:
        reader, writer = await asyncio.open_connection(HOST, self.port)
        try:
            writer.write(
                f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n"
                f"{self.headers}\r\n".encode()
            )
            await writer.drain()
            raw = await reader.read()  # gunicorn's sync workers close after each response
        finally:
            writer.close()
        head, _, _ = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        cache = ""
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "x-cache":
                cache = value.strip()
        return status, cache

    # -- reading the samples ---------------------------------------------------------------------

    def between(self, start: float, end: float) -> list[Sample]:
        return [sample for sample in list(self.samples) if start <= sample.started < end]


def summary(samples: Sequence[Sample]) -> dict[str, object]:
    """Requests, statuses, and latency of a slice of a run."""
    if not samples:
        return {"requests": 0}
    seconds = [sample.seconds for sample in samples]
    span = max(sample.ended for sample in samples) - min(sample.started for sample in samples)
    statuses = Counter(sample.status for sample in samples)
    return {
        "requests": len(samples),
        "statuses": dict(sorted(statuses.items())),
        "rps": round(len(samples) / span, 1) if span > 0 else None,
        "p50_ms": round(statistics.median(seconds) * 1000, 1),
        "p95_ms": round(sorted(seconds)[int(len(seconds) * 0.95) - 1] * 1000, 1)
        if len(seconds) >= 20
        else None,
        "max_ms": round(max(seconds) * 1000, 1),
        "connection_errors": sum(1 for sample in samples if sample.status == 0),
    }


def describe(samples: Sequence[Sample]) -> str:
    found = summary(samples)
    if not found["requests"]:
        return "no requests"
    statuses = ", ".join(
        f"{count} x {status or 'no answer'}" for status, count in found["statuses"].items()
    )
    return (
        f"{found['requests']} requests ({statuses}); {found['rps']} req/s;"
        f" p50 {found['p50_ms']} ms, p95 {found['p95_ms']} ms, max {found['max_ms']} ms"
    )
