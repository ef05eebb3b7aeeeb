"""Filters for the accounts screens of the Wagtail admin."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from . import selectors
from .models import Organisation


class OrganisationFilterSet(WagtailFilterSet):
    """Kind, prefecture, active, and the ministry's check for likely duplicates: organisations whose names are the
    same once full-width/half-width forms, case and spaces are set aside (NFKC)."""

    likely_duplicate = django_filters.BooleanFilter(
        label=_("Likely duplicate (same name)"), method="filter_likely_duplicate"
    )

    class Meta:
        model = Organisation
        fields = ["kind", "prefecture", "is_active"]

    def filter_likely_duplicate(self, queryset, name, value):
        if value is None:
            return queryset
        ids = selectors.likely_duplicate_organisation_ids()
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)
