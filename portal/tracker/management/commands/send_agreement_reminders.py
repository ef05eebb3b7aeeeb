"""Remind both sides of an engagement TRACKER_AGREEMENT_REMINDER_DAYS before an agreement's renewal decision and
before its end, once per date. Run daily from cron:

    20 6 * * *  cd /srv/xact && .venv/bin/python manage.py send_agreement_reminders

or enqueue `portal.tracker.tasks.send_agreement_reminders_task` for the task worker (`manage.py db_worker`).
"""

import datetime as dt

from django.core.management.base import BaseCommand

from portal.tracker.services import send_agreement_reminders
from portal.tracker.tasks import send_agreement_reminders_task


class Command(BaseCommand):
    help = "Remind both sides before agreements' renewal decisions and ends (run daily)."

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
            result = send_agreement_reminders_task.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        sent = send_agreement_reminders(today=options["today"])
        if options["verbosity"]:
            self.stdout.write(f"{len(sent)} agreement reminder(s) sent")
