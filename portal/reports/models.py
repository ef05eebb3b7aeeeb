"""Rendered reports kept until their data changes (the annual results report takes seconds to render)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.core.storage import PRIVATE_STORAGE


def private_storage():
    """Rendered reports hold figures and names: never under MEDIA_URL, served only by permission-checked views."""
    return PRIVATE_STORAGE


class ReportFile(models.Model):
    """One rendering of a report for a key (kind, fiscal year, language, data fingerprint).

    When the data changes the fingerprint changes, so the next request renders a new file; an existing file with
    the same key is served as it is. `progress` (0–100) is written by the background task while it renders.
    """

    class Kind(models.TextChoices):
        ANNUAL = "annual", _("annual results report")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("rendering")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    language = models.CharField(_("language"), max_length=10)
    fingerprint = models.CharField(_("data fingerprint"), max_length=64)
    status = models.CharField(_("state"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=120, blank=True)
    file = models.FileField(
        _("file"), upload_to="reports/%Y/", storage=private_storage, max_length=255, blank=True
    )
    size = models.PositiveIntegerField(_("size"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("rendered report")
        verbose_name_plural = _("rendered reports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "fiscal_year", "language", "fingerprint"], name="one_report_file_per_key"
            ),
            models.CheckConstraint(name="report_progress_is_percent", condition=models.Q(progress__lte=100)),
        ]

    def __str__(self):
        return (
            f"{self.get_kind_display()} FY{self.fiscal_year} ({self.language}, {self.get_status_display()})"
        )

    @property
    def filename(self) -> str:
        return f"annual-report-FY{self.fiscal_year}-{self.language}.pdf"
