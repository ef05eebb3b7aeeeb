"""Admin wiring: the Theme snippet, municipality staff kept to their own challenges, the ministry's import view."""

from __future__ import annotations

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.core.models import Theme


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    menu_label = "Themes"
    list_display = ["slug", "name_ja", "name_en", "sort_order"]
    search_fields = ["slug", "name_ja", "name_en"]
    ordering = ["sort_order", "slug"]


register_snippet(ThemeViewSet)
