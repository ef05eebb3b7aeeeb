"""django-filter sets of the admin's questions and conversations lists."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from portal.challenges.models import ChallengePage
from portal.core.forms import ModelChoiceFilter

from .models import Question, QuestionState, Thread
from .selectors import questions_for_staff


def _challenges_for(request):
    if request is None:
        return ChallengePage.objects.none()
    visible = questions_for_staff(request.user).values("challenge_id")
    return ChallengePage.objects.filter(pk__in=visible).order_by("title")


class QuestionFilter(WagtailFilterSet):
    challenge = ModelChoiceFilter(label=_("challenge"), queryset=_challenges_for)
    state = django_filters.ChoiceFilter(label=_("state"), choices=QuestionState.choices, widget=forms.Select)

    class Meta:
        model = Question
        fields = ["challenge", "state"]


class ThreadFilter(WagtailFilterSet):
    about = django_filters.ChoiceFilter(
        label=_("about"),
        choices=[("application", _("application")), ("engagement", _("engagement"))],
        method="filter_about",
        widget=forms.Select,
    )
    # A choice, not a bare boolean: the admin's active-filter pill then reads 「未読のみ」 rather than "True".
    unread = django_filters.ChoiceFilter(
        label=_("messages"),
        choices=[("on", _("unread only"))],
        method="filter_unread",
        widget=forms.Select,
    )

    class Meta:
        model = Thread
        fields = ["about", "unread"]

    def filter_about(self, queryset, name, value):
        return (
            queryset.filter(**{f"{value}__isnull": False})
            if value in ("application", "engagement")
            else queryset
        )

    def filter_unread(self, queryset, name, value):
        return queryset.filter(unread__gt=0) if value else queryset
