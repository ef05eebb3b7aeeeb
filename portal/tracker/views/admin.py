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

from .. import charts, scorecards, selectors, services


def _ministry_only(request):
    if not is_ministry(request.user):
        raise PermissionDenied(_("Only ministry staff can open this page."))


# --- dashboard ----------------------------------------------------------------------------------------------------


def dashboard(request):
    _ministry_only(request)
    year = positive_id(request.GET.get("fy"))
    if year is None or not MIN_FISCAL_YEAR <= year <= MAX_FISCAL_YEAR:  # dates of other years cannot be made
        year = current_fiscal_year()
    figures = selectors.programme_figures(year)
    funnel = selectors.funnel(year, figures)
    budget = selectors.budget_summary(year)
    budget_rows = []
    if budget is not None:
        b = services.balances(budget)
        budget_rows = [
            (_("reserved"), b["reserved"]),
            (_("settled, awaiting payment"), b["settled"]),
            (_("paid"), b["paid"]),
            (_("free"), b["free"]),
        ]
    stages = selectors.engagements_by_stage()
    prefectures = selectors.engagements_by_prefecture()
    fy = f"FY{year}"
    context = {
        "year": year,
        "years": sorted(set(selectors.fiscal_years()) | {current_fiscal_year()}, reverse=True),
        "funnel": funnel,
        "funnel_chart": charts.bar_chart(
            title=_("Funnel %(fy)s") % {"fy": fy},
            desc=_("From challenges posted to solutions adopted elsewhere, %(fy)s.") % {"fy": fy},
            rows=[(s.label, s.count) for s in funnel],
        ),
        "budget": budget,
        "budget_rows": budget_rows,
        "budget_chart": charts.bar_chart(
            title=_("Travel budget %(fy)s") % {"fy": fy},
            desc=_("Reserved, settled, paid and free amounts of the travel-support budget, in yen."),
            rows=budget_rows,
            yen=True,
            colour=charts.COLOURS[2],
        )
        if budget_rows
        else "",
        "stages": stages,
        "stage_chart": charts.bar_chart(
            title=_("Engagements by stage"),
            desc=_("Number of engagements currently in each stage."),
            rows=stages,
            colour=charts.COLOURS[1],
        ),
        "prefectures": prefectures,
        "prefecture_chart": charts.bar_chart(
            title=_("Engagements by prefecture"),
            desc=_("Number of engagements per prefecture of the municipality."),
            rows=prefectures,
            colour=charts.COLOURS[3],
        ),
        "stalled": selectors.stalled_engagements()[:50],
    }
    context.update(scorecards.dashboard_context(year))
    return TemplateResponse(request, "tracker/admin/dashboard.html", context)
