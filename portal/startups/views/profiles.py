"""Startup profiles: the public list and page, the members' edit pages (profile, track record, team)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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


def _add_view(form_class, add, added):
    """A POST that adds one row to the own startup's profile (a track-record entry, a team member) through the
    service `add`; the outcome, or what was wrong with the form, as messages on the profile page."""

    @login_required
    @require_POST
    def view(request):
        organisation, refusal = _own_startup(request)
        if refusal:
            return refusal
        form = form_class(request.POST)
        if form.is_valid():
            try:
                add(organisation=organisation, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                for m in messages_of(error):
                    messages.error(request, m)
            else:
                messages.success(request, str(added))
        else:
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                for e in errors:
                    messages.error(request, f"{label}: {e}" if label else e)
        return redirect("startups:profile")

    return view


def _remove_view(model, remove, keyword: str, removed):
    """A POST that removes one row of the own startup's profile (another startup's row: 404) through the service
    `remove`, which takes the row as `keyword`."""

    @login_required
    @require_POST
    def view(request, pk: int):
        organisation, refusal = _own_startup(request)
        if refusal:
            return refusal
        row = get_object_or_404(model, pk=pk, profile__organisation=organisation)
        remove(**{keyword: row}, actor=request.user)
        messages.success(request, str(removed))
        return redirect("startups:profile")

    return view


track_record_add = _add_view(
    TrackRecordForm, services.track_record_add, gettext_lazy("The track record entry has been added.")
)
track_record_remove = _remove_view(
    TrackRecordEntry,
    services.track_record_remove,
    "entry",
    gettext_lazy("The track record entry has been removed."),
)
team_member_add = _add_view(
    TeamMemberForm, services.team_member_add, gettext_lazy("The team member has been added.")
)
team_member_remove = _remove_view(
    TeamMember, services.team_member_remove, "member", gettext_lazy("The team member has been removed.")
)
