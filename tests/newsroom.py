"""Another site for the browser tests: a newsroom's web server, on an origin of its own."""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

TIMELINEJS = Path(__file__).resolve().parent.parent / "node_modules/@knight-lab/timelinejs/dist"
"""TimelineJS 3.9.11 from npm (package.json), as newsrooms load it."""


@dataclass
class Newsroom:
    """Another origin: a web server of its own (on loopback, as the live server is, so that
    Chromium's private-network rules see two sites of one kind), serving ``index.html`` and
    TimelineJS under ``/timelinejs/``."""

    url: str
    folder: Path

    def publish(self, html: str) -> str:
        (self.folder / "index.html").write_text(html)
        return self.url + "/"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


@pytest.fixture
def newsroom(tmp_path):
    (tmp_path / "timelinejs").symlink_to(TIMELINEJS)
    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Newsroom(f"http://127.0.0.1:{server.server_port}", tmp_path)
    server.shutdown()
    server.server_close()


def timelinejs_page(json_url: str) -> str:
    """A page that embeds the timeline at ``json_url`` the way TimelineJS's documentation says."""
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Newsroom</title>
        <link rel="stylesheet" href="/timelinejs/css/timeline.css">
        <script src="/timelinejs/js/timeline.js"></script></head>
        <body><div id="timeline-embed" style="width: 1000px; height: 600px"></div>
        <script>window.timeline = new TL.Timeline("timeline-embed", "{json_url}");</script>
        </body></html>"""
