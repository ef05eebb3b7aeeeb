"""Send the daily digest of new messages to everyone who chose it. Run daily from cron:

    0 8 * * *  cd /srv/xact && .venv/bin/python manage.py send_message_digests

or enqueue `portal.conversations.tasks.send_message_digests_task` for the task worker (`manage.py run_worker`).
"""

from django.core.management.base import BaseCommand

from portal.conversations.services import send_message_digests
from portal.conversations.tasks import send_message_digests_task


class Command(BaseCommand):
    help = "Send the daily digest of new messages (run daily)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Hand the work to the task worker instead."
        )

    def handle(self, *args, **options):
        if options["enqueue"]:
            result = send_message_digests_task.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        sent = send_message_digests()
        if options["verbosity"]:
            self.stdout.write(f"{sent} digest e-mail(s) sent")
