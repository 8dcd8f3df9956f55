"""``make bench``: how fast the site is at three sizes of data, served the production way.

For each size (S: the demo; M: about 2,000 athletes, 20,000 races, 300,000 results, 20,000
quotes, 200 rivalries; L: ten times M; ``--quick`` runs only M and L, shrunk twentyfold, with
shorter loops and a 20,000-row import), it:

1. makes a scratch PostgreSQL database (``rivalries_bench_<size>``) from a migrated template
   and fills it: S with ``load_demo``, M and L with ``bench.generate`` (COPY) and then
   ``manage.py count_pairs``;
2. serves it with gunicorn (``gunicorn.conf.py``), whitenoise, the psycopg pool and Redis
   (database 15 of the local Redis, flushed first), DEBUG off, settings from the environment
   (``bench.settings`` adds a trivial view and a ``Server-Timing`` header);
3. measures each page from this process: SQL queries, gzip-compressed bytes, server time
   p50/p95 (sequential requests) and requests per second (``wrk``, 8 connections), uncached
   (every request carries a unique ``_bust`` parameter, so it misses the page cache and
   renders) and cached (the same URL again and again: page cache hits); then every other
   public page uncached, a few requests each, so that none can grow unseen.

The ceiling is a trivial Django view (the whole middleware stack, no cache lookup, no query)
and a static file on the same server; the trivial view is measured again right after each page,
and the page's ratio uses that pairing, so a machine shared with other work skews both alike.
Also the import speed of a generated 100,000-row results CSV into a fresh database (first,
while PostgreSQL is quiet), worker RSS (the largest gunicorn worker after the size's run), and
the L/M growth of uncached p95. Prints a table and writes ``bench/results.json`` (DESIGN.md,
"Benchmarks").
Everything runs on loopback; every loop is bounded in requests and seconds.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import json
import os
import platform
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import psycopg
import redis

from bench.generate import generate, write_results_csv
from bench.load import bust, fetch, server_times, throughput, wrk_path
from ops.stack import Front

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
TEMPLATE_DB = "rivalries_bench_template"
IMPORT_DB = "rivalries_bench_import"
HTMX = {"HX-Request": "true"}
PAGES = ("timeline", "timeline_deep", "h2h", "h2h_json", "athlete", "race", "search")


@dataclass(frozen=True)
class Plan:
    """How much to do: the full run, or ``--quick`` (under two minutes)."""

    quick: bool
    scales: dict[str, float | None]
    """Size -> ``generate`` scale; None is the demo."""
    wrk_seconds: float
    connections: int
    latency_count: int
    latency_seconds: float
    import_rows: int


FULL = Plan(False, {"S": None, "M": 1.0, "L": 10.0}, 6, 8, 200, 12, 100_000)
QUICK = Plan(True, {"M": 0.05, "L": 0.5}, 1, 8, 20, 2, 20_000)


@dataclass
class PageResult:
    page: str
    size: str
    cached: bool
    p50_ms: float
    p95_ms: float
    rps: float
    ratio_to_ceiling: float
    queries: int
    html_bytes_gz: int


@dataclass
class Run:
    plan: Plan
    notes: list[str] = field(default_factory=list)
    load: list[str] = field(default_factory=list)
    """The machine's load average at the start and the end: others may be using it."""
    pages: list[PageResult] = field(default_factory=list)
    trivial_rps: list[float] = field(default_factory=list)
    """The trivial view's rate, measured right after each page's (and once per size)."""
    static_rps: list[float] = field(default_factory=list)
    through_nginx: list[dict[str, Any]] = field(default_factory=list)
    first_visit: dict[str, int] = field(default_factory=dict)
    rss_mb: dict[str, float] = field(default_factory=dict)
    imported: dict[str, Any] = field(default_factory=dict)
    import_rss_mb: dict[str, float] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    other_pages: dict[str, dict[str, float]] = field(default_factory=dict)
    """Every other public page: label -> size -> median uncached server time (ms)."""


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- databases ---------------------------------------------------------------------------------


def dsn(name: str) -> str:
    return f"{PG_URL}/{name}"


def admin_execute(*statements: str) -> None:
    with psycopg.connect(dsn("postgres"), autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


def recreate(name: str, template: str | None = None) -> None:
    admin_execute(
        f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
        f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""),
    )


