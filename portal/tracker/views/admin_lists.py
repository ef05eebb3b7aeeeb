"""The tracker's staff lists as Wagtail viewsets: engagements, travel support and visits and meetings (Wagtail's
listing, columns, filters and pagination), each with one object's screen and its action views. Municipality staff
see their own organisation's rows, the ministry all; nobody adds, edits or deletes here — each row links to its
screen, where the services change it."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies.base import ModelPermissionPolicy

from portal.accounts.permissions import is_ministry, is_municipality_staff
from portal.challenges.templatetags.challenges_tags import yen
from portal.core.admin_listing import NoRowEditsIndexView

from .. import selectors
from ..filters import EngagementAdminFilter, MeetingFilter, TravelRequestAdminFilter
from ..models import Engagement, Meeting, TravelRequest, TravelState
from .admin_generic import ScreensViewSet, YenColumn, fiscal_year_column, state_column
from .engagement_admin import ACTION_VIEWS as ENGAGEMENT_ACTION_VIEWS
from .engagement_admin import EngagementInspectView, OutsideMatchView
from .meetings_admin import ACTION_VIEWS as MEETING_ACTION_VIEWS
from .meetings_admin import MeetingInspectView, ProposeView, agreed_time
from .travel_admin import ACTION_VIEWS as TRAVEL_ACTION_VIEWS
from .travel_admin import TravelRequestInspectView


def _staff(user) -> bool:
    return is_ministry(user) or is_municipality_staff(user)


class StaffReadOnlyPolicy(ModelPermissionPolicy):
    """Staff look at the list (scoped by `scope(user)`); the rows change only through the services."""

    scope = None

    def user_has_permission(self, user, action):
        return action == "view" and _staff(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)

    def instances_user_has_any_permission_for(self, user, actions):
        if "view" not in actions:
            return self.model.objects.none()
        return type(self).scope(user)


class EngagementPolicy(StaffReadOnlyPolicy):
    """Staff look at their engagements (the outside match, the create view, checks for the ministry itself: an "add"
    permission would also open Wagtail's history view)."""

    scope = staticmethod(selectors.engagements_for)


class TravelRequestPolicy(StaffReadOnlyPolicy):
    scope = staticmethod(selectors.travel_requests_for)


class MeetingPolicy(StaffReadOnlyPolicy):
    """Staff look at their meetings; the meeting screens' views write through the services, which check
    `can_schedule_meeting` (the create views check it first too)."""

    scope = staticmethod(selectors.meetings_for)


class ListOnlyIndexView(NoRowEditsIndexView):
    """A listing whose rows link to their own screen (detail_url_name) and offer no edit, copy or delete."""

    detail_url_name = ""

    def get_inspect_url(self, instance):
        return reverse(self.detail_url_name, args=[instance.pk])


class EngagementIndexView(NoRowEditsIndexView):
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


class TravelRequestIndexView(NoRowEditsIndexView):
    def get_base_queryset(self):
        return selectors.travel_requests_for(self.request.user)


class MeetingIndexView(NoRowEditsIndexView):
    def get_base_queryset(self):
        return selectors.meetings_for(self.request.user)


def stage_label(engagement) -> str:
    return (
        f"{engagement.getstage_label_display()} ⚠"
        if engagement.is_flagged_stalled
        else engagement.getstage_label_display()
    )


def engagement_columns() -> list[Column]:
    """An engagement row's first columns: its name (linking to its screen), its stage and its fiscal year."""
    return [
        TitleColumn(
            "title",
            label=gettext_lazy("engagement"),
            accessor=str,
            get_url=lambda obj: reverse("engagement:inspect", args=[obj.pk]),
        ),
        Column("stage", label=gettext_lazy("stage"), accessor=stage_label),
        fiscal_year_column(),
    ]


def _departure(trip) -> str:
    return date_format(trip.departure_date, "DATE_FORMAT")


def _approved(trip) -> str:
    return "—" if trip.state == TravelState.REQUESTED else yen(trip.approved_yen)


class EngagementViewSet(ScreensViewSet):
    """The engagements: the list, one engagement's screen (inspect) with an action view per form, and the
    ministry's "record an outside match" (add)."""

    model = Engagement
    icon = "list-ul"
    menu_label = gettext_lazy("Engagements")
    inspect_view_enabled = True
    index_view_class = EngagementIndexView
    inspect_view_class = EngagementInspectView
    action_views = ENGAGEMENT_ACTION_VIEWS
    add_view_class = OutsideMatchView
    filterset_class = EngagementAdminFilter
    ordering = ["-opened_at", "-pk"]
    list_per_page = 30

    @property
    def list_display(self):
        return [
            *engagement_columns(),
            DateColumn("last_activity_at", label=gettext_lazy("last activity"), sort_key="last_activity_at"),
        ]

    def get_add_view_kwargs(self, **kwargs):
        return {"template_name": OutsideMatchView.template_name, **kwargs}


class TravelRequestViewSet(ScreensViewSet):
    """Travel support: the list, one request's screen (inspect) and the ministry's decisions as action views."""

    model = TravelRequest
    icon = "site"
    menu_label = gettext_lazy("Travel support")
    inspect_view_enabled = True
    index_view_class = TravelRequestIndexView
    inspect_view_class = TravelRequestInspectView
    action_views = TRAVEL_ACTION_VIEWS
    filterset_class = TravelRequestAdminFilter
    ordering = ["-created_at", "-pk"]
    list_per_page = 30

    @property
    def list_display(self):
        return [
            self.title_column("startup", gettext_lazy("startup"), accessor="engagement.startup"),
            Column("destination", label=gettext_lazy("destination"), accessor="destination"),
            Column(
                "departure_date",
                label=gettext_lazy("departure"),
                accessor=_departure,
                sort_key="departure_date",
            ),
            state_column(),
            YenColumn("requested", label=gettext_lazy("requested (yen)"), accessor="estimate_total_yen"),
            Column("approved", label=gettext_lazy("approved (yen)"), accessor=_approved),
        ]


class MeetingViewSet(ScreensViewSet):
    """Visits and meetings: the list, one meeting's screen (inspect) with an action view per form, and "Propose
    times" for an engagement or an application — the viewset's create views, at new/engagement/<pk>/ and
    new/application/<pk>/ (there is no meeting without one of them: no plain new/)."""

    model = Meeting
    icon = "calendar"
    menu_label = gettext_lazy("Visits and meetings")
    inspect_view_enabled = True
    index_view_class = MeetingIndexView
    inspect_view_class = MeetingInspectView
    action_views = MEETING_ACTION_VIEWS
    filterset_class = MeetingFilter
    ordering = ["-updated_at", "-pk"]

    @property
    def list_display(self):
        return [
            self.title_column("title", gettext_lazy("title")),
            Column("kind", label=gettext_lazy("kind"), accessor="get_kind_display"),
            Column("startup", label=gettext_lazy("startup"), accessor="startup"),
            Column("municipality", label=gettext_lazy("municipality"), accessor="municipality"),
            state_column(),
            Column("agreed", label=gettext_lazy("agreed time (JST)"), accessor=agreed_time),
            DateColumn("updated_at", label=gettext_lazy("changed on"), sort_key="updated_at"),
        ]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(**{"add_url_name": None, **kwargs})

    def propose_view(self, subject_kind: str):
        return self.construct_view(ProposeView, **self.get_add_view_kwargs(subject_kind=subject_kind))

    def get_add_view_kwargs(self, **kwargs):
        return {"template_name": ProposeView.template_name, **kwargs}

    def get_urlpatterns(self):
        return [
            *(p for p in super().get_urlpatterns() if p.name != "add"),
            path("new/engagement/<int:pk>/", self.propose_view("engagement"), name="add_for_engagement"),
            path("new/application/<int:pk>/", self.propose_view("application"), name="add_for_application"),
        ]
