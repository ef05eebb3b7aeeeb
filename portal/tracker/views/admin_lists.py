"""The tracker's staff lists as Wagtail viewsets: engagements and travel support (Wagtail's listing, columns, filters
and pagination). Municipality staff see their own organisation's rows, the ministry all; nobody adds, edits or
deletes here — each row links to its screen, where the services change it."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from portal.accounts.permissions import is_ministry, is_municipality_staff
from portal.challenges.templatetags.challenges_tags import yen
from portal.core.calendar import fiscal_year_label
from portal.core.policies import ViewOnlyPolicy

from .. import selectors
from ..filters import EngagementAdminFilter, TravelRequestAdminFilter
from ..models import Engagement, TravelRequest, TravelState
from .admin_generic import NoRowEditsIndexView
from .engagement_admin import ACTION_VIEWS, EngagementInspectView, OutsideMatchView
from .travel_admin import ACTION_VIEWS as TRAVEL_ACTION_VIEWS
from .travel_admin import TravelRequestInspectView


def _staff(user) -> bool:
    return is_ministry(user) or is_municipality_staff(user)


class StaffReadOnlyPolicy(ViewOnlyPolicy):
    """Staff look at the list (scoped by `scope(user)`); the rows change only through the services."""

    scope = None

    def may_view(self, user):
        return _staff(user)

    def visible(self, user):
        return type(self).scope(user)


class EngagementPolicy(StaffReadOnlyPolicy):
    """Staff look at their engagements (the outside match, the create view, checks for the ministry itself: an "add"
    permission would also open Wagtail's history view)."""

    scope = staticmethod(selectors.engagements_for)


class TravelRequestPolicy(StaffReadOnlyPolicy):
    scope = staticmethod(selectors.travel_requests_for)


class ListOnlyIndexView(NoRowEditsIndexView):
    """A listing whose rows link to their own screen (detail_url_name) and offer no edit, copy or delete."""

    detail_url_name = ""

    def get_inspect_url(self, instance):
        return reverse(self.detail_url_name, args=[instance.pk])


class EngagementIndexView(ListOnlyIndexView):
    detail_url_name = "engagement:inspect"

    def get_base_queryset(self):
        return selectors.engagements_for(self.request.user)

    @property
    def header_buttons(self):
        # the ministry records matches made outside the portal from here (a screen of its own: a service, not a form)
        if not is_ministry(self.request.user):
            return []
        return [
            HeaderButton(
                gettext_lazy("Record an outside match"),
                url=reverse("engagement:add"),
                icon_name="plus",
            )
        ]


class TravelRequestIndexView(ListOnlyIndexView):
    detail_url_name = "travel_request:inspect"

    def get_base_queryset(self):
        return selectors.travel_requests_for(self.request.user)


def stage_label(engagement) -> str:
    return (
        f"{engagement.get_stage_display()} ⚠"
        if engagement.is_flagged_stalled
        else engagement.get_stage_display()
    )


def fiscal_year_of(obj) -> str:
    return fiscal_year_label(obj.fiscal_year)


def _departure(trip) -> str:
    return date_format(trip.departure_date, "DATE_FORMAT")


def _approved(trip) -> str:
    return "—" if trip.state == TravelState.REQUESTED else yen(trip.approved_yen)


def _with_screens(urlpatterns, inspect_view, actions):
    """The viewset's URLs with one object's screen at <pk>/ (not inspect/<pk>/) and its action views under it."""
    kept = [p for p in urlpatterns if p.name != "inspect"]
    return [
        *kept,
        path("<int:pk>/", inspect_view, name="inspect"),
        *(path(f"<int:pk>/{slug}/", view, name=name) for name, slug, view in actions),
    ]


class EngagementViewSet(ModelViewSet):
    """The engagements: the list, one engagement's screen (inspect) with an action view per form, and the
    ministry's "record an outside match" (add)."""

    model = Engagement
    icon = "list-ul"
    menu_label = gettext_lazy("Engagements")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = EngagementIndexView
    inspect_view_class = EngagementInspectView
    add_view_class = OutsideMatchView
    filterset_class = EngagementAdminFilter
    ordering = ["-opened_at", "-pk"]
    exclude_form_fields = []
    list_per_page = 30

    @property
    def list_display(self):
        return [
            TitleColumn(
                "title",
                label=gettext_lazy("engagement"),
                accessor=str,
                get_url=lambda obj: reverse("engagement:inspect", args=[obj.pk]),
            ),
            Column("stage", label=gettext_lazy("stage"), accessor=stage_label),
            Column("fiscal_year", label=gettext_lazy("fiscal year"), accessor=fiscal_year_of),
            DateColumn("last_activity_at", label=gettext_lazy("last activity"), sort_key="last_activity_at"),
        ]

    def get_add_view_kwargs(self, **kwargs):
        return {"template_name": OutsideMatchView.template_name, **kwargs}

    def get_urlpatterns(self):
        action_kwargs = self.get_inspect_view_kwargs(template_name=EngagementInspectView.template_name)
        actions = [
            (name, name.replace("_", "-"), self.construct_view(view_class, **action_kwargs))
            for name, view_class in ACTION_VIEWS.items()
        ]
        return _with_screens(super().get_urlpatterns(), self.inspect_view, actions)


class TravelRequestViewSet(ModelViewSet):
    """Travel support: the list, one request's screen (inspect) and the ministry's decisions as action views."""

    model = TravelRequest
    icon = "site"
    menu_label = gettext_lazy("Travel support")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = TravelRequestIndexView
    inspect_view_class = TravelRequestInspectView
    filterset_class = TravelRequestAdminFilter
    ordering = ["-created_at", "-pk"]
    exclude_form_fields = []
    list_per_page = 30

    @property
    def list_display(self):
        return [
            TitleColumn(
                "startup",
                label=gettext_lazy("startup"),
                accessor="engagement.startup",
                get_url=lambda obj: reverse("travel_request:inspect", args=[obj.pk]),
            ),
            Column("destination", label=gettext_lazy("destination"), accessor="destination"),
            Column(
                "departure_date",
                label=gettext_lazy("departure"),
                accessor=_departure,
                sort_key="departure_date",
            ),
            Column("state", label=gettext_lazy("state"), accessor="get_state_display"),
            Column(
                "requested",
                label=gettext_lazy("requested (yen)"),
                accessor=lambda t: yen(t.estimate_total_yen),
            ),
            Column("approved", label=gettext_lazy("approved (yen)"), accessor=_approved),
        ]

    def get_urlpatterns(self):
        action_kwargs = self.get_inspect_view_kwargs(template_name=TravelRequestInspectView.template_name)
        actions = [
            (name, name.replace("_", "-"), self.construct_view(view_class, **action_kwargs))
            for name, view_class in TRAVEL_ACTION_VIEWS.items()
        ]
        return _with_screens(super().get_urlpatterns(), self.inspect_view, actions)
