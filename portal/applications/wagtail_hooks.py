"""Admin wiring: the review list and screen for staff, the rubric (defaults and per-challenge weights) for the ministry."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from . import admin_conflicts, admin_views
from . import permissions as rules
from .models import Application, ChallengeRubricWeight, RubricCriterion

register_permission_policy(Application, admin_views.ApplicationReviewPolicy(Application))


class RubricCriterionViewSet(ModelViewSet):
    model = RubricCriterion
    icon = "list-ol"
    menu_label = _("Rubric criteria")
    list_display = ["name_ja", "name_en", "default_weight", "is_active", "sort_order"]
    form_fields = [
        "key",
        "name_ja",
        "name_en",
        "description_ja",
        "description",
        "default_weight",
        "is_active",
        "sort_order",
    ]
    copy_view_enabled = False


class ChallengeRubricWeightViewSet(ModelViewSet):
    model = ChallengeRubricWeight
    icon = "sliders"
    menu_label = _("Rubric weights per challenge")
    list_display = ["challenge", "criterion", "weight"]
    list_filter = ["challenge", "criterion"]
    form_fields = ["challenge", "criterion", "weight"]
    copy_view_enabled = False


class RubricGroup(ModelViewSetGroup):
    menu_label = _("Review rubric")
    menu_icon = "list-ol"
    menu_order = 260
    items = (RubricCriterionViewSet("rubric_criterion"), ChallengeRubricWeightViewSet("rubric_weight"))


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [admin_views.ApplicationViewSet("application"), RubricGroup()]


@hooks.register("register_admin_urls")
def register_review_url():
    return [
        path("applications/review/<int:pk>/", admin_views.review, name="applications_review"),
        path("conflicts/", admin_conflicts.conflicts, name="applications_conflicts"),
        path(
            "conflicts/<int:pk>/withdraw/",
            admin_conflicts.conflict_withdraw,
            name="applications_conflict_withdraw",
        ),
    ]


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return rules.can_declare_conflict(request.user)[0]


@hooks.register("register_admin_menu_item")
def register_conflicts_menu():
    return StaffMenuItem(
        _("Conflicts of interest"), reverse("applications_conflicts"), icon_name="warning", order=255
    )
