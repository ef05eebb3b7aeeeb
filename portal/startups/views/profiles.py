"""Startup profiles: the public list and page, the members' edit pages (profile, track record, team)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.applications import selectors, services
from portal.applications.models import TeamMember, TrackRecordEntry
from portal.applications.views.common import (
    messages_of,
    paginate,
    querystring_without_page,
    refused,
    startup_or_none,
)

from ..filters import StartupFilter
from ..forms import ProfileForm, TeamMemberForm, TrackRecordForm

# --------------------------------------------------------------------------------------------- public


def startup_list(request):
    startup_filter = StartupFilter(request.GET or None, queryset=selectors.public_startups())
    queryset = startup_filter.qs.distinct() if startup_filter.is_bound else selectors.public_startups()
    paginator, page = paginate(request, queryset)
    return render(
        request,
        "startups/startup_list.html",
        {
            "filter": startup_filter,
            "profiles": page,
            "paginator": paginator,
            "querystring": querystring_without_page(request),
        },
    )


def startup_detail(request, slug: str):
    profile = selectors.public_startup(slug)
    return render(request, "startups/startup_detail.html", {"profile": profile})


# --------------------------------------------------------------------------------------------- members' edit pages


def _own_startup(request):
    organisation = startup_or_none(request)
    if organisation is None:
        return None, refused(request, _("Only startup members have a startup profile."))
    return organisation, None


@login_required
def profile_edit(request):
    organisation, refusal = _own_startup(request)
    if refusal:
        return refusal
    profile = selectors.own_profile(organisation)
    contact = selectors.contact_of(profile)
    form = ProfileForm(request.POST or None, initial=ProfileForm.initial_for(profile, contact))
    if request.method == "POST" and form.is_valid():
        try:
            services.startup_profile_update(
                organisation=organisation, actor=request.user, **form.service_kwargs()
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("startups:profile")
    return render(
        request,
        "startups/profile_edit.html",
        {
            "form": form,
            "organisation": organisation,
            "profile": profile,
            "team": selectors.team_of(organisation),
            "track_record": selectors.track_record_of(organisation),
            "team_form": TeamMemberForm(),
            "track_record_form": TrackRecordForm(),
            "completeness": selectors.profile_completeness(organisation),
        },
    )


def _errors_to_form(form, error: ValidationError) -> None:
    mapping = {"person": "contact_person", "email": "contact_email", "phone": "contact_phone"}
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            field = mapping.get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
@require_POST
def track_record_add(request):
    organisation, refusal = _own_startup(request)
    if refusal:
        return refusal
    form = TrackRecordForm(request.POST)
    if form.is_valid():
        try:
            services.track_record_add(organisation=organisation, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for m in messages_of(error):
                messages.error(request, m)
        else:
            messages.success(request, _("The track record entry has been added."))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for e in errors:
                messages.error(request, f"{label}: {e}" if label else e)
    return redirect("startups:profile")


@login_required
@require_POST
def track_record_remove(request, pk: int):
    organisation, refusal = _own_startup(request)
    if refusal:
        return refusal
    entry = get_object_or_404(TrackRecordEntry, pk=pk, profile__organisation=organisation)
    services.track_record_remove(entry=entry, actor=request.user)
    messages.success(request, _("The track record entry has been removed."))
    return redirect("startups:profile")


@login_required
@require_POST
def team_member_add(request):
    organisation, refusal = _own_startup(request)
    if refusal:
        return refusal
    form = TeamMemberForm(request.POST)
    if form.is_valid():
        services.team_member_add(organisation=organisation, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The team member has been added."))
    else:
        for field, errors in form.errors.items():
            for e in errors:
                messages.error(request, f"{form.fields[field].label}: {e}")
    return redirect("startups:profile")


@login_required
@require_POST
def team_member_remove(request, pk: int):
    organisation, refusal = _own_startup(request)
    if refusal:
        return refusal
    member = get_object_or_404(TeamMember, pk=pk, profile__organisation=organisation)
    services.team_member_remove(member=member, actor=request.user)
    messages.success(request, _("The team member has been removed."))
    return redirect("startups:profile")
