"""Admin wiring: /admin/reports/… and entries in Wagtail's "Reports" menu (exports for staff, the annual report
for the ministry)."""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from portal.accounts.permissions import is_ministry

from .urls import admin_urlpatterns


@hooks.register("register_admin_urls")
def register_reports_admin_urls():
    return [path("reports/", include((admin_urlpatterns, "reports_admin"), namespace="reports_admin"))]


class MinistryMenuItem(MenuItem):
    def is_shown(self, request):
        return is_ministry(request.user)


@hooks.register("register_reports_menu_item")
def register_programme_reports_item():
    return MenuItem(
        _("Programme reports and exports"),
        reverse("reports_admin:index"),
        name="programme-reports",
        icon_name="download",
        order=10,
    )


@hooks.register("register_reports_menu_item")
def register_annual_report_item():
    return MinistryMenuItem(
        _("Annual results report"),
        reverse("reports_admin:index") + "#annual",
        name="annual-report",
        icon_name="doc-full",
        order=20,
    )
