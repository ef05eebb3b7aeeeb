"""`manage.py requeue_stale_tasks`: run again the tasks a dead worker left RUNNING (portal/core/worker.py)."""

from django.core.management.base import BaseCommand

from portal.core.worker import DEFAULT_STALE_AFTER_S, requeue_stale_tasks


class Command(BaseCommand):
    help = (
        "Put back in the queue the tasks left RUNNING by a worker that died: at once for dead workers of this host, "
        "after --stale-after seconds for any worker."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-after",
            type=float,
            default=DEFAULT_STALE_AFTER_S,
            help=f"seconds a task may run before it counts as lost (default {DEFAULT_STALE_AFTER_S})",
        )

    def handle(self, *args, stale_after: float, **options):
        requeued = requeue_stale_tasks(stale_after_s=stale_after)
        for result in requeued:
            self.stdout.write(
                f"Re-queued {result.task_path} ({result.pk}), left running by {result.worker_ids[-1:]}"
            )
        self.stdout.write(f"{len(requeued)} stale task(s) re-queued.")
