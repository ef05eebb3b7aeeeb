"""django-filter set of the public startup list: theme, prefecture, stage."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import StartupProfile
from portal.core.models import Theme
from portal.geo.models import Prefecture


class StartupFilter(django_filters.FilterSet):
    theme = django_filters.ModelChoiceFilter(
        label=_("theme"),
        field_name="themes",
        queryset=Theme.objects.all(),
        to_field_name="slug",
        empty_label=_("All themes"),
    )
    prefecture = django_filters.ModelChoiceFilter(
        label=_("prefecture"),
        field_name="organisation__prefecture",
        queryset=Prefecture.objects.all(),
        to_field_name="code",
        empty_label=_("All prefectures"),
    )
    stage = django_filters.ChoiceFilter(
        label=_("stage"), choices=StartupProfile.Stage.choices, empty_label=_("All stages")
    )

    class Meta:
        model = StartupProfile
        fields = ["theme", "prefecture", "stage"]
