"""core.slow_figures: slow public figures are counted by one request at a time, and late by at most their period."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.core import slow_figures


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(slow_figures.time, "time", c)
    return c


def test_a_copy_is_kept_for_its_period_then_counted_again(clock):
    counts = []

    def count():
        counts.append(1)
        return {"matches": len(counts)}

    assert slow_figures.remembered("k", 60, count) == {"matches": 1}
    clock.now += 59
    assert slow_figures.remembered("k", 60, count) == {"matches": 1}
    clock.now += 2
    assert slow_figures.remembered("k", 60, count) == {"matches": 2}
    assert len(counts) == 2


def test_while_one_request_recounts_the_others_get_the_previous_copy(clock):
    assert slow_figures.remembered("k", 60, lambda: "old") == "old"
    clock.now += 61
    seen = []

    def slow_count():
        # another request arrives while this one is counting: it must not count too
        seen.append(slow_figures.remembered("k", 60, lambda: pytest.fail("a second request counted")))
        return "new"

    assert slow_figures.remembered("k", 60, slow_count) == "new"
    assert seen == ["old"]
    assert slow_figures.remembered("k", 60, lambda: pytest.fail("counted though fresh")) == "new"


def test_a_failed_count_leaves_no_lock_behind(clock):
    slow_figures.remembered("k", 60, lambda: "old")
    clock.now += 61

    def broken():
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        slow_figures.remembered("k", 60, broken)
    assert slow_figures.remembered("k", 60, lambda: "new") == "new"


def test_zero_seconds_counts_every_time():
    values = iter(range(3))
    assert [slow_figures.remembered("k", 0, lambda: next(values)) for _ in range(3)] == [0, 1, 2]


@pytest.mark.django_db
def test_the_results_page_is_counted_once_per_period_and_per_language(settings):
    settings.PROGRAMME_RESULTS_CACHE_SECONDS = 60
    visitor = Client()
    assert 'lang="ja"' in visitor.get(reverse("results")).content.decode()
    with CaptureQueriesContext(connection) as cached:
        assert 'lang="ja"' in visitor.get(reverse("results")).content.decode()
    # English has its own copy (the labels and the rounds' sources are in it), counted on its first visit
    with CaptureQueriesContext(connection) as english_first:
        assert 'lang="en"' in Client().get("/en/results/").content.decode()
    settings.PROGRAMME_RESULTS_CACHE_SECONDS = 0
    with CaptureQueriesContext(connection) as counted:
        visitor.get(reverse("results"))
    assert len(cached) < len(counted) <= len(english_first)
