"""Conflicts of interest in the Wagtail admin: staff declare and withdraw their own; the ministry sees every
declaration, a municipality its own staff's. Thin: rules and services decide."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.challenges.models import ChallengePage
from portal.core.decisions import require

from . import permissions as rules
from . import selectors, services
from .filters import ConflictFilter
from .forms import ConflictForm
from .models.conflicts import ConflictSide

PAGE_SIZE = 50


def _challenges_for(user):
    side, municipality = rules.conflict_side_of(user)
    qs = ChallengePage.objects.select_related("municipality").order_by("-application_closes", "pk")
    if side == ConflictSide.MUNICIPALITY:
        qs = qs.filter(municipality=municipality)
    return qs


def conflicts(request):
    """The declarations the user may see, and the form to declare one's own."""
    require(rules.can_declare_conflict(request.user))
    form = ConflictForm(request.POST or None, challenges=_challenges_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.conflict_declare(
                person=request.user,
                startup=form.cleaned_data["startup"],
                challenge=form.cleaned_data["challenge"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for m in error.messages:
                messages.error(request, m)
        else:
            messages.success(
                request,
                _(
                    "Your conflict of interest has been recorded; you are recused from this startup's applications."
                ),
            )
            return redirect("applications_conflicts")
    filters = ConflictFilter(request.GET or None, queryset=selectors.conflicts_for(request.user))
    page = Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("p"))
    return TemplateResponse(
        request,
        "applications/admin/conflicts.html",
        {
            "form": form,
            "page_obj": page,
            "filters": filters,
            "header_title": _("Conflicts of interest"),
            "breadcrumbs_items": [
                {"url": reverse("wagtailadmin_home"), "label": _("Home")},
                {"url": "", "label": _("Conflicts of interest")},
            ],
        },
        status=400 if form.errors else 200,
    )


@require_POST
def conflict_withdraw(request, pk: int):
    """The person withdraws their own declaration (it stays on the list, marked withdrawn)."""
    require(rules.can_declare_conflict(request.user))
    declaration = get_object_or_404(selectors.conflicts_for(request.user), pk=pk)
    try:
        services.conflict_withdraw(declaration=declaration, actor=request.user)
    except ValidationError as error:
        for m in error.messages:
            messages.error(request, m)
    else:
        messages.success(request, _("Your declaration has been withdrawn."))
    return redirect("applications_conflicts")
