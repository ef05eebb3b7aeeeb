"""What the PDFs print, read through the tracker's own selectors so a report shows the dashboard's figures.

The annual report calls `programme_figures`, `funnel`, `budget_summary`, `balances` and the chart helper exactly as
the ministry's dashboard does (portal/tracker/views/admin.py): the same year gives the same numbers in both.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.applications.models import Application
from portal.challenges.models import ChallengePage
from portal.core.fiscal import fiscal_year_bounds, fiscal_year_label_ja
from portal.tracker import charts
from portal.tracker import selectors as tracker_selectors
from portal.tracker.models import (
    Engagement,
    FiscalBudget,
    LedgerEntry,
    ProgressReport,
    StageChange,
    TravelRequest,
    TravelState,
)
from portal.tracker.services import balances

# --- the annual results report (成果報告書) ---------------------------------------------------------------------


@dataclass
class EngagementOutcome:
    engagement: Engagement
    reports: int
    residents_served: int
    cost_saved_yen: int
    contract_value_yen: int
    travel_paid_yen: int
    adoptions: int
    latest_reason: str


@dataclass
class AnnualReport:
    fiscal_year: int
    era_label: str
    first_day: object
    last_day: object
    figures: dict[str, int]
    funnel: list
    rates: list[tuple[str, float | None]]
    budget: FiscalBudget | None
    budget_rows: list[tuple[str, int]]
    stages: list[tuple[str, int]]
    prefectures: list[tuple[str, int]]
    outcomes: list[EngagementOutcome]
    charts: dict[str, str] = field(default_factory=dict)
    generated_at: object = None


def budget_rows(budget: FiscalBudget | None) -> list[tuple[str, int]]:
    """The dashboard's budget buckets (reserved, settled, paid, free) as the ledger sums them."""
    if budget is None:
        return []
    b = balances(budget)
    return [
        (_("reserved"), b["reserved"]),
        (_("settled, awaiting payment"), b["settled"]),
        (_("paid"), b["paid"]),
        (_("free"), b["free"]),
    ]


def _percent(part: int, whole: int) -> float | None:
    return None if not whole else round(100 * part / whole, 1)


def engagement_outcomes(fiscal_year: int) -> list[EngagementOutcome]:
    """Every engagement opened in the year with its figures; a fixed number of queries whatever their count."""
    # order_by() drops the models' default ordering, which would otherwise split the GROUP BY.
    reports = ProgressReport.objects.filter(engagement=OuterRef("pk")).order_by().values("engagement")
    paid = (
        TravelRequest.objects.filter(engagement=OuterRef("pk"), state=TravelState.PAID)
        .order_by()
        .values("engagement")
        .annotate(s=Sum("settled_yen"))
        .values("s")
    )
    latest_reason = (
        StageChange.objects.filter(engagement=OuterRef("pk")).order_by("-at", "-pk").values("reason")[:1]
    )
    qs = (
        Engagement.objects.filter(fiscal_year=fiscal_year)
        .select_related("municipality__prefecture", "startup", "challenge", "origin__municipality")
        .annotate(
            n_reports=Coalesce(Subquery(reports.annotate(n=Count("pk")).values("n")), 0),
            residents=Coalesce(Subquery(reports.annotate(m=Max("residents_served")).values("m")), 0),
            saved=Coalesce(
                Subquery(reports.annotate(s=Sum("cost_saved_yen")).values("s"), output_field=IntegerField()),
                0,
            ),
            contract=Coalesce(
                Subquery(
                    reports.annotate(m=Max("contract_value_yen")).values("m"), output_field=IntegerField()
                ),
                0,
            ),
            paid_yen=Coalesce(Subquery(paid, output_field=IntegerField()), 0),
            n_adoptions=Count("adoptions", distinct=True),
            latest_reason=Subquery(latest_reason),
        )
        .order_by("municipality__prefecture__code", "municipality__name", "opened_at", "pk")
    )
    return [
        EngagementOutcome(
            engagement=e,
            reports=e.n_reports,
            residents_served=e.residents,
            cost_saved_yen=e.saved,
            contract_value_yen=e.contract,
            travel_paid_yen=e.paid_yen,
            adoptions=e.n_adoptions,
            latest_reason=e.latest_reason or "",
        )
        for e in qs
    ]


