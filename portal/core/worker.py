"""Recovering tasks whose worker died (kill -9, out of memory, a machine lost) while running them.

django-tasks-db marks a task RUNNING when a worker claims it and SUCCESSFUL/FAILED when the task returns; a worker
that dies in between leaves the row RUNNING for ever and nobody runs it again. `manage.py run_worker` names each
worker ``<host>/<pid>`` and, before it starts, puts back in the queue every RUNNING task whose worker on this host is
no longer alive; tasks of other hosts are put back once they have run longer than ``--stale-after`` seconds.
Our tasks are idempotent (docs/security.md, Faults), so running one again has its effect once.
"""

from __future__ import annotations

import datetime as dt
import os
import socket

from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

DEFAULT_STALE_AFTER_S = 6 * 60 * 60


def worker_id(pid: int | None = None) -> str:
    return f"{socket.gethostname()[:48]}/{pid or os.getpid()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_stale(result: DBTaskResult, *, now: dt.datetime, stale_after_s: float) -> bool:
    """A running task is stale when its worker on this host is dead, or (any host) it has run too long."""
    last = result.worker_ids[-1] if result.worker_ids else ""
    host, _, pid = last.rpartition("/")
    if host == socket.gethostname()[:48] and pid.isdigit():
        if not _alive(int(pid)):
            return True
    started = result.started_at or result.enqueued_at
    return started is not None and (now - started).total_seconds() > stale_after_s


def requeue_stale_tasks(*, stale_after_s: float = DEFAULT_STALE_AFTER_S) -> list[DBTaskResult]:
    """Put stale RUNNING tasks back to READY (to run again as soon as a worker is free); returns them."""
    now = timezone.now()
    requeued = []
    for result in DBTaskResult.objects.running().order_by("started_at"):
        if not is_stale(result, now=now, stale_after_s=stale_after_s):
            continue
        with transaction.atomic():
            # Only if it is still RUNNING under the same worker (it may have finished meanwhile).
            updated = DBTaskResult.objects.filter(
                pk=result.pk, status=TaskResultStatus.RUNNING, worker_ids=result.worker_ids
            ).update(status=TaskResultStatus.READY, started_at=None, run_after=now)
        if updated:
            requeued.append(result)
    return requeued
