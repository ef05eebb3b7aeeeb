"""Reads for the programme's pages and the home page, with related rows fetched up front."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from portal.core.calendar import today_jst
from portal.core.slow_figures import remembered

from . import results
from .models import ContentPage, NewsIndexPage, NewsPage, RoundIndexPage, RoundPage


def live_rounds() -> QuerySet[RoundPage]:
    return RoundPage.objects.live().public().prefetch_related("steps").order_by("fiscal_year")


def current_round(now: dt.datetime | None = None) -> RoundPage | None:
    """The round a visitor should see now: the one whose schedule covers today (JST; the later one if two do),
    else the next one to start, else the most recent one."""
    day = today_jst(now or timezone.now())
    rounds = list(live_rounds())
    if not rounds:
        return None
    running = [r for r in rounds if r.span()[0] <= day <= r.span()[1]]
    if running:
        return running[-1]
    upcoming = [r for r in rounds if r.span()[0] > day]
    if upcoming:
        return min(upcoming, key=lambda r: r.span()[0])
    return rounds[-1]


def latest_news(limit: int = 3) -> list[NewsPage]:
    return list(NewsPage.objects.live().public().order_by("-date", "-pk")[:limit])


def feed_news(limit: int = 30) -> QuerySet[NewsPage]:
    """Live, public news for the RSS/Atom feeds, newest first."""
    return NewsPage.objects.live().public().order_by("-date", "-pk")[:limit]


def news_index() -> NewsIndexPage | None:
    return NewsIndexPage.objects.live().public().first()


def round_index() -> RoundIndexPage | None:
    return RoundIndexPage.objects.live().public().first()


def guide_pages(home) -> QuerySet[ContentPage]:
    """Content pages directly under the home page marked "show in menus": the programme's guides."""
    return ContentPage.objects.live().public().child_of(home).filter(show_in_menus=True)


RESULTS_SO_FAR_CACHE_KEY = "xact:programme:results-so-far"


def results_so_far() -> list[results.Figure]:
    """Every live round's figures added up (what the programme has achieved since FY2017), with the number of
    municipalities that have taken part (each counted once).

    The home page's slowest part (each round asks every results provider; counting a year of 200,000 applications
    takes the database most of a second); the totals are kept for ``settings.PROGRAMME_RESULTS_CACHE_SECONDS``
    (0 = off), numbers only, so each visitor still gets the labels in their own language, and re-counted by one
    request while the others keep the previous totals (core.slow_figures). A new match shows on the home page within
    that time (at once on the round's page)."""
    seconds = int(getattr(settings, "PROGRAMME_RESULTS_CACHE_SECONDS", 60))
    totals = remembered(RESULTS_SO_FAR_CACHE_KEY, seconds, _results_totals)
    return results.as_figures(totals) if results.has_results(totals) else []


def results_by_year() -> list[results.YearRow]:
    """Every fiscal year with a live round or anything the providers count, newest first: the rows of /results/,
    whose sums are the home page's totals (results.year_row decides each figure)."""
    rounds = {r.fiscal_year: r for r in live_rounds()}
    years = set(rounds) | results.provided_years()
    return [results.year_row(year, rounds.get(year)) for year in sorted(years, reverse=True)]


def _results_totals() -> dict[str, int]:
    """The home page's figures: the sums of results_by_year()'s rows, and the municipalities that have taken part
    in a live round (each counted once, so not a sum)."""
    rows = results_by_year()
    totals = {key: value for key, value in results.totals(rows).items() if key in results.FIGURE_LABELS}
    rounds = list(live_rounds())
    if rounds:
        taking_part = RoundPage.municipalities.through.objects.filter(roundpage__in=rounds)
        totals["municipalities"] = taking_part.values("organisation").distinct().count()
    return totals