def drop(name: str) -> None:
    admin_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def manage(*args: str, database: str, settings: str = "rivalries.settings") -> str:
    env = site_env(database, settings=settings)
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def site_env(database: str, *, settings: str = "bench.settings", port: int = 0) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "PAGE_CACHE", "WEB_CONCURRENCY"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": settings,
        "DATABASE_URL": dsn(database),
        "REDIS_URL": REDIS_URL,
        "DEBUG": "false",
        "SECRET_KEY": BENCH_SECRET,
        "HTTPS": "false",  # wrk and the sweep speak plain HTTP to 127.0.0.1
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "PYTHONPATH": str(ROOT),
        # Errors only: the sweep's 404 page would log a "Not Found" warning per request.
        "LOG_LEVEL": "ERROR",
    }
    if os.environ.get("WEB_CONCURRENCY"):
        env["WEB_CONCURRENCY"] = os.environ["WEB_CONCURRENCY"]
    return env


BENCH_SECRET = secrets.token_urlsafe(50)


def prepare_template() -> None:
    log(f"migrating the template database {TEMPLATE_DB}")
    recreate(TEMPLATE_DB)
    manage("migrate", "--noinput", database=TEMPLATE_DB)


def fill(size: str, scale: float | None, database: str, run: Run) -> None:
    recreate(database, TEMPLATE_DB)
    started = time.perf_counter()
    if scale is None:
        manage("load_demo", database=database)
        with psycopg.connect(dsn(database), autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
    else:
        run.counts[size] = generate(dsn(database), scale).counts
        counting = time.perf_counter()
        manage("count_pairs", database=database)  # load_demo counts the demo's itself
        run.notes.append(
            f"size {size}: manage.py count_pairs took {time.perf_counter() - counting:.1f} s"
        )
    log(f"size {size}: data ready in {time.perf_counter() - started:.1f} s")


@dataclass(frozen=True)
class Targets:
    """What the pages of one size are about: the busiest two-member rivalry (up to 60
    meetings, so M and L pages have the same shape), its members and their latest race that
    quotes are linked to (so the race page shows quotes at every size, not at one only)."""

    rivalry: str
    a: str
    b: str
    race_id: int
    search: str


def pick_targets(database: str) -> Targets:
    with psycopg.connect(dsn(database)) as connection:
        row = connection.execute(
            """
            WITH pairs AS (
                SELECT r.slug, min(m.athlete_id) AS a, max(m.athlete_id) AS b
                FROM rivalries_rivalry r JOIN rivalries_rivalrymember m ON m.rivalry_id = r.id
                WHERE r.published GROUP BY r.id, r.slug HAVING count(*) = 2
            ), met AS (
                SELECT p.slug, p.a, p.b, count(*) AS meetings,
                    coalesce(
                        max(x.race_id) FILTER (WHERE EXISTS (
                            SELECT 1 FROM rivalries_quote q WHERE q.race_id = x.race_id
                        )),
                        max(x.race_id)
                    ) AS race_id
                FROM pairs p
                JOIN athletes_result x ON x.athlete_id = p.a
                JOIN athletes_result y ON y.athlete_id = p.b AND y.race_id = x.race_id
                GROUP BY p.slug, p.a, p.b
            )
            SELECT slug, a, b, race_id FROM met
            ORDER BY meetings <= 60 DESC, meetings DESC, slug LIMIT 1
            """
        ).fetchone()
        if row is None:
            raise SystemExit(f"{database} has no published two-member rivalry whose rivals met")
        slug, a, b, race_id = row
        (member_order,) = connection.execute(
            "SELECT athlete_id FROM rivalries_rivalrymember WHERE rivalry_id ="
            ' (SELECT id FROM rivalries_rivalry WHERE slug = %s) ORDER BY "order", id LIMIT 1',
            [slug],
        ).fetchone()
        if member_order == b:
            a, b = b, a
        slugs = dict(
            connection.execute(
                "SELECT id, slug FROM athletes_athlete WHERE id IN (%s, %s)", [a, b]
            ).fetchall()
        )
        (name,) = connection.execute(
            "SELECT name FROM athletes_athlete WHERE id = %s", [a]
        ).fetchone()
    given, _, surname = name.rpartition(" ")
    middle = len(surname) // 2
    # A letter dropped, as readers misspell: "Jakob Ingebrigsen". The whole name, so that the
    # search finds the athlete by similarity at every size (a short surname alone may not).
    misspelt = f"{given} {surname[:middle]}{surname[middle + 1 :]}".strip()
    return Targets(slug, slugs[a], slugs[b], race_id, misspelt)


# --- the server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    port: int
    process: subprocess.Popen

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            match = re.search(r"VmRSS:\s+(\d+) kB", status)
            if match:
                sizes.append(round(int(match.group(1)) / 1024, 1))
        return sizes


@contextmanager
def serve(database: str):

    port = free_port()
    env = site_env(database, port=port)
    process = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    server = Server(port, process)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {process.returncode}")
            try:
                if fetch(port, "/_bench/trivial/").status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not answer within 60 s")
            time.sleep(0.2)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def check_services() -> None:
    """PostgreSQL and Redis answer, or a message that says what to start."""
    try:
        admin_execute("SELECT 1")
    except psycopg.OperationalError as error:
        raise SystemExit(
            f"PostgreSQL does not answer at {PG_URL} ({error}): start it, or set"
            " BENCH_DATABASE_URL to a server where this user may create databases"
        ) from None
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as error:
        raise SystemExit(
            f"Redis does not answer at {REDIS_URL} ({error}): start it, or set BENCH_REDIS_URL"
            " (its database is flushed)"
        ) from None


def flush_redis() -> None:
    redis.Redis.from_url(REDIS_URL).flushdb()


# --- measuring ---------------------------------------------------------------------------------


def gz_size(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6))


