"""The drill's phases on the whole topology (issue 15): what nginx, the second app server and
the replica are for, each tried by taking something away while readers are served through nginx.

Each phase returns the figures that ``ops/drill-results.json`` keeps for it and reports its
problems to ``check(ok, problem)`` (the drill's ``Findings.check``).
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import os
import re
import secrets
import signal
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable

import psycopg
import redis

from ops.load import Load, Sample, describe
from ops.stack import HOST, REDIS_MAXMEMORY, Stack, log

Check = Callable[[bool, str], None]
READERS = int(os.environ.get("DRILL_READERS") or 8)
SLOW_CLIENTS = int(os.environ.get("DRILL_SLOW_CLIENTS") or 50)
PHASE_SECONDS = float(os.environ.get("DRILL_PHASE_SECONDS") or 8)
EDITOR = ("drill-editor", secrets.token_urlsafe(16))


def p95_ms(samples: list[Sample]) -> float | None:
    if not samples:
        return None
    seconds = sorted(sample.seconds for sample in samples)
    return round(seconds[max(0, int(len(seconds) * 0.95) - 1)] * 1000, 1)


def readers(stack: Stack, paths: list[str], uncached: float = 0.2, **options) -> Load:
    return Load(stack.front.port, paths, concurrency=READERS, uncached=uncached, **options)


# --- slow clients ----------------------------------------------------------------------------


async def _slowloris(port: int, stop: threading.Event, opened: list[int]) -> None:
    """One attacker: a request header line a second, reconnecting whenever it is dropped."""
    while not stop.is_set():
        try:
            _, writer = await asyncio.open_connection(HOST, port)
        except OSError:
            await asyncio.sleep(0.5)
            continue
        opened.append(1)
        try:
            writer.write(f"GET /?slow={secrets.token_hex(4)} HTTP/1.1\r\nHost: {HOST}\r\n".encode())
            while not stop.is_set():
                await asyncio.sleep(1)
                writer.write(f"X-Slow-{secrets.token_hex(2)}: 1\r\n".encode())
                await writer.drain()
        except OSError:
            pass
        finally:
            writer.close()


def slow_clients(stack: Stack, paths: list[str], check: Check) -> dict:
    log(f"slow clients: {SLOW_CLIENTS} slowloris connections while {READERS} readers browse")
    stop = threading.Event()
    opened: list[int] = []

    async def attack() -> None:
        await asyncio.gather(
            *(_slowloris(stack.front.port, stop, opened) for _ in range(SLOW_CLIENTS))
        )

    attacker = threading.Thread(target=lambda: asyncio.run(attack()), daemon=True)
    attacker.start()
    time.sleep(2)  # every attacker holds its connection before the readers come
    load = readers(stack, paths).start()
    time.sleep(PHASE_SECONDS * 2)  # past nginx's client_header_timeout: they reconnect
    load.stop()
    stop.set()
    attacker.join(timeout=15)
    seen = list(load.samples)
    errors = sum(1 for sample in seen if sample.status != 200)
    figures = {"connections": SLOW_CLIENTS, "reader_p95_ms": p95_ms(seen), "reader_errors": errors}
    log(f"  readers: {describe(seen)}; attackers opened {len(opened)} connections in all")
    check(bool(seen), "slow clients: no reader was served at all")
    check(errors == 0, f"slow clients: {errors} reader errors")
    check((figures["reader_p95_ms"] or 1e9) < 200, f"slow clients: reader p95 {p95_ms(seen)} ms")
    return figures


# --- an app server killed ----------------------------------------------------------------------


def app_server_killed(stack: Stack, paths: list[str], check: Check) -> dict:
    victim = stack.sites[-1]
    log(f"app server killed: SIGKILL to gunicorn on port {victim.port} and its workers, under load")
    load = readers(stack, paths, uncached=0.3).start()
    time.sleep(3)
    killed = time.monotonic()
    os.killpg(victim.process.pid, signal.SIGKILL)
    victim.process.wait()
    time.sleep(PHASE_SECONDS)
    log("  starting it again")
    victim.start()
    time.sleep(3)
    load.stop()
    after = [sample for sample in load.samples if sample.ended >= killed]
    in_flight = sum(1 for sample in load.samples if sample.started <= killed <= sample.ended)
    failed = [sample for sample in after if sample.status != 200]
    last_failure = max((sample.ended for sample in failed), default=killed)
    back = min(
        (s.ended for s in after if s.status == 200 and s.started >= last_failure), default=None
    )
    figures = {
        "requests": len(after),
        "errors": len(failed),
        "recovered_s": round(back - killed, 2) if back is not None else None,
    }
    log(f"  since the kill: {describe(after)}; {in_flight} requests were in flight at the kill")
    check(
        len(failed) <= in_flight,
        f"app server killed: {len(failed)} errors, {in_flight} in flight",
    )
    check(back is not None, "app server killed: no request served after the kill")
    return figures


# --- the replica -------------------------------------------------------------------------------


def primary_transactions(stack: Stack) -> int:
    with psycopg.connect(stack.postgres.admin_url) as conn:
        return conn.execute(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s",
            [stack.postgres.database],
        ).fetchone()[0]


def replica_down(stack: Stack, paths: list[str], check: Check) -> dict:
    log(f"replica down: {PHASE_SECONDS:.0f} s of reads with the replica up, then stopped")
    load = readers(stack, paths, uncached=0.5).start()
    time.sleep(1)
    before, started = primary_transactions(stack), time.monotonic()
    time.sleep(PHASE_SECONDS)
    with_replica = primary_transactions(stack) - before
    up_samples = load.between(started, time.monotonic())
    stack.replica.stop()
    stopped = time.monotonic()
    before = primary_transactions(stack)
    time.sleep(PHASE_SECONDS)
    without_replica = primary_transactions(stack) - before
    log("  starting the replica again")
    stack.replica.start()
    up = time.monotonic()
    time.sleep(4)
    load.stop()
    during = load.between(stopped, up)
    errors = sum(1 for sample in during if sample.status != 200)
    on_primary = sum(1 for sample in during if sample.status == 200 and sample.uncached)
    per_read = [
        count / max(1, sum(1 for s in window if s.uncached))
        for count, window in ((with_replica, up_samples), (without_replica, during))
    ]
    log(f"  while stopped: {describe(during)}; {on_primary} uncached reads served")
    log(
        f"  primary's transactions per uncached read: {per_read[0]:.1f} with the replica,"
        f" {per_read[1]:.1f} without it"
    )
    after = load.between(up, time.monotonic())
    check(errors == 0, f"replica down: {errors} reads not served")
    check(on_primary > 0, "replica down: no uncached read was served")
    check(per_read[1] > per_read[0], "replica down: the primary did not take the reads over")
    check(all(s.status == 200 for s in after), "replica back: reads not served")
    return {"requests": len(during), "errors": errors, "reads_on_primary": on_primary}


class Editor:
    """A signed-in editor in a browser of sorts: cookies kept, forms submitted, via nginx."""

    def __init__(self, port: int) -> None:
        self.base = f"http://{HOST}:{port}"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=10) as response:
            return response.read().decode()

    def post(self, path: str, fields: list[tuple[str, str]]) -> tuple[str, str]:
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(
            self.base + path, data=data, headers={"Referer": self.base + path}
        )
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.url, response.read().decode()
        except urllib.error.HTTPError as error:
            page = error.read().decode(errors="replace")
            title = re.search(r"<title>(.*?)</title>", page, re.S)
            raise SystemExit(
                f"POST {path}: {error.code} ({title.group(1).strip() if title else page[:300]})"
            ) from None

    def cookie(self, name: str) -> str | None:
        return next((cookie.value for cookie in self.jar if cookie.name == name), None)

    def sign_in(self, username: str, password: str) -> None:
        page = self.get("/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        self.post(
            "/admin/login/",
            [("csrfmiddlewaretoken", token), ("username", username), ("password", password),
             ("next", "/admin/")],
        )  # fmt: skip
        if not self.cookie("sessionid"):
            raise SystemExit("the drill's editor could not sign in")


def replica_lag(stack: Stack, check: Check, edits: int = 5) -> dict:
    """An editor's save is a commit on the primary, made here in SQL (the admin form's own
    round trip is the admin tests' business); the signed-in editor then reads the page through
    nginx at once, while the paused replica still holds the old row."""
    log("replica lag: WAL replay paused on the replica; an editor's edit, read back at once")
    stack.site.manage(
        "createsuperuser", "--noinput", "--username", EDITOR[0], "--email", "editor@example.com",
        env={"DJANGO_SUPERUSER_PASSWORD": EDITOR[1]},
    )  # fmt: skip
    with psycopg.connect(stack.postgres.url) as conn:
        athlete_id, slug = conn.execute(
            "SELECT id, slug FROM athletes_athlete ORDER BY id LIMIT 1"
        ).fetchone()
    editor = Editor(stack.front.port)
    editor.sign_in(*EDITOR)
    stack.replica.sql("SELECT pg_wal_replay_pause()")
    stale = behind = 0
    try:
        time.sleep(1)
        for number in range(edits):
            token = f"Drill edit {number} {secrets.token_hex(4)}"
            with psycopg.connect(stack.postgres.url, autocommit=True) as conn:
                conn.execute(
                    "UPDATE athletes_athlete SET bio = %s WHERE id = %s", [token, athlete_id]
                )
            if token not in editor.get(f"/athletes/{slug}/"):
                stale += 1
            on_replica = stack.replica.sql(
                f"SELECT bio FROM athletes_athlete WHERE id = {int(athlete_id)}"
            )
            behind += on_replica != token
    finally:
        stack.replica.sql("SELECT pg_wal_replay_resume()")
    log(f"  {edits} edits: {stale} read back stale by the editor; the replica lacked {behind}")
    check(stale == 0, f"replica lag: the editor read {stale} of their own edits stale")
    check(behind == edits, "replica lag: the replica was not behind, so this proved nothing")
    return {"stale_reads_by_editors": stale}


# --- the primary -------------------------------------------------------------------------------


def primary_down(stack: Stack, paths: list[str], check: Check) -> dict:
    """The primary stopped: readers keep the replica; a signed-in editor's every request needs
    the primary, so those get the 503 page, at once thanks to the breaker."""
    log(f"primary down: stopping the primary for {PHASE_SECONDS:.0f} s; readers and an editor")
    editor = Editor(stack.front.port)
    editor.sign_in(*EDITOR)
    cookie = f"sessionid={editor.cookie('sessionid')}"
    public = readers(stack, paths, uncached=0.3).start()
    editors = Load(stack.front.port, paths, concurrency=2, uncached=0, headers={"Cookie": cookie})
    editors.start()
    time.sleep(2)
    stopped = time.monotonic()
    stack.postgres.stop()
    time.sleep(PHASE_SECONDS)
    log("  starting the primary again")
    stack.postgres.start()
    up = time.monotonic()
    back = None
    deadline = up + 30
    while back is None and time.monotonic() < deadline:
        time.sleep(0.2)
        back = min(
            (s.ended for s in list(editors.samples) if s.started >= up and s.status == 200),
            default=None,
        )
    time.sleep(2)
    public.stop()
    editors.stop()
    during = [s for s in list(editors.samples) + list(public.samples) if stopped <= s.started < up]
    unavailable = [s for s in during if s.status == 503]
    other = [s for s in during if s.status not in {200, 503}]
    readers_during = public.between(stopped, up)
    log(f"  editors while down: {describe(editors.between(stopped, up))}")
    log(f"  readers while down: {describe(readers_during)}")
    figures = {
        "requests": len(during),
        "r503": len(unavailable),
        "p95_ms_of_503": p95_ms(unavailable),
        "recovered_s": round(back - up, 2) if back is not None else None,
    }
    check(bool(unavailable), "primary down: no 503 at all: did the editors reach it?")
    check((figures["p95_ms_of_503"] or 1e9) < 100, f"primary down: 503 p95 {p95_ms(unavailable)}")
    check(not other, f"primary down: statuses {sorted({s.status for s in other})}")
    check(back is not None, "primary down: the editors were not served again within 30 s")
    return figures


# --- Redis full ----------------------------------------------------------------------------------


def redis_full(stack: Stack, paths: list[str], check: Check) -> dict:
    """Redis at its maxmemory: evicting (our policy), then refusing writes (a misconfigured one)."""
    client = redis.Redis(host=HOST, port=stack.redis.port)
    used = int(client.info("memory")["used_memory"])
    limit = used + 4 * 1024 * 1024
    log(f"Redis full: maxmemory {limit // 1024} KiB, filled with junk, then noeviction")
    client.config_set("maxmemory", str(limit))
    junk = secrets.token_bytes(16 * 1024)
    number = 0
    while int(client.info("memory")["used_memory"]) < limit and number < 10_000:
        client.set(f"drill-junk-{number}", junk)
        number += 1
    load = readers(stack, paths, uncached=0.5).start()
    try:
        time.sleep(PHASE_SECONDS)
        client.config_set("maxmemory-policy", "noeviction")
        time.sleep(PHASE_SECONDS)
    finally:
        client.config_set("maxmemory-policy", "allkeys-lru")
        client.config_set("maxmemory", REDIS_MAXMEMORY)
        load.stop()
    seen = list(load.samples)
    failed = sum(1 for sample in seen if sample.status >= 500 or sample.status == 0)
    evicted = int(client.info("stats")["evicted_keys"])
    log(f"  {describe(seen)}; Redis evicted {evicted} keys")
    check(failed == 0, f"Redis full: {failed} 5xx or unanswered")
    return {"requests": len(seen), "r5xx": failed}
