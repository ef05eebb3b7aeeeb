"""The ministry's dashboard: a view of its own (Wagtail has no dashboard component). The tracker's other staff
screens are Wagtail viewsets: admin_lists.py (engagements, travel support), engagement_admin.py and travel_admin.py
(their screens and action views), budget_admin.py (budgets and the ledger, adoption requests)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from portal.accounts.permissions import is_ministry
from portal.core.calendar import current_fiscal_year
from portal.core.fiscal import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR
from portal.core.params import positive_id

from ..dashboard import MINISTRY, dashboard_context


def _ministry_only(request):
    if not is_ministry(request.user):
        raise PermissionDenied(_("Only ministry staff can open this page."))


# --- dashboard ----------------------------------------------------------------------------------------------------


def dashboard(request):
    """The programme's figures for one fiscal year; counted once and kept until a tracker write (tracker/dashboard.py)."""
    _ministry_only(request)
    year = positive_id(request.GET.get("fy"))
    if year is None or not MIN_FISCAL_YEAR <= year <= MAX_FISCAL_YEAR:  # dates of other years cannot be made
        year = current_fiscal_year()
    context = {"year": year, **dashboard_context(year, scope=MINISTRY)}
    return TemplateResponse(request, "tracker/admin/dashboard.html", context)
