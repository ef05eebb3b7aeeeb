"""Background work (django_tasks; immediate in tests, `manage.py db_worker` otherwise): rendering large reports."""

from __future__ import annotations

from django_tasks import task

from .models import ReportFile
from .rendering import annual_report_render


@task()
def render_annual_report_task(report_file_id: int) -> int:
    """Render a queued annual report; returns its size in bytes (the ReportFile keeps any error)."""
    report_file = ReportFile.objects.filter(pk=report_file_id).first()
    if report_file is None or report_file.status == ReportFile.Status.DONE:
        return 0
    return annual_report_render(report_file=report_file).size
