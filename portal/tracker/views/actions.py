"""The two shapes of the tracker's admin forms that change something through a service.

- `InspectActionView`: one thing staff do on an object's screen (the viewset's inspect view), posted to its own
  address (`<pk>/<action>/`). Mixed in before the screen's inspect view, so that a refusal shows the same screen.
- `ServiceCreateView`: a viewset's create view whose form is not a model form: the service creates the row."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy
from wagtail.admin import messages as admin_messages
from wagtail.admin.views.generic import CreateView

from .common import add_service_errors


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
    # where a service's ValidationError goes on the form (error names → form fields; None: the whole form)
    service_error_fields: dict | None = None
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
                messages.success(request, self.perform(form))
                return redirect(self.get_success_url())
        except ValidationError as exc:
            if form is not None:
                add_service_errors(form, exc, self.service_error_fields)
            if form is None or self.refusal_as_message:
                messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            status = 403
        return self.render_to_response(self.get_context_data(), status=status)


class ServiceCreateView(CreateView):
    """A viewset's create view saving through a service, not a model form: `perform(form)` calls the service and
    returns where to go next; the service's ValidationError is shown on the form (400)."""

    template_name = "wagtailadmin/generic/create.html"
    submit_button_label = gettext_lazy("Save")
    success_text = ""
    service_error_fields: dict | None = None

    def perform(self, form) -> str:
        """Call the service; return the URL to go to."""
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
            url = self.perform(form)
        except ValidationError as exc:
            add_service_errors(form, exc, self.service_error_fields)
            return self.form_invalid(form)
        messages.success(self.request, str(self.success_text))
        return redirect(url)

    def form_invalid(self, form):
        self.form = form
        if form.non_field_errors():  # the fields' own errors stand beside them; these have no place but above
            admin_messages.validation_error(self.request, self.get_error_message(), form)
        return self.render_to_response(self.get_context_data(form=form), status=400)
