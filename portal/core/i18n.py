"""Bilingual values: the English field under English when it is filled in, the Japanese one otherwise."""

from django.utils import translation


def localized_value(obj, field: str):
    """obj.<field>_en under English when it is filled in, otherwise obj.<field>."""
    if translation.get_language() == "en":
        english = getattr(obj, f"{field}_en", None)
        if english:
            return english
    return getattr(obj, field)


def localized(obj, field: str = "title"):
    """A callable giving obj's field in the active language: a notification parameter (core/notices.py freezes it
    in every language)."""
    return lambda: localized_value(obj, field)
