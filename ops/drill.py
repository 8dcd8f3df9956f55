"""`make drill`: the fault drill. Runs the production topology of ops/stack.py (nginx, two
gunicorn app servers with DEBUG off, a PostgreSQL primary and streaming replica, Redis) on
loopback under a bounded load. First, through nginx (ops/drill_topology.py): 50 slow clients
while readers browse; one app server killed; the replica stopped, then lagging while an editor
edits; the primary stopped while readers and an editor browse; Redis full. Then, on one app
server:

1. restarts PostgreSQL: while it is down, pages the cache holds are served and the others get
   the 503 "back soon" page; once it is up the app reconnects by itself (same workers);
2. stops Redis: every page is served, uncached; started again, the cache fills again;
3. kills a CSV import with SIGKILL halfway: the database holds nothing from it, and the same
   import run again completes.

It writes ops/drill-results.json (the topology phases' figures and whether all passed), prints
what it did and what it saw (requests, statuses, time to recover) and exits 1 if
anything went wrong: a 500, a request with no answer, a 503 outside the database's outage,
a recovery slower than RECOVERY_LIMIT, rows left by the killed import.

The stack is private (ops/stack.py): the drill's own PostgreSQL and Redis in a temporary
directory, so restarting them disturbs nothing else. Settings from the environment:
DRILL_CONNECTIONS (8), DRILL_OUTAGE_SECONDS (8), DRILL_IMPORT_ROWS (20000); for the topology
phases DRILL_READERS (8), DRILL_SLOW_CLIENTS (50), DRILL_PHASE_SECONDS (8).
"""

from __future__ import annotations

import datetime
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from ops import drill_topology as topology
from ops.load import Load, Sample, describe
from ops.stack import BASE_DIR, PYTHON, Site, Stack, discover_paths, log, private_stack

CONNECTIONS = int(os.environ.get("DRILL_CONNECTIONS") or 8)
OUTAGE_SECONDS = float(os.environ.get("DRILL_OUTAGE_SECONDS") or 8)
IMPORT_ROWS = int(os.environ.get("DRILL_IMPORT_ROWS") or 20_000)
STEADY_SECONDS = 6
RECOVERY_LIMIT = 30.0
RESULTS = Path(__file__).resolve().parent / "drill-results.json"


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    figures: dict[str, object] = field(default_factory=dict)

    def check(self, ok: bool, problem: str) -> None:
        if not ok:
            self.problems.append(problem)
            log(f"PROBLEM: {problem}")


