"""Admin wiring: the matching screens (one viewset) under /admin/matching/ and a "Matching" menu item for ministry staff."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from . import permissions as rules
from .admin_views import MatchRunPolicy, MatchRunViewSet
from .models import MatchRun

register_permission_policy(MatchRun, MatchRunPolicy(MatchRun))


class MinistryMenuItem(MenuItem):
    def is_shown(self, request):
        return rules.can_view_matching(request.user)[0]


@hooks.register("register_admin_menu_item")
def register_matching_menu():
    return MinistryMenuItem(_("Matching"), reverse("match_run:index"), icon_name="resubmit", order=240)


# The runs' list keeps its address, /admin/matching/; a run's screens are the viewset's too (match_run:run, …).
@hooks.register("register_admin_viewset")
def register_match_run_viewset():
    return MatchRunViewSet("match_run", url_prefix="matching")
