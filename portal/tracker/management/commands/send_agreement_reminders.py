"""Remind both sides of an engagement TRACKER_AGREEMENT_REMINDER_DAYS before an agreement's renewal decision and
before its end, once per date. Run daily from cron:

    20 6 * * *  cd /srv/xact && .venv/bin/python manage.py send_agreement_reminders

or enqueue `portal.tracker.tasks.send_agreement_reminders_task` for the task worker (`manage.py db_worker`).
"""

from portal.core.scheduled import ScheduledCommand
from portal.tracker.services import send_agreement_reminders
from portal.tracker.tasks import send_agreement_reminders_task


class Command(ScheduledCommand):
    help = "Remind both sides before agreements' renewal decisions and ends (run daily)."
    task = send_agreement_reminders_task
    takes_today = True
    done = "{n} agreement reminder(s) sent"

    def work(self, **kwargs):
        return send_agreement_reminders(**kwargs)
