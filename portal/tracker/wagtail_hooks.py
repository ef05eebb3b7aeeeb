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
from .models import Meeting
from .urls import admin_urlpatterns
from .views.meetings_admin import MeetingPolicy, MeetingViewSet

register_permission_policy(Meeting, MeetingPolicy(Meeting))


@hooks.register("register_admin_urls")
def register_tracker_admin_urls():
    return [path("tracker/", include((admin_urlpatterns, "tracker_admin"), namespace="tracker_admin"))]


class MinistryMenuItem(MenuItem):
    def is_shown(self, request):
        return is_ministry(request.user)


def _items():
    return [
        MinistryMenuItem(_("Dashboard"), reverse("tracker_admin:dashboard"), icon_name="view", order=10),
        MenuItem(_("Engagements"), reverse("tracker_admin:engagements"), icon_name="list-ul", order=20),
        MenuItem(_("Agreements"), reverse("tracker_admin:agreements"), icon_name="doc-full", order=25),
        MenuItem(
            _("Budget-request deadlines"), reverse("tracker_admin:budget_request"), icon_name="date", order=27
        ),
        MenuItem(_("Travel support"), reverse("tracker_admin:travel"), icon_name="site", order=30),
        MenuItem(_("Visits and meetings"), reverse("meeting:index"), icon_name="calendar", order=35),
        MinistryMenuItem(
            _("Budgets and ledger"), reverse("tracker_admin:budgets"), icon_name="table", order=40
        ),
        MinistryMenuItem(
            _("Adoption requests"), reverse("tracker_admin:adoptions"), icon_name="repeat", order=50
        ),
        MinistryMenuItem(
            _("Record an outside match"), reverse("tracker_admin:outside_match"), icon_name="plus", order=60
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_tracker_menu():
    return SubmenuMenuItem(_("Tracker"), Menu(items=_items()), icon_name="list-ul", order=250)


@hooks.register("register_admin_viewset")
def register_meeting_viewset():
    return MeetingViewSet("meeting")


hooks.register(HOOK, queues.municipality_entries)
hooks.register(HOOK, queues.ministry_entries)
