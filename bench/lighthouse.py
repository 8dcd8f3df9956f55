"""Lighthouse scores of the public pages, served the production way (``make lighthouse``).

Builds a throwaway SQLite database with the demo data, collects the static files, serves them
with gunicorn and whitenoise and DEBUG off (as ``make serve`` does) on a free port, and runs
Lighthouse (npm, pinned in package-lock.json) in Debian's headless chromium on each public
page with its default mobile settings (a mid-range phone on a throttled 4G connection,
simulated). Prints a Markdown table of the four category scores, the same numbers the README
records, and writes every report's JSON to ``bench/lighthouse/``. Not part of ``make test``:
it takes minutes, and the scores of performance move with the machine's load.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
REPORTS = ROOT / "bench" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = {
    "home": "/",
    "rivalries": "/rivalries/",
    "timeline": "/rivalries/kerr-vs-ingebrigtsen/",
    "athletes": "/athletes/",
    "athlete": "/athletes/josh-kerr/",
    "head-to-head": "/h2h/josh-kerr/vs/jakob-ingebrigtsen/",
    "race": None,  # the newest race the home page links to
    "quote": None,  # the newest quote the home page links to
    "search": "/search/?q=Ingebritsen",
}
"""Every public HTML page but the 404, which Lighthouse refuses to audit (it reports the status
as an error)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def first_link(html: str, pattern: str) -> str:
    found = re.search(pattern, html)
    if found is None:
        raise SystemExit(f"the home page links to no {pattern}")
    return found.group(0)


ATTEMPTS = 3
"""Runs of one page before giving up: on a loaded machine Chromium's trace now and then lacks
its start ("NO_NAVSTART"), and Lighthouse asks to be run again."""


def lighthouse(url: str, report: Path, chromium: str) -> dict[str, int]:
    for _ in range(ATTEMPTS - 1):
        try:
            return _lighthouse(url, report, chromium)
        except subprocess.CalledProcessError:
            print(f"{url}: Lighthouse failed, once more", file=sys.stderr, flush=True)
    return _lighthouse(url, report, chromium)


def _lighthouse(url: str, report: Path, chromium: str) -> dict[str, int]:
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-path={chromium}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ],
        check=True,
    )
    result = json.loads(report.read_text())
    return {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}


def main() -> None:
    chromium = shutil.which("chromium")
    if chromium is None or not LIGHTHOUSE.exists():
        raise SystemExit("needs Debian's chromium (make browser) and npm's lighthouse (npm ci)")
    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{scratch}/lighthouse.sqlite3",
            "DEBUG": "false",
            "HTTPS": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "WEB_CONCURRENCY": "2",
        }
        env.pop("REDIS_URL", None)
        manage = [sys.executable, str(ROOT / "manage.py")]
        for command in (["migrate", "-v0"], ["load_demo"], ["collectstatic", "--noinput", "-v0"]):
            subprocess.run([*manage, *command], env=env, check=True, stdout=subprocess.DEVNULL)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen(
            [str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py")], env=env, cwd=ROOT
        )
        try:
            origin = f"http://127.0.0.1:{port}"
            wait_for(origin + "/healthz")
            with urllib.request.urlopen(origin + "/") as response:
                home = response.read().decode()
            pages = dict(PAGES)
            pages["race"] = first_link(home, r"/races/\d+/")
            pages["quote"] = first_link(home, r"/quotes/\d+/")
            REPORTS.mkdir(exist_ok=True)
            rows = []
            for name, path in pages.items():
                slug = name.replace(" ", "-")
                scores = lighthouse(origin + path, REPORTS / f"{slug}.json", chromium)
                rows.append((name, path, scores))
                print(f"{name}: {scores}", file=sys.stderr, flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print("| page | path | " + " | ".join(CATEGORIES) + " |")
    print("| --- | --- | " + " | ".join("---:" for _ in CATEGORIES) + " |")
    for name, path, scores in rows:
        print(f"| {name} | `{path}` | " + " | ".join(str(scores[c]) for c in CATEGORIES) + " |")


if __name__ == "__main__":
    main()
