"""Bilingual values — the one way to choose between a Japanese and an English value.

The naming pattern: a model keeps its Japanese text in `<field>` and the English in `<field>_en`
(`localized_value(obj, "title")`). Older models named the Japanese one `name_ja` (geo, themes, rubric criteria):
they go through `in_reader_language(japanese, english)` with the two values, the same rule.
"""

from django.utils import translation


def in_reader_language(japanese, english):
    """The English value under English when it is filled in, the Japanese one otherwise."""
    if translation.get_language() == "en" and english:
        return english
    return japanese


def localized_value(obj, field: str):
    """obj.<field>_en under English when it is filled in, otherwise obj.<field>."""
    return in_reader_language(getattr(obj, field), getattr(obj, f"{field}_en", None))


def localized(obj, field: str = "title"):
    """A callable giving obj's field in the active language: a notification parameter (core/notices.py freezes it
    in every language)."""
    return lambda: localized_value(obj, field)
