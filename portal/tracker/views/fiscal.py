"""Budget-request deadlines (予算要求) in the admin: a municipality's staff set theirs, ministry staff see and set all."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from portal.accounts.models import Organisation
from portal.accounts.permissions import is_ministry, organisation_ids_of

from .. import services
from ..agreement_forms import BudgetRequestDeadlineForm
from ..models import BudgetRequestDeadline
from .common import add_service_errors


def _municipalities(user):
    qs = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).order_by("name")
    return qs if is_ministry(user) else qs.filter(pk__in=organisation_ids_of(user))


def budget_request_deadlines(request):
    municipalities = _municipalities(request.user)
    form = BudgetRequestDeadlineForm(
        request.POST or None, municipalities=municipalities, initial={"municipality": municipalities.first()}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.budget_request_deadline_set(actor=request.user, **form.cleaned_data)
                messages.success(request, _("The budget-request deadline has been saved."))
                return redirect("tracker_admin:budget_request")
            except ValidationError as exc:
                add_service_errors(form, exc)
        status = 400
    rows = BudgetRequestDeadline.objects.filter(municipality__in=municipalities).select_related(
        "municipality"
    )
    return TemplateResponse(
        request,
        "tracker/admin/budget_request.html",
        {"form": form, "rows": rows, "title": _("Budget-request deadlines")},
        status=status,
    )
