"""Rendering the annual results report (成果報告書) to PDF and into a stored ReportFile, writing progress.

Called by the background task (portal/reports/tasks.py) and by `manage.py annual_report`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.core.storage import storage_error

from . import selectors
from .fonts import JapaneseFontMissing, japanese_font
from .models import ReportFile
from .pdf import render_pdf

logger = logging.getLogger(__name__)

Progress = Callable[[int, str], None]
# The current rendering and the one before it (to compare); older ones are deleted with their files.
KEEP_RENDERINGS = 2


def annual_report_pdf(*, fiscal_year: int, progress: Progress | None = None) -> bytes:
    """The 成果報告書 of one fiscal year as PDF bytes, in the active language (no storing, no audit)."""
    progress = progress or (lambda percent, step: None)
    japanese_font()  # refuse before reading anything when there is no Japanese font
    report = selectors.annual_report(fiscal_year, progress=progress)
    progress(50, _("Laying out the pages"))
    title = _("Annual results report") + f" FY{fiscal_year}"
    data = render_pdf("reports/pdf/annual_report.html", {"report": report}, title=title)
    progress(95, _("Storing the file"))
    return data


def _set_progress(report_file: ReportFile, percent: int, step: str) -> None:
    ReportFile.objects.filter(pk=report_file.pk).update(
        progress=min(100, max(0, percent)), step=str(step)[:120]
    )


def annual_report_render(*, report_file: ReportFile, progress: Progress | None = None) -> ReportFile:
    """Render one queued ReportFile into private storage, writing progress; a failure is kept with its message."""
    extra = progress or (lambda percent, step: None)

    def step(percent: int, label: str) -> None:
        _set_progress(report_file, percent, label)
        extra(percent, label)

    ReportFile.objects.filter(pk=report_file.pk).update(status=ReportFile.Status.RUNNING, progress=1)
    try:
        with translation.override(report_file.language):
            data = annual_report_pdf(fiscal_year=report_file.fiscal_year, progress=step)
    except JapaneseFontMissing as exc:
        ReportFile.objects.filter(pk=report_file.pk).update(
            status=ReportFile.Status.FAILED, error=str(exc), finished_at=timezone.now()
        )
        report_file.refresh_from_db()
        raise
    except Exception as exc:
        logger.exception("annual report FY%s failed", report_file.fiscal_year)
        ReportFile.objects.filter(pk=report_file.pk).update(
            status=ReportFile.Status.FAILED, error=repr(exc)[:2000], finished_at=timezone.now()
        )
        report_file.refresh_from_db()
        raise
    try:
        with transaction.atomic():
            locked = ReportFile.objects.select_for_update().get(pk=report_file.pk)
            previous = locked.file.name if locked.file else None
            # The new file first; the previous one is deleted after the commit, so a failed write (a full disk)
            # never leaves the row naming a deleted file.
            locked.file.save(locked.filename, ContentFile(data), save=False)
            locked.size = len(data)
            locked.status = ReportFile.Status.DONE
            locked.progress = 100
            locked.step = ""
            locked.finished_at = timezone.now()
            locked.save()
            if previous and previous != locked.file.name:
                storage = locked.file.storage
                transaction.on_commit(lambda: storage.delete(previous))
    except OSError as exc:  # SafeFileSystemStorage kept nothing of the new file
        with translation.override(report_file.language):
            message = str(storage_error(exc).messages[0])
        ReportFile.objects.filter(pk=report_file.pk).update(
            status=ReportFile.Status.FAILED, error=message, finished_at=timezone.now()
        )
        report_file.refresh_from_db()
        raise
    prune_report_files(kind=locked.kind, fiscal_year=locked.fiscal_year, language=locked.language)
    extra(100, _("Done"))
    return locked


def prune_report_files(*, kind: str, fiscal_year: int, language: str, keep: int = KEEP_RENDERINGS) -> int:
    """Delete superseded renderings of one report (rows and files), keeping the newest `keep` finished ones."""
    finished = ReportFile.objects.filter(
        kind=kind, fiscal_year=fiscal_year, language=language, status=ReportFile.Status.DONE
    ).order_by("-finished_at", "-pk")
    removed = 0
    for rf in finished[keep:]:
        if rf.file:
            rf.file.delete(save=False)
        rf.delete()
        removed += 1
    return removed
