"""Scheduled work: the daily digest of new messages (run daily; see docs/collaboration.md)."""

from django_tasks import task

from .services import send_message_digests


@task()
def send_message_digests_task() -> int:
    return send_message_digests()
