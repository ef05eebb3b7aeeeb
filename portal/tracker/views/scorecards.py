"""The pulse survey on both engagement pages (site and admin): shown to a side that has not answered for the
current stage; the answer goes to services.pulse_submit."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .. import permissions, services
from ..agreement_forms import PulseForm
from .common import add_service_errors


def pulse_form_for(request, engagement, form=None):
    """The survey form for this user, or None (ministry staff, or their side already answered for this stage)."""
    side = permissions.pulse_side(request.user, engagement)
    if not side or services.pulse_answered(engagement, side):
        return None
    return form or PulseForm(prefix="pulse")


def pulse_post(request, engagement):
    """(redirect, None) when the answer is recorded, else (None, the form with its errors). PermissionDenied for
    someone who may not answer."""
    form = PulseForm(request.POST, prefix="pulse")
    allowed, why = permissions.can_answer_pulse(request.user, engagement)
    if not allowed:
        raise PermissionDenied(why)
    if form.is_valid():
        try:
            services.pulse_submit(engagement=engagement, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Thank you: your answer has been recorded."))
            return redirect(request.path), None
        except ValidationError as exc:
            add_service_errors(form, exc)
    return None, form