class _Assets(HTMLParser):
    """The stylesheets, scripts, images and icons a page makes the browser fetch."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "img") and values.get("src"):
            self.urls.append(values["src"] or "")
        elif tag == "link" and values.get("href"):
            rel = (values.get("rel") or "").lower()
            if any(word in rel for word in ("stylesheet", "icon", "preload", "modulepreload")):
                self.urls.append(values["href"] or "")


def first_visit(port: int, path: str, run: Run) -> dict[str, int]:
    """Compressed bytes of a first visit: the HTML (gzip) and each asset as served (whitenoise
    serves its own .gz); an asset on another host is noted, as the design allows none."""

    page = fetch(port, path)
    parser = _Assets()
    parser.feed(page.body.decode())
    sizes = {"html": gz_size(page.body)}
    for url in parser.urls:
        parts = urlsplit(url)
        if parts.netloc and parts.netloc not in {f"127.0.0.1:{port}", "localhost"}:
            run.notes.append(f"the timeline loads {url} from another host")
            continue
        asset = fetch(port, parts.path, {"Accept-Encoding": "gzip"})
        if asset.status != 200:
            run.notes.append(f"the timeline's asset {url} answered {asset.status}")
            continue
        compressed = asset.headers.get("content-encoding") == "gzip"
        sizes[parts.path] = len(asset.body) if compressed else gz_size(asset.body)
    return sizes


def measure_size(size: str, scale: float | None, run: Run, *, keep: bool) -> None:

    plan = run.plan
    database = f"rivalries_bench_{size.lower()}"
    fill(size, scale, database, run)
    targets = pick_targets(database)
    flush_redis()
    with serve(database) as server:
        port = server.port
        deep = deep_cursor(port, targets.rivalry)
        pages = {
            "timeline": (f"/rivalries/{targets.rivalry}/", {}),
            "timeline_deep": (f"/rivalries/{targets.rivalry}/?cursor={deep}", HTMX),
            "h2h": (f"/h2h/{targets.a}/vs/{targets.b}/", {}),
            "h2h_json": (f"/api/v1/h2h/{targets.a}/{targets.b}/", {}),
            "athlete": (f"/athletes/{targets.a}/", {}),
            "race": (f"/races/{targets.race_id}/", {}),
            "search": (f"/search/?q={quote(targets.search)}", {}),
        }
        if deep is None:
            del pages["timeline_deep"]
            run.notes.append(f"size {size}: the timeline has one page: no deep page")
        for name, (path, headers) in list(pages.items()):
            status = fetch(port, path, headers).status
            if status != 200:
                run.notes.append(f"size {size}: {name} {path} answered {status}: skipped")
                del pages[name]
        # Warm every worker: code paths, pool connections, each new PostgreSQL backend's
        # catalogue. Three requests a worker, as the workers take them in no set order: with
        # fewer, a worker's first request of a page (120 ms at L, then 30) fell among QUICK's
        # twenty timed ones and became their p95.
        for path, headers in pages.values():
            server_times(port, path, headers=headers, uncached=True, count=15, max_seconds=5)
        run.static_rps.append(measure_static(port, pages["timeline"][0], plan))
        run.trivial_rps.append(measure_trivial(port, plan))
        for name, (path, headers) in pages.items():
            log(f"size {size}: {name} {path}")
            counted = {**headers, "X-Bench-Queries": "1"}
            # The least of a few: a new connection first looks up two PostgreSQL types.
            uncached_queries = min(
                int(fetch(port, bust(path, f"queries-{n}"), counted).headers["x-queries"])
                for n in range(3)
            )
            body = fetch(port, path, headers).body
            cached_queries = int(fetch(port, path, counted).headers["x-queries"])
            html_gz = gz_size(body)
            measured = []
            for cached in (False, True):
                times = server_times(
                    port,
                    path,
                    headers=headers,
                    uncached=not cached,
                    count=plan.latency_count,
                    max_seconds=plan.latency_seconds,
                )
                if cached and times.hits < times.count:
                    run.notes.append(
                        f"size {size}: {name}: {times.count - times.hits} of {times.count}"
                        " cached requests missed the cache"
                    )
                rate = throughput(
                    port,
                    path,
                    headers=headers,
                    uncached=not cached,
                    seconds=plan.wrk_seconds,
                    connections=plan.connections,
                )
                if rate.errors:
                    run.notes.append(f"size {size}: {name}: {rate.errors} errors under load")
                measured.append((cached, times, rate.rps))
            # The ceiling right after the page, so that both see the same machine (others may
            # be using it too).
            trivial = measure_trivial(port, plan)
            run.trivial_rps.append(trivial)
            for cached, times, rps in measured:
                run.pages.append(
                    PageResult(
                        page=name,
                        size=size,
                        cached=cached,
                        p50_ms=times.p50_ms,
                        p95_ms=times.p95_ms,
                        rps=rps,
                        ratio_to_ceiling=round(rps / trivial, 3),
                        queries=cached_queries if cached else uncached_queries,
                        html_bytes_gz=html_gz,
                    )
                )
        measure_nginx(server, size, {name: pages[name][0] for name in ("timeline", "h2h")}, run)
        sweep(port, size, database, targets, run)
        run.first_visit = first_visit(port, pages["timeline"][0], run)
        run.rss_mb[size] = max(server.worker_rss_mb(), default=0.0)
    if not keep:
        drop(database)


def deep_cursor(port: int, rivalry: str, max_pages: int = 10) -> str | None:
    """The cursor of the deepest "load more" page within ``max_pages`` (the last one)."""

    path = f"/api/v1/rivalries/{rivalry}/timeline/"
    cursor = None
    for _ in range(max_pages):
        following = json.loads(fetch(port, path).body).get("next")
        if not following:
            break
        path = following
        cursor = re.search(r"cursor=([^&]+)", following).group(1)
    return cursor


def other_pages(database: str, targets: Targets) -> dict[str, str]:
    """Every public page the table does not time, so that none can grow unseen."""
    with psycopg.connect(dsn(database)) as connection:
        (quote_id,) = connection.execute("SELECT max(id) FROM rivalries_quote").fetchone()
    pages = {
        "home": "/",
        "rivalries": "/rivalries/",
        "feed": f"/rivalries/{targets.rivalry}/feed/",
        "athletes": "/athletes/",
        "athletes B": "/athletes/?letter=B",
        "quote": f"/quotes/{quote_id}/",
        "timelinejs": f"/api/v1/rivalries/{targets.rivalry}/timeline/?format=timelinejs",
        "sitemap": "/sitemap.xml",
        "sitemap athletes": "/sitemap-athletes.xml",
        "404": "/no-such-page/",
    }
    if quote_id is None:
        del pages["quote"]
    return pages


def sweep(port: int, size: str, database: str, targets: Targets, run: Run) -> None:
    """The median server time of each other page, uncached (a few requests each)."""
    count = 3 if run.plan.quick else 7
    for label, path in other_pages(database, targets).items():
        times = server_times(
            port, path, uncached=True, count=count, max_seconds=10, statuses=(200, 404)
        )
        run.other_pages.setdefault(label, {})[size] = times.p50_ms


def measure_trivial(port: int, plan: Plan) -> float:
    """Requests per second of a Django view that does nothing (no cache, no database)."""
    rate = throughput(
        port,
        "/_bench/trivial/",
        uncached=False,
        seconds=plan.wrk_seconds,
        connections=plan.connections,
    )
    return rate.rps


def measure_static(port: int, timeline_path: str, plan: Plan) -> float:
    """Requests per second of the timeline's stylesheet, as whitenoise serves it."""
    html = fetch(port, timeline_path).body.decode()
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', html)
    static_path = stylesheet.group(1) if stylesheet else "/static/css/site.css"
    return throughput(
        port, static_path, uncached=False, seconds=plan.wrk_seconds, connections=plan.connections
    ).rps


