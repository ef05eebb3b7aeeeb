"""Background work: a matching run executes on the task worker (`manage.py db_worker`; immediate in tests)."""

from __future__ import annotations

from django_tasks import task

from . import services
from .models import MatchRun


@task()
def execute_match_run(run_id: int) -> str:
    """Execute one queued run; returns its final status (done or failed; the error is on the run)."""
    run = MatchRun.objects.get(pk=run_id)
    return services.match_run_execute(run=run).status


def match_run_start(*, actor, **parameters) -> MatchRun:
    """Create a queued run (services.match_run_create: permission, validation, audit) and hand it to the worker."""
    run = services.match_run_create(actor=actor, **parameters)
    execute_match_run.enqueue(run.pk)
    run.refresh_from_db()
    return run
