"""Japanese fiscal years (1 April – 31 March, named by the starting year) in Japan time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

JST = ZoneInfo("Asia/Tokyo")

# The years a form, filter or address may name: the programme started in FY2017; dates of years past 9998 cannot
# even be made (fiscal_year_bounds), and a filter value like 1e999999999 must never reach int().
MIN_FISCAL_YEAR = 2000
MAX_FISCAL_YEAR = 2100


def today_jst() -> dt.date:
    return timezone.now().astimezone(JST).date()


def fiscal_year_of(day: dt.date | dt.datetime) -> int:
    """2018-03-31 → 2017, 2018-04-01 → 2018. An aware datetime is read in JST."""
    if isinstance(day, dt.datetime):
        day = day.astimezone(JST).date()
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """First and last day: FY2017 = 2017-04-01 .. 2018-03-31."""
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def fiscal_year_instants(year: int) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) as aware datetimes in JST, for filtering DateTimeFields."""
    return dt.datetime(year, 4, 1, tzinfo=JST), dt.datetime(year + 1, 4, 1, tzinfo=JST)


def current_fiscal_year() -> int:
    return fiscal_year_of(today_jst())
