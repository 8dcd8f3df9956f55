"""A private production stack on loopback for the fault drill and the soak, the topology of
DESIGN.md's "Scale": nginx (ops/nginx.conf) in front of two gunicorn app servers with the
production settings, a Redis with a maxmemory and LRU eviction, and a PostgreSQL primary with a
streaming replica (``pg_basebackup -R``) that the app servers read through DATABASE_REPLICA_URL;
all in a temporary directory.

Private, so that stopping and restarting them disturbs nothing else on the machine (a
developer's database, another run's Redis); throwaway, so nothing is left behind. Needs the
PostgreSQL server binaries (``initdb``, ``pg_ctl``, ``pg_basebackup``: Debian's ``postgresql``),
``redis-server`` and ``nginx``; as root, PostgreSQL runs as the ``postgres`` user, which
refuses root.
"""

from __future__ import annotations

import glob
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
REDIS_MAXMEMORY = os.environ.get("REDIS_MAXMEMORY") or "256mb"
APP_SERVERS = int(os.environ.get("STACK_APP_SERVERS") or 2)
# Workers per app server: the machine's cores are shared by every app server.
APP_WORKERS = os.environ.get("STACK_WORKERS") or "3"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_until(check, timeout: float, what: str, interval: float = 0.1) -> float:
    """Seconds until ``check()`` is true; SystemExit naming ``what`` after ``timeout``."""
    started = time.monotonic()
    while True:
        try:
            if check():
                return time.monotonic() - started
        except OSError:
            pass
        if time.monotonic() - started > timeout:
            raise SystemExit(f"{what} within {timeout:.0f} s: giving up")
        time.sleep(interval)


# --- PostgreSQL ------------------------------------------------------------------------------


