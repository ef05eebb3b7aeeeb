"""Form fields shared by every app: model choices that refuse, rather than crash on, ids no database can hold.

SQLite binds integers of at most 64 bits: a chosen id like 9223372036854775808 (typed into a query string or a
form) makes Django's model choice fields raise OverflowError, a 500, where any other unknown id is "not a valid
choice". These fields turn it into that same form error. (PostgreSQL compares such a number and finds nothing.)
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_filters import fields as filter_fields


class _NoOverflowChoice:
    def to_python(self, value):
        try:
            return super().to_python(value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            ) from None


class _NoOverflowMultipleChoice:
    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": ""}
            ) from None


class ModelChoiceField(_NoOverflowChoice, forms.ModelChoiceField):
    pass


class ModelMultipleChoiceField(_NoOverflowMultipleChoice, forms.ModelMultipleChoiceField):
    pass


class _FilterModelChoiceField(_NoOverflowChoice, filter_fields.ModelChoiceField):
    pass


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    """django-filter's ModelChoiceFilter with the field above."""

    field_class = _FilterModelChoiceField


class YesNoFilter(django_filters.BooleanFilter):
    """A yes/no facet whose empty choice means "any" ('---------' like the other facets), not Django's "Unknown"
    (不明), which read as if it filtered for an unknown value."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", forms.Select(choices=[("", "---------"), ("true", _("yes")), ("false", _("no"))])
        )
        super().__init__(*args, **kwargs)


class PlainSelect(forms.Select):
    """A select whose options are written in Python rather than through a template each (Django renders every
    `<option>` through `select_option.html`): the admin lists' filters offer tens to hundreds of choices on every
    request (a run's municipalities, a municipality's challenges)."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs) | {"name": name}
        selected = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((v, mark_safe(" selected") if str(v) in selected else "", label) for v, label in self.choices),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)
