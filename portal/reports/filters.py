"""Facets of the exports that have no list elsewhere: the ledger (by year and kind) and the funnel (by year)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.fiscal import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR
from portal.tracker.models import LedgerEntry


class LedgerEntryFilter(django_filters.FilterSet):
    fiscal_year = django_filters.NumberFilter(
        label=_("fiscal year"),
        field_name="budget__fiscal_year",
        min_value=MIN_FISCAL_YEAR,
        max_value=MAX_FISCAL_YEAR,
    )
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=LedgerEntry.Kind.choices)

    class Meta:
        model = LedgerEntry
        fields = ["fiscal_year", "kind"]


class FunnelForm(forms.Form):
    fiscal_year = forms.IntegerField(
        label=_("fiscal year"), required=False, min_value=MIN_FISCAL_YEAR, max_value=MAX_FISCAL_YEAR
    )
