"""Redis goes away under the portal: pages are built without the cache, and throttling counts in the database.

Before: with REDIS_URL set and Redis down, the home page, the catalogue, search and every login answered 500
(Django's RedisCache raises). A real site (gunicorn, 2 processes, the demo data on SQLite) with REDIS_URL pointing
at a closed port, and with a private redis-server stopped between two requests.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time

import pytest

from tests.ops.live_site import Browser, Gunicorn, copy_site

DEMO_PASSWORD = "xact-demo-2026!"
STARTUP = "startup@xact.example.jp"
MINISTRY = "ministry@xact.example.jp"
LOCKED = "ログインの失敗が続いたため"
LIMITS = {"LOGIN_THROTTLE_FAILURES": "3", "LOGIN_THROTTLE_WINDOW_S": "600", "RATE_LIMIT_SEARCH": "4/h"}


def port_closed(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture
def site(seeded_site, tmp_path):
    seeded, result = seeded_site
    assert result.returncode == 0, result.stderr[-3000:]
    return copy_site(seeded, tmp_path / "site")


def login(server, email: str, password: str) -> tuple[int, str, str]:
    browser = Browser(server.url)
    token = browser.csrf_token("/accounts/login/")
    return browser.request(
        "/accounts/login/", {"csrfmiddlewaretoken": token, "username": email, "password": password}
    )


def pages_work(server) -> None:
    """Home, catalogue, a search and a good login answer as they should."""
    visitor = Browser(server.url)
    for path, needle in (("/", "StartupXAct"), ("/challenges/", "除雪"), ("/search/?q=除雪", "除雪")):
        status, body, _ = visitor.request(path)
        assert status == 200 and needle in body, (path, status, body[:1500], server.output()[-3000:])
    status, body, location = login(server, MINISTRY, DEMO_PASSWORD)
    assert status == 302 and location.endswith("/accounts/after-login/"), (status, body[:1500])


def throttle_holds(server, *, searches_left: int | None) -> None:
    """Three wrong passwords lock the account, even with the right one; the search limit refuses (429)."""
    for attempt in range(3):
        status, body, _ = login(server, STARTUP, "wrong-password")
        assert status == 200 and (LOCKED in body) == (attempt == 2)  # the third failure says it locked
    status, body, _ = login(server, STARTUP, DEMO_PASSWORD)
    assert status == 200 and LOCKED in body, (status, body[:1500])
    if searches_left is not None:
        visitor = Browser(server.url)
        statuses = [visitor.request("/search/?q=防災")[0] for _ in range(searches_left + 1)]
        assert statuses == [200] * searches_left + [429], statuses


def test_with_redis_unreachable_pages_work_and_throttling_still_refuses(site):
    closed = 6399
    assert port_closed(closed)
    with Gunicorn(site, 8303, REDIS_URL=f"redis://127.0.0.1:{closed}/0", **LIMITS) as server:
        pages_work(server)  # one search
        throttle_holds(server, searches_left=3)
        assert "Redis cache unreachable" in server.output()  # logged, not hidden


@pytest.fixture
def private_redis(tmp_path):
    port = 6391
    assert port_closed(port), f"port {port} is taken"
    pidfile = tmp_path / "redis.pid"
    subprocess.run(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "yes",
            "--pidfile",
            str(pidfile),
            "--dir",
            str(tmp_path),
        ],
        check=True,
    )
    deadline = time.monotonic() + 30
    while port_closed(port) or not pidfile.exists():
        assert time.monotonic() < deadline, "redis-server did not start"
        time.sleep(0.1)
    pid = int(pidfile.read_text())

    def stop():
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        while not port_closed(port):
            time.sleep(0.1)

    yield port, stop
    stop()


def test_redis_stopped_mid_run_the_next_requests_still_work_and_throttle(site, private_redis):
    port, stop_redis = private_redis
    with Gunicorn(site, 8304, REDIS_URL=f"redis://127.0.0.1:{port}/0", **LIMITS) as server:
        pages_work(server)
        keys = subprocess.run(
            ["redis-cli", "-p", str(port), "dbsize"], capture_output=True, text=True, check=True
        )
        assert int(keys.stdout.strip()) > 0  # Redis was in use
        # Two failures counted in Redis before it goes away.
        for _ in range(2):
            assert LOCKED not in login(server, STARTUP, "wrong-password")[1]

        stop_redis()

        pages_work(server)
        throttle_holds(server, searches_left=None)
