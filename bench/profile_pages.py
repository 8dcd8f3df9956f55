"""Where a page's time goes: ``python -m bench.profile_pages DATABASE [PAGE ...]``.

Runs each benchmarked page in this process (Django's test client, the page cache off) against
a database that ``make bench`` made and kept (``python -m bench.run --keep``), and prints per
page: wall and CPU time, the SQL statements with their total time, and the CPU time split by
where it is spent (SQL building in the ORM, waiting on PostgreSQL, templates, our own code,
the rest of Django), from ``cProfile``. ``--explain MS`` also prints the plan of each statement
slower than MS milliseconds.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import sys
import time
from collections import defaultdict

AREAS = [  # (area, a substring of the file path); the first that matches wins
    ("waiting on PostgreSQL", "/psycopg"),
    ("ORM: building SQL, making objects", "/django/db/"),
    ("templates", "/django/template"),
    ("our code", "/work/main/"),
    ("Django, other", "/django/"),
]


def area_of(filename: str) -> str:
    for area, marker in AREAS:
        if marker in filename:
            return area
    return "Python, other"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", help="e.g. rivalries_bench_l")
    parser.add_argument("pages", nargs="*", help="timeline, h2h, ... (default: all)")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--explain", type=float, default=None, metavar="MS")
    args = parser.parse_args()

    base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432")
    os.environ["DATABASE_URL"] = f"{base.rstrip('/')}/{args.database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["PAGE_CACHE"] = "false"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("HTTPS", "false")  # the test client speaks plain HTTP
    os.environ.setdefault("SECRET_KEY", "bench-profile-only-" + "x" * 40)
    os.environ.pop("REDIS_URL", None)
    import django  # after the environment is set

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.run import pick_targets

    targets = pick_targets(args.database)
    client = Client()
    cursor = None
    path = f"/api/v1/rivalries/{targets.rivalry}/timeline/"
    for _ in range(10):
        following = json.loads(client.get(path).content).get("next")
        if not following:
            break
        path, cursor = following, re.search(r"cursor=([^&]+)", following).group(1)
    htmx = {"HX-Request": "true"}
    pages = {
        "timeline": (f"/rivalries/{targets.rivalry}/", {}),
        "timeline_deep": (f"/rivalries/{targets.rivalry}/?cursor={cursor}", htmx),
        "h2h": (f"/h2h/{targets.a}/vs/{targets.b}/", {}),
        "h2h_json": (f"/api/v1/h2h/{targets.a}/{targets.b}/", {}),
        "athlete": (f"/athletes/{targets.a}/", {}),
        "race": (f"/races/{targets.race_id}/", {}),
        "search": (f"/search/?q={targets.search}", {}),
    }
    for name, (path, headers) in pages.items():
        if args.pages and name not in args.pages:
            continue
        for _ in range(3):
            client.get(path, headers=headers)
        profiler = cProfile.Profile()
        wall, cpu = time.perf_counter(), time.process_time()
        profiler.enable()
        for _ in range(args.runs):
            client.get(path, headers=headers)
        profiler.disable()
        wall = (time.perf_counter() - wall) / args.runs * 1000
        cpu = (time.process_time() - cpu) / args.runs * 1000
        with CaptureQueriesContext(connection) as queries:
            client.get(path, headers=headers)
        sql_ms = sum(float(query["time"]) for query in queries.captured_queries) * 1000
        print(
            f"\n{name} {path}\n  {wall:.1f} ms a request ({cpu:.1f} ms CPU in this process);"
            f" {len(queries)} SQL statements, {sql_ms:.1f} ms by the client's clock"
        )
        by_area: dict[str, float] = defaultdict(float)
        for (filename, _, _), (_, _, tottime, _, _) in pstats.Stats(profiler).stats.items():
            by_area[area_of(filename)] += tottime
        total = sum(by_area.values()) or 1
        for area, seconds in sorted(by_area.items(), key=lambda item: -item[1]):
            share = seconds / args.runs * 1000
            print(f"    {area:<36}{share:7.1f} ms  {seconds / total:4.0%}")
        if args.explain is not None:
            explain(connection, queries.captured_queries, args.explain)


def explain(connection, captured: list[dict], slower_than_ms: float) -> None:
    for query in captured:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        spent = float(re.search(r"Execution Time: ([0-9.]+)", plan).group(1))
        if spent >= slower_than_ms:
            print(f"    -- {spent:.1f} ms: {sql[:240]}")
            print("       " + plan.replace("\n", "\n       "))


if __name__ == "__main__":
    sys.exit(main())