def annual_report(fiscal_year: int, *, progress=None) -> AnnualReport:
    """Everything the 成果報告書 prints. `progress(percent, step)` is called as parts are read."""
    progress = progress or (lambda percent, step: None)
    figures = tracker_selectors.programme_figures(fiscal_year)
    funnel = tracker_selectors.funnel(fiscal_year, figures)
    progress(10, _("Programme figures"))
    budget = tracker_selectors.budget_summary(fiscal_year)
    rows = budget_rows(budget)
    stages = tracker_selectors.engagements_by_stage(fiscal_year)
    prefectures = tracker_selectors.engagements_by_prefecture(fiscal_year)
    progress(20, _("Budget and stages"))
    outcomes = engagement_outcomes(fiscal_year)
    progress(40, _("Engagements"))
    first, last = fiscal_year_bounds(fiscal_year)
    fy = f"FY{fiscal_year}"
    # Same titles, rows and colours as the dashboard's charts.
    chart_map = {
        "funnel": charts.bar_chart(
            title=_("Funnel %(fy)s") % {"fy": fy},
            desc=_("From challenges posted to solutions adopted elsewhere, %(fy)s.") % {"fy": fy},
            rows=[(s.label, s.count) for s in funnel],
        ),
        "budget": charts.bar_chart(
            title=_("Travel budget %(fy)s") % {"fy": fy},
            desc=_("Reserved, settled, paid and free amounts of the travel-support budget, in yen."),
            rows=rows,
            yen=True,
            colour=charts.COLOURS[2],
        )
        if rows
        else "",
        "stage": charts.bar_chart(
            title=_("Engagements by stage"),
            desc=_("Number of engagements currently in each stage."),
            rows=stages,
            colour=charts.COLOURS[1],
        ),
        "prefecture": charts.bar_chart(
            title=_("Engagements by prefecture"),
            desc=_("Number of engagements per prefecture of the municipality."),
            rows=prefectures,
            colour=charts.COLOURS[3],
        ),
    }
    rates = [
        (_("matches per application"), _percent(figures["matches"], figures["applications"])),
        (_("trials per match"), _percent(figures["poc"], figures["matches"])),
        (_("deployments per match"), _percent(figures["deployment"], figures["matches"])),
        (_("matches adopted elsewhere"), _percent(figures["adoption"], figures["matches"])),
    ]
    return AnnualReport(
        fiscal_year=fiscal_year,
        era_label=fiscal_year_label_ja(fiscal_year),
        first_day=first,
        last_day=last,
        figures=figures,
        funnel=funnel,
        rates=rates,
        budget=budget,
        budget_rows=rows,
        stages=stages,
        prefectures=prefectures,
        outcomes=outcomes,
        charts=chart_map,
        generated_at=timezone.now(),
    )


def annual_report_fingerprint(fiscal_year: int) -> str:
    """A short hash of what the annual report reads: it changes whenever a figure in the report can change.

    Counts and latest timestamps/ids of engagements, stage changes, progress reports, trips, the ledger, the
    year's budget, applications and challenges. Cheap (a handful of aggregate queries), so it is computed on
    every request to decide whether a stored rendering is still current.
    """
    parts = [
        Engagement.objects.aggregate(n=Count("pk"), a=Max("last_activity_at"), s=Max("stage_changed_at")),
        StageChange.objects.aggregate(m=Max("pk")),
        ProgressReport.objects.aggregate(m=Max("pk"), n=Count("pk")),
        TravelRequest.objects.aggregate(
            n=Count("pk"),
            d=Max("decided_at"),
            s=Max("settled_at"),
            p=Max("paid_on"),
            r=Count("pk", filter=Q(state=TravelState.REJECTED)),
        ),
        LedgerEntry.objects.aggregate(m=Max("pk")),
        FiscalBudget.objects.filter(fiscal_year=fiscal_year).values_list("amount_yen", "pk").first(),
        Application.objects.aggregate(n=Count("pk"), u=Max("updated_at")),
        ChallengePage.objects.aggregate(
            n=Count("pk", filter=Q(live=True)),
            p=Max("last_published_at"),
            r=Max("latest_revision_created_at"),
        ),
    ]
    raw = repr((fiscal_year, parts)).encode()
    return hashlib.sha256(raw).hexdigest()[:32]


