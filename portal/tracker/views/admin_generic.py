"""The pieces the tracker's admin viewsets share, on Wagtail's generic views: a listing whose rows are never edited
here, and a create view whose form is saved by a service rather than as a model instance."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.views.generic import CreateView, IndexView

from .common import add_service_errors


class NoRowEditsIndexView(IndexView):
    """A listing without Wagtail's edit, copy and delete links: its rows change only through the services."""

    def get_edit_url(self, instance):
        return None

    def get_copy_url(self, instance):
        return None

    def get_delete_url(self, instance):
        return None


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
