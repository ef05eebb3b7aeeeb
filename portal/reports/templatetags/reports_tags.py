"""Number formatting for reports: integers with thousands separators, rates with one decimal."""

from django import template

register = template.Library()


@register.filter
def num(value):
    """1234567 → "1,234,567"; None/"" → "—"."""
    if value is None or value == "":
        return "—"
    return f"{int(value):,}"


@register.filter
def rate(value):
    """A percentage (float or None) → "41.2%" or "—"."""
    if value is None:
        return "—"
    return f"{value:.1f}%"