# --- one trip, one engagement, one challenge -------------------------------------------------------------------


@dataclass
class ClaimLine:
    label: str
    estimate_yen: int
    actual_yen: int | None


@dataclass
class ClaimForm:
    trip: TravelRequest
    lines: list[ClaimLine]
    estimate_total_yen: int
    actual_total_yen: int | None
    claimed_yen: (
        int  # what the claim asks to be paid: the settled amount, else the approved, else the estimate
    )


def claim_form(trip: TravelRequest) -> ClaimForm:
    """The breakdown of a trip's costs (estimate and actual) with totals that are the sums of the lines."""
    lines = [
        ClaimLine(_("fares (yen)"), trip.estimate_fares_yen, trip.actual_fares_yen),
        ClaimLine(_("lodging (yen)"), trip.estimate_lodging_yen, trip.actual_lodging_yen),
        ClaimLine(_("daily allowance (yen)"), trip.estimate_allowance_yen, trip.actual_allowance_yen),
    ]
    estimate_total = sum(line.estimate_yen for line in lines)
    has_actual = all(line.actual_yen is not None for line in lines)
    actual_total = sum(line.actual_yen for line in lines) if has_actual else None
    if trip.settled_yen:
        claimed = trip.settled_yen
    elif actual_total is not None:
        claimed = actual_total
    else:
        claimed = estimate_total
    return ClaimForm(
        trip=trip,
        lines=lines,
        estimate_total_yen=estimate_total,
        actual_total_yen=actual_total,
        claimed_yen=claimed,
    )


def trip_for_claim(user, pk: int) -> TravelRequest:
    """A trip the user may see (tracker's scoping), with what the claim form prints; DoesNotExist otherwise."""
    return (
        tracker_selectors.travel_requests_for(user)
        .select_related("engagement__municipality__prefecture", "budget", "decided_by")
        .get(pk=pk)
    )


@dataclass
class EngagementSheet:
    engagement: Engagement
    stage_changes: list
    reports: list
    trips: list
    totals: dict[str, int]
    tree_size: int


def engagement_sheet(user, pk: int) -> EngagementSheet:
    """One engagement for a municipality's internal approval: its history, reports, figures and trips."""
    engagement = (
        tracker_selectors.engagements_for(user)
        .select_related("application", "opened_by")
        .prefetch_related("stage_changes__actor", "reports__author")
        .get(pk=pk)
    )
    trips = list(engagement.travel_requests.order_by("departure_date", "pk"))
    reports = list(engagement.reports.all())
    totals = {
        "residents_served": max((r.residents_served or 0 for r in reports), default=0),
        "cost_saved_yen": sum(r.cost_saved_yen or 0 for r in reports),
        "contract_value_yen": max((r.contract_value_yen or 0 for r in reports), default=0),
        "travel_paid_yen": sum(t.settled_yen for t in trips if t.state == TravelState.PAID),
    }
    return EngagementSheet(
        engagement=engagement,
        stage_changes=list(engagement.stage_changes.all()),
        reports=reports,
        trips=trips,
        totals=totals,
        tree_size=tracker_selectors.tree_size(tracker_selectors.adoption_tree(engagement)),
    )


def live_challenge(pk: int) -> ChallengePage:
    """A published challenge (the public sheet is for live challenges only); DoesNotExist otherwise."""
    return (
        ChallengePage.objects.live()
        .public()
        .select_related("municipality__prefecture")
        .prefetch_related("themes")
        .get(pk=pk)
    )
