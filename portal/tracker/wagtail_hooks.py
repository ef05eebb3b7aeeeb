"""Admin wiring: the tracker's screens and a "Tracker" menu (ministry items hidden from municipality staff)."""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.permissions import register_permission_policy

from portal.accounts.permissions import is_ministry
from portal.core.queues import HOOK

from . import queues
from .models import (
    AdoptionRequest,
    Agreement,
    BudgetRequestDeadline,
    Engagement,
    EvidencePack,
    FiscalBudget,
    Meeting,
    TravelRequest,
)
from .urls import admin_urlpatterns
from .views.admin_lists import (
    EngagementPolicy,
    EngagementViewSet,
    MeetingPolicy,
    MeetingViewSet,
    TravelRequestPolicy,
    TravelRequestViewSet,
)
from .views.agreement_admin import (
    AgreementPolicy,
    AgreementViewSet,
    BudgetRequestDeadlinePolicy,
    BudgetRequestDeadlineViewSet,
)
from .views.budget_admin import (
    AdoptionRequestPolicy,
    AdoptionRequestViewSet,
    FiscalBudgetPolicy,
    FiscalBudgetViewSet,
)
from .views.evidence_admin import EvidencePackPolicy, EvidencePackViewSet, SolutionViewSet

register_permission_policy(Meeting, MeetingPolicy(Meeting))
register_permission_policy(Engagement, EngagementPolicy(Engagement))
register_permission_policy(TravelRequest, TravelRequestPolicy(TravelRequest))
register_permission_policy(FiscalBudget, FiscalBudgetPolicy(FiscalBudget))
register_permission_policy(AdoptionRequest, AdoptionRequestPolicy(AdoptionRequest))
register_permission_policy(Agreement, AgreementPolicy(Agreement))
register_permission_policy(BudgetRequestDeadline, BudgetRequestDeadlinePolicy(BudgetRequestDeadline))
register_permission_policy(EvidencePack, EvidencePackPolicy(EvidencePack))


@hooks.register("register_admin_urls")
def register_tracker_admin_urls():
    return [path("tracker/", include((admin_urlpatterns, "tracker_admin"), namespace="tracker_admin"))]


class MinistryMenuItem(MenuItem):
    def is_shown(self, request):
        return is_ministry(request.user)


def _items():
    return [
        MinistryMenuItem(_("Dashboard"), reverse("tracker_admin:dashboard"), icon_name="view", order=10),
        MenuItem(_("Engagements"), reverse("engagement:index"), icon_name="list-ul", order=20),
        MenuItem(_("Agreements"), reverse("agreement:index"), icon_name="doc-full", order=25),
        MenuItem(
            _("Budget-request deadlines"),
            reverse("budget_request_deadline:index"),
            icon_name="date",
            order=27,
        ),
        MenuItem(_("Travel support"), reverse("travel_request:index"), icon_name="site", order=30),
        MenuItem(_("Visits and meetings"), reverse("meeting:index"), icon_name="calendar", order=35),
        MinistryMenuItem(
            _("Budgets and ledger"), reverse("fiscal_budget:index"), icon_name="table", order=40
        ),
        MenuItem(_("Solutions to join"), reverse("solution:index"), icon_name="repeat", order=45),
        MinistryMenuItem(_("Evidence packs"), reverse("evidence_pack:index"), icon_name="doc-full", order=48),
        MinistryMenuItem(
            _("Adoption requests"), reverse("adoption_request:index"), icon_name="repeat", order=50
        ),
        MinistryMenuItem(_("Record an outside match"), reverse("engagement:add"), icon_name="plus", order=60),
    ]


@hooks.register("register_admin_menu_item")
def register_tracker_menu():
    return SubmenuMenuItem(_("Tracker"), Menu(items=_items()), icon_name="list-ul", order=250)


# The screens keep their addresses: /admin/tracker/ (engagements; one engagement at <pk>/ — engagement:inspect — with
# its action views under it, the outside match at new/), /admin/tracker/travel/ (trips, likewise),
# /admin/tracker/meetings/ (one meeting at <pk>/, "Propose times" at new/engagement/<pk>/ and new/application/<pk>/,
# the addresses in the notifications already sent), /admin/tracker/budgets/ (budgets; a year's ledger at
# <year>/ledger/), /admin/tracker/adoptions/,
# /admin/tracker/agreements/ (one agreement at <pk>/, its amendment at <pk>/amend/, recording one for an engagement
# at new/<engagement pk>/), /admin/tracker/budget-request/ (setting a deadline at add/),
# /admin/tracker/evidence/ (the ministry's overview; an engagement's new pack version at <engagement pk>/new/) and
# /admin/tracker/solutions/ (one solution at <pk>/, the join at <pk>/join/).
@hooks.register("register_admin_viewset")
def register_engagement_viewset():
    return EngagementViewSet("engagement", url_prefix="tracker")


@hooks.register("register_admin_viewset")
def register_travel_request_viewset():
    return TravelRequestViewSet("travel_request", url_prefix="tracker/travel")


@hooks.register("register_admin_viewset")
def register_meeting_viewset():
    return MeetingViewSet("meeting", url_prefix="tracker/meetings")


@hooks.register("register_admin_viewset")
def register_fiscal_budget_viewset():
    return FiscalBudgetViewSet("fiscal_budget", url_prefix="tracker/budgets")


@hooks.register("register_admin_viewset")
def register_adoption_request_viewset():
    return AdoptionRequestViewSet("adoption_request", url_prefix="tracker/adoptions")


@hooks.register("register_admin_viewset")
def register_agreement_viewset():
    return AgreementViewSet("agreement", url_prefix="tracker/agreements")


@hooks.register("register_admin_viewset")
def register_budget_request_deadline_viewset():
    return BudgetRequestDeadlineViewSet("budget_request_deadline", url_prefix="tracker/budget-request")


@hooks.register("register_admin_viewset")
def register_evidence_pack_viewset():
    return EvidencePackViewSet("evidence_pack", url_prefix="tracker/evidence")


@hooks.register("register_admin_viewset")
def register_solution_viewset():
    return SolutionViewSet("solution", url_prefix="tracker/solutions")


hooks.register(HOOK, queues.municipality_entries)
hooks.register(HOOK, queues.ministry_entries)
