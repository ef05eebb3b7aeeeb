"""The catalogue's facets (django-filter). Declared explicitly so this module needs no challenge model:
the page model builds the catalogue from it, and the open-data export applies the very same filters.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation
from portal.core.models import Theme
from portal.geo.models import Prefecture

from .status import ChallengeStatus, status_q

KEYWORD_RESULT_LIMIT = 2000
MAX_BUDGET_YEN = 10**12

SORTS = {
    "newest": ("-first_published_at", "-pk"),
    "deadline": ("application_closes", "pk"),
}


def end_of_day_jst(day: dt.date) -> dt.datetime:
    """The last instant of a JST calendar day (deadlines typed as dates mean "until the end of that day")."""
    tz = timezone.get_default_timezone()
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=tz)


def start_of_day_jst(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=timezone.get_default_timezone())


def keyword_pks(model, value: str) -> list[int] | None:
    """The live challenges a keyword finds (at most KEYWORD_RESULT_LIMIT), or None for an empty keyword."""
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        return None
    found = model.objects.live().search(text, operator="and", order_by_relevance=False)
    return [obj.pk for obj in found[:KEYWORD_RESULT_LIMIT]]


class ChallengeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Keyword"), method="filter_keyword")
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), queryset=Theme.objects.all(), to_field_name="slug", field_name="themes"
    )
    prefecture = django_filters.ModelChoiceFilter(
        label=_("Prefecture"),
        queryset=Prefecture.objects.all(),
        field_name="municipality__local_government__prefecture",
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY),
        to_field_name="slug",
        field_name="municipality",
        # Chosen through the facet links: a <select> of every municipality would be long and slow to render.
        widget=forms.HiddenInput,
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ChallengeStatus.choices, method="filter_status"
    )
    # Bounded above: an unbounded NumberFilter turns "1e999999999" into an int with a billion digits (a hang).
    budget_min = django_filters.NumberFilter(
        label=_("Budget from (yen)"), method="filter_budget_min", min_value=0, max_value=MAX_BUDGET_YEN
    )
    budget_max = django_filters.NumberFilter(
        label=_("Budget up to (yen)"), method="filter_budget_max", min_value=0, max_value=MAX_BUDGET_YEN
    )
    deadline_before = django_filters.DateFilter(
        label=_("Deadline on or before"),
        method="filter_deadline_before",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort"),
        choices=[("newest", _("Newest")), ("deadline", _("Deadline soonest"))],
        method="filter_sort",
        empty_label=None,
    )

    def filter_keyword(self, queryset, name, value):
        """Full-text search through the site's search backend (Whoosh with a Japanese analyzer: 「除雪」 is found
        inside 「除雪車の位置情報」), then the other filters and the sort apply to what it found."""
        pks = keyword_pks(queryset.model, value)
        return queryset if pks is None else queryset.filter(pk__in=pks)

    def filter_status(self, queryset, name, value):
        return queryset.filter(status_q(value))

    def filter_budget_min(self, queryset, name, value):
        # The challenge's budget range must overlap the asked one; an open end counts as unbounded,
        # a challenge stating no budget at all drops out once a budget is asked for.
        return queryset.filter(
            Q(budget_max_yen__gte=value) | Q(budget_max_yen__isnull=True, budget_min_yen__isnull=False)
        )

    def filter_budget_max(self, queryset, name, value):
        return queryset.filter(
            Q(budget_min_yen__lte=value) | Q(budget_min_yen__isnull=True, budget_max_yen__isnull=False)
        )

    def filter_deadline_before(self, queryset, name, value):
        return queryset.filter(application_closes__lte=end_of_day_jst(value))

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["newest"]))

    def get_form_class(self):
        """The form class, made once per process: django-filter makes a class and its fields for every filter
        set, and the catalogue makes one per render. Its fields depend on nothing of the request (each form
        deep-copies them, their querysets included), so one class serves every render."""
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            type(self)._form_class = form_class
        return form_class

    @property
    def qs(self):
        qs = super().qs
        if not self.form.cleaned_data.get("sort"):
            qs = qs.order_by(*SORTS["newest"])
        return qs
