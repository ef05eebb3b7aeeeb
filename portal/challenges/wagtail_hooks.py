"""Admin wiring: the Theme snippet, municipality staff kept to their own challenges, the ministry's import view."""

from __future__ import annotations

from django.contrib import messages
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.pages.bulk_actions import (
    DeleteBulkAction,
    MoveBulkAction,
    PublishBulkAction,
    UnpublishBulkAction,
)
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.accounts.permissions import is_ministry, is_municipality_staff
from portal.core.decisions import require
from portal.core.models import Theme

from . import admin_views
from .briefings import admin_views as briefing_admin
from .briefings.admin_views import BriefingPolicy, BriefingViewSet
from .briefings.models import BriefingSession
from .models import ChallengePage
from .permissions import can_edit_challenge, can_write_challenges, writable_municipality_ids
from .quality import failing, quality_checks


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    menu_label = _("Themes")
    list_display = ["slug", "name_ja", "name_en", "sort_order"]
    search_fields = ["slug", "name_ja", "name_en"]
    ordering = ["sort_order", "slug"]


register_snippet(ThemeViewSet)


# --- Municipality staff stay inside their own organisation ------------------------------------------------------


def without_other_municipalities_challenges(pages, user):
    """`pages` less the challenges of municipalities the user does not work for (the ministry keeps them all)."""
    allowed = writable_municipality_ids(user)
    if allowed is None or user.is_superuser:
        return pages
    others = ChallengePage.objects.exclude(municipality_id__in=allowed).values("pk")
    return pages.exclude(pk__in=others)


@hooks.register("construct_explorer_page_queryset")
def hide_other_municipalities_challenges(parent_page, pages, request):
    return without_other_municipalities_challenges(pages, request.user)


class MunicipalityPagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page policy, less other municipalities' challenges in what a user may explore or act on: the page
    search, the admin API (the explorer's side menu), the listings' and bulk actions' permission checks all ask it.
    Their group rights cover the whole catalogue; what they may do to one challenge is narrowed further by
    ChallengePagePermissionTester."""

    def explorable_instances(self, user):
        return without_other_municipalities_challenges(super().explorable_instances(user), user)

    def instances_user_has_any_permission_for(self, user, actions):
        return without_other_municipalities_challenges(
            super().instances_user_has_any_permission_for(user, actions), user
        )


register_permission_policy(Page, MunicipalityPagePermissionPolicy(Page))


class ScopedPagesAdminAPIViewSet(PagesAdminAPIViewSet):
    def get_base_queryset(self):
        return without_other_municipalities_challenges(super().get_base_queryset(), self.request.user)


@hooks.register("construct_admin_api", order=100)  # after Wagtail's own "pages" endpoint, which it replaces
def scope_admin_api_pages(router):
    router.register_endpoint("pages", ScopedPagesAdminAPIViewSet)


class _OnlyVisiblePages:
    """A page bulk action lists the pages one may not act on by title: drop those the user may not even see."""

    def get_actionable_objects(self):
        objects, extra = super().get_actionable_objects()
        pks = [o.pk for o in objects] + [o.pk for o in extra["items_with_no_access"]]
        visible = set(
            without_other_municipalities_challenges(
                Page.objects.filter(pk__in=pks), self.request.user
            ).values_list("pk", flat=True)
        )
        extra = {
            **extra,
            "items_with_no_access": [o for o in extra["items_with_no_access"] if o.pk in visible],
        }
        return [o for o in objects if o.pk in visible], extra


for _action in (DeleteBulkAction, MoveBulkAction, PublishBulkAction, UnpublishBulkAction):
    # Registered after Wagtail's (order): the registry keeps the last class for a model and action type.
    hooks.register(
        "register_bulk_action", type(f"Scoped{_action.__name__}", (_OnlyVisiblePages, _action), {}), order=100
    )


@hooks.register("construct_page_chooser_queryset")
def hide_other_municipalities_challenges_in_chooser(pages, request):
    return hide_other_municipalities_challenges(None, pages, request)


@hooks.register("before_edit_page")
def refuse_editing_other_municipalities_challenges(request, page):
    specific = page.specific_deferred
    if isinstance(specific, ChallengePage) and not request.user.is_superuser:
        require(can_edit_challenge(request.user, specific))


@hooks.register("before_create_page")
def refuse_creating_challenges_without_rights(request, parent_page, page_class):
    if issubclass(page_class, ChallengePage) and not request.user.is_superuser:
        require(can_write_challenges(request.user))


# --- The challenge-quality check, told after each save ----------------------------------------------------------


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def flag_challenge_quality(request, page):
    specific = page.specific_deferred if not isinstance(page, ChallengePage) else page
    if not isinstance(specific, ChallengePage):
        return
    needs = failing(quality_checks(specific))
    if needs:
        messages.warning(
            request,
            ngettext(
                "Challenge quality check: %(count)d point needs attention — %(titles)s. See the checklist at the top.",
                "Challenge quality check: %(count)d points need attention — %(titles)s. See the checklist at the top.",
                len(needs),
            )
            % {"count": len(needs), "titles": "; ".join(c.title for c in needs)},
        )


# --- The ministry's import ----------------------------------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_import_url():
    return [path("challenges/import/", admin_views.import_view, name="challenges_import")]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("challenges.import_challenges")


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMenuItem(_("Import challenges"), reverse("challenges_import"), icon_name="upload", order=310)


# --- briefing sessions (説明会) --------------------------------------------------------------------------------

register_permission_policy(BriefingSession, BriefingPolicy(BriefingSession))


@hooks.register("register_admin_viewset")
def register_briefing_viewset():
    return BriefingViewSet("briefing")


@hooks.register("register_admin_urls")
def register_briefing_admin_urls():
    return [
        path(
            "briefings/<int:pk>/session/",
            briefing_admin.session_admin,
            name="briefings_admin_session",
        )
    ]


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return is_ministry(request.user) or is_municipality_staff(request.user)


@hooks.register("register_admin_menu_item")
def register_briefing_menu():
    return StaffMenuItem(_("Briefing sessions"), reverse("briefing:index"), icon_name="group", order=215)
