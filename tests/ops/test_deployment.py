"""Production refuses unsafe defaults; `check --deploy` names what is missing and what it costs; `check_deployment`
checks a live deployment and exits non-zero on problems (docs/deployment.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal.core import checks, deployment
from tests.accounts.test_settings_and_shell import DEPLOYMENT, run_production
from tests.ops.live_site import copy_site

SETUP = ["-c", "import django; django.setup()"]


def test_production_refuses_to_start_without_a_database_url():
    result = run_production(SETUP, **DEPLOYMENT, DATABASE_URL=None)
    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL must be set in production" in result.stderr
    assert "SQLite" in result.stderr  # says what it would have done instead


def test_production_keeps_database_connections_and_checks_them_before_reuse():
    code = (
        "import django; django.setup(); from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['ENGINE'], d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    result = run_production(["-c", code], **DEPLOYMENT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "60", "True"]


def test_check_deploy_says_what_is_missing_and_what_it_costs():
    result = run_production(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **{**DEPLOYMENT, "REDIS_URL": None, "EMAIL_HOST": None, "WAGTAILADMIN_BASE_URL": None},
    )
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert "(xact.W001) REDIS_URL is not set: the cache is the database." in out
    assert "failed-login count and rate-limit count is then a write to the database" in out
    assert "(xact.W003) EMAIL_HOST is not set." in out and "password resets" in out
    assert "(xact.W004) WAGTAILADMIN_BASE_URL is 'http://127.0.0.1:8000'." in out
    assert "xact.W002" not in out  # PostgreSQL


def test_the_deployment_checks_one_by_one(settings):
    redis = {"default": {"BACKEND": "portal.core.cache.FaultTolerantRedisCache", "LOCATION": "redis://x:1/0"}}
    database = settings.DATABASES["default"]
    with override_settings(
        CACHES=redis,
        DATABASES={"default": {**database, "ENGINE": "django.db.backends.postgresql"}},
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="smtp.xact.example.jp",
        WAGTAILADMIN_BASE_URL="https://xact.example.jp",
    ):
        assert checks.deployment_settings() == []
    with override_settings(
        CACHES=redis,
        DATABASES={"default": {**database, "ENGINE": "django.db.backends.sqlite3"}},
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        WAGTAILADMIN_BASE_URL="https://xact.example.jp",
    ):
        found = {issue.id: issue for issue in checks.deployment_settings()}
    assert sorted(found) == ["xact.W002", "xact.W003"]
    assert "one machine with one writer at a time" in found["xact.W002"].hint
    assert "no mail leaves this machine" in found["xact.W003"].msg


@pytest.mark.django_db
def test_live_checks_pass_on_a_healthy_site_and_notice_a_missing_worker():
    findings = deployment.live_findings()
    assert all(f.ok for f in findings), [f for f in findings if not f.ok]
    assert {f.what for f in findings} >= {
        "database reachable",
        "migrations applied",
        "task worker running",
        "cache 'default' reachable (LocMemCache)",
        "MEDIA_ROOT writable",
        "PRIVATE_MEDIA_ROOT writable",
        "SEARCH_INDEX_DIR writable",
    }
    task = DBTaskResult.objects.create(
        task_path="portal.search.tasks.rebuild_index",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        queue_name="default",
        run_after=timezone.now() - dt.timedelta(hours=1),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - dt.timedelta(hours=1))
    worker = deployment.worker_keeps_up()
    assert not worker.ok and "1 task(s) waiting for more than 15 minutes" in worker.detail
    assert "manage.py run_worker" in worker.detail


def test_check_deployment_lists_every_problem_and_exits_non_zero(seeded_site, tmp_path):
    seeded, result = seeded_site
    assert result.returncode == 0, result.stderr[-3000:]
    site = copy_site(seeded, tmp_path / "site")  # migrated, demo data, tasks queued and no worker ever ran
    result = run_production(
        ["manage.py", "check_deployment", "--worker-grace-minutes", "0"],
        **{
            **DEPLOYMENT,
            "DATABASE_URL": f"sqlite:///{site / 'db.sqlite3'}",
            "XACT_VAR_DIR": str(site),
            "REDIS_URL": "redis://127.0.0.1:6398/0",
            "SEARCH_INDEX_DIR": str(site / "search-index"),
        },
    )
    assert result.returncode != 0
    out = result.stdout
    assert "PROBLEM  check --deploy" in out and "(xact.W002) DATABASE_URL names a SQLite file." in out
    assert "ok       database reachable: sqlite" in out
    assert "ok       migrations applied" in out
    assert "PROBLEM  task worker running:" in out and "start `manage.py run_worker`" in out
    assert "PROBLEM  cache 'default' reachable (FaultTolerantRedisCache)" in out
    assert "PROBLEM  cache 'counters' reachable (RedisCache)" in out and "check REDIS_URL" in out
    assert "ok       MEDIA_ROOT writable" in out and "ok       PRIVATE_MEDIA_ROOT writable" in out
    assert "PROBLEM  static files collected" in out and "run manage.py collectstatic" in out
    assert "problem(s) found" in result.stderr
