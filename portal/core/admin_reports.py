"""Wagtail's own reports (locked pages, aging pages, workflows, site history), exported through our writer.

Their CSV export writes page titles as they are, and a municipality writes its challenges' titles: a title such as
`=HYPERLINK(…)` ran as a formula in the ministry's spreadsheet. The views below are Wagtail's, with
FormulaSafeExportMixin; portal/urls.py routes the reports' addresses to them before Wagtail's admin URLs, so the
menu, links and `reverse()` of Wagtail's names lead here unchanged.
"""

from __future__ import annotations

from django.urls import path
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports.aging_pages import AgingPagesView
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.admin.views.reports.locked_pages import LockedPagesView
from wagtail.admin.views.reports.workflows import WorkflowTasksView, WorkflowView

from .spreadsheet import FormulaSafeExportMixin


class LockedPagesExportView(FormulaSafeExportMixin, LockedPagesView):
    pass


class AgingPagesExportView(FormulaSafeExportMixin, AgingPagesView):
    pass


class SiteHistoryExportView(FormulaSafeExportMixin, LogEntriesView):
    pass


class WorkflowExportView(FormulaSafeExportMixin, WorkflowView):
    pass


class WorkflowTasksExportView(FormulaSafeExportMixin, WorkflowTasksView):
    pass


def _admin(view_class, **initkwargs):
    view = view_class.as_view(**initkwargs)
    wrapped = never_cache(require_admin_access(view))
    wrapped.view_class, wrapped.view_initkwargs = (
        view.view_class,
        view.view_initkwargs,
    )  # for URL introspection
    return wrapped


# Same paths as wagtail/admin/urls/reports.py (under /admin/reports/): the reports that export, and their results
# (which answer ?export= too).
urlpatterns = [
    path(route, _admin(view_class, **kwargs), name=name + suffix)
    for route, view_class, name in [
        ("locked/", LockedPagesExportView, "xact_report_locked_pages"),
        ("aging-pages/", AgingPagesExportView, "xact_report_aging_pages"),
        ("site-history/", SiteHistoryExportView, "xact_report_site_history"),
        ("workflow/", WorkflowExportView, "xact_report_workflow"),
        ("workflow_tasks/", WorkflowTasksExportView, "xact_report_workflow_tasks"),
    ]
    for route, kwargs, suffix in [(route, {}, ""), (route + "results/", {"results_only": True}, "_results")]
]
