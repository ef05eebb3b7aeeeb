"""The ministry's budget and adoption screens as Wagtail viewsets.

- FiscalBudgetViewSet: the travel-support budget of each fiscal year (listing with its balances and what earlier
  years carry into this one), "set a fiscal year's budget" as the create view (services.fiscal_budget_set creates or
  changes the year's row), and the ledger of one year as a view of the viewset (entries are never edited: a mistake
  is corrected by a reversing entry, posted from the ledger).
- AdoptionRequestViewSet: the open requests to adopt a solution in another municipality (listing with a facet), one
  request's screen, and the two decisions — link a new engagement, decline — as action views.

Only the ministry sees or does any of this (the policies below); everyone else is refused as today."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies.base import ModelPermissionPolicy

from portal.accounts.models import Organisation
from portal.accounts.permissions import is_ministry
from portal.core.admin_listing import NoRowEditsIndexView
from portal.core.calendar import current_fiscal_year, fiscal_year_label
from portal.core.params import positive_id

from .. import continuity, selectors, services
from ..forms import BudgetForm, ReasonForm
from ..models import AdoptionRequest, FiscalBudget, LedgerEntry
from .admin_generic import ScreenInspectView, ScreensViewSet, ServiceCreateView, YenColumn, fiscal_year_column
from .common import paginate


class MinistryPolicy(ModelPermissionPolicy):
    """The ministry looks (and acts through the services); nobody adds, edits or deletes rows through a model form
    here ("add", "change", "delete" would also open Wagtail's history and usage views)."""

    def user_has_permission(self, user, action):
        return action == "view" and is_ministry(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)

    def instances_user_has_any_permission_for(self, user, actions):
        if any(self.user_has_permission(user, a) for a in actions):
            return self.model.objects.all()
        return self.model.objects.none()


class FiscalBudgetPolicy(MinistryPolicy):
    pass


class AdoptionRequestPolicy(MinistryPolicy):
    pass


# --- budgets ------------------------------------------------------------------------------------------------------


class CarriedColumn(Column):
    """What a year's budget still owes, carried into the current fiscal year (— when nothing)."""

    cell_template_name = "tracker/admin/includes/carried_cell.html"


def _carried_label() -> str:
    return _("carried over into %(fy)s") % {"fy": fiscal_year_label(current_fiscal_year())}


class FiscalBudgetIndexView(NoRowEditsIndexView):
    template_name = "tracker/admin/budgets.html"

    @property
    def header_buttons(self):
        return [
            HeaderButton(
                gettext_lazy("Set a fiscal year's budget"), url=reverse("fiscal_budget:add"), icon_name="plus"
            )
        ]

    def get_inspect_url(self, instance):
        return reverse("fiscal_budget:ledger", args=[instance.fiscal_year])

    def get_table(self, object_list):
        # the balances and the carry-over are the ledger's figures, worked out once for the page
        budgets = list(object_list)
        carried = continuity.budget_carry_over(budgets)
        for budget in budgets:
            budget.balances = services.balances(budget)
            budget.carried_yen = carried[budget.fiscal_year]
        return super().get_table(budgets)

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        carried = continuity.budget_carry_over(list(FiscalBudget.objects.all()))
        context["carried_total"] = sum(carried.values())
        context["current_year"] = current_fiscal_year()
        return context


class SetBudgetView(ServiceCreateView):
    """Set a fiscal year's budget: the viewset's create view (the ministry's "view" permission), saving through
    services.fiscal_budget_set."""

    form_class = BudgetForm

    def get_page_title(self):
        return _("Set a fiscal year's budget")

    def get_initial(self):
        return {"fiscal_year": current_fiscal_year()}

    def save(self, form):
        services.fiscal_budget_set(actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The budget has been saved."))
        return redirect("fiscal_budget:index")


class LedgerView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """One fiscal year's ledger, and the reversing entry that corrects a mistake (POST: the entry and a reason).

    A template of our own: each row carries its own small form, which Wagtail's listing has no component for."""

    model = FiscalBudget
    permission_required = "view"
    template_name = "tracker/admin/ledger.html"
    header_icon = "table"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.budget = get_object_or_404(FiscalBudget, fiscal_year=kwargs["year"])
        self.form = ReasonForm(request.POST or None)

    def get_page_title(self):
        return _("Ledger")

    def get_page_subtitle(self):
        return fiscal_year_label(self.budget.fiscal_year)

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("fiscal_budget:index"), "label": _("Budgets and ledger")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = self.budget.ledger.select_related(
            "actor", "request__engagement__startup", "reverses"
        ).order_by("at", "pk")
        context.update(
            budget=self.budget,
            entries=paginate(self.request, entries, 100),
            balances=services.balances(self.budget),
            form=self.form,
        )
        return context

    def post(self, request, *args, **kwargs):
        entry = get_object_or_404(LedgerEntry, pk=positive_id(request.POST.get("entry")), budget=self.budget)
        if self.form.is_valid():
            try:
                services.ledger_reverse(
                    entry=entry, actor=request.user, reason=self.form.cleaned_data["reason"]
                )
                messages.success(request, _("A reversing entry has been added."))
                return redirect(request.path)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        return self.render_to_response(self.get_context_data(), status=400)


class FiscalBudgetViewSet(ScreensViewSet):
    model = FiscalBudget
    icon = "table"
    menu_label = gettext_lazy("Budgets and ledger")
    inspect_view_enabled = False
    index_view_class = FiscalBudgetIndexView
    add_view_class = SetBudgetView
    ordering = ["fiscal_year"]
    list_per_page = 50

    @property
    def list_display(self):
        return [
            fiscal_year_column(TitleColumn, url_name="fiscal_budget:ledger", id_accessor="fiscal_year"),
            YenColumn("amount_yen", label=gettext_lazy("budget (yen)")),
            YenColumn("reserved", label=gettext_lazy("reserved"), accessor=lambda b: b.balances["reserved"]),
            YenColumn(
                "settled",
                label=gettext_lazy("settled, awaiting payment"),
                accessor=lambda b: b.balances["settled"],
            ),
            YenColumn("paid", label=gettext_lazy("paid (yen)"), accessor=lambda b: b.balances["paid"]),
            YenColumn("free", label=gettext_lazy("free"), accessor=lambda b: b.balances["free"]),
            CarriedColumn("carried_yen", label=lazy(_carried_label, str)()),
        ]

    def get_add_view_kwargs(self, **kwargs):
        return {"template_name": SetBudgetView.template_name, **kwargs}

    @property
    def ledger_view(self):
        return self.construct_view(LedgerView)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:year>/ledger/", self.ledger_view, name="ledger"),
        ]


# --- adoption requests --------------------------------------------------------------------------------------------


class AdoptionRequestFilter(WagtailFilterSet):
    municipality = django_filters.ModelChoiceFilter(
        label=gettext_lazy("adopting municipality"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY),
        widget=forms.Select,
    )

    class Meta:
        model = AdoptionRequest
        fields = ["municipality"]


class AdoptionRequestIndexView(NoRowEditsIndexView):
    def get_base_queryset(self):
        return selectors.open_adoption_requests()


class AdoptionRequestInspectView(ScreenInspectView):
    """One open request and the ministry's decision (a reason, then link or decline). A template of our own: the
    decision's two buttons share the reason field."""

    template_name = "tracker/admin/adoption_request.html"

    def get_object(self, queryset=None):
        return get_object_or_404(selectors.open_adoption_requests(), pk=self.pk)

    def get_page_title(self):
        return _("Adoption requests")

    def get_page_subtitle(self):
        return str(self.object.municipality)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["request_obj"] = self.object
        context["form"] = getattr(self, "form", None) or ReasonForm()
        return context


class _AdoptionDecisionView(AdoptionRequestInspectView):
    http_method_names = ["post"]

    def decide(self, reason: str):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        self.form = ReasonForm(request.POST)
        if self.form.is_valid():
            try:
                return self.decide(self.form.cleaned_data["reason"])
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        return self.render_to_response(self.get_context_data(), status=400)


class LinkAdoptionView(_AdoptionDecisionView):
    def decide(self, reason):
        engagement = services.adoption_link(
            adoption_request=self.object, actor=self.request.user, reason=reason
        )
        messages.success(self.request, _("The new engagement is linked to its origin."))
        return redirect("engagement:inspect", engagement.pk)


class DeclineAdoptionView(_AdoptionDecisionView):
    def decide(self, reason):
        services.adoption_decline(adoption_request=self.object, actor=self.request.user, reason=reason)
        messages.success(self.request, _("The request has been declined."))
        return redirect("adoption_request:index")


def _origin(request) -> str:
    return str(request.origin)


class AdoptionRequestViewSet(ScreensViewSet):
    model = AdoptionRequest
    icon = "repeat"
    menu_label = gettext_lazy("Adoption requests")
    inspect_view_enabled = True
    index_view_class = AdoptionRequestIndexView
    inspect_view_class = AdoptionRequestInspectView
    action_views = {"link": LinkAdoptionView, "decline": DeclineAdoptionView}
    filterset_class = AdoptionRequestFilter
    ordering = ["created_at", "pk"]
    list_per_page = 20

    @property
    def list_display(self):
        return [
            self.title_column("municipality", gettext_lazy("adopting municipality")),
            Column("origin", label=gettext_lazy("solution to adopt"), accessor=_origin),
            Column("message", label=gettext_lazy("why we want to adopt it"), accessor="message"),
        ]
