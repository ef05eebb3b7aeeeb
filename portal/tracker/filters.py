"""Facets of the tracker's lists (django-filter)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from portal.core.fiscal import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR
from portal.core.forms import YesNoFilter
from portal.geo.models import Prefecture

from .models import Agreement, Engagement, Meeting, MeetingKind, MeetingState, TravelRequest, TravelState
from .workflow import Stage


class EngagementFilter(django_filters.FilterSet):
    stage = django_filters.ChoiceFilter(label=_("stage"), choices=Stage.choices)
    # Bounded: an unbounded NumberFilter turns "1e999999999" into an int with a billion digits (the request hangs).
    fiscal_year = django_filters.NumberFilter(
        label=_("fiscal year"), min_value=MIN_FISCAL_YEAR, max_value=MAX_FISCAL_YEAR
    )
    prefecture = django_filters.ModelChoiceFilter(
        label=_("prefecture"), field_name="municipality__prefecture", queryset=Prefecture.objects.all()
    )
    flagged = YesNoFilter(
        label=_("flagged as stalled"), field_name="stalled_flagged_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Engagement
        fields = ["stage", "fiscal_year", "prefecture", "flagged"]


class TravelRequestFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("state"), choices=TravelState.choices)
    # Bounded: an unbounded NumberFilter turns "1e999999999" into an int with a billion digits (the request hangs).
    fiscal_year = django_filters.NumberFilter(
        label=_("fiscal year"), min_value=MIN_FISCAL_YEAR, max_value=MAX_FISCAL_YEAR
    )

    class Meta:
        model = TravelRequest
        fields = ["state", "fiscal_year"]


class MeetingFilter(WagtailFilterSet):
    state = django_filters.ChoiceFilter(label=_("state"), choices=MeetingState.choices, widget=forms.Select)
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=MeetingKind.choices, widget=forms.Select)

    class Meta:
        model = Meeting
        fields = ["state", "kind"]


class SolutionFilter(WagtailFilterSet):
    """Solved challenges to join: by the prefecture of the municipality that solved it."""

    prefecture = django_filters.ModelChoiceFilter(
        label=_("prefecture"), field_name="municipality__prefecture", queryset=Prefecture.objects.all()
    )

    class Meta:
        model = Engagement
        fields = ["prefecture"]


class EvidenceOverviewFilter(WagtailFilterSet):
    """The ministry's overview: engagements past their PoC, with or without an evidence pack."""

    has_pack = YesNoFilter(label=_("has an evidence pack"), method="filter_has_pack")
    fiscal_year = django_filters.NumberFilter(
        label=_("fiscal year"), min_value=MIN_FISCAL_YEAR, max_value=MAX_FISCAL_YEAR
    )

    class Meta:
        model = Engagement
        fields = ["has_pack", "fiscal_year"]

    def filter_has_pack(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(packs__gt=0) if value else queryset.filter(packs=0)


class AgreementFilter(WagtailFilterSet):
    """The agreements' facets in the admin's listing (Wagtail's filter drop-down)."""

    kind = django_filters.ChoiceFilter(label=_("kind of agreement"), choices=Agreement.Kind.choices)
    ends_on_before = django_filters.DateFilter(
        label=_("ends on or before"),
        field_name="ends_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Agreement
        fields = ["kind", "ends_on_before"]


class EngagementAdminFilter(EngagementFilter, WagtailFilterSet):
    """The engagements' facets in the admin's listing (Wagtail's filter drop-down)."""


class TravelRequestAdminFilter(TravelRequestFilter, WagtailFilterSet):
    """The trips' facets in the admin's listing (Wagtail's filter drop-down)."""
