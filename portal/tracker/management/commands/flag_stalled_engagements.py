"""Flag engagements with no update for TRACKER_STALLED_AFTER_DAYS and remind both sides. Run daily from cron:

    15 6 * * *  cd /srv/xact && .venv/bin/python manage.py flag_stalled_engagements

or enqueue `portal.tracker.tasks.flag_stalled_engagements_task` for the task worker (`manage.py db_worker`).
"""

from django.core.management.base import BaseCommand

from portal.tracker.services import flag_stalled_engagements
from portal.tracker.tasks import flag_stalled_engagements_task


class Command(BaseCommand):
    help = "Flag engagements without news and remind both sides (run daily)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Hand the work to the task worker instead."
        )

    def handle(self, *args, **options):
        if options["enqueue"]:
            result = flag_stalled_engagements_task.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        flagged = flag_stalled_engagements()
        if options["verbosity"]:
            self.stdout.write(f"{len(flagged)} engagement(s) flagged as stalled")
