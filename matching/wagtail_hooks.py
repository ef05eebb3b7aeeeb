"""Admin wiring: the matching screens under /admin/matching/ and a "Matching" menu item for ministry staff."""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import permissions as rules
from .urls import admin_urlpatterns


@hooks.register("register_admin_urls")
def register_matching_admin_urls():
    return [path("matching/", include((admin_urlpatterns, "matching_admin"), namespace="matching_admin"))]


class MinistryMenuItem(MenuItem):
    def is_shown(self, request):
        return rules.can_view_matching(request.user)[0]


@hooks.register("register_admin_menu_item")
def register_matching_menu():
    return MinistryMenuItem(_("Matching"), reverse("matching_admin:runs"), icon_name="resubmit", order=240)