def measure_nginx(server: Server, size: str, paths: dict[str, str], run: Run) -> None:
    """Cached pages through nginx (ops/nginx.conf, as in production) against nginx's own ceiling:
    the stylesheet it serves from disk. A ratio near 1 means a cached page costs a reader no
    more than a static file; the app server behind it is the one measured above."""
    plan = run.plan
    with tempfile.TemporaryDirectory(prefix="bench-nginx-") as directory:
        front = Front(
            Path(directory),
            [f"127.0.0.1:{server.port}"],
            static_root=ROOT / "bench" / "staticfiles",
            ready_path="/_bench/trivial/",
        )
        front.start()
        try:
            static_rps = measure_static(front.port, paths["timeline"], plan)
            for name, path in paths.items():
                fetch(front.port, path)  # into nginx's cache
                rate = throughput(
                    front.port,
                    path,
                    uncached=False,
                    seconds=plan.wrk_seconds,
                    connections=plan.connections,
                )
                if rate.errors:
                    run.notes.append(f"size {size}: {name} through nginx: {rate.errors} errors")
                run.through_nginx.append(
                    {
                        "page": name,
                        "size": size,
                        "rps": rate.rps,
                        "static_file_rps": static_rps,
                        "ratio_to_static": round(rate.rps / static_rps, 3) if static_rps else 0.0,
                    }
                )
        finally:
            front.stop()


