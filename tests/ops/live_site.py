"""A real portal outside the test process: its own SQLite file, `manage.py` commands and a gunicorn server.

Used by the tests that need what the in-process test database cannot give: a file database shared by several
processes and threads (concurrent writers), a plain `migrate` on an empty file, a Redis that goes away.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def site_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a portal whose database (SQLite), media and index live in `var_dir`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
            "DJANGO_DEBUG": "0",
            "XACT_VAR_DIR": str(var_dir),
            "DATABASE_URL": f"sqlite:///{var_dir / 'db.sqlite3'}",
            "SEARCH_INDEX_DIR": str(var_dir / "search-index"),
            "PYTHONPATH": str(ROOT),
            **extra,
        }
    )
    return env


def manage(var_dir: Path, *args: str, timeout: int = 600, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=site_env(var_dir, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def python(var_dir: Path, code: str, timeout: int = 300, **extra: str) -> subprocess.CompletedProcess:
    """Run `code` with Django set up for the site in `var_dir` (the last printed line is its JSON answer)."""
    script = "import django, json\ndjango.setup()\n" + code
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=site_env(var_dir, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def answer(result: subprocess.CompletedProcess):
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def copy_site(template: Path, target: Path) -> Path:
    """A copy of a migrated site's database (no WAL left behind: the migrating process has exited)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm"):
        if (template / name).exists():
            shutil.copy2(template / name, target / name)
    return target


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


class Gunicorn:
    """`gunicorn portal.wsgi` on 127.0.0.1:`port` (workers × threads), started and stopped by the test."""

    def __init__(self, var_dir: Path, port: int, *, workers: int = 2, threads: int = 4, **extra: str):
        assert not _port_open(port), f"port {port} is taken"
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = open(var_dir / f"gunicorn-{port}.log", "w+")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "portal.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--timeout",
                "120",
                "--graceful-timeout",
                "5",
            ],
            cwd=ROOT,
            env=site_env(var_dir, ALLOWED_HOSTS="127.0.0.1", **extra),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while not _port_open(port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn did not start:\n{self.output()}")
            time.sleep(0.2)

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A client with its own cookies; answers (status, body, location) and never follows redirects."""

    def __init__(self, base_url: str, cookies: dict[str, str] | None = None):
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)
        for name, value in (cookies or {}).items():
            self.jar.set_cookie(
                http.cookiejar.Cookie(
                    0,
                    name,
                    value,
                    None,
                    False,
                    "127.0.0.1",
                    True,
                    False,
                    "/",
                    True,
                    False,
                    None,
                    False,
                    None,
                    None,
                    {},
                )
            )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        path = urllib.parse.quote(path, safe="/?=&%")
        req = urllib.request.Request(
            self.base_url + path, data=body, headers={"Referer": self.base_url + path}
        )
        try:
            with self.opener.open(req, timeout=120) as response:
                return response.status, response.read().decode(), response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), error.headers.get("Location", "")

    def csrf_token(self, path: str) -> str:
        status, page, _ = self.request(path)
        assert status == 200, (status, page[:2000])
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
