"""Load for the benchmark, from a second process, on loopback only, bounded in count and time.

- ``server_times``: requests one after another, reading the server's own time of each
  (``Server-Timing``), for p50 and p95 without client or queueing noise;
- ``throughput``: ``wrk`` (Debian's package) with a few connections for a few seconds, for
  requests per second; uncached runs add a unique ``_bust`` parameter to every request, so
  each one misses the page cache and renders (the views ignore unknown parameters).
"""

from __future__ import annotations

import http.client
import json
import re
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
_DURATION = re.compile(r"dur=([0-9.]+)")


@dataclass(frozen=True)
class Fetched:
    status: int
    headers: dict[str, str]
    body: bytes


def fetch(port: int, path: str, headers: dict[str, str] | None = None) -> Fetched:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": f"{HOST}:{port}", **(headers or {})})
        response = connection.getresponse()
        body = response.read()
        return Fetched(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
    finally:
        connection.close()


def bust(path: str, token: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}_bust={token}"


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


@dataclass(frozen=True)
class Times:
    p50_ms: float
    p95_ms: float
    count: int
    hits: int
    """Responses the page cache answered (``X-Cache: hit``)."""


def server_times(
    port: int,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    uncached: bool,
    count: int,
    max_seconds: float,
    statuses: tuple[int, ...] = (200,),
) -> Times:
    """``count`` sequential requests (fewer if ``max_seconds`` runs out), one connection each;
    an answer with another status than ``statuses`` is an error."""
    run = uuid.uuid4().hex[:8]
    durations: list[float] = []
    hits = 0
    if not uncached:
        fetch(port, path, headers)  # store it
    deadline = time.monotonic() + max_seconds
    for number in range(count):
        if durations and time.monotonic() > deadline:
            break
        target = bust(path, f"{run}-{number}") if uncached else path
        response = fetch(port, target, headers)
        if response.status not in statuses:
            raise RuntimeError(f"GET {target} answered {response.status}")
        match = _DURATION.search(response.headers.get("server-timing", ""))
        if match is None:
            raise RuntimeError(f"GET {target} has no Server-Timing header")
        durations.append(float(match.group(1)))
        hits += response.headers.get("x-cache") == "hit"
    return Times(
        p50_ms=round(statistics.median(durations), 2),
        p95_ms=round(percentile(durations, 0.95), 2),
        count=len(durations),
        hits=hits,
    )


_WRK_SCRIPT = """
local counter = 0
local bust = %s
request = function()
  if not bust then return wrk.request() end
  counter = counter + 1
  local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. sep .. "_bust=%s-" .. counter)
end
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '\\nJSON {"requests": %%d, "seconds": %%f, "non2xx": %%d, "errors": %%d}\\n',
    summary.requests, summary.duration / 1e6, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout))
end
"""


@dataclass(frozen=True)
class Rate:
    rps: float
    requests: int
    errors: int


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is not installed: `make bench` installs it (apt-get install wrk)")
    return found


def throughput(
    port: int,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    uncached: bool,
    seconds: float,
    connections: int,
) -> Rate:
    """Requests per second with ``connections`` concurrent connections for ``seconds``."""
    script = _WRK_SCRIPT % ("true" if uncached else "false", uuid.uuid4().hex[:8])
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    command = [
        wrk_path(),
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        handle.name,
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://{HOST}:{port}{path}")
    try:
        output = subprocess.run(
            command, capture_output=True, text=True, check=True, timeout=seconds + 30
        ).stdout
    finally:
        Path(handle.name).unlink()
    summary = json.loads(output.rsplit("JSON ", 1)[1])
    errors = summary["non2xx"] + summary["errors"]
    return Rate(
        rps=round(summary["requests"] / summary["seconds"], 1),
        requests=summary["requests"],
        errors=errors,
    )
