"""Results per round (matches, trials, adoptions …), supplied by apps that know them, without programme importing them.

The tracker (or any later app) registers a provider in its AppConfig.ready():

    from portal.programme.results import register_results_provider
    register_results_provider(tracker_figures_for_fiscal_year)

A provider takes a fiscal year (int) and returns a mapping of figure key → non-negative int, e.g.
{"matches": 7, "trials": 3}. Figures of several providers for the same key are added up. Keys in FIGURE_LABELS
are shown with their label and in that order; other keys are shown after them, named by the key. A years provider
(`register_years_provider`) says which fiscal years have anything to count.

`year_row(fiscal_year, round_page)` is the one place a year's figures are decided: the providers' counts, replaced
by the round's recorded totals where it has them (a round whose items were never entered one by one). The home page's
totals, /results/ and each round's page all read it (programme.selectors.results_by_year), so they agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

ResultsProvider = Callable[[int], Mapping[str, int]]

FIGURE_LABELS = {
    "municipalities": _("municipalities taking part"),
    "challenges": _("challenges posted"),
    "applicants": _("companies that raised their hands"),
    "matches": _("matches made"),
    "trials": _("trials (PoC) run"),
    "contracts": _("contracts signed"),
    "adoptions": _("adoptions by other municipalities"),
}

# Figures that add up across years (the home page's totals are their sums over /results/'s rows).
SUMMED_KEYS = ("challenges", "applicants", "matches", "trials", "contracts", "adoptions", "travel_paid_yen")

_providers: list[ResultsProvider] = []
_years_providers: list[Callable[[], Iterable[int]]] = []


def register_results_provider(provider: ResultsProvider) -> ResultsProvider:
    """Add a provider (once; registering the same callable twice is harmless). Usable as a decorator."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister_results_provider(provider: ResultsProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def register_years_provider(provider: Callable[[], Iterable[int]]) -> Callable[[], Iterable[int]]:
    """Add a provider of the fiscal years that have something to count (once)."""
    if provider not in _years_providers:
        _years_providers.append(provider)
    return provider


def provided_years() -> set[int]:
    years: set[int] = set()
    for provider in list(_years_providers):
        years |= {int(y) for y in provider() or ()}
    return years


@dataclass(frozen=True)
class YearRow:
    """One fiscal year's figures. A figure is None when nobody knows it: a round with recorded totals whose items
    were never entered, for a figure the record does not give and the portal did not count."""

    fiscal_year: int
    figures: dict[str, int | None]
    recorded: frozenset[str] = frozenset()
    source: str = ""
    source_url: str = ""

    def value(self, key: str) -> int:
        return self.figures.get(key) or 0


def year_row(fiscal_year: int, round_page=None) -> YearRow:
    """A year's figures: what the providers count, with the round's recorded totals (if any) in their place."""
    tracked = results_for_fiscal_year(fiscal_year)
    recorded = round_page.reported_figures() if round_page is not None else {}
    figures: dict[str, int | None] = {}
    for key in dict.fromkeys([*SUMMED_KEYS, *tracked]):
        if key in recorded:
            figures[key] = recorded[key]
        elif recorded and not tracked.get(key) and key in ("challenges", "applicants"):
            figures[key] = None  # never entered, not recorded: unknown, not zero
        else:
            figures[key] = tracked.get(key, 0)
    return YearRow(
        fiscal_year=fiscal_year,
        figures=figures,
        recorded=frozenset(recorded),
        source=round_page.localized_reported_source if recorded else "",
        source_url=round_page.reported_source_url if recorded else "",
    )


def totals(rows: Iterable[YearRow]) -> dict[str, int]:
    """The sum of the rows' figures, per summed key (unknown figures count as nothing)."""
    summed = dict.fromkeys(SUMMED_KEYS, 0)
    for row in rows:
        for key in SUMMED_KEYS:
            summed[key] += row.value(key)
    return summed


def results_for_fiscal_year(fiscal_year: int) -> dict[str, int]:
    """Every provider's figures for the year, summed per key (zeroes kept: once anything is non-zero, "0 matches so
    far" is a result too; see has_results)."""
    totals: dict[str, int] = {}
    for provider in list(_providers):
        for key, value in (provider(fiscal_year) or {}).items():
            totals[key] = totals.get(key, 0) + int(value)
    return totals


def has_results(values: Mapping[str, int]) -> bool:
    """Whether there is anything to show: all zeroes (a round that has not started) means no results yet."""
    return any(values.values())


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int


def as_figures(values: Mapping[str, int]) -> list[Figure]:
    """Figures in display order with their labels."""
    known = [Figure(k, str(label), values[k]) for k, label in FIGURE_LABELS.items() if k in values]
    others = [Figure(k, k.replace("_", " "), v) for k, v in values.items() if k not in FIGURE_LABELS]
    return known + others
