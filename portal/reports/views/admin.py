"""Reports in the Wagtail admin: the annual results report (rendered in the background, with progress), and the
exports as Wagtail report views (filters, a preview table, XLSX/CSV buttons) scoped to the user's organisation."""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin.ui.tables import Column as TableColumn
from wagtail.admin.views.reports import ReportView

from portal.accounts.permissions import is_ministry
from portal.core.calendar import current_fiscal_year
from portal.core.decisions import require
from portal.core.spreadsheet import FormulaSafeExportMixin
from portal.tracker import selectors as tracker_selectors
from portal.tracker.views.common import private_file

from .. import permissions, selectors, services
from ..exports import DATASETS, InvalidFilters, dataset_rows, export_response
from ..exports.writers import cell
from ..fonts import JapaneseFontMissing
from ..models import ReportFile
from .common import font_missing_response, invalid_filters_response


def _ministry_only(user):
    require(permissions.can_render_annual_report(user))


def _years() -> list[int]:
    return sorted(set(tracker_selectors.fiscal_years()) | {current_fiscal_year()}, reverse=True)


def index(request):
    """Reports home: the annual report per fiscal year (ministry) and the exports the user may download."""
    ministry = is_ministry(request.user)
    rows = []
    if ministry:
        latest = {}
        for rf in ReportFile.objects.filter(kind=ReportFile.Kind.ANNUAL).order_by("-created_at", "-pk"):
            latest.setdefault(rf.fiscal_year, rf)
        rows = [(year, latest.get(year)) for year in _years()]
    exports = [ds for ds in DATASETS.values() if permissions.can_export(request.user, ds)[0]]
    return TemplateResponse(
        request,
        "reports/admin/index.html",
        {
            "title": _("Reports"),
            "is_ministry": ministry,
            "rows": rows,
            "exports": exports,
        },
    )


def annual_report(request, year):
    """GET: the state of the year's report (current rendering, progress); POST: render it in the background."""
    _ministry_only(request.user)
    if not 2000 <= year <= 2100:
        raise Http404
    try:
        if request.method == "POST":
            report_file, _queued = services.annual_report_request(fiscal_year=year, actor=request.user)
            return redirect("reports_admin:annual_file", pk=report_file.pk)
        fingerprint = selectors.annual_report_fingerprint(year)
    except JapaneseFontMissing as exc:
        return font_missing_response(request, exc)
    current = ReportFile.objects.filter(
        kind=ReportFile.Kind.ANNUAL, fiscal_year=year, fingerprint=fingerprint
    ).first()
    previous = (
        ReportFile.objects.filter(
            kind=ReportFile.Kind.ANNUAL, fiscal_year=year, status=ReportFile.Status.DONE
        )
        .exclude(fingerprint=fingerprint)
        .first()
    )
    return TemplateResponse(
        request,
        "reports/admin/annual_report.html",
        {
            "title": _("Annual results report") + f" FY{year}",
            "year": year,
            "current": current,
            "previous": previous,
        },
    )


def annual_file(request, pk):
    """One rendering: its progress (HTML refreshing itself, or JSON with ?format=json)."""
    _ministry_only(request.user)
    report_file = get_object_or_404(ReportFile, pk=pk)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "status": report_file.status,
                "progress": report_file.progress,
                "step": report_file.step,
                "error": report_file.error,
                "download": reverse("reports_admin:download", args=[report_file.pk])
                if report_file.status == ReportFile.Status.DONE
                else "",
            }
        )
    return TemplateResponse(
        request,
        "reports/admin/annual_file.html",
        {
            "title": _("Annual results report") + f" FY{report_file.fiscal_year}",
            "report_file": report_file,
            "refresh": report_file.status in (ReportFile.Status.PENDING, ReportFile.Status.RUNNING),
        },
    )


def download(request, pk):
    _ministry_only(request.user)
    report_file = get_object_or_404(ReportFile, pk=pk, status=ReportFile.Status.DONE)
    return private_file(report_file.file, report_file.filename, "application/pdf")


# --- Wagtail report views over the datasets -------------------------------------------------------------------


class DatasetReportView(FormulaSafeExportMixin, ReportView):
    """A dataset as a Wagtail report: the list's filters, a preview of its columns, XLSX/CSV of all filtered rows.

    Rows come from `dataset_rows` (the user's scope + the dataset's FilterSet), the files from our writers (CSV
    with a BOM, Japan time) — the same as the site's downloads.
    """

    dataset_name = ""
    header_icon = "download"
    paginate_by = 50

    @property
    def dataset(self):
        return DATASETS[self.dataset_name]

    @property
    def filterset_class(self):
        return self.dataset.filterset_class

    @property
    def page_title(self):
        return self.dataset.title

    @property
    def list_export(self):
        return [c.key for c in self.dataset.columns]

    @property
    def columns(self):
        return [
            TableColumn(c.key, label=c.heading, accessor=lambda row, c=c: cell(c.value(row)))
            for c in self.dataset.preview_columns()
        ]

    def get_index_url(self):
        return reverse(f"reports_admin:{self.dataset_name}")

    def get_index_results_url(self):
        return reverse(f"reports_admin:{self.dataset_name}_results")

    def get_filename(self):
        return self.dataset.name

    def dispatch(self, request, *args, **kwargs):
        require(permissions.can_export(request.user, self.dataset))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except InvalidFilters as exc:
            return invalid_filters_response(request, exc)

    def get_filtered_queryset(self):
        rows, _form = dataset_rows(self.dataset, self.request.user, self.request.GET, request=self.request)
        return rows

    def as_spreadsheet(self, queryset, spreadsheet_format):
        return export_response(self.dataset, queryset, spreadsheet_format)


def report_view(name: str):
    """The index and results views of one dataset's report (Wagtail's listing needs both)."""
    cls = type(f"{name.title()}ReportView", (DatasetReportView,), {"dataset_name": name})
    return cls.as_view(), cls.as_view(results_only=True)
