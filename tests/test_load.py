"""A short mixed load (bench/load) against gunicorn on PostgreSQL: a handful of anonymous visitors, startups,
municipality staff and ministry staff at once for ~10 s. No server error, no connection error, no unexpected
answer; every write the server confirmed (application started and submitted, review saved, shortlist, travel
approved) is in the database exactly once with one audit event, and the travel budget is not overspent.

Runs in a database of its own, copied from the test database (migrations and their data) and dropped afterwards,
with gunicorn on a free port. PostgreSQL only: the point is concurrent writers on row locks; SQLite serialises
every writer on one file.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection, connections

from portal.geo.models import LocalGovernment

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent writers on row locks need PostgreSQL; SQLite has one file lock",
    ),
]


def _url(params: dict, name: str) -> str:
    user, password = params.get("user") or "postgres", params.get("password") or ""
    auth = f"{user}:{password}@" if password else f"{user}@"
    return f"postgres://{auth}{params.get('host') or '127.0.0.1'}:{params.get('port') or 5432}/{name}"


# serialized_rollback: the test database holds the migrations' data (home page, catalogue page, groups, geo) when
# it is copied, whatever transactional test ran before.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_short_mixed_load_has_no_errors_and_each_confirmed_write_is_stored_once(tmp_path):
    if not LocalGovernment.objects.exists():
        pytest.skip(
            "the reused test database lost the migrations' data to an earlier transactional test "
            "(--reuse-db); run without --reuse-db"
        )
    template = connection.settings_dict["NAME"]
    params = connection.get_connection_params()
    name = f"xact_load_ci_{os.getpid()}"
    connections.close_all()  # CREATE DATABASE … TEMPLATE needs the template without sessions
    admin = psycopg.connect(
        dbname="postgres",
        host=params.get("host"),
        port=params.get("port"),
        user=params.get("user"),
        password=params.get("password"),
        autocommit=True,
    )
    try:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.load.settings",
            "LOAD_DATABASE_URL": _url(params, name),
            "BENCH_DIR": str(tmp_path / "bench"),
            "LOAD_FAST_PASSWORDS": "1",
        }
        out = tmp_path / "load.json"
        run = subprocess.run(
            [
                sys.executable,
                "bench/load/run.py",
                "--generate-small",
                "--no-warm-up",
                "--finish-steps",
                "--seconds",
                "10",
                "--users",
                "6",
                "--workers",
                "2",
                "--threads",
                "2",
                "--think",
                "0.1",
                "--json",
                str(out),
            ],
            cwd=ROOT,
            env=env,
            timeout=300,
            capture_output=True,
            text=True,
        )
        assert out.exists(), run.stdout + run.stderr
        figures = json.loads(out.read_text())
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    measured = figures["measured"]
    assert measured["errors"] == {}, figures["error_samples"]
    assert measured["requests"] > 0
    failed = [c for c in figures["checks"] if not c["ok"]]
    assert failed == [], failed
    confirmed = {c["check"]: c.get("confirmed") for c in figures["checks"]}
    # Every kind of write happened at least once, so the checks above had something to check.
    assert confirmed["application started"] and confirmed["application submitted"], confirmed
    assert confirmed["review saved (one event per confirmed save, one row per reviewer)"], confirmed
    assert confirmed["travel approved (one reserve entry each)"], confirmed
    assert run.returncode == 0, run.stdout[-3000:]
