"""`make soak`: the production topology under steady load for a long time, bounded.

SOAK_CONNECTIONS (50) connections keep requests going for SOAK_SECONDS (600) through nginx
against the private stack of ops/stack.py (two gunicorn app servers with the production
settings, a PostgreSQL primary and replica, Redis, the demo data): every public page in turn,
a fifth of the requests past the page cache. It prints progress every SOAK_REPORT_SECONDS
(30), then the totals, and exits 1 unless:

- every request got a 200 (no 5xx, no 4xx, no request without an answer);
- every app server's gunicorn workers are the same processes at the end (none was replaced);
- the workers' memory grew by less than 10% between the end of the warm-up (a tenth of the
  run, at most a minute: imports, template and query caches fill) and the end.
"""

from __future__ import annotations

import json
import os
import sys
import time

from ops.load import Load, describe, summary
from ops.stack import Stack, discover_paths, log, private_stack

SECONDS = float(os.environ.get("SOAK_SECONDS") or 600)
CONNECTIONS = int(os.environ.get("SOAK_CONNECTIONS") or 50)
REPORT_EVERY = float(os.environ.get("SOAK_REPORT_SECONDS") or 30)
MAX_GROWTH = 0.10


def main() -> int:
    warmup = min(60.0, SECONDS / 10)
    problems: list[str] = []
    with private_stack("soak") as stack:
        paths = discover_paths(stack.site)
        workers = worker_pids(stack)
        log(
            f"soak: {CONNECTIONS} connections for {SECONDS:.0f} s over {len(paths)} pages"
            f" ({warmup:.0f} s of warm-up), a fifth of the requests uncached"
        )
        load = Load(stack.front.port, paths, concurrency=CONNECTIONS, uncached=0.2).start()
        started = time.monotonic()
        time.sleep(warmup)
        baseline = worker_rss_mb(stack)
        log(f"after warm-up: workers' memory {sum(baseline.values()):.1f} MB ({_each(baseline)})")
        last = started + warmup
        peak = dict(baseline)
        while (now := time.monotonic()) < started + SECONDS:
            time.sleep(min(REPORT_EVERY, started + SECONDS - now))
            rss = worker_rss_mb(stack)
            peak = {pid: max(size, peak.get(pid, 0.0)) for pid, size in rss.items()}
            window = load.between(last, time.monotonic())
            last = time.monotonic()
            log(f"{last - started:5.0f} s: {describe(window)}; memory {sum(rss.values()):.1f} MB")
        load.stop()
        final = worker_rss_mb(stack)
        measured = load.between(started, started + SECONDS)
        totals = summary(measured)
        errors = [s for s in measured if s.status != 200]
        growth = {
            pid: (final[pid] - baseline[pid]) / baseline[pid]
            for pid in baseline
            if pid in final and baseline[pid]
        }
        total_growth = (sum(final.values()) - sum(baseline.values())) / sum(baseline.values())
        figures = {
            "seconds": SECONDS,
            "connections": CONNECTIONS,
            **totals,
            "errors": len(errors),
            "error_examples": [(s.status, s.error) for s in errors[:5]],
            "workers": len(workers),
            "workers_replaced": worker_pids(stack) != workers,
            "memory_mb_after_warmup": round(sum(baseline.values()), 1),
            "memory_mb_at_end": round(sum(final.values()), 1),
            "memory_growth_pct": round(total_growth * 100, 2),
            "worst_worker_growth_pct": round(max(growth.values(), default=0) * 100, 2),
            "tracebacks_logged": sum(site.errors_logged() for site in stack.sites),
        }
        log(f"in all: {describe(measured)}")
        log(
            f"memory: {figures['memory_mb_after_warmup']} MB after warm-up,"
            f" {figures['memory_mb_at_end']} MB at the end ({figures['memory_growth_pct']:+}%;"
            f" worst worker {figures['worst_worker_growth_pct']:+}%)"
        )
    if errors:
        problems.append(f"{len(errors)} requests were not answered 200: {errors[:3]}")
    if figures["workers_replaced"]:
        problems.append("gunicorn replaced a worker during the soak")
    if max(total_growth, *growth.values()) >= MAX_GROWTH:
        problems.append(f"memory grew by {max(total_growth, *growth.values()):.1%}")
    if figures["tracebacks_logged"]:
        problems.append(f"{figures['tracebacks_logged']} tracebacks in gunicorn's log")
    print(json.dumps(figures, indent=1))
    if problems:
        print("SOAK FAILED:\n- " + "\n- ".join(problems))
        return 1
    print("SOAK PASSED")
    return 0


def worker_pids(stack: Stack) -> list[int]:
    return sorted(pid for site in stack.sites for pid in site.worker_pids())


def worker_rss_mb(stack: Stack) -> dict[int, float]:
    return {pid: size for site in stack.sites for pid, size in site.worker_rss_mb().items()}


def _each(sizes: dict[int, float]) -> str:
    return ", ".join(f"{size:.1f}" for size in sizes.values())


if __name__ == "__main__":
    sys.exit(main())
