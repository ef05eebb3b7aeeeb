"""`manage.py run_worker`: the task worker, whichever queue TASKS_BACKEND chose.

database (default): before it starts it re-queues the tasks a dead worker of this host left RUNNING
(portal/core/worker.py), then runs django-tasks-db's db_worker with the worker id ``<host>/<pid>`` so that the next
start can tell whether this one is still alive.
rq: RQ's worker (django-rq's rqworker with django-tasks-rq's job class) on the queue in Redis; RQ itself moves the
jobs of a worker that died to its failed-job registry, where `rq requeue` or the admin of django-rq picks them up.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from portal.core.worker import DEFAULT_STALE_AFTER_S, requeue_stale_tasks, worker_id


class Command(BaseCommand):
    help = "Run the background task worker, re-queuing first the tasks a dead worker left running."

    def add_arguments(self, parser):
        parser.add_argument("--stale-after", type=float, default=DEFAULT_STALE_AFTER_S)
        parser.add_argument("--batch", action="store_true", help="run the queued tasks, then exit")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
        parser.add_argument("--queue-name", default="default")

    def handle(self, *args, stale_after: float, batch: bool, interval: float, queue_name: str, **options):
        if settings.TASKS_BACKEND == "rq":
            queues = list(settings.RQ_QUEUES) if queue_name == "*" else [queue_name]
            call_command(
                "rqworker",
                *queues,
                job_class="django_tasks_rq.Job",
                burst=batch,
                name=worker_id().replace("/", "-"),
                verbosity=options.get("verbosity", 1),
            )
            return
        for result in requeue_stale_tasks(stale_after_s=stale_after):
            self.stdout.write(
                f"Re-queued {result.task_path} ({result.pk}) left running by {result.worker_ids[-1:]}"
            )
        call_command(
            "db_worker",
            worker_id=worker_id(),
            batch=batch,
            interval=interval,
            queue_name=queue_name,
            reload=False,
            startup_delay=False,
            verbosity=options.get("verbosity", 1),
        )
