"""Startups on the site: their engagements (/mypage/engagements/) and trips (/mypage/trips/)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from portal.core.calendar import today_jst
from portal.core.fiscal import fiscal_year_of
from portal.core.params import positive_id

from .. import continuity, permissions, selectors, services
from ..filters import EngagementFilter, TravelRequestFilter
from ..forms import ProgressReportForm, SettlementForm, TransitionForm, TravelRequestForm
from ..models import (
    CaseStudyPage,
    Engagement,
    ProgressAttachment,
    TravelReceipt,
    TravelRequest,
    TravelState,
)
from .common import add_service_errors, paginate, private_file
from .scorecards import pulse_form_for, pulse_post


@login_required
def engagement_list(request):
    filterset = EngagementFilter(request.GET, queryset=selectors.engagements_for(request.user))
    page = paginate(request, filterset.qs)
    return TemplateResponse(request, "tracker/engagement_list.html", {"filter": filterset, "page_obj": page})


def _engagement_or_404(request, pk) -> Engagement:
    try:
        return selectors.engagement_detail(pk, request.user)
    except Engagement.DoesNotExist as exc:
        raise Http404 from exc


def engagement_context(request, engagement, *, report_form=None, transition_form=None, pulse_form=None):
    sides = permissions.sides_of(request.user, engagement)
    transitions = selectors.available_transitions(engagement, sides)
    case_study = CaseStudyPage.objects.filter(engagement=engagement).first()
    meetings = list(engagement.meetings.select_related("chosen_slot").order_by("-created_at", "-pk"))
    return {
        "engagement": engagement,
        "sides": sides,
        "report_form": report_form or ProgressReportForm(),
        "transition_form": transition_form
        or (TransitionForm(transitions=transitions) if transitions else None),
        "tree": selectors.adoption_tree(engagement),
        "case_study": case_study,
        "case_study_side": permissions.case_study_side(request.user, case_study) if case_study else "",
        "can_request_travel": permissions.can_request_travel(request.user, engagement)[0],
        "meetings": meetings,
        "open_tasks": continuity.open_tasks(engagement, meetings),
        "can_schedule_meeting": permissions.can_schedule_meeting(request.user, engagement.municipality_id)[0],
        "stage_agreement": selectors.stage_agreement(engagement),
        "can_manage_agreements": permissions.can_manage_agreements(request.user, engagement)[0],
        "pulse_form": pulse_form_for(request, engagement, pulse_form),
    }


@login_required
def engagement_detail(request, pk):
    engagement = _engagement_or_404(request, pk)
    report_form = transition_form = pulse_form = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "report":
                report_form = ProgressReportForm(request.POST, request.FILES)
                if report_form.is_valid():
                    d = report_form.cleaned_data
                    try:
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
                    except ValidationError as exc:
                        add_service_errors(report_form, exc)
                status = 400
            elif action == "transition":
                sides = permissions.sides_of(request.user, engagement)
                transition_form = TransitionForm(
                    request.POST, transitions=selectors.available_transitions(engagement, sides)
                )
                if transition_form.is_valid():
                    try:
                        services.engagement_transition(
                            engagement=engagement,
                            actor=request.user,
                            transition=transition_form.cleaned_data["transition"],
                            reason=transition_form.cleaned_data["reason"],
                        )
                        messages.success(request, _("The stage has been changed."))
                        return redirect(request.path)
                    except ValidationError as exc:
                        add_service_errors(transition_form, exc)
                status = 400
            elif action == "approve_case_study":
                page = get_object_or_404(CaseStudyPage, engagement=engagement)
                try:
                    services.case_study_approve(page=page, actor=request.user)
                    messages.success(request, _("Your approval has been recorded."))
                except ValidationError as exc:
                    messages.error(request, " ".join(exc.messages))
                return redirect(request.path)
            elif action == "pulse":
                done, pulse_form = pulse_post(request, engagement)
                if done:
                    return done
                status = 400
            else:
                status = 400
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            status = 403
        engagement = _engagement_or_404(request, pk)
    context = engagement_context(
        request, engagement, report_form=report_form, transition_form=transition_form, pulse_form=pulse_form
    )
    return TemplateResponse(request, "tracker/engagement_detail.html", context, status=status)


@login_required
def trip_list(request):
    filterset = TravelRequestFilter(request.GET, queryset=selectors.travel_requests_for(request.user))
    page = paginate(request, filterset.qs)
    engagements = selectors.engagements_for(request.user).filter(
        startup_id__in=[m.organisation_id for m in request.user.memberships.all()]
    )
    return TemplateResponse(
        request, "tracker/trip_list.html", {"filter": filterset, "page_obj": page, "engagements": engagements}
    )


def _estimate_initial(engagement, data) -> tuple[dict, object]:
    """Pre-fill fares, lodging and allowance from geo for the trip described in `data`."""
    estimate = services.travel_estimate(
        origin=data["origin"],
        destination=engagement.municipality.local_government,
        travellers=data["travellers"],
        departure_date=data["departure_date"],
        return_date=data["return_date"],
        transport=data["transport"],
    )
    return {
        "fares_yen": estimate.fares,
        "lodging_yen": estimate.lodging,
        "allowance_yen": estimate.daily_allowance,
    }, estimate


@login_required
def trip_new(request, engagement_pk):
    engagement = _engagement_or_404(request, engagement_pk)
    allowed, why = permissions.can_request_travel(request.user, engagement)
    if not allowed:
        raise PermissionDenied(why)
    estimate = None
    status = 200
    if request.method == "POST":
        form = TravelRequestForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            if "estimate" in request.POST or any(
                d[k] is None for k in ("fares_yen", "lodging_yen", "allowance_yen")
            ):
                amounts, estimate = _estimate_initial(engagement, d)
                data = request.POST.copy()
                data.update({k: str(v) for k, v in amounts.items()})
                form = TravelRequestForm(data)
                form.is_valid()
            else:
                try:
                    trip = services.travel_request_create(
                        engagement=engagement,
                        actor=request.user,
                        origin=d["origin"],
                        departure_date=d["departure_date"],
                        return_date=d["return_date"],
                        travellers=d["travellers"],
                        traveller_names=d["traveller_names"],
                        purpose=d["purpose"],
                        transport=d["transport"],
                        fares_yen=d["fares_yen"],
                        lodging_yen=d["lodging_yen"],
                        allowance_yen=d["allowance_yen"],
                    )
                    messages.success(request, _("Your request has been sent to the ministry."))
                    return redirect("tracker:trip", pk=trip.pk)
                except ValidationError as exc:
                    add_service_errors(
                        form,
                        exc,
                        {
                            "estimate_fares_yen": "fares_yen",
                            "estimate_lodging_yen": "lodging_yen",
                            "estimate_allowance_yen": "allowance_yen",
                        },
                    )
                    status = 400
        else:
            status = 400
    else:
        plan = _visit_plan(request, engagement)
        if plan is not None:
            estimate = plan["estimate"]
            origin = plan["origin"]
            initial = {
                "origin": origin.code if origin else "",
                "travellers": plan["travellers"],
                "transport": plan["transport"],
                "departure_date": plan["departure_date"],
                "return_date": plan["return_date"],
                "purpose": plan["purpose"],
            }
            if estimate is not None:
                initial.update(
                    fares_yen=estimate.fares,
                    lodging_yen=estimate.lodging,
                    allowance_yen=estimate.daily_allowance,
                )
            form = TravelRequestForm(initial=initial)
        else:
            origin = services.default_origin(engagement.startup)
            form = TravelRequestForm(
                initial={
                    "origin": origin.code if origin else "",
                    "travellers": 1,
                    "transport": "express",
                    "departure_date": today_jst(),
                }
            )
    return TemplateResponse(
        request,
        "tracker/trip_form.html",
        {"form": form, "engagement": engagement, "estimate": estimate, **_budget_for(form)},
        status=status,
    )


def _visit_plan(request, engagement):
    """`?meeting=N`: an agreed on-site visit of this engagement pre-fills the request (another's is ignored)."""
    meeting_id = positive_id(request.GET.get("meeting"))
    if meeting_id is None:
        return None
    meeting = selectors.meetings_for(request.user).filter(pk=meeting_id, engagement=engagement).first()
    return services.visit_trip_plan(meeting) if meeting is not None else None


def _budget_for(form):
    """The fiscal year of the trip's departure (today's if none yet) and what is left in its travel budget."""
    value = (
        form.cleaned_data.get("departure_date") if form.is_bound and hasattr(form, "cleaned_data") else None
    )
    value = value or form.initial.get("departure_date") or today_jst()
    year = fiscal_year_of(value)
    return {"budget": selectors.budget_summary(year), "budget_year": year}


def _trip_or_404(request, pk) -> TravelRequest:
    trip = get_object_or_404(
        selectors.travel_requests_for(request.user).prefetch_related("receipts", "ledger"), pk=pk
    )
    return trip


@login_required
def trip_detail(request, pk):
    trip = _trip_or_404(request, pk)
    can_settle = permissions.can_settle_travel(request.user, trip)[0]
    form = None
    status = 200
    if request.method == "POST":
        if not can_settle:
            raise PermissionDenied(permissions.can_settle_travel(request.user, trip)[1])
        action = request.POST.get("action")
        try:
            if action == "trip_done":
                services.travel_trip_done(request=trip, actor=request.user)
                messages.success(request, _("Marked as done. Settle the actual costs with your receipts."))
                return redirect(request.path)
            if action == "settle":
                form = SettlementForm(request.POST, request.FILES)
                if form.is_valid():
                    d = form.cleaned_data
                    trip = services.travel_request_settle(
                        request=trip,
                        actor=request.user,
                        fares_yen=d["fares_yen"],
                        lodging_yen=d["lodging_yen"],
                        allowance_yen=d["allowance_yen"],
                        receipts=d["receipts"],
                    )
                    messages.success(request, _("Your settlement has been recorded."))
                    return redirect(request.path)
                status = 400
        except ValidationError as exc:
            if form is None:
                # "Trip done" refused (e.g. the trip is not approved yet): no form carries the reason, a message does.
                messages.error(request, " ".join(exc.messages))
            else:
                add_service_errors(
                    form,
                    exc,
                    {
                        "actual_fares_yen": "fares_yen",
                        "actual_lodging_yen": "lodging_yen",
                        "actual_allowance_yen": "allowance_yen",
                    },
                )
            status = 400
        trip = _trip_or_404(request, pk)
    if form is None and can_settle and trip.state in (TravelState.APPROVED, TravelState.TRIP_DONE):
        form = SettlementForm(
            initial={
                "fares_yen": trip.estimate_fares_yen,
                "lodging_yen": trip.estimate_lodging_yen,
                "allowance_yen": trip.estimate_allowance_yen,
            }
        )
    return TemplateResponse(
        request,
        "tracker/trip_detail.html",
        {"trip": trip, "settle_form": form, "can_settle": can_settle},
        status=status,
    )


@login_required
def receipt_download(request, pk):
    receipt = get_object_or_404(TravelReceipt.objects.select_related("request__engagement"), pk=pk)
    if not permissions.can_view_travel_request(request.user, receipt.request)[0]:
        raise Http404
    return private_file(receipt.file, receipt.original_name, receipt.content_type)


@login_required
def attachment_download(request, pk):
    attachment = get_object_or_404(ProgressAttachment.objects.select_related("report__engagement"), pk=pk)
    if not permissions.can_view_engagement(request.user, attachment.report.engagement)[0]:
        raise Http404
    return private_file(attachment.file, attachment.original_name, attachment.content_type)
