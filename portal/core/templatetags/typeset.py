"""Punctuation that differs between the languages: Japanese full-width brackets and 「、」, English half-width ones.

{% load typeset %}
{{ name }}{% paren kana %}          （カナ） in Japanese,  (kana) in English
{{ words|join_list }}               除雪、観光 in Japanese, snow, tourism in English
{% sep %}                           ／ in Japanese, / in English
{% list_sep %}                      、 in Japanese, ", " in English (between items of a loop)
"""

from django import template
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


def _japanese() -> bool:
    return translation.get_language() != "en"


@register.simple_tag
def paren(value):
    """The value in brackets after what precedes it, or nothing when empty."""
    if value in (None, ""):
        return ""
    return format_html("（{}）", value) if _japanese() else format_html(" ({})", value)


@register.filter
def join_list(values):
    separator = "、" if _japanese() else ", "
    return mark_safe(separator.join(conditional_escape(v) for v in values))  # noqa: S308 — every item is escaped


@register.simple_tag
def sep():
    return " ／ " if _japanese() else " / "


@register.simple_tag
def list_sep():
    """Between items written out in a loop: 「、」 in Japanese, ", " in English."""
    return "、" if _japanese() else ", "
