"""The results registry other apps (tracker) feed: registration, summing, labels."""

import pytest
from django.utils import translation

from portal.programme import results


@pytest.fixture
def providers(monkeypatch):
    # An empty registry: the apps' own providers (tracker) are tested with their apps.
    monkeypatch.setattr(results, "_providers", [])
    added = []

    def add(fn):
        added.append(results.register_results_provider(fn))
        return fn

    yield add
    for fn in added:
        results.unregister_results_provider(fn)


def test_providers_are_summed_per_key_and_registered_once(providers):
    def tracker(fy):
        return {"matches": 2, "trials": 1} if fy == 2026 else {}

    def outside_portal(fy):
        return {"matches": 1, "spin_offs": 4}

    providers(tracker)
    providers(tracker)  # twice: still counted once
    providers(outside_portal)
    assert results.results_for_fiscal_year(2026) == {"matches": 3, "trials": 1, "spin_offs": 4}
    assert results.results_for_fiscal_year(2017) == {"matches": 1, "spin_offs": 4}

    with translation.override("en"):
        figures = results.as_figures(results.results_for_fiscal_year(2026))
    assert [(f.key, f.value) for f in figures] == [("matches", 3), ("trials", 1), ("spin_offs", 4)]
    assert figures[0].label == "matches made" and figures[2].label == "spin offs"


def test_no_provider_or_only_zeroes_means_no_results_yet(providers):
    assert results.results_for_fiscal_year(2030) == {}
    providers(lambda fy: {"matches": 0, "trials": 0})
    assert not results.has_results(results.results_for_fiscal_year(2030))
    providers(lambda fy: {"challenges": 5})
    assert results.has_results(results.results_for_fiscal_year(2030))