IMPORT_GROWTH = 5
"""The memory check imports a file this many times larger too: its peak must not grow with it."""


def measure_import(run: Run) -> None:
    """Rows per second of a ``plan.import_rows`` file into a new database, and the importer's
    peak memory for it and for a file ``IMPORT_GROWTH`` times larger."""
    with tempfile.TemporaryDirectory() as folder:
        for rows_wanted in (run.plan.import_rows, run.plan.import_rows * IMPORT_GROWTH):
            path = Path(folder) / f"results-{rows_wanted}.csv"
            rows = write_results_csv(str(path), rows_wanted)
            recreate(IMPORT_DB, TEMPLATE_DB)
            log(f"importing {rows} rows through athletes.importing.import_results")
            result = subprocess.run(
                [PYTHON, "-m", "bench.importspeed", str(path)],
                cwd=ROOT,
                env=site_env(IMPORT_DB, settings="rivalries.settings"),
                capture_output=True,
                text=True,
            )
            if result.returncode:
                raise SystemExit(f"the import failed:\n{result.stdout}\n{result.stderr}")
            measured = json.loads(result.stdout.strip().splitlines()[-1])
            run.import_rss_mb[str(rows)] = measured["max_rss_mb"]
            if not run.imported:
                run.imported = measured
            path.unlink()
    drop(IMPORT_DB)


# --- the report ---------------------------------------------------------------------------------


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def machine() -> dict[str, Any]:
    memory_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    with psycopg.connect(dsn("postgres")) as connection:
        (postgres,) = connection.execute("SHOW server_version").fetchone()
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "postgres": postgres.split()[0],
    }


def largest_size(plan: Plan) -> str:
    """The size the targets are checked at: L, or the largest that ran."""
    return [size for size in ("S", "M", "L") if size in plan.scales][-1]


