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


class ProposalFilter(django_filters.FilterSet):
    review_status = django_filters.ChoiceFilter(label=_("review"), choices=ReviewStatus.choices)
    assigned = YesNoFilter(label=_("assigned"))
    municipality = ModelChoiceFilter(
        label=_("municipality"),
        field_name="challenge__municipality",
        queryset=Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY),
    )

    class Meta:
        model = MatchProposal
        fields = ["review_status", "assigned", "municipality"]
