"""Results per round (matches, trials, adoptions …), supplied by apps that know them, without programme importing them.

The tracker (or any later app) registers a provider in its AppConfig.ready():

    from portal.programme.results import register_results_provider
    register_results_provider(tracker_figures_for_fiscal_year)

A provider takes a fiscal year (int) and returns a mapping of figure key → non-negative int, e.g.
{"matches": 7, "trials": 3}. Figures of several providers for the same key are added up. Keys in FIGURE_LABELS
are shown with their label and in that order; other keys are shown after them, named by the key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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

_providers: list[ResultsProvider] = []


def register_results_provider(provider: ResultsProvider) -> ResultsProvider:
    """Add a provider (once; registering the same callable twice is harmless). Usable as a decorator."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister_results_provider(provider: ResultsProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


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
