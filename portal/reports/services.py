"""Writes: asking for the annual results report, which the background task renders once per data state.

`annual_report_request` finds the rendering for (fiscal year, language, fingerprint of the data) or creates it and
queues the background task, which calls `rendering.annual_report_render` (progress written as it goes). A new
fingerprint means new data, hence a new file; the renderer keeps the newest two per year and language.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import translation

from portal.core.audit import record

from . import selectors
from .fonts import japanese_font
from .models import ReportFile
from .tasks import render_annual_report_task


def annual_report_request(*, fiscal_year: int, actor, language: str | None = None) -> tuple[ReportFile, bool]:
    """The stored rendering for the current data, or a new one queued for the background task.

    Returns (report_file, queued): queued is False when a current rendering exists (done, or already under way).
    A failed rendering for the same key is retried.
    """
    japanese_font()
    language = language or translation.get_language() or "ja"
    fingerprint = selectors.annual_report_fingerprint(fiscal_year)
    key = {
        "kind": ReportFile.Kind.ANNUAL,
        "fiscal_year": fiscal_year,
        "language": language,
        "fingerprint": fingerprint,
    }
    with transaction.atomic():
        existing = ReportFile.objects.select_for_update().filter(**key).first()
        if existing is not None and existing.status != ReportFile.Status.FAILED:
            return existing, False
        if existing is not None:
            existing.status, existing.progress, existing.error, existing.step = (
                ReportFile.Status.PENDING,
                0,
                "",
                "",
            )
            existing.requested_by = actor if getattr(actor, "is_authenticated", False) else None
            existing.full_clean()
            existing.save()
            report_file = existing
        else:
            report_file = ReportFile(
                **key, requested_by=actor if getattr(actor, "is_authenticated", False) else None
            )
            report_file.full_clean(validate_constraints=False)
            try:
                with transaction.atomic():
                    report_file.save()
            except IntegrityError:  # somebody asked for the same rendering at the same moment
                return ReportFile.objects.get(**key), False
        record(
            actor=actor,
            action="reports.annual_requested",
            obj=report_file,
            fiscal_year=fiscal_year,
            language=language,
        )
        transaction.on_commit(lambda: render_annual_report_task.enqueue(report_file_id=report_file.pk))
    return report_file, True
