"""A travel-support request's staff screen as views of the TravelRequestViewSet: its inspect screen (the request, its
receipts and ledger entries) and the ministry's decisions, one action view each — approve, reject, approve or refuse
a settlement above the approved amount, record the payment.

Municipality staff see their own organisation's trips (selectors.travel_requests_for), the ministry all; only the
ministry decides."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from portal.accounts.permissions import is_ministry
from portal.core.calendar import today_jst

from .. import selectors, services
from ..forms import ApproveForm, PaymentForm, ReasonForm
from ..models import LedgerEntry, TravelState
from .admin_generic import InspectActionView, ScreenInspectView


class TravelRequestInspectView(ScreenInspectView):
    """A template of our own: the request's facts, the budget it draws on and the decision forms of its state."""

    template_name = "tracker/admin/travel_detail.html"

    def get_object(self, queryset=None):
        return get_object_or_404(
            selectors.travel_requests_for(self.request.user).prefetch_related(
                "receipts", Prefetch("ledger", queryset=LedgerEntry.objects.select_related("actor"))
            ),
            pk=self.pk,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        trip = self.object
        forms = {
            "approve_form": ApproveForm(initial={"amount_yen": trip.estimate_total_yen}),
            "reject_form": ReasonForm(),
            "pay_form": PaymentForm(initial={"paid_on": today_jst()}),
            "excess_form": ReasonForm(),
            **getattr(self, "forms", {}),
        }
        budget_free = None
        ministry = is_ministry(self.request.user)
        if ministry and trip.state in (TravelState.REQUESTED, TravelState.EXCESS_REVIEW):
            # What the decision can draw on, so the ministry need not open the budgets page first.
            budget = selectors.budget_summary(trip.fiscal_year)
            budget_free = services.balances(budget)["free"] if budget is not None else None
        context.update({"trip": trip, "is_ministry": ministry, "budget_free": budget_free, **forms})
        return context


class TravelActionView(InspectActionView, TravelRequestInspectView):
    """One decision of the ministry (POST only): after a redirect when it worked, else the screen with the form's
    errors and the service's message (400). Anyone but the ministry is refused."""

    refusal_as_message = True

    def check_allowed(self):
        if not is_ministry(self.request.user):
            raise PermissionDenied(_("Only ministry staff can open this page."))


class ApproveView(TravelActionView):
    form_name, form_class = "approve_form", ApproveForm

    def perform(self, form):
        services.travel_request_approve(
            request=self.object,
            actor=self.request.user,
            amount_yen=form.cleaned_data["amount_yen"],
            note=form.cleaned_data["note"],
        )
        return _("Approved; the amount is reserved in the budget.")


class RejectView(TravelActionView):
    form_name, form_class = "reject_form", ReasonForm

    def perform(self, form):
        services.travel_request_reject(
            request=self.object, actor=self.request.user, reason=form.cleaned_data["reason"]
        )
        return _("The request has been rejected.")


class ApproveExcessView(TravelActionView):
    def perform(self, form):
        services.travel_excess_approve(request=self.object, actor=self.request.user)
        return _("The difference is reserved and the trip settled.")


class RefuseExcessView(TravelActionView):
    form_name, form_class = "excess_form", ReasonForm

    def perform(self, form):
        services.travel_excess_refuse(
            request=self.object, actor=self.request.user, reason=form.cleaned_data["reason"]
        )
        return _("Settled at the approved amount.")


class PayView(TravelActionView):
    form_name, form_class = "pay_form", PaymentForm

    def perform(self, form):
        services.travel_request_pay(
            request=self.object, actor=self.request.user, paid_on=form.cleaned_data["paid_on"]
        )
        return _("The payment has been recorded.")


ACTION_VIEWS = {
    "approve": ApproveView,
    "reject": RejectView,
    "approve_excess": ApproveExcessView,
    "refuse_excess": RefuseExcessView,
    "pay": PayView,
}
