"""Dates as the programme counts them, by the clock and in the reader's language: today in Japan time, the current
fiscal year, a fiscal year's name. The fiscal-year arithmetic itself is portal.core.fiscal (pure)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation

from .fiscal import JST, fiscal_year_label_in, fiscal_year_of


def today_jst(now: dt.datetime | None = None) -> dt.date:
    """The calendar day in Japan at `now` (an aware datetime; the current instant when omitted)."""
    now = now or timezone.now()
    if timezone.is_naive(now):
        raise ValueError("today_jst needs an aware datetime")
    return now.astimezone(JST).date()


def current_fiscal_year() -> int:
    return fiscal_year_of(today_jst())


def fiscal_year_label(year: int) -> str:
    """A fiscal year's name in the active language: 令和8年度 in Japanese, FY2026 in English (docs/glossary.md)."""
    return fiscal_year_label_in(year, translation.get_language() or "ja")
