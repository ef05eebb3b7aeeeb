"""The task worker is killed (-9) in the middle of a matching run: the next worker start re-queues the task, runs
it again, and its effect — the run's proposals, the "done" audit event — happens exactly once.

PostgreSQL only: a real `manage.py run_worker` process works on the test database, which it cannot share on SQLite
(an in-memory database); the test holds a table lock to stop the worker at a known point inside the task.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from matching.models import MatchProposal, MatchRun
from matching.tasks import match_run_start
from portal.core.models import AuditEvent
from tests.matching.factories import World

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="a worker process needs a database it can share (PostgreSQL; set DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parents[2]


def _admin(autocommit: bool = False):
    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"] or None,
        port=s["PORT"] or None,
        user=s["USER"],
        password=s["PASSWORD"],
        dbname=s["NAME"],
        autocommit=autocommit,
    )


def start_worker(tmp_path) -> subprocess.Popen:
    s = connection.settings_dict
    url = f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DATABASE_URL": url,
        "XACT_VAR_DIR": str(tmp_path / "var"),
        "SEARCH_INDEX_DIR": str(tmp_path / "index"),
        "DJANGO_DEBUG": "0",
        # a cache the worker can reach (the test database has no cache table: the test settings cache in memory);
        # saving a run's rows now retires cached counts, as in production with Redis
        "REDIS_URL": "redis://127.0.0.1:6379/12",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--batch", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_until_blocked(worker: subprocess.Popen, deadline_s: float = 300) -> None:
    """Until the worker's database session waits for our lock on the proposals table (inside the task)."""
    deadline = time.monotonic() + deadline_s
    with _admin(autocommit=True) as watcher:
        while time.monotonic() < deadline:
            assert worker.poll() is None, worker.stdout.read()
            row = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query ILIKE '%%matching_matchproposal%%'"
            ).fetchone()
            if row[0]:
                return
            time.sleep(0.2)
    raise AssertionError("the worker never reached the point where it saves the proposals")


def test_a_worker_killed_mid_task_is_recovered_and_the_run_happens_once(tmp_path, settings):
    world = World()
    world.apply(world.snow_user, world.challenge_x)
    world.apply(world.medical_user, world.challenge_y)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # queued for the worker
    run = match_run_start(actor=world.ministry_user)
    assert run.status == MatchRun.Status.QUEUED

    admin = _admin()
    admin.execute("LOCK TABLE matching_matchproposal IN EXCLUSIVE MODE")  # the worker's save will wait here
    worker = start_worker(tmp_path)
    try:
        wait_until_blocked(worker)
        worker.kill()  # kill -9 in the middle of the task
        worker.wait(timeout=60)
    finally:
        admin.rollback()
        admin.close()
    # (other tasks may be queued beside it, e.g. Wagtail's reference index update after a save)
    task = DBTaskResult.objects.get(task_path="matching.tasks.execute_match_run")
    assert task.status == "RUNNING"  # what a dead worker leaves behind
    run.refresh_from_db()
    assert run.status == MatchRun.Status.RUNNING and not MatchProposal.objects.filter(run=run).exists()

    # The next worker start puts the task back in the queue and runs it.
    restarted = start_worker(tmp_path)
    output, _ = restarted.communicate(timeout=600)
    assert restarted.returncode == 0, output
    assert "Re-queued matching.tasks.execute_match_run" in output

    task.refresh_from_db()
    run.refresh_from_db()
    assert task.status == "SUCCESSFUL", (task.exception_class_path, task.traceback[-1500:])
    assert run.status == MatchRun.Status.DONE
    pairs = list(MatchProposal.objects.filter(run=run).values_list("challenge_id", "startup_id"))
    assert pairs and len(pairs) == len(set(pairs))  # proposals once
    assert AuditEvent.objects.filter(action="matching.run_done", object_id=str(run.pk)).count() == 1
