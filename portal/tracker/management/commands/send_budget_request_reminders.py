"""Remind each municipality's staff TRACKER_BUDGET_REQUEST_REMINDER_DAYS before its budget-request (予算要求)
deadline, once a year, when engagements will need its money next fiscal year. Run daily from cron:

    25 6 * * *  cd /srv/xact && .venv/bin/python manage.py send_budget_request_reminders

or enqueue `portal.tracker.tasks.send_budget_request_reminders_task` for the task worker (`manage.py db_worker`).
"""

import datetime as dt

from django.core.management.base import BaseCommand

from portal.tracker.services import send_budget_request_reminders
from portal.tracker.tasks import send_budget_request_reminders_task


class Command(BaseCommand):
    help = "Remind municipalities before their budget-request deadline (run daily)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Hand the work to the task worker instead."
        )
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            help="The day to act as (YYYY-MM-DD, Japan time); default today.",
        )

    def handle(self, *args, **options):
        if options["enqueue"]:
            result = send_budget_request_reminders_task.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        sent = send_budget_request_reminders(today=options["today"])
        if options["verbosity"]:
            self.stdout.write(f"{len(sent)} budget-request reminder(s) sent")
