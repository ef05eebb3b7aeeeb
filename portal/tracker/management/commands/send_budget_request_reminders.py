"""Remind each municipality's staff TRACKER_BUDGET_REQUEST_REMINDER_DAYS before its budget-request (予算要求)
deadline, once a year, when engagements will need its money next fiscal year. Run daily from cron:

    25 6 * * *  cd /srv/xact && .venv/bin/python manage.py send_budget_request_reminders

or enqueue `portal.tracker.tasks.send_budget_request_reminders_task` for the task worker (`manage.py db_worker`).
"""

from portal.core.scheduled import ScheduledCommand
from portal.tracker.services import send_budget_request_reminders
from portal.tracker.tasks import send_budget_request_reminders_task


class Command(ScheduledCommand):
    help = "Remind municipalities before their budget-request deadline (run daily)."
    task = send_budget_request_reminders_task
    takes_today = True
    done = "{n} budget-request reminder(s) sent"

    def work(self, **kwargs):
        return send_budget_request_reminders(**kwargs)
