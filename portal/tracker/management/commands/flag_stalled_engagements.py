"""Flag engagements with no update for TRACKER_STALLED_AFTER_DAYS and remind both sides. Run daily from cron:

    15 6 * * *  cd /srv/xact && .venv/bin/python manage.py flag_stalled_engagements

or enqueue `portal.tracker.tasks.flag_stalled_engagements_task` for the task worker (`manage.py db_worker`).
"""

from portal.core.scheduled import ScheduledCommand
from portal.tracker.services import flag_stalled_engagements
from portal.tracker.tasks import flag_stalled_engagements_task


class Command(ScheduledCommand):
    help = "Flag engagements without news and remind both sides (run daily)."
    task = flag_stalled_engagements_task
    done = "{n} engagement(s) flagged as stalled"

    def work(self, **kwargs):
        return flag_stalled_engagements(**kwargs)
