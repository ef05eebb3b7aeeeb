"""Staff screens in the Wagtail admin: engagements (municipality staff see their own), travel support, budgets and
the ledger, adoption requests, matches made outside the portal, and the ministry's dashboard."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from matching.selectors import accepted_proposal_id
from portal.accounts.models import Organisation
from portal.accounts.permissions import is_ministry, organisation_ids_of
from portal.core.calendar import current_fiscal_year, today_jst
from portal.core.fiscal import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR
from portal.core.params import positive_id

from .. import charts, continuity, permissions, scorecards, selectors, services
from ..filters import EngagementFilter, TravelRequestFilter
from ..forms import (
    AdoptionRequestForm,
    ApproveForm,
    BudgetForm,
    EngagementDescriptionForm,
    OutsideMatchForm,
    PaymentForm,
    ProgressReportForm,
    ReasonForm,
    TransitionForm,
)
from ..models import AdoptionRequest, Engagement, FiscalBudget, LedgerEntry, TravelState
from .common import add_service_errors, paginate
from .scorecards import pulse_post
from .site import engagement_context


def _ministry_only(request):
    if not is_ministry(request.user):
        raise PermissionDenied(_("Only ministry staff can open this page."))


# --- engagements --------------------------------------------------------------------------------------------------


def engagement_list(request):
    filterset = EngagementFilter(request.GET, queryset=selectors.engagements_for(request.user))
    return TemplateResponse(
        request,
        "tracker/admin/engagement_list.html",
        {
            "filter": filterset,
            "page_obj": paginate(request, filterset.qs),
            "is_ministry": is_ministry(request.user),
        },
    )


def engagement_detail(request, pk):
    try:
        engagement = selectors.engagement_detail(pk, request.user)
    except Engagement.DoesNotExist as exc:
        raise Http404 from exc
    forms = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "transition":
                sides = permissions.sides_of(request.user, engagement)
                form = forms["transition_form"] = TransitionForm(
                    request.POST, transitions=selectors.available_transitions(engagement, sides)
                )
                if form.is_valid():
                    services.engagement_transition(
                        engagement=engagement,
                        actor=request.user,
                        transition=form.cleaned_data["transition"],
                        reason=form.cleaned_data["reason"],
                    )
                    messages.success(request, _("The stage has been changed."))
                    return redirect(request.path)
            elif action == "report":
                form = forms["report_form"] = ProgressReportForm(request.POST, request.FILES)
                if form.is_valid():
                    d = form.cleaned_data
                    services.progress_report_create(
                        engagement=engagement,
                        actor=request.user,
                        text=d["text"],
                        residents_served=d["residents_served"],
                        cost_saved_yen=d["cost_saved_yen"],
                        contract_value_yen=d["contract_value_yen"],
                        files=d["files"],
                    )
                    messages.success(request, _("Your report has been posted."))
                    return redirect(request.path)
            elif action == "describe":
                form = forms["description_form"] = EngagementDescriptionForm(request.POST)
                if form.is_valid():
                    services.engagement_describe(
                        engagement=engagement, actor=request.user, **form.cleaned_data
                    )
                    messages.success(request, _("The title and summary have been saved."))
                    return redirect(request.path)
            elif action == "draft_case_study":
                services.case_study_draft(engagement=engagement, actor=request.user)
                messages.success(
                    request, _("A case study has been drafted; both parties are asked to approve it.")
                )
                return redirect(request.path)
            elif action == "approve_case_study":
                services.case_study_approve(page=engagement.case_study, actor=request.user)
                messages.success(request, _("Your approval has been recorded."))
                return redirect(request.path)
            elif action == "pulse":
                done, forms["pulse_form"] = pulse_post(request, engagement)
                if done:
                    return done
            elif action == "adopt":
                form = forms["adoption_form"] = AdoptionRequestForm(
                    request.POST,
                    municipalities=_my_municipalities(request.user, exclude=engagement.municipality_id),
                )
                if form.is_valid():
                    services.adoption_request_create(
                        origin=engagement,
                        actor=request.user,
                        municipality=form.cleaned_data["municipality"],
                        message=form.cleaned_data["message"],
                    )
                    messages.success(request, _("Your request has been sent to the ministry."))
                    return redirect(request.path)
        except ValidationError as exc:
            target = next(iter(forms.values()), None)
            if target is not None:
                add_service_errors(target, exc)
            else:
                messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            status = 403
        if status == 200:
            status = 400
    context = engagement_context(
        request,
        engagement,
        report_form=forms.get("report_form"),
        transition_form=forms.get("transition_form"),
        pulse_form=forms.get("pulse_form"),
    )
    context["adoption_form"] = forms.get("adoption_form") or AdoptionRequestForm(
        municipalities=_my_municipalities(request.user, exclude=engagement.municipality_id)
    )
    context["description_form"] = forms.get("description_form") or EngagementDescriptionForm(
        initial={f: getattr(engagement, f) for f in ("title", "title_en", "summary", "summary_en")}
    )
    context["admin_links"] = True  # each agreement links to its own screen (amendments)
    context["can_describe"] = permissions.can_describe_engagement(request.user, engagement)[0]
    context["travel_requests"] = engagement.travel_requests.all()
    # the proposal sheet (提案書) of the match that opened it, for the municipality's selection record
    context["proposal_sheet_id"] = accepted_proposal_id(engagement.challenge_id, engagement.startup_id)
    return TemplateResponse(request, "tracker/admin/engagement_detail.html", context, status=status)


def _my_municipalities(user, *, exclude=None):
    qs = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)
    if not is_ministry(user):
        qs = qs.filter(pk__in=organisation_ids_of(user))
    return qs.exclude(pk=exclude) if exclude else qs


def outside_match(request):
    _ministry_only(request)
    form = OutsideMatchForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                engagement = services.engagement_open(
                    municipality=d["municipality"],
                    startup=d["startup"],
                    source=Engagement.Source.OUTSIDE,
                    actor=request.user,
                    reason=d["reason"],
                    title=d["title"],
                )
                messages.success(request, _("The engagement has been opened."))
                return redirect("tracker_admin:engagement", pk=engagement.pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
        status = 400
    return TemplateResponse(
        request,
        "tracker/admin/form.html",
        {"form": form, "title": _("Record a match made outside the portal")},
        status=status,
    )


# --- travel support -----------------------------------------------------------------------------------------------


def travel_list(request):
    filterset = TravelRequestFilter(request.GET, queryset=selectors.travel_requests_for(request.user))
    return TemplateResponse(
        request,
        "tracker/admin/travel_list.html",
        {"filter": filterset, "page_obj": paginate(request, filterset.qs)},
    )


def travel_detail(request, pk):
    trip = get_object_or_404(
        selectors.travel_requests_for(request.user).prefetch_related(
            "receipts", Prefetch("ledger", queryset=LedgerEntry.objects.select_related("actor"))
        ),
        pk=pk,
    )
    forms = {
        "approve_form": ApproveForm(initial={"amount_yen": trip.estimate_total_yen}),
        "reject_form": ReasonForm(),
        "pay_form": PaymentForm(initial={"paid_on": today_jst()}),
        "excess_form": ReasonForm(),
    }
    status = 200
    if request.method == "POST":
        _ministry_only(request)
        action = request.POST.get("action")
        key = {
            "approve": "approve_form",
            "reject": "reject_form",
            "pay": "pay_form",
            "refuse_excess": "excess_form",
        }.get(action)
        form = None
        try:
            if action == "approve":
                form = forms[key] = ApproveForm(request.POST)
                if form.is_valid():
                    services.travel_request_approve(
                        request=trip,
                        actor=request.user,
                        amount_yen=form.cleaned_data["amount_yen"],
                        note=form.cleaned_data["note"],
                    )
                    messages.success(request, _("Approved; the amount is reserved in the budget."))
                    return redirect(request.path)
            elif action == "reject":
                form = forms[key] = ReasonForm(request.POST)
                if form.is_valid():
                    services.travel_request_reject(
                        request=trip, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                    messages.success(request, _("The request has been rejected."))
                    return redirect(request.path)
            elif action == "approve_excess":
                services.travel_excess_approve(request=trip, actor=request.user)
                messages.success(request, _("The difference is reserved and the trip settled."))
                return redirect(request.path)
            elif action == "refuse_excess":
                form = forms[key] = ReasonForm(request.POST)
                if form.is_valid():
                    services.travel_excess_refuse(
                        request=trip, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                    messages.success(request, _("Settled at the approved amount."))
                    return redirect(request.path)
            elif action == "pay":
                form = forms[key] = PaymentForm(request.POST)
                if form.is_valid():
                    services.travel_request_pay(
                        request=trip, actor=request.user, paid_on=form.cleaned_data["paid_on"]
                    )
                    messages.success(request, _("The payment has been recorded."))
                    return redirect(request.path)
        except ValidationError as exc:
            if form is not None:
                add_service_errors(form, exc)
            messages.error(request, " ".join(exc.messages))
        status = 400
    budget_free = None
    if is_ministry(request.user) and trip.state in (TravelState.REQUESTED, TravelState.EXCESS_REVIEW):
        # What the decision can draw on, so the ministry need not open the budgets page first.
        budget = selectors.budget_summary(trip.fiscal_year)
        budget_free = services.balances(budget)["free"] if budget is not None else None
    return TemplateResponse(
        request,
        "tracker/admin/travel_detail.html",
        {"trip": trip, "is_ministry": is_ministry(request.user), "budget_free": budget_free, **forms},
        status=status,
    )


def budgets(request):
    _ministry_only(request)
    form = BudgetForm(request.POST or None, initial={"fiscal_year": current_fiscal_year()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.fiscal_budget_set(actor=request.user, **form.cleaned_data)
                messages.success(request, _("The budget has been saved."))
                return redirect("tracker_admin:budgets")
            except ValidationError as exc:
                add_service_errors(form, exc)
        status = 400
    budgets = list(FiscalBudget.objects.all())
    carried = continuity.budget_carry_over(budgets)
    rows = [(b, services.balances(b), carried[b.fiscal_year]) for b in budgets]
    return TemplateResponse(
        request,
        "tracker/admin/budgets.html",
        {
            "form": form,
            "rows": rows,
            "carried_total": sum(carried.values()),
            "current_year": current_fiscal_year(),
        },
        status=status,
    )


def ledger(request, year):
    _ministry_only(request)
    budget = get_object_or_404(FiscalBudget, fiscal_year=year)
    form = ReasonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        entry = get_object_or_404(LedgerEntry, pk=positive_id(request.POST.get("entry")), budget=budget)
        if form.is_valid():
            try:
                services.ledger_reverse(entry=entry, actor=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("A reversing entry has been added."))
                return redirect(request.path)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        status = 400
    entries = budget.ledger.select_related("actor", "request__engagement__startup", "reverses").order_by(
        "at", "pk"
    )
    return TemplateResponse(
        request,
        "tracker/admin/ledger.html",
        {
            "budget": budget,
            "entries": paginate(request, entries, 100),
            "balances": services.balances(budget),
            "form": form,
        },
        status=status,
    )


# --- adoption -----------------------------------------------------------------------------------------------------


def adoptions(request):
    _ministry_only(request)
    form = ReasonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        req = get_object_or_404(AdoptionRequest, pk=positive_id(request.POST.get("request")))
        if form.is_valid():
            try:
                if request.POST.get("action") == "link":
                    engagement = services.adoption_link(
                        adoption_request=req, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                    messages.success(request, _("The new engagement is linked to its origin."))
                    return redirect("tracker_admin:engagement", pk=engagement.pk)
                services.adoption_decline(
                    adoption_request=req, actor=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("The request has been declined."))
                return redirect("tracker_admin:adoptions")
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        status = 400
    return TemplateResponse(
        request,
        "tracker/admin/adoptions.html",
        {"page_obj": paginate(request, selectors.open_adoption_requests()), "form": form},
        status=status,
    )


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