def growth(run: Run) -> dict[str, float]:
    largest = largest_size(run.plan)
    if largest == "M" or "M" not in run.plan.scales:
        return {}
    p95 = {(r.page, r.size): r.p95_ms for r in run.pages if not r.cached}
    return {
        page: round(p95[(page, largest)] / p95[(page, "M")], 2)
        for page in PAGES
        if (page, largest) in p95 and (page, "M") in p95 and p95[(page, "M")] > 0
    }


def results_json(run: Run, started: datetime.datetime) -> dict[str, Any]:
    return {
        "date": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "quick": run.plan.quick,
        "ceiling": {
            "trivial_view_rps": round(statistics.median(run.trivial_rps), 1),
            "static_file_rps": round(statistics.median(run.static_rps), 1),
        },
        "pages": [vars(page) for page in run.pages],
        "through_nginx": run.through_nginx,
        "growth": growth(run),
        "first_visit_bytes_gz": sum(run.first_visit.values()),
        "import_rows_per_s": run.imported.get("rows_per_s", 0.0),
        "import_rss_mb": run.import_rss_mb,
        "worker_rss_mb": max(run.rss_mb.values(), default=0.0),
        "other_pages_ms": run.other_pages,
    }


def table(result: dict[str, Any], run: Run) -> str:
    m = result["machine"]
    lines = [
        f"Rivalries benchmark, {result['date']},"
        f" {'QUICK (M and L shrunk 20x)' if run.plan.quick else 'full'}",
        f"machine: {m['cpus']} CPUs, {m['memory_gb']} GB, Python {m['python']},"
        f" PostgreSQL {m['postgres']}; gunicorn sync workers, Redis cache,"
        f" wrk -c{run.plan.connections}; load average at start and end: {', '.join(run.load)}",
        f"ceiling: trivial Django view {result['ceiling']['trivial_view_rps']:.0f} rps,"
        f" static file {result['ceiling']['static_file_rps']:.0f} rps (medians; each page's"
        " 'x ceil' divides by the trivial view's rate measured right after it)",
        "",
        f"{'page':<14}{'size':<5}{'queries':>8}{'html gz':>9}"
        f"{'uncached p50':>14}{'p95':>8}{'rps':>8}{'x ceil':>8}"
        f"{'cached p50':>12}{'p95':>7}{'rps':>8}{'x ceil':>8}",
    ]
    rows: dict[tuple[str, str], dict[bool, dict]] = {}
    for page in result["pages"]:
        rows.setdefault((page["page"], page["size"]), {})[page["cached"]] = page
    for size in run.plan.scales:
        for name in PAGES:
            pair = rows.get((name, size))
            if not pair or False not in pair or True not in pair:
                continue
            u, c = pair[False], pair[True]
            lines.append(
                f"{name:<14}{size:<5}{u['queries']:>8}{u['html_bytes_gz'] / 1024:>8.1f}K"
                f"{u['p50_ms']:>12.1f}ms{u['p95_ms']:>6.1f}ms{u['rps']:>8.0f}"
                f"{u['ratio_to_ceiling']:>8.2f}"
                f"{c['p50_ms']:>10.2f}ms{c['p95_ms']:>5.2f}ms{c['rps']:>8.0f}"
                f"{c['ratio_to_ceiling']:>8.2f}"
            )
    largest = largest_size(run.plan)
    lines += [
        "",
        f"growth of uncached p95, {largest}/M: "
        + ", ".join(f"{page} {ratio:.2f}" for page, ratio in result["growth"].items()),
        f"first visit to a timeline ({largest}):"
        f" {result['first_visit_bytes_gz'] / 1024:.1f} KB gz ("
        + ", ".join(f"{name} {size / 1024:.1f}" for name, size in run.first_visit.items())
        + ")",
        f"import: {result['import_rows_per_s']:,.0f} rows/s ({run.imported.get('rows', 0):,} rows"
        f" in {run.imported.get('seconds', 0)} s, new database, --create-athletes)",
        "import peak memory: "
        + ", ".join(f"{int(rows):,} rows {mb:.0f} MB" for rows, mb in run.import_rss_mb.items()),
        "worker RSS after the run: "
        + ", ".join(f"{size} {mb:.0f} MB" for size, mb in run.rss_mb.items())
        + " (largest worker)",
        "cached pages through nginx, rps and x nginx's static file: "
        + ", ".join(
            f"{row['page']} {row['size']} {row['rps']:.0f} ({row['ratio_to_static']:.2f})"
            for row in result["through_nginx"]
        ),
    ]
    sizes = list(run.plan.scales)
    lines.append(
        "other pages, uncached median ("
        + "/".join(sizes)
        + " ms): "
        + ", ".join(
            f"{label} " + "/".join(f"{times.get(size, 0):.0f}" for size in sizes)
            for label, times in result["other_pages_ms"].items()
        )
    )
    for size, counts in run.counts.items():
        lines.append(
            f"size {size}: "
            + ", ".join(
                f"{counts.get(table, 0):,} {label}"
                for table, label in [
                    ("athletes_athlete", "athletes"),
                    ("athletes_race", "races"),
                    ("athletes_result", "results"),
                    ("rivalries_quote", "quotes"),
                    ("rivalries_rivalry", "rivalries"),
                ]
            )
        )
    lines += ["", "targets:", *target_lines(result, largest)]
    lines += [f"note: {note}" for note in run.notes]
    return "\n".join(lines)


