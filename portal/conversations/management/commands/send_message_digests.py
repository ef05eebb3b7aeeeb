"""Send the daily digest of new messages to everyone who chose it. Run daily from cron:

    0 8 * * *  cd /srv/xact && .venv/bin/python manage.py send_message_digests

or enqueue `portal.conversations.tasks.send_message_digests_task` for the task worker (`manage.py run_worker`).
"""

from portal.conversations.services import send_message_digests
from portal.conversations.tasks import send_message_digests_task
from portal.core.scheduled import ScheduledCommand


class Command(ScheduledCommand):
    help = "Send the daily digest of new messages (run daily)."
    task = send_message_digests_task
    done = "{n} digest e-mail(s) sent"

    def work(self, **kwargs):
        return send_message_digests(**kwargs)
