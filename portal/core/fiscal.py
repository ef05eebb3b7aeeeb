"""Japanese fiscal years (1 April – 31 March, named by the starting year) and Japan time — pure, no Django.

The one fiscal-year calendar of the portal, and of the matching engine (which imports no Django). What needs the
clock or the active language (today in Japan, the current fiscal year, a year's name in the reader's language) is
in portal.core.calendar, built on these.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")

# The years a form, filter or address may name: the programme started in FY2017; dates of years past 9998 cannot
# even be made (fiscal_year_bounds), and a filter value like 1e999999999 must never reach int().
MIN_FISCAL_YEAR = 2000
MAX_FISCAL_YEAR = 2100


def fiscal_year_of(day: dt.date | dt.datetime) -> int:
    """The fiscal year a day falls in: 2018-03-31 → 2017, 2018-04-01 → 2018. An aware datetime is read in JST."""
    if isinstance(day, dt.datetime):
        day = day.astimezone(JST).date()
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of a fiscal year: FY2017 = 2017-04-01 .. 2018-03-31."""
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def fiscal_year_instants(year: int) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) as aware datetimes in JST, for filtering DateTimeFields."""
    return dt.datetime(year, 4, 1, tzinfo=JST), dt.datetime(year + 1, 4, 1, tzinfo=JST)


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


def fiscal_year_label_in(year: int, language: str) -> str:
    """A fiscal year's name in a given language: 令和8年度 in Japanese, FY2026 in English (docs/glossary.md); a
    year before 平成 is FY… in both."""
    if language != "en":
        try:
            return fiscal_year_label_ja(int(year))
        except ValueError:
            pass
    return f"FY{year}"
