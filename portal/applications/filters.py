"""django-filter sets: the admin's review list and the conflicts-of-interest list."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from portal.challenges.models import ChallengePage
from portal.core.forms import PlainSelect

from .models import Application, ApplicationState, ConflictOfInterest
from .models.conflicts import ConflictSide
from .permissions import reviewable_applications


def challenge_choices(user) -> list[tuple[str, str]]:
    """(id, title) of the challenges whose applications the user reviews, by title: the review list's challenge
    filter (one query of two columns; no page object per challenge)."""
    visible = reviewable_applications(Application.objects.all(), user).values("challenge_id")
    return [
        (str(pk), title)
        for pk, title in ChallengePage.objects.filter(pk__in=visible)
        .order_by("title")
        .values_list("pk", "title")
    ]


class ReviewFilter(WagtailFilterSet):
    challenge = django_filters.ChoiceFilter(label=_("challenge"), choices=[], widget=PlainSelect)
    state = django_filters.ChoiceFilter(
        label=_("state"),
        choices=[c for c in ApplicationState.choices if c[0] != ApplicationState.DRAFT],
        widget=forms.Select,
    )
    submitted_at = django_filters.DateFromToRangeFilter(label=_("submitted on"), widget=DateRangePickerWidget)

    class Meta:
        model = Application
        fields = ["challenge", "state", "submitted_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the user's own challenges only (none without a request)
        self.filters["challenge"].extra["choices"] = (
            challenge_choices(self.request.user) if self.request else []
        )


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
