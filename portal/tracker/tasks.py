"""Scheduled work: flag engagements without news and remind both sides (run daily; see docs/tracker.md)."""

from django_tasks import task

from .services import flag_stalled_engagements


@task()
def flag_stalled_engagements_task() -> int:
    return len(flag_stalled_engagements())