def pg_binary(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if not found:
        raise SystemExit(f"{name} not found: install PostgreSQL (apt-get install postgresql)")
    return found


@dataclass
class PrivatePostgres:
    """A PostgreSQL cluster of its own, trust-authenticated, on a free loopback port."""

    directory: Path
    port: int = field(default_factory=free_port)
    database: str = "rivalries"

    @property
    def data(self) -> Path:
        return self.directory / "data"

    @property
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{self.database}"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, text=True)

    def init(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run(
            pg_binary("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip
        self.start()
        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{self.database}"')

    @property
    def admin_url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/postgres"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses={HOST}"
        self._run(
            pg_binary("pg_ctl"), "-D", str(self.data), "-l", str(self.directory / "postgres.log"),
            "-o", options, "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._run(pg_binary("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def accepting(self) -> bool:
        try:
            with psycopg.connect(self.admin_url, connect_timeout=1) as probe:
                probe.execute("SELECT 1")
            return True
        except psycopg.OperationalError:
            return False


@dataclass
class PrivateReplica(PrivatePostgres):
    """A hot standby of ``primary``, streaming its WAL: ``pg_basebackup -R`` into its own
    directory, then started on its own port."""

    primary: PrivatePostgres | None = None

    def init(self) -> None:
        assert self.primary is not None
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run(
            pg_binary("pg_basebackup"), "-h", HOST, "-p", str(self.primary.port), "-U", "postgres",
            "-D", str(self.data), "-R", "-X", "stream", "--no-sync", "-c", "fast",
        )  # fmt: skip
        self.start()

    def sql(self, statement: str) -> object:
        with psycopg.connect(self.url, autocommit=True, connect_timeout=2) as conn:
            row = conn.execute(statement).fetchone()
            return row[0] if row else None


# --- Redis -----------------------------------------------------------------------------------


@dataclass
class PrivateRedis:
    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if not binary:
            raise SystemExit("redis-server not found: apt-get install redis-server")
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                binary, "--port", str(self.port), "--bind", HOST, "--save", "",
                "--appendonly", "no", "--dir", str(self.directory),
                # As README's production section says: a cache that evicts, never one that
                # refuses writes once full.
                "--maxmemory", REDIS_MAXMEMORY, "--maxmemory-policy", "allkeys-lru",
                "--logfile", str(self.directory / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        wait_until(self.answers, 10, "Redis did not answer")

    def answers(self) -> bool:
        with socket.create_connection((HOST, self.port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


# --- the site --------------------------------------------------------------------------------


@dataclass
class Site:
    """gunicorn (gunicorn.conf.py) with the production settings, on a free loopback port."""

    env: dict[str, str]
    log_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def manage(self, *args: str, env: dict[str, str] | None = None) -> str:
        done = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=BASE_DIR,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def start(self) -> None:
        gunicorn = str(Path(PYTHON).parent / "gunicorn")
        arguments = [gunicorn, "--bind", f"{HOST}:{self.port}"]
        if (BASE_DIR / "gunicorn.conf.py").exists():
            arguments += ["-c", "gunicorn.conf.py"]
        else:
            arguments += ["rivalries.wsgi:application", "--workers", "3"]
        self.process = subprocess.Popen(
            arguments,
            cwd=BASE_DIR,
            env={**self.env, "PORT": str(self.port)},
            stdout=self.log_path.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until(lambda: self.status("/healthz") == 200, 60, "gunicorn did not answer")
        # The first worker answers while the master may still be forking the others: wait
        # until the set of workers holds still, so that "the same workers at the end" compares
        # with all of them.
        seen = {"pids": self.worker_pids(), "since": time.monotonic()}

        def settled() -> bool:
            pids = self.worker_pids()
            if pids != seen["pids"]:
                seen.update(pids=pids, since=time.monotonic())
            return time.monotonic() - seen["since"] >= 1.0

        wait_until(settled, 30, "gunicorn's workers did not all start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def status(self, path: str) -> int:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{self.port}{path}", timeout=10) as r:
                return r.status
        except urllib.error.HTTPError as error:
            return error.code

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(f"http://{HOST}:{self.port}{path}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return sorted(int(pid) for pid in children.read_text().split()) if children.exists() else []

    def worker_rss_mb(self) -> dict[int, float]:
        sizes = {}
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except FileNotFoundError:
                continue
            found = re.search(r"VmRSS:\s+(\d+) kB", status)
            if found:
                sizes[pid] = int(found.group(1)) / 1024
        return sizes

    def errors_logged(self) -> int:
        """Tracebacks in gunicorn's log: each is a request that failed unexpectedly."""
        return self.log_path.read_text(errors="replace").count("Traceback (most recent call last)")


@dataclass
class Front:
    """nginx from ops/nginx.conf in the foreground, in front of ``app_servers``."""

    directory: Path
    app_servers: list[str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    static_root: Path = BASE_DIR / "staticfiles"
    ready_path: str = "/healthz"
    """What answers 200 through nginx once it and an app server are up."""

    def start(self) -> None:
        from ops import nginx

        if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
            raise SystemExit("nginx not found: apt-get install nginx (make drill does)")
        settings = nginx.NginxSettings(
            prefix=self.directory,
            listen=f"{HOST}:{self.port}",
            app_servers=self.app_servers,
            static_root=self.static_root,
            worker_processes="2",
            user=nginx.worker_user(),
        )
        config = nginx.prepare(settings)
        checked = nginx.check(config, self.directory)
        if checked.returncode != 0:
            raise SystemExit(f"nginx -t refused {config}:\n{checked.stderr}")
        self.process = subprocess.Popen(
            nginx.command(config, self.directory),
            stdout=subprocess.DEVNULL,
            stderr=(self.directory / "stderr.log").open("ab"),
            start_new_session=True,
        )
        wait_until(lambda: self.get(self.ready_path)[0] == 200, 30, "nginx did not answer")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def get(
        self, path: str, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(f"http://{HOST}:{self.port}{path}", headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()


def discover_paths(site: Site) -> list[str]:
    """Every page the sitemaps list, plus head-to-heads, JSON, lists and a search."""
    status, _, body = site.get("/sitemap.xml")
    assert status == 200, status
    paths: list[str] = []
    for section in re.findall(r"<loc>(.*?)</loc>", body.decode()):
        _, _, section_body = site.get(urlsplit(section).path)
        paths += [
            urlsplit(url).path for url in re.findall(r"<loc>(.*?)</loc>", section_body.decode())
        ]
    extra = {"/search/?q=kerr", "/athletes/?letter=K", "/healthz"}
    for path in [p for p in paths if p.startswith("/rivalries/") and p.count("/") == 3][:5]:
        _, _, page = site.get(path)
        extra.update(re.findall(r'href="(/h2h/[^"?]+/)"', page.decode()))
        extra.add(f"/api/v1{path}timeline/")
    extra.discard("/healthz")
    return sorted(set(paths) | extra)


@dataclass
class Stack:
    postgres: PrivatePostgres
    replica: PrivateReplica
    redis: PrivateRedis
    sites: list[Site]
    front: Front
    directory: Path

    @property
    def site(self) -> Site:
        """The first app server: for commands (manage.py) and the per-server checks."""
        return self.sites[0]


def site_environment(
    postgres: PrivatePostgres, redis: PrivateRedis, replica: PrivatePostgres | None = None
) -> dict[str, str]:
    return {
        **{key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "rivalries.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "HTTPS": "false",  # plain HTTP on loopback
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "DATABASE_URL": postgres.url,
        "REDIS_URL": redis.url,
        "LOG_LEVEL": "ERROR",  # warnings (each 503 while the database is away) would drown it
        "WEB_CONCURRENCY": APP_WORKERS,
        # Only nginx, on loopback, may say who the client is (rivalries/clients.py).
        "TRUSTED_PROXIES": HOST,
        "TRUSTED_PROXY_COUNT": "1",
        **({"DATABASE_REPLICA_URL": replica.url} if replica is not None else {}),
    }


@contextmanager
def private_stack(name: str, *, demo: bool = True):
    """nginx, two app servers, Redis, a PostgreSQL primary and replica of our own, with the
    demo data; all gone afterwards."""
    directory = Path(tempfile.mkdtemp(prefix=f"rivalries-{name}-"))
    os.chmod(directory, 0o755)
    postgres = PrivatePostgres(directory / "postgres")
    replica = PrivateReplica(directory / "replica", primary=postgres)
    redis = PrivateRedis(directory / "redis")
    with ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, directory, ignore_errors=True)
        log(f"starting a private PostgreSQL on port {postgres.port}")
        postgres.init()
        cleanup.callback(lambda: postgres.accepting() and postgres.stop())
        log(f"starting its streaming replica (pg_basebackup -R) on port {replica.port}")
        replica.init()
        cleanup.callback(lambda: replica.accepting() and replica.stop())
        log(f"starting a private Redis on port {redis.port}")
        redis.start()
        cleanup.callback(redis.stop)
        environment = site_environment(postgres, redis, replica)
        sites = [
            Site(environment, directory / f"gunicorn-{number}.log")
            for number in range(1, APP_SERVERS + 1)
        ]
        log("migrating, loading the demo data, collecting static files")
        sites[0].manage("migrate", "--noinput")
        if demo:
            sites[0].manage("load_demo")
        sites[0].manage("collectstatic", "--noinput")
        for site in sites:
            site.start()
            cleanup.callback(site.stop)
            workers = len(site.worker_pids())
            log(f"gunicorn answers on http://{HOST}:{site.port}/ ({workers} workers)")
        front = Front(directory / "nginx", [f"{HOST}:{site.port}" for site in sites])
        front.start()
        cleanup.callback(front.stop)
        log(f"nginx answers on http://{HOST}:{front.port}/ in front of {len(sites)} app servers")
        yield Stack(postgres, replica, redis, sites, front, directory)
