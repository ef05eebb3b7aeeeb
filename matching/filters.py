"""Facets of the matching lists (django-filter)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from portal.core.forms import PlainSelect, YesNoFilter
from portal.core.i18n import in_reader_language

from . import selectors
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
    municipalities of the run's challenges only."""

    review_status = django_filters.ChoiceFilter(
        label=_("review"), choices=ReviewStatus.choices, widget=forms.Select
    )
    assigned = YesNoFilter(label=_("assigned"))
    municipality = django_filters.ChoiceFilter(
        label=_("municipality"), field_name="challenge__municipality", choices=[], widget=PlainSelect
    )

    class Meta:
        model = MatchProposal
        fields = ["review_status", "assigned", "municipality"]

    def __init__(self, *args, run: MatchRun | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if run is not None:  # the run's own municipalities
            self.filters["municipality"].extra["choices"] = [
                (str(pk), in_reader_language(name, name_en))
                for pk, name, name_en in selectors.municipalities_of_run(run)
            ]
