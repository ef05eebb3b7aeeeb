"""The pieces the tracker's admin viewsets share, on Wagtail's generic views:

- `ScreensViewSet`: a listing whose rows are never edited here, with (when it has an inspect view) one object's
  screen at `<pk>/` and that screen's action views under it; `ScreenInspectView`, such a screen in a template of
  our own; the columns more than one listing shows (fiscal year, state, yen).
- `InspectActionView`: the one shape of an action view — one thing staff do on an object's screen, posted to
  `<pk>/<action>/`, its abstract `perform` calling the service.
- `ServiceCreateView`: a create view whose form is saved by a service rather than as a model instance.

The listing without row edits is `portal.core.admin_listing.NoRowEditsIndexView` (every app's staff lists use it)."""

from __future__ import annotations

from django.contrib import messages as django_messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import CreateView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet

from portal.challenges.templatetags.challenges_tags import yen
from portal.core.admin_listing import NoRowEditsIndexView
from portal.core.calendar import fiscal_year_label

from .common import add_service_errors


class ServiceCreateView(CreateView):
    """A viewset's create view with a plain form: `save(form)` calls the service and returns the response (a redirect
    after its success message); a ValidationError from the service goes back onto the form, shown again with 400.

    The view asks the policy for "view" (staff's): an "add" permission would also open Wagtail's history view; who may
    actually create is the service's rule, checked again by the view where it must answer 403 or 404 first."""

    permission_required = "view"
    template_name = "wagtailadmin/generic/create.html"
    submit_button_label = gettext_lazy("Save")

    def save(self, form):
        raise NotImplementedError

    def get_panel(self):
        return None

    def get_page_subtitle(self):
        return ""

    def get_initial_form_instance(self):
        return None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def form_valid(self, form):
        self.form = form
        try:
            return self.save(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)

    def form_invalid(self, form):
        self.form = form
        if form.non_field_errors():  # the generic form shows field errors only; these go into the message
            messages.validation_error(self.request, self.get_error_message(), form)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class InspectActionView:
    """One thing done on an object's screen (POST only): `perform` calls the service and the screen is shown again —
    after a redirect when it worked, at once with the form's errors (400) or the refusal (403) when not.

    `check_allowed` runs first, outside that handling: what it refuses is Wagtail's own refusal (back to the admin
    home with its message), as for a screen the user may not open at all."""

    http_method_names = ["post"]
    inspect_url_name: str | None = None  # the screen's (the viewset gives it)
    form_name = ""  # the form's name in the screen's context
    form_class: type | None = None
    form_prefix: str | None = None
    refusal_as_message = False  # also say a service's refusal above the screen when it is put on the form

    def check_allowed(self) -> None:
        """Raise PermissionDenied for a user who may not take this action at all."""

    def get_form(self):
        if self.form_class is None:
            return None
        return self.form_class(self.request.POST, prefix=self.form_prefix)

    def perform(self, form) -> str:
        """Call the service; return the success message."""
        raise NotImplementedError

    def get_success_url(self) -> str:
        return reverse(self.inspect_url_name, args=[self.object.pk])

    def post(self, request, *args, **kwargs):
        self.check_allowed()
        self.forms: dict = {}
        form = None
        status = 400
        try:
            form = self.get_form()
            if form is not None:
                self.forms[self.form_name] = form
            if form is None or form.is_valid():
                django_messages.success(request, self.perform(form))
                return redirect(self.get_success_url())
        except ValidationError as exc:
            if form is not None:
                add_service_errors(form, exc)
            if form is None or self.refusal_as_message:
                django_messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            django_messages.error(request, str(exc))
            status = 403
        return self.render_to_response(self.get_context_data(), status=status)


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
    index_view_class = NoRowEditsIndexView
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


def fiscal_year_of(obj) -> str:
    return fiscal_year_label(obj.fiscal_year)


def fiscal_year_column(column_class: type[Column] = Column, **kwargs) -> Column:
    """The row's fiscal year as 令和N年度 / FYN (engagements, budgets)."""
    return column_class("fiscal_year", label=gettext_lazy("fiscal year"), accessor=fiscal_year_of, **kwargs)


def state_column() -> Column:
    return Column("state", label=gettext_lazy("state"), accessor="get_state_display")
