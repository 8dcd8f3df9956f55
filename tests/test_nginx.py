"""ops/nginx.conf: filled in without leftovers, accepted by ``nginx -t``, and, in front of a tiny
app of our own, caching what it should and nothing else (the proxy the drill runs, issue 15).

The nginx tests need Debian's nginx (`make test` installs it, as `make drill` does) and are
skipped in a bare `pytest` without it; the template tests need nothing.
"""

from __future__ import annotations

import http.server
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from ops import nginx
from ops.stack import free_port

HAVE_NGINX = bool(shutil.which("nginx") or Path("/usr/sbin/nginx").exists())
needs_nginx = pytest.mark.skipif(not HAVE_NGINX, reason="nginx not installed (make nginx)")


def settings_for(tmp_path: Path, port: int, *apps: str) -> nginx.NginxSettings:
    static = tmp_path / "static"
    static.mkdir(exist_ok=True)
    return nginx.NginxSettings(
        prefix=tmp_path / "nginx",
        listen=f"127.0.0.1:{port}",
        app_servers=list(apps) or ["127.0.0.1:1"],
        static_root=static,
        worker_processes="1",
        user=nginx.worker_user(),
    )


def test_fill_names_a_missing_or_an_unused_value():
    assert nginx.fill("a {{ x }} $host {{y}}", {"x": "1", "y": "2"}) == "a 1 $host 2"
    with pytest.raises(KeyError, match="no value for y"):
        nginx.fill("{{ x }} {{ y }}", {"x": "1"})
    with pytest.raises(ValueError, match="no placeholder for z"):
        nginx.fill("{{ x }}", {"x": "1", "z": "2"})


def test_render_lists_every_app_server_and_leaves_no_placeholder(tmp_path):
    text = nginx.render(settings_for(tmp_path, 8080, "10.0.0.2:8000", "10.0.0.3:8000"))
    assert "server 10.0.0.2:8000" in text
    assert "server 10.0.0.3:8000" in text
    assert "{{" not in text
    assert "}}" not in text
    assert "listen 127.0.0.1:8080 default_server;" in text
    assert f"alias {tmp_path / 'static'}/;" in text


@pytest.mark.parametrize("bad", ["", "10.0.0.2", "host:port", "a:1; evil"])
def test_render_refuses_what_is_not_host_and_port(tmp_path, bad):
    settings = settings_for(tmp_path, 8080)
    with pytest.raises(ValueError, match="app server"):
        nginx.render(
            nginx.NginxSettings(**{**settings.__dict__, "app_servers": [bad] if bad else []})
        )


@needs_nginx
def test_nginx_accepts_the_configuration(tmp_path):
    settings = settings_for(tmp_path, free_port(), "127.0.0.1:8001", "127.0.0.1:8002")
    checked = nginx.check(nginx.prepare(settings), settings.prefix)
    assert checked.returncode == 0, checked.stderr


class App(http.server.BaseHTTPRequestHandler):
    """Public pages with Cache-Control and an ETag, one that sets a cookie; counts its hits."""

    hits: list[tuple[str, str]] = []

    def do_GET(self) -> None:
        App.hits.append((self.path, self.headers.get("X-Forwarded-For", "")))
        body = f"page {self.path} #{len(App.hits)}".encode()
        self.send_response(200)
        if self.path.startswith("/cookie"):
            self.send_header("Set-Cookie", "csrftoken=abc; Path=/")
        self.send_header("Cache-Control", "public, max-age=60")
        self.send_header("ETag", '"v1"')
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def open_dir():
    """A directory nginx's workers can enter when they drop from root to nobody (pytest's
    tmp_path sits in a directory only its owner may enter)."""
    directory = Path(tempfile.mkdtemp(prefix="rivalries-nginx-test-"))
    directory.chmod(0o755)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def front(open_dir):
    """nginx on a free port in front of :class:`App`; (port, static root)."""
    tmp_path = open_dir
    app = http.server.ThreadingHTTPServer(("127.0.0.1", 0), App)
    threading.Thread(target=app.serve_forever, args=(0.05,), daemon=True).start()
    App.hits = []
    port = free_port()
    settings = settings_for(tmp_path, port, f"127.0.0.1:{app.server_address[1]}")
    config = nginx.prepare(settings)
    process = subprocess.Popen(
        nginx.command(config, settings.prefix), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/up", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)
        yield port, settings.static_root
    finally:
        process.terminate()
        process.wait(timeout=10)
        app.shutdown()


def fetch(port: int, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@needs_nginx
def test_public_pages_are_cached_and_revalidated(front):
    port, _ = front
    first = fetch(port, "/page/")
    second = fetch(port, "/page/")
    assert (first[1]["X-Proxy-Cache"], second[1]["X-Proxy-Cache"]) == ("MISS", "HIT")
    assert second[2] == first[2]
    assert fetch(port, "/page/", **{"If-None-Match": '"v1"'})[0] == 304
    assert [path for path, _ in App.hits].count("/page/") == 1


@needs_nginx
@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/admin/", {}),
        ("/page/", {"Cookie": "sessionid=s3cret"}),
        ("/page/", {"Cookie": "theme=dark; csrftoken=abc"}),
        ("/cookie/", {}),
    ],
)
def test_private_requests_and_cookie_responses_are_never_cached(front, path, headers):
    port, _ = front
    fetch(port, path, **headers)
    fetch(port, path, **headers)
    assert [hit for hit, _ in App.hits].count(path) == 2
    if "Cookie" in headers:  # and what they saw was not stored for readers either
        fetch(port, path)
        assert [hit for hit, _ in App.hits].count(path) == 3


@needs_nginx
def test_the_client_address_replaces_a_claimed_x_forwarded_for(front):
    port, _ = front
    fetch(port, "/who/", **{"X-Forwarded-For": "6.6.6.6"})
    assert App.hits[-1] == ("/who/", "127.0.0.1")


@needs_nginx
def test_static_files_hashed_names_are_immutable(front):
    port, static = front
    (static / "site.0123456789ab.css").write_text("body{}")
    (static / "robots.txt").write_text("ok")
    status, headers, body = fetch(port, "/static/site.0123456789ab.css")
    assert (status, body) == (200, b"body{}")
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    status, headers, _ = fetch(port, "/static/robots.txt")
    assert status == 200
    assert "immutable" not in headers["Cache-Control"]
    assert not App.hits or all(not path.startswith("/static/") for path, _ in App.hits)
