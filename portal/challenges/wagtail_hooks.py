"""Admin wiring: the Theme snippet, municipality staff kept to their own challenges, the ministry's import view."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.core.models import Theme

from . import admin_views
from .models import ChallengePage
from .permissions import can_edit_challenge, can_write_challenges, writable_municipality_ids


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    menu_label = _("Themes")
    list_display = ["slug", "name_ja", "name_en", "sort_order"]
    search_fields = ["slug", "name_ja", "name_en"]
    ordering = ["sort_order", "slug"]


register_snippet(ThemeViewSet)


# --- Municipality staff stay inside their own organisation ------------------------------------------------------


@hooks.register("construct_explorer_page_queryset")
def hide_other_municipalities_challenges(parent_page, pages, request):
    allowed = writable_municipality_ids(request.user)
    if allowed is None or request.user.is_superuser:
        return pages
    others = ChallengePage.objects.exclude(municipality_id__in=allowed).values("pk")
    return pages.exclude(pk__in=others)


@hooks.register("construct_page_chooser_queryset")
def hide_other_municipalities_challenges_in_chooser(pages, request):
    return hide_other_municipalities_challenges(None, pages, request)


@hooks.register("before_edit_page")
def refuse_editing_other_municipalities_challenges(request, page):
    specific = page.specific_deferred
    if isinstance(specific, ChallengePage) and not request.user.is_superuser:
        allowed, reason = can_edit_challenge(request.user, specific)
        if not allowed:
            raise PermissionDenied(reason)


@hooks.register("before_create_page")
def refuse_creating_challenges_without_rights(request, parent_page, page_class):
    if issubclass(page_class, ChallengePage) and not request.user.is_superuser:
        allowed, reason = can_write_challenges(request.user)
        if not allowed:
            raise PermissionDenied(reason)


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
