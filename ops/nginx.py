"""ops/nginx.conf filled in: the proxy in front of the app servers (README, "Production").

The template's placeholders are ``{{ name }}``; nginx's own ``$variables`` are left alone, which
is why this is not ``string.Template``. A placeholder without a value, or a value for no
placeholder, is an error that names it, so the file and this code cannot drift apart.

``python -m ops.nginx --prefix DIR --listen 80 --app 10.0.0.2:8000 --app 10.0.0.3:8000`` prints
a configuration for an operator; ops/stack.py runs one on loopback for the drill and the soak.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "nginx.conf"
PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
TEMP_DIRS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi", "cache")
MIME_TYPES = "/etc/nginx/mime.types"


@dataclass(frozen=True)
class NginxSettings:
    """What differs between one nginx in front of the site and another."""

    prefix: Path
    """Its pid file, error log, temporary files and page cache live here."""
    listen: str
    """``port`` or ``address:port``."""
    app_servers: Sequence[str]
    """``host:port`` of each gunicorn."""
    static_root: Path
    forwarded_proto: str = "$scheme"
    """``$scheme``, or ``https`` behind a TLS terminator that speaks HTTP to us."""
    worker_processes: str = "auto"
    worker_connections: int = 1024
    cache_size: str = "256m"
    session_cookie: str = "sessionid"
    csrf_cookie: str = "csrftoken"
    user: str | None = None
    """The workers' user when nginx starts as root (nginx's default is ``nobody``)."""
    mime_types: str = MIME_TYPES


def fill(template: str, values: dict[str, str]) -> str:
    """``template`` with every ``{{ name }}`` replaced; KeyError/ValueError on any mismatch."""
    wanted = set(PLACEHOLDER.findall(template))
    missing = wanted - values.keys()
    if missing:
        raise KeyError(f"no value for {', '.join(sorted(missing))}")
    unused = values.keys() - wanted
    if unused:
        raise ValueError(f"no placeholder for {', '.join(sorted(unused))}")
    return PLACEHOLDER.sub(lambda found: values[found.group(1)], template)


def render(settings: NginxSettings) -> str:
    if not settings.app_servers:
        raise ValueError("nginx needs at least one app server")
    for server in settings.app_servers:
        if not re.fullmatch(r"[\w.\-\[\]:]+:\d+", server):
            raise ValueError(f"app server {server!r} is not host:port")
    upstream = "\n".join(
        f"        server {server} max_fails=1 fail_timeout=5s;" for server in settings.app_servers
    )
    return fill(
        TEMPLATE.read_text(),
        {
            "user_directive": f"user {settings.user};" if settings.user else "",
            "worker_processes": str(settings.worker_processes),
            "worker_connections": str(settings.worker_connections),
            "prefix": str(settings.prefix),
            "mime_types": settings.mime_types,
            "upstream_servers": upstream,
            "cache_size": settings.cache_size,
            "session_cookie": re.escape(settings.session_cookie),
            "csrf_cookie": re.escape(settings.csrf_cookie),
            "listen": settings.listen,
            "static_root": str(settings.static_root).rstrip("/"),
            "forwarded_proto": settings.forwarded_proto,
        },
    )


def prepare(settings: NginxSettings) -> Path:
    """Write the configuration and its temporary directories under the prefix; the file."""
    settings.prefix.mkdir(parents=True, exist_ok=True)
    if settings.user:  # its workers must pass through a private (0700) temporary directory
        settings.prefix.chmod(settings.prefix.stat().st_mode | 0o711)
    for name in TEMP_DIRS:
        (settings.prefix / name).mkdir(exist_ok=True)
        if settings.user:
            shutil.chown(settings.prefix / name, settings.user.split()[0])
    path = settings.prefix / "nginx.conf"
    path.write_text(render(settings))
    return path


def command(config: Path, prefix: Path, *extra: str) -> list[str]:
    """nginx on this configuration, its early errors in the prefix rather than /var/log."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    return [binary, "-p", str(prefix), "-c", str(config), "-e", str(prefix / "error.log"), *extra]


def check(config: Path, prefix: Path) -> subprocess.CompletedProcess:
    """``nginx -t`` on the file: returncode 0 when nginx accepts it."""
    return subprocess.run(command(config, prefix, "-t"), capture_output=True, text=True)


def worker_user() -> str | None:
    """As root, nginx's workers drop to an unprivileged user; otherwise they stay ours."""
    return "nobody nogroup" if os.geteuid() == 0 else None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print ops/nginx.conf filled in.")
    parser.add_argument("--prefix", required=True, type=Path, help="pid, logs, temp, cache")
    parser.add_argument("--listen", default="80")
    parser.add_argument("--app", action="append", required=True, help="host:port, repeatable")
    parser.add_argument("--static-root", type=Path, required=True, help="STATIC_ROOT")
    parser.add_argument("--proto", default="$scheme", help="https behind a TLS terminator")
    parser.add_argument("--user", default=None, help="workers' user when started as root")
    options = parser.parse_args(argv)
    settings = NginxSettings(
        prefix=options.prefix,
        listen=options.listen,
        app_servers=options.app,
        static_root=options.static_root,
        forwarded_proto=options.proto,
        user=options.user,
    )
    try:
        sys.stdout.write(render(settings))
    except ValueError as error:
        parser.error(str(error))
    return 0


if __name__ == "__main__":
    sys.exit(main())
