"""Facets of the matching lists (django-filter)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from portal.accounts.models import Organisation
from portal.core.forms import ModelChoiceFilter, YesNoFilter

from .models import MatchProposal, MatchRun, ReviewStatus


class MatchRunFilter(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("status"), choices=MatchRun.Status.choices, widget=forms.Select
    )

    class Meta:
        model = MatchRun
        fields = ["status"]


class ProposalFilter(WagtailFilterSet):
    """A run's proposals (the run's page): review status, assigned, and the municipality, whose choices are the
    municipalities of the run's challenges only (a run's challenges do not change once it has finished)."""

    review_status = django_filters.ChoiceFilter(
        label=_("review"), choices=ReviewStatus.choices, widget=forms.Select
    )
    assigned = YesNoFilter(label=_("assigned"))
    municipality = ModelChoiceFilter(
        label=_("municipality"),
        field_name="challenge__municipality",
        queryset=Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY),
    )

    class Meta:
        model = MatchProposal
        fields = ["review_status", "assigned", "municipality"]

    def __init__(self, *args, run: MatchRun | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if run is not None:
            self.filters["municipality"].queryset = (
                Organisation.objects.filter(
                    kind=Organisation.Kind.MUNICIPALITY, challenges__match_proposals__run=run
                )
                .distinct()
                .order_by("name")
            )
