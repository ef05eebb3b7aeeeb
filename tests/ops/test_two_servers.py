"""Two web servers, one truth: the deployment of docs/deployment.md ("Several servers") on this machine.

Two gunicorn processes started from two different working folders (each its own XACT_VAR_DIR: nothing is shared on
local disk), one task worker on the Redis queue (TASKS_BACKEND=rq), PostgreSQL (search included: SEARCH_BACKEND=
postgres), Redis (cache, login and rate-limit counters, the task queue) and an S3-compatible object store
(moto's server, MEDIA_STORAGE=s3). What one server confirms, the other serves:

- a challenge approved by the ministry through server A is found by the site search on server B;
- a startup logged in on A is logged in on B (sessions), an attachment uploaded through A downloads through B for
  its owner and is a 404 for another startup; the application submitted through A is submitted on B;
- failed log-ins counted on A lock the account on B (counters in Redis);
- a matching run and the annual report started on A are executed by the worker from the Redis queue, and the
  report's PDF (in the private bucket) downloads through B;
- server A killed (SIGKILL) loses nothing it confirmed: B still serves all of it.

PostgreSQL only (the deployment's database; SQLite is one file on one machine). Runs in a database of its own,
copied from the test database, dropped afterwards.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
import redis
import requests
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from matching.engine import DEFAULT_WEIGHTS, FACTORS
from portal.applications.models import ApplicationState
from portal.geo.models import LocalGovernment
from tests.applications.factories import PDF, World
from tests.challenges import test_workflow as workflow
from tests.factories import PASSWORD
from tests.ops import s3 as store

ROOT = Path(__file__).resolve().parents[2]
REDIS_DB = 13  # a database of the machine's Redis used by this test alone (flushed before and after)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="several servers share one PostgreSQL database; SQLite is a file on one machine",
    ),
]


def _redis_url() -> str:
    base = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]
    return f"{base}/{REDIS_DB}"


def _db_url(params: dict, name: str) -> str:
    user = params.get("user") or "postgres"
    password = f":{params['password']}" if params.get("password") else ""
    return (
        f"postgres://{user}{password}@{params.get('host') or '127.0.0.1'}:{params.get('port') or 5432}/{name}"
    )


def _wait_until(check, what: str, timeout: float = 90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


class Deployment:
    """The processes of one deployment; every process gets its own working folder."""

    def __init__(self, tmp: Path, env: dict[str, str]):
        self.tmp, self.env, self.processes = tmp, env, {}

    def _start(self, name: str, argv: list[str]) -> subprocess.Popen:
        folder = self.tmp / name
        (folder / "var").mkdir(parents=True)
        log = open(folder / "log.txt", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            argv,
            cwd=folder,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**self.env, "XACT_VAR_DIR": str(folder / "var"), "PYTHONPATH": str(ROOT)},
        )
        self.processes[name] = process
        return process

    def web(self, name: str) -> str:
        port = store.free_port()
        self._start(
            name,
            [
                sys.executable,
                "-m",
                "gunicorn",
                "portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "4",
                "--timeout",
                "120",
            ],
        )
        url = f"http://127.0.0.1:{port}"

        def up():
            if self.processes[name].poll() is not None:
                raise AssertionError(f"server {name} exited: {self.log(name)}")
            try:
                return requests.get(f"{url}/accounts/login/", timeout=30).status_code == 200
            except (requests.ConnectionError, requests.Timeout):
                return False

        _wait_until(up, f"server {name}", timeout=180)
        return url

    def worker(self) -> None:
        self._start("worker", [sys.executable, str(ROOT / "manage.py"), "run_worker"])

    def log(self, name: str) -> str:
        return (self.tmp / name / "log.txt").read_text(errors="replace")[-3000:]

    def kill(self, name: str) -> None:
        process = self.processes[name]
        process.send_signal(signal.SIGKILL)  # gunicorn's master and no chance to clean up
        process.wait(timeout=30)
        subprocess.run(["pkill", "-KILL", "-f", f"--bind {self._bind(name)}"], check=False)

    def _bind(self, name: str) -> str:
        return next(a for a in self.processes[name].args if a.startswith("127.0.0.1:"))

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _token(response: requests.Response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
    assert match, response.text[:500]
    return match.group(1)


def _login(session: requests.Session, server: str, email: str, password: str = PASSWORD) -> requests.Response:
    page = session.get(f"{server}/accounts/login/")
    return session.post(
        f"{server}/accounts/login/",
        data={
            "csrfmiddlewaretoken": _token(page),
            "username": email,
            "password": password,
        },
        headers={"Referer": f"{server}/accounts/login/"},
    )


def _post(session: requests.Session, server: str, path: str, form_page: str, data=None, files=None):
    token = _token(session.get(f"{server}{form_page}"))
    return session.post(
        f"{server}{path}",
        data={"csrfmiddlewaretoken": token, **(data or {})},
        files=files,
        headers={"Referer": f"{server}{form_page}"},
    )


def _world():
    """Users, a live challenge with a startup's draft application, and a challenge in moderation — committed to the
    test database, which then becomes the template of the deployment's database."""
    world = World()
    application = world.draft()
    author = workflow.cf.staff(world.muni_x, email="kanko@city.takamatsu.example.jp")
    client = Client()
    client.force_login(author)
    tag = uuid.uuid4().hex[:6]
    word = "除雪車運行" + "".join(chr(0x30A2 + int(c, 16)) for c in tag)  # a word no other page has
    response = client.post(
        workflow._add_url(),
        {**workflow._form(title=f"{word}の見える化", slug=f"snow-{tag}"), "action-submit": "Submit"},
    )
    assert response.status_code == 302, workflow._errors(response)
    page = workflow.ChallengePage.objects.latest("pk")
    task_state = workflow._task_state(page)
    return world, application, page, task_state, word


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_web_servers_share_one_truth_and_lose_nothing_when_one_dies(tmp_path):
    if not LocalGovernment.objects.exists():
        pytest.skip(
            "the reused test database lost the migrations' data to an earlier transactional test "
            "(--reuse-db); run without --reuse-db"
        )
    world, application, page, task_state, word = _world()
    template = connection.settings_dict["NAME"]
    params = connection.get_connection_params()
    name = f"xact_two_servers_{os.getpid()}"
    connections.close_all()
    admin = psycopg.connect(
        dbname="postgres",
        host=params.get("host"),
        port=params.get("port"),
        user=params.get("user"),
        password=params.get("password"),
        autocommit=True,
    )
    queue = redis.Redis.from_url(_redis_url())
    queue.flushdb()
    deployment = None
    try:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        with store.object_store() as endpoint:
            buckets = store.new_buckets(endpoint)
            env = {
                **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "XACT_"))},
                **buckets.environ(),
                "DJANGO_SETTINGS_MODULE": "tests.ops.two_servers_settings",
                "DJANGO_SECRET_KEY": f"two-servers-{uuid.uuid4().hex}{uuid.uuid4().hex}",
                "DATABASE_URL": _db_url(params, name),
                "REDIS_URL": _redis_url(),
                "TASKS_BACKEND": "rq",
                "SEARCH_BACKEND": "postgres",
                "SEARCH_AUTO_REBUILD_SECONDS": "0",
                "LOGIN_THROTTLE_FAILURES": "3",
            }
            deployment = Deployment(tmp_path, env)
            a, b = deployment.web("a"), deployment.web("b")
            deployment.worker()
            _check_the_deployment(deployment, a, b, world, application, page, task_state, word, buckets)
    finally:
        if deployment is not None:
            deployment.stop()
        queue.flushdb()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _check_the_deployment(deployment, a, b, world, application, page, task_state, word, buckets):
    rows = psycopg.connect(deployment.env["DATABASE_URL"], autocommit=True)  # what the servers committed

    # The ministry approves the challenge on A; B's site search finds it at once (index rows in PostgreSQL).
    ministry = requests.Session()
    assert _login(ministry, a, world.ministry_user.email).url.endswith("/admin/")
    approve = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk))
    edit_page = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    response = _post(ministry, a, approve, edit_page, {"comment": "良い課題です"})
    assert response.status_code == 200, response.text[:300]
    assert rows.execute("select live from wagtailcore_page where id = %s", [page.pk]).fetchone() == (True,)
    found = requests.get(f"{b}/search/", params={"q": word})
    assert (
        found.status_code == 200 and f"<mark>{word}</mark>の見える化" in found.text
    )  # the title, highlighted

    # A startup logs in on A: the session works on B; an attachment sent through A downloads through B.
    startup = requests.Session()
    assert _login(startup, a, world.user_a.email).url.endswith("/mypage/")
    mypage = startup.get(f"{b}/mypage/")
    assert mypage.status_code == 200 and world.startup_a.name in mypage.text
    edit = f"/applications/{application.pk}/edit/"
    sent = _post(
        startup,
        a,
        f"/applications/{application.pk}/attachments/",
        edit,
        files={"file": ("提案書.pdf", PDF, "application/pdf")},
    )
    assert sent.status_code == 200 and "提案書.pdf" in sent.text
    attachment_id, stored = rows.execute(
        "select id, file from applications_applicationattachment where application_id = %s", [application.pk]
    ).fetchone()
    assert buckets.keys(buckets.private) == {stored: PDF}
    download = f"{b}/applications/{application.pk}/attachments/{attachment_id}/"
    got = startup.get(download)
    assert got.status_code == 200 and got.content == PDF
    submitted = _post(startup, a, f"/applications/{application.pk}/submit/", edit)
    assert submitted.status_code == 200
    state = rows.execute(
        "select state from applications_application where id = %s", [application.pk]
    ).fetchone()
    assert state == (ApplicationState.SUBMITTED,)

    other = requests.Session()
    assert _login(other, b, world.user_b.email).url.endswith("/mypage/")
    assert other.get(download).status_code == 404

    # Failed log-ins on A count on B (counters in Redis): after three, B refuses even the right password.
    stranger = requests.Session()
    for _ in range(3):
        assert "/mypage/" not in _login(stranger, a, world.staff_y.email, "wrong-password").url
    locked = _login(stranger, b, world.staff_y.email)
    assert "/admin/" not in locked.url and "ログインの失敗が続いたため" in locked.text

    # A matching run and the annual report, started on A, run on the worker from the Redis queue.
    weights = {f"weight_{f}": str(DEFAULT_WEIGHTS[f]) for f in FACTORS}
    started = _post(
        ministry,
        a,
        "/admin/matching/",
        "/admin/matching/",
        {"top_k": "3", "travel_budget_yen": "", "default_capacity": "3", **weights},
    )
    assert started.status_code == 200, started.text[:300]
    _wait_until(
        lambda: (
            rows.execute("select status from matching_matchrun order by id desc limit 1").fetchone()
            == ("done",)
        ),
        "the matching run on the worker",
        timeout=180,
    )
    year = 2026
    requested = _post(ministry, a, f"/admin/reports/annual/{year}/", f"/admin/reports/annual/{year}/")
    assert requested.status_code == 200
    report_id = _wait_until(
        lambda: rows.execute(
            "select id from reports_reportfile where status = 'done' and fiscal_year = %s", [year]
        ).fetchone(),
        "the annual report on the worker",
        timeout=240,
    )[0]
    # … through Redis, not the database queue: RQ kept the finished jobs, the database's task table is empty.
    jobs = redis.Redis.from_url(_redis_url()).keys("rq:job:*")
    assert len(jobs) >= 2
    assert rows.execute("select count(*) from django_tasks_database_dbtaskresult").fetchone() == (0,)

    # Server A dies; everything it confirmed is served by B.
    deployment.kill("a")
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{a}/", timeout=5)
    pdf = ministry.get(f"{b}/admin/reports/annual/files/{report_id}/download/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert startup.get(download).content == PDF
    assert f"<mark>{word}</mark>の見える化" in requests.get(f"{b}/search/", params={"q": word}).text
    detail = startup.get(f"{b}/applications/{application.pk}/")
    assert detail.status_code == 200 and "提案書.pdf" in detail.text
    rows.close()
