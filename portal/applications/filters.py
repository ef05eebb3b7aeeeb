"""django-filter sets: the admin's review list and the conflicts-of-interest list."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from portal.challenges.models import ChallengePage
from portal.core.forms import ModelChoiceFilter

from .models import Application, ApplicationState, ConflictOfInterest
from .models.conflicts import ConflictSide
from .permissions import reviewable_applications


def _challenges_for(request):
    if request is None:
        return ChallengePage.objects.none()
    visible = reviewable_applications(Application.objects.all(), request.user).values("challenge_id")
    # the choices show the title only (its label): the rest of each page's row is not read
    return ChallengePage.objects.filter(pk__in=visible).only("title").order_by("title")


class ReviewFilter(WagtailFilterSet):
    challenge = ModelChoiceFilter(label=_("challenge"), queryset=_challenges_for)
    state = django_filters.ChoiceFilter(
        label=_("state"),
        choices=[c for c in ApplicationState.choices if c[0] != ApplicationState.DRAFT],
        widget=forms.Select,
    )
    submitted_at = django_filters.DateFromToRangeFilter(label=_("submitted on"), widget=DateRangePickerWidget)

    class Meta:
        model = Application
        fields = ["challenge", "state", "submitted_at"]


class ConflictFilter(django_filters.FilterSet):
    """The conflicts-of-interest list: standing or withdrawn declarations, by side."""

    status = django_filters.ChoiceFilter(
        label=_("status"),
        choices=[("active", _("standing")), ("withdrawn", _("withdrawn"))],
        method="filter_status",
        empty_label=_("All"),
    )
    side = django_filters.ChoiceFilter(label=_("side"), choices=ConflictSide.choices, empty_label=_("All"))

    class Meta:
        model = ConflictOfInterest
        fields = ["status", "side"]

    def filter_status(self, queryset, name, value):
        return queryset.filter(withdrawn_at__isnull=(value == "active"))
