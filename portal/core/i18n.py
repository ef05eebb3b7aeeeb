"""Bilingual values — the one way to choose between a Japanese and an English value.

The naming pattern: a model keeps its Japanese text in `<field>` and the English in `<field>_en`
(`localized_value(obj, "title")`). Older models named the Japanese one `name_ja` (geo, themes, rubric criteria):
they go through `in_reader_language(japanese, english)` with the two values, the same rule.

`StrOrPromise` types a field that holds a label or a reason declared with gettext_lazy (a workflow's transition,
a work queue's row, a permission rule's reason).
"""

from typing import TYPE_CHECKING

from django.utils import translation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
else:
    StrOrPromise = str  # for the type checker: text, or a lazy translation (gettext_lazy) rendered when shown


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