class HealthProbe:
    """/healthz every quarter second: (sent, answered, status, body)."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.seen: list[tuple[float, float, int, dict]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> HealthProbe:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=15)

    def _run(self) -> None:
        while not self._stop.is_set():
            when = time.monotonic()
            try:
                status, _, body = self.site.get("/healthz")
                self.seen.append((when, time.monotonic(), status, json.loads(body or b"{}")))
            except (OSError, ValueError):
                self.seen.append((when, time.monotonic(), 0, {}))
            self._stop.wait(0.25)

    def first(self, after: float, status: int) -> float | None:
        return next(
            (answered for sent, answered, code, _ in self.seen if sent >= after and code == status),
            None,
        )


def uncached_ok_after(load: Load, moment: float) -> float | None:
    """When the first request sent after ``moment`` that had to reach the database got a 200."""
    return next(
        (s.ended for s in sorted(load.samples, key=lambda s: s.started)
         if s.started >= moment and s.uncached and s.status == 200),
        None,
    )  # fmt: skip


def wait_for(find, timeout: float) -> float | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = find()
        if found is not None:
            return found
        time.sleep(0.1)
    return None


def unexpected(samples: list[Sample], allowed: set[int]) -> Counter:
    return Counter(s.status for s in samples if s.status not in allowed)


# --- the phases ------------------------------------------------------------------------------


def baseline(load: Load, findings: Findings) -> None:
    log(f"baseline: {STEADY_SECONDS} s of load")
    start = time.monotonic()
    time.sleep(STEADY_SECONDS)
    seen = load.between(start, time.monotonic())
    log(f"  saw {describe(seen)}")
    findings.figures["baseline"] = describe(seen)
    findings.check(not unexpected(seen, {200}), f"baseline: statuses {unexpected(seen, {200})}")


def restart_postgres(stack: Stack, load: Load, probe: HealthProbe, findings: Findings) -> None:
    workers = stack.site.worker_pids()
    log(f"PostgreSQL: stopping it (fast shutdown) for {OUTAGE_SECONDS:.0f} s, under load")
    stopped = time.monotonic()
    stack.postgres.stop()
    time.sleep(OUTAGE_SECONDS)
    log("PostgreSQL: starting it again")
    stack.postgres.start()
    up = time.monotonic()
    recovered = wait_for(lambda: uncached_ok_after(load, up), RECOVERY_LIMIT * 2)
    healthy = wait_for(lambda: probe.first(up, 200), RECOVERY_LIMIT * 2)
    time.sleep(max(STEADY_SECONDS, 10))  # every worker's pool has reconnected by now
    end = time.monotonic()

    during = load.between(stopped, up)
    hits = sum(1 for s in during if s.status == 200)
    unavailable = sum(1 for s in during if s.status == 503)
    first_503 = next(
        (s.ended for s in sorted(during, key=lambda s: s.ended) if s.status == 503), None
    )
    health_down = probe.first(stopped, 503)
    since_up = load.between(up, end)
    late = [s.ended for s in since_up if s.status == 503]
    all_back = max(late, default=recovered or up)
    after = [s for s in since_up if s.started > all_back]
    log(f"  while down ({up - stopped:.1f} s): {describe(during)}")
    log(f"    {hits} pages answered from the cache (200), {unavailable} got the 503 page")
    if first_503 is not None:
        log(f"    first 503 {first_503 - stopped:.2f} s after the stop")
    if health_down is not None:
        log(f"    /healthz said 503 {health_down - stopped:.2f} s after the stop")
    if recovered is not None:
        log(f"  recovered: first uncached 200 {recovered - up:.2f} s after PostgreSQL was up")
    if healthy is not None:
        log(f"  /healthz 200 again {healthy - up:.2f} s after PostgreSQL was up")
    log(
        f"  every worker back: {len(late)} more 503s while the pools reconnected, the last"
        f" {all_back - up:.2f} s after PostgreSQL was up"
    )
    log(f"  after recovery: {describe(after)}")
    findings.figures["postgres"] = {
        "down_seconds": round(up - stopped, 1),
        "while_down": describe(during),
        "cached_200_while_down": hits,
        "503_while_down": unavailable,
        "recover_seconds": round(recovered - up, 2) if recovered else None,
        "healthz_recover_seconds": round(healthy - up, 2) if healthy else None,
        "503_after_up": len(late),
        "all_workers_back_seconds": round(all_back - up, 2),
        "after": describe(after),
    }
    # With the replica, readers' pages are served while the primary is away: the 503 side is
    # primary_down's (ops/drill_topology.py), with signed-in editors.
    findings.check(
        not unexpected(during, {200, 503}), f"while down: statuses {unexpected(during, {200, 503})}"
    )
    findings.check(health_down is not None, "/healthz never said 503 while PostgreSQL was down")
    findings.check(
        recovered is not None and recovered - up < RECOVERY_LIMIT,
        f"no uncached 200 within {RECOVERY_LIMIT * 2:.0f} s of PostgreSQL coming back",
    )
    findings.check(
        not unexpected(since_up, {200, 503}), f"since it is up: {unexpected(since_up, {200, 503})}"
    )
    findings.check(
        all_back - up < RECOVERY_LIMIT, f"503s until {all_back - up:.0f} s after it was up"
    )
    findings.check(not unexpected(after, {200}), f"after recovery: {unexpected(after, {200})}")
    findings.check(
        stack.site.worker_pids() == workers, "gunicorn's workers changed: the app restarted"
    )


def stop_redis(stack: Stack, load: Load, probe: HealthProbe, findings: Findings) -> None:
    log(f"Redis: stopping it for {OUTAGE_SECONDS:.0f} s, under load")
    stopped = time.monotonic()
    stack.redis.stop()
    time.sleep(OUTAGE_SECONDS)
    down_end = time.monotonic()
    log("Redis: starting it again (empty)")
    stack.redis.start()
    up = time.monotonic()
    cached_again = wait_for(
        lambda: next(
            (s.ended for s in list(load.samples) if s.started >= up and s.cache == "hit"), None
        ),
        RECOVERY_LIMIT * 2,
    )
    time.sleep(STEADY_SECONDS)
    end = time.monotonic()

    during = load.between(stopped, down_end)
    # sent a second after the stop and answered before the restart began
    settled = [s for s in during if s.started >= stopped + 1 and s.ended < down_end]
    served_uncached = sum(1 for s in settled if s.status == 200 and not s.cache)
    health = [
        body
        for sent, answered, _, body in probe.seen
        if sent >= stopped + 1 and answered < down_end
    ]
    degraded = sum(1 for body in health if body.get("status") == "degraded")
    after = load.between(up, end)
    log(f"  while down: {describe(during)}")
    log(f"    {served_uncached} of {len(settled)} answered in the outage served without the cache")
    log(f"    /healthz: {degraded} of {len(health)} checks said 'degraded' (and 200)")
    if cached_again is not None:
        log(f"  cache hits again {cached_again - up:.2f} s after Redis was up")
    log(f"  after: {describe(after)}")
    findings.figures["redis"] = {
        "while_down": describe(during),
        "served_uncached": served_uncached,
        "healthz_degraded": f"{degraded}/{len(health)}",
        "cache_hits_again_seconds": round(cached_again - up, 2) if cached_again else None,
        "after": describe(after),
    }
    findings.check(
        not unexpected(during, {200}), f"Redis down: statuses {unexpected(during, {200})}"
    )
    claimed = [(round(s.started - stopped, 2), s.cache) for s in settled if s.cache]
    findings.check(not claimed, f"pages claimed the cache while Redis was down: {claimed}")
    findings.check(health and degraded == len(health), "/healthz did not say 'degraded'")
    findings.check(cached_again is not None, "the cache did not serve again after Redis came back")
    findings.check(not unexpected(after, {200}), f"after Redis: {unexpected(after, {200})}")


def write_results_file(path: Path, rows: int) -> None:
    header = (
        "date,meet,race_name,city,country,venue,event,round,indoor,place,athlete,nationality,"
        "mark,status,flags,source_url\n"
    )
    day = datetime.date(2010, 1, 1)
    with path.open("w", encoding="utf-8") as out:
        out.write(header)
        for row in range(rows):
            race, place = divmod(row, 12)
            date = day + datetime.timedelta(days=race // 4)
            runner = (race * 7 + place * 13) % 3000
            mark = f"3:{30 + place:02d}.{race % 100:02d}"
            out.write(
                f"{date},Drill Meet {race // 4},Heat {race % 4 + 1},Drilltown,NOR,Drill Park,"
                f"1500m,heat {race % 4 + 1},false,{place + 1},Drill Runner {runner},NOR,{mark},,,\n"
            )


def table_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                " AND (table_name LIKE 'athletes%%' OR table_name LIKE 'rivalries%%')"
            )
        ]
        return {
            table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for table in sorted(tables)
        }


def kill_an_import(stack: Stack, findings: Findings) -> None:
    path = stack.directory / "drill-results.csv"
    write_results_file(path, IMPORT_ROWS)
    command = [PYTHON, "manage.py", "import_results", str(path), "--create-athletes"]
    log(f"import: timing a dry run of {IMPORT_ROWS:,} rows (new meets, races, athletes)")
    started = time.monotonic()
    dry = subprocess.run(
        [*command, "--dry-run"], cwd=BASE_DIR, env=stack.site.env, capture_output=True, text=True
    )
    took = time.monotonic() - started
    if dry.returncode != 0:
        findings.check(False, f"the drill's import file does not import: {dry.stderr[-500:]}")
        return
    log(f"  the dry run took {took:.1f} s")
    before = table_counts(stack.postgres.url)
    process = subprocess.Popen(
        command, cwd=BASE_DIR, env=stack.site.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    time.sleep(took / 2)
    alive = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait()
    state = "running" if alive else "done"
    log(f"  killed the import with SIGKILL {took / 2:.1f} s in (it was {state})")
    time.sleep(1)  # the server notices the closed connection and rolls back
    after = table_counts(stack.postgres.url)
    changed = {
        table: (before[table], after[table]) for table in before if before[table] != after[table]
    }
    with psycopg.connect(stack.postgres.url) as conn:
        leftovers = conn.execute(
            "SELECT count(*) FROM athletes_meet WHERE name LIKE 'Drill Meet%%'"
        ).fetchone()[0]
        open_transactions = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%%'"
        ).fetchone()[0]
    log(f"  rows in every table as before: {not changed}; drill meets in the database: {leftovers}")
    log(f"  transactions left open: {open_transactions}")
    started = time.monotonic()
    rerun = subprocess.run(
        command, cwd=BASE_DIR, env=stack.site.env, capture_output=True, text=True
    )
    again = time.monotonic() - started
    log(f"  the same import run again: exit {rerun.returncode} in {again:.1f} s")
    results = re.search(r"results: (\d+) created", rerun.stdout)
    findings.figures["import"] = {
        "rows": IMPORT_ROWS,
        "dry_run_seconds": round(took, 1),
        "killed_after_seconds": round(took / 2, 1),
        "was_running": alive,
        "tables_changed": changed,
        "leftover_meets": leftovers,
        "rerun_results_created": int(results.group(1)) if results else None,
    }
    findings.check(alive, "the import had finished before the kill: raise DRILL_IMPORT_ROWS")
    findings.check(not changed and not leftovers, f"the killed import left rows: {changed}")
    findings.check(open_transactions == 0, "a transaction was left open")
    findings.check(rerun.returncode == 0, f"the import run again failed: {rerun.stderr[-500:]}")


def topology_phases(stack: Stack, paths: list[str], findings: Findings) -> dict[str, dict]:
    """Through nginx: slow clients, an app server killed, the replica and the primary away,
    Redis full (ops/drill_topology.py)."""
    check = findings.check
    return {
        "slow_clients": topology.slow_clients(stack, paths, check),
        "app_server_killed": topology.app_server_killed(stack, paths, check),
        "replica_down": topology.replica_down(stack, paths, check),
        "replica_lag": topology.replica_lag(stack, check),
        "primary_down": topology.primary_down(stack, paths, check),
        "redis_full": topology.redis_full(stack, paths, check),
    }


def main() -> int:
    findings = Findings()
    with private_stack("drill") as stack:
        paths = discover_paths(stack.site)
        results = topology_phases(stack, paths, findings)
        log(f"load: {CONNECTIONS} connections over {len(paths)} pages, a quarter of them uncached")
        load = Load(stack.site.port, paths, concurrency=CONNECTIONS, uncached=0.25).start()
        probe = HealthProbe(stack.site).start()
        started = time.monotonic()
        try:
            baseline(load, findings)
            restart_postgres(stack, load, probe, findings)
            stop_redis(stack, load, probe, findings)
            kill_an_import(stack, findings)
        finally:
            load.stop()
            probe.stop()
        everything = list(load.samples)
        log(f"in all, {time.monotonic() - started:.0f} s: {describe(everything)}")
        tracebacks = stack.site.errors_logged()
        log(f"tracebacks in gunicorn's log: {tracebacks}")
        findings.check(tracebacks == 0, f"{tracebacks} tracebacks in gunicorn's log")
        no_answer = [s for s in everything if s.status == 0]
        findings.check(not no_answer, f"{len(no_answer)} requests got no answer: {no_answer[:3]}")
        findings.check(
            not unexpected(everything, {200, 503}), f"statuses {unexpected(everything, {200, 503})}"
        )
        findings.figures["total"] = describe(everything)
    print(json.dumps(findings.figures, indent=1))
    results["passed"] = not findings.problems
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    log(f"wrote {RESULTS.relative_to(BASE_DIR)}")
    if findings.problems:
        print("DRILL FAILED:\n- " + "\n- ".join(findings.problems))
        return 1
    print("DRILL PASSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
