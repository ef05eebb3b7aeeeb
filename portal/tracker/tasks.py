"""Scheduled work (run daily; see docs/tracker.md): flag engagements without news and remind both sides; remind
both sides before an agreement's renewal decision and its end."""

from django_tasks import task

from .services import flag_stalled_engagements, send_agreement_reminders, send_budget_request_reminders


@task()
def flag_stalled_engagements_task() -> int:
    return len(flag_stalled_engagements())


@task()
def send_agreement_reminders_task() -> int:
    return len(send_agreement_reminders())


@task()
def send_budget_request_reminders_task() -> int:
    return len(send_budget_request_reminders())
