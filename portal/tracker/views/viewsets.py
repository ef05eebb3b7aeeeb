"""What the tracker's admin viewsets share: a listing whose rows are never edited here, one object's screen at
`<pk>/` (a template of our own) with its action views under it, and the columns more than one listing shows."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.model import ModelViewSet

from portal.challenges.templatetags.challenges_tags import yen
from portal.core.admin_listing import ListOnlyIndexView
from portal.core.calendar import fiscal_year_label


class ScreenInspectView(InspectView):
    """One object's screen in a template of our own (Wagtail's inspect view lists a model's fields; these screens
    hold facts, history and forms), titled by the object. The object is fetched in the user's scope, a 404 outside
    it: by `detail(pk, user)` (an app's selector raising DoesNotExist) or an overridden `get_object`."""

    detail = None

    def get_object(self, queryset=None):
        try:
            return type(self).detail(self.pk, self.request.user)
        except ObjectDoesNotExist as exc:
            raise Http404 from exc

    def get_fields(self):
        return []

    def get_page_title(self):
        return str(self.object)

    def get_page_subtitle(self):
        return ""


class ScreensViewSet(ModelViewSet):
    """A tracker listing (in the Tracker menu, not the admin's) with, when it has an inspect view, one object's screen
    at `<pk>/` rather than `inspect/<pk>/` and the screen's action views under it: `action_views` maps each URL name
    to its view class, posted to `<pk>/<name with dashes>/`."""

    add_to_admin_menu = False
    copy_view_enabled = False
    exclude_form_fields: list[str] = []
    index_view_class = ListOnlyIndexView
    action_views: dict[str, type] = {}

    def title_column(self, name: str, label, accessor=None) -> TitleColumn:
        """The listing's first column, linking each row to its screen."""
        return TitleColumn(
            name, label=label, accessor=accessor or name, url_name=self.get_url_name("inspect")
        )

    def get_urlpatterns(self):
        urlpatterns = super().get_urlpatterns()
        if not self.inspect_view_enabled:
            return urlpatterns
        action_kwargs = self.get_inspect_view_kwargs()
        return [
            *(p for p in urlpatterns if p.name != "inspect"),
            path("<int:pk>/", self.inspect_view, name="inspect"),
            *(
                path(
                    f"<int:pk>/{name.replace('_', '-')}/",
                    self.construct_view(view, **action_kwargs),
                    name=name,
                )
                for name, view in self.action_views.items()
            ),
        ]


class YenColumn(Column):
    def get_value(self, instance):
        return yen(super().get_value(instance))


def _fiscal_year(obj) -> str:
    return fiscal_year_label(obj.fiscal_year)


def fiscal_year_column(column_class: type[Column] = Column, **kwargs) -> Column:
    """The row's fiscal year as 令和N年度 / FYN (engagements, budgets)."""
    return column_class("fiscal_year", label=gettext_lazy("fiscal year"), accessor=_fiscal_year, **kwargs)


def state_column() -> Column:
    return Column("state", label=gettext_lazy("state"), accessor="get_state_display")
