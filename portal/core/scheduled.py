"""The one shape of a daily job's management command: run the service now, or hand it to the task worker.

    class Command(ScheduledCommand):
        help = "Remind both sides before agreements' renewal decisions and ends (run daily)."
        task = send_agreement_reminders_task
        takes_today = True            # --today YYYY-MM-DD, passed to the service as `today`
        done = "{n} agreement reminder(s) sent"

        def work(self, **kwargs):
            return send_agreement_reminders(**kwargs)

`work` returns what it did (a list or a count); the command prints `done` with its number unless -v 0.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand


class ScheduledCommand(BaseCommand):
    task: Any  # the django-tasks task that runs the same service on the worker
    done = "{n} done"
    takes_today = False

    def work(self, **kwargs) -> Any:
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Hand the work to the task worker instead."
        )
        if self.takes_today:
            parser.add_argument(
                "--today",
                type=dt.date.fromisoformat,
                help="The day to act as (YYYY-MM-DD, Japan time); default today.",
            )

    def handle(self, *args, **options):
        if options["enqueue"]:
            result = self.task.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        done = self.work(**({"today": options["today"]} if self.takes_today else {}))
        if options["verbosity"]:
            self.stdout.write(self.done.format(n=done if isinstance(done, int) else len(done)))
