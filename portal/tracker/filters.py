"""Facets of the tracker's lists (django-filter)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from portal.geo.models import Prefecture

from .models import Engagement, TravelRequest, TravelState
from .workflow import Stage


class EngagementFilter(django_filters.FilterSet):
    stage = django_filters.ChoiceFilter(label=_("stage"), choices=Stage.choices)
    fiscal_year = django_filters.NumberFilter(label=_("fiscal year"))
    prefecture = django_filters.ModelChoiceFilter(
        label=_("prefecture"), field_name="municipality__prefecture", queryset=Prefecture.objects.all())
    flagged = django_filters.BooleanFilter(label=_("flagged as stalled"), field_name="stalled_flagged_at",
                                           lookup_expr="isnull", exclude=True)

    class Meta:
        model = Engagement
        fields = ["stage", "fiscal_year", "prefecture", "flagged"]


class TravelRequestFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("state"), choices=TravelState.choices)
    fiscal_year = django_filters.NumberFilter(label=_("fiscal year"))

    class Meta:
        model = TravelRequest
        fields = ["state", "fiscal_year"]