def target_lines(result: dict[str, Any], largest: str) -> list[str]:
    def verdict(ok: bool) -> str:
        return "met   " if ok else "MISSED"

    lines = []
    for page, ratio in result["growth"].items():
        lines.append(f"  {verdict(ratio <= 1.25)} growth {page} {largest}/M {ratio:.2f} (<= 1.25)")
    limits = {"h2h_json": 25, "timeline": 40, "athlete": 40, "search": 50}
    for row in result["pages"]:
        if row["size"] == largest and not row["cached"] and row["page"] in limits:
            limit = limits[row["page"]]
            lines.append(
                f"  {verdict(row['p95_ms'] < limit)} uncached p95 {row['page']} at {largest}"
                f" {row['p95_ms']:.1f} ms (< {limit} ms)"
            )
    for row in result["pages"]:
        if row["cached"] and row["size"] == largest:
            lines.append(
                f"  {verdict(row['ratio_to_ceiling'] >= 0.6)} cached {row['page']} at {largest}"
                f" {row['ratio_to_ceiling']:.2f} of the trivial view's rps (>= 0.60)"
            )
    first = result["first_visit_bytes_gz"]
    lines.append(f"  {verdict(first < 60 * 1024)} first visit {first / 1024:.1f} KB (< 60 KB)")
    rate = result["import_rows_per_s"]
    lines.append(f"  {verdict(rate >= 5000)} import {rate:,.0f} rows/s (>= 5,000)")
    peaks = list(result["import_rss_mb"].values())
    if len(peaks) == 2:
        flat = peaks[1] <= peaks[0] * 1.25
        lines.append(
            f"  {verdict(flat)} import memory {peaks[0]:.0f} -> {peaks[1]:.0f} MB for"
            f" {IMPORT_GROWTH}x the rows (at most +25%)"
        )
    rss = result["worker_rss_mb"]
    lines.append(f"  {verdict(rss < 150)} worker RSS {rss:.0f} MB (< 150 MB)")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, short runs (< 2 min)")
    parser.add_argument("--sizes", help="only these sizes, e.g. S,M (default: S,M,L)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch databases")
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    if args.sizes:
        wanted = [size.strip().upper() for size in args.sizes.split(",")]
        plan = Plan(**{**vars(plan), "scales": {s: plan.scales[s] for s in wanted}})
    wrk_path()
    check_services()
    started = datetime.datetime.now(datetime.UTC)
    begun = time.monotonic()
    run = Run(plan)
    run.load.append(load_average())
    prepare_template()
    log("collectstatic")
    manage("collectstatic", "--noinput", database=TEMPLATE_DB, settings="bench.settings")
    # First, on a quiet database: after the sizes, PostgreSQL is still busy dropping the
    # largest one (and autovacuum with it), which skews the import by a quarter.
    measure_import(run)
    for size, scale in plan.scales.items():
        measure_size(size, scale, run, keep=args.keep)
    if not args.keep:
        drop(TEMPLATE_DB)
    run.load.append(load_average())
    result = results_json(run, started)
    output = ROOT / "bench" / "results.json"
    output.write_text(json.dumps(result, indent=2) + "\n")
    print(table(result, run))
    print(f"\n(wrote {output.relative_to(ROOT)}; {time.monotonic() - begun:.0f} s)")


if __name__ == "__main__":
    main()
