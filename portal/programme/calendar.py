"""Dates as the programme counts them: days in Japan time (JST) and Japanese fiscal years (April to March)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone, translation

JST = ZoneInfo("Asia/Tokyo")


def jst_date(now: dt.datetime | None = None) -> dt.date:
    """The calendar day in Japan at `now` (an aware datetime; the current instant when omitted)."""
    now = now or timezone.now()
    if timezone.is_naive(now):
        raise ValueError("jst_date needs an aware datetime")
    return now.astimezone(JST).date()


def fiscal_year_of(day: dt.date) -> int:
    """The Japanese fiscal year a day falls in, named by its starting year: 2018-03-31 → 2017, 2018-04-01 → 2018."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of a fiscal year: FY2017 = 2017-04-01 .. 2018-03-31."""
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def fiscal_year_label(year: int) -> str:
    """A fiscal year's name in the active language: 令和8年度 in Japanese, FY2026 in English (docs/glossary.md)."""
    if translation.get_language() != "en":
        try:
            return fiscal_year_label_ja(int(year))
        except ValueError:
            pass
    return f"FY{year}"


def fiscal_year_label_ja(year: int) -> str:
    """The Japanese name of a fiscal year in the era calendar: 2017 → 平成29年度, 2019 → 令和元年度.

    FY2019 began under 平成 (2019-04-01) but, as in government documents, takes the new era's name for the whole year.
    """
    if year >= 2019:
        era, number = "令和", year - 2018
    elif year >= 1989:
        era, number = "平成", year - 1988
    else:
        raise ValueError(f"fiscal year {year} is before 平成")
    return f"{era}{'元' if number == 1 else number}年度"
