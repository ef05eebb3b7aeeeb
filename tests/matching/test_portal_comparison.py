"""The comparison of two runs is computed once per pair of runs and stored with the run: the same result as computing
it fresh, computed again when a run changes, and read (paginated) by the pages in a number of queries that does not
grow with the runs. Runs hold the active round: a challenge drops out a grace period after its window closed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matching import selectors, services
from matching.models import MatchProposal, MatchRun, RunComparison, RunComparisonRow
from portal.accounts.models import Organisation
from tests.challenges import factories as challenge_factories
from tests.matching.factories import World


@pytest.fixture
def world(db):
    return World()


def _as_lists(comparison) -> dict:
    """A comparison (stored or fresh) as plain values, to compare the two."""

    def pairs(moves):
        return [(m.challenge_id, m.startup_id, m.before, m.after) for m in moves]

    return {
        "weights": list(comparison.weights),
        "parameters": list(comparison.parameters),
        "new_assigned": pairs(comparison.new_assigned),
        "dropped_assigned": pairs(comparison.dropped_assigned),
        "rank_moves": pairs(comparison.rank_moves),
        "newly_listed": comparison.newly_listed,
        "no_longer_listed": comparison.no_longer_listed,
    }


def _two_runs(world):
    world.apply(world.medical_user, world.challenge_x)
    first = services.match_run_execute(
        run=services.match_run_create(
            actor=world.ministry_user,
            weights={"text": 0, "themes": 0, "travel": 0, "track_record": 0, "stage": 0, "preference": 1},
        )
    )
    second = services.match_run_execute(
        run=services.match_run_create(actor=world.ministry_user, weights={"preference": 0}, top_k=3)
    )
    return first, second


def test_a_finished_run_stores_its_comparison_equal_to_a_fresh_one(world):
    first, second = _two_runs(world)
    stored = RunComparison.objects.get(run=second)
    assert stored.other == first
    fresh = selectors.compare_runs(second, first)
    assert _as_lists(stored) == _as_lists(fresh)
    # a real change, not two empty lists
    assert stored.new_assigned_count == len(fresh.new_assigned) > 0
    assert stored.rank_moves_count == len(fresh.rank_moves)
    assert ("top_k", 5, 3) in stored.parameters and ("preference", 1.0, 0.0) in stored.weights
    # the first run had nothing to compare with
    assert not RunComparison.objects.filter(run=first).exists()


def test_the_pages_read_the_stored_comparison_without_computing_it_again(client, world):
    first, second = _two_runs(world)
    stored = RunComparison.objects.get(run=second)
    client.force_login(world.ministry_user)
    for url in (
        reverse("match_run:run", args=[second.pk]),
        reverse("match_run:compare", args=[second.pk]),
    ):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        sqls = [q["sql"] for q in captured]
        assert not any('"matching_runcomparison"' in sql and "INSERT" in sql for sql in sqls)
        # no read of a whole run's proposals: only a page of them (LIMIT) or their count
        whole = [
            sql
            for sql in sqls
            if 'FROM "matching_matchproposal"' in sql and "LIMIT" not in sql and "COUNT(" not in sql
        ]
        assert not whole, whole
    assert RunComparison.objects.get(run=second).computed_at == stored.computed_at


def test_the_stored_comparison_is_computed_again_when_a_run_is_run_again(client, world):
    first, second = _two_runs(world)
    old = _as_lists(RunComparison.objects.get(run=second))
    # the first run is run again on changed data: the snow startup now applies too, and a preference-only run
    # then assigns it challenge y's
    world.apply(world.snow_user, world.challenge_y)
    MatchProposal.objects.filter(run=first).delete()
    MatchRun.objects.filter(pk=first.pk).update(status=MatchRun.Status.QUEUED)
    first.refresh_from_db()
    services.match_run_execute(run=first)
    first.refresh_from_db()
    second.refresh_from_db()

    client.force_login(world.ministry_user)
    response = client.get(reverse("match_run:compare", args=[second.pk]))
    assert response.status_code == 200
    fresh = _as_lists(selectors.compare_runs(second, first))
    assert fresh != old  # the re-run changed what differs
    assert _as_lists(response.context["comparison"]) == fresh
    assert _as_lists(RunComparison.objects.get(run=second, other=first)) == fresh
    assert RunComparison.objects.filter(run=second, other=first).count() == 1


def test_the_stored_comparison_is_computed_again_when_a_run_changes(world):
    first, second = _two_runs(world)
    MatchRun.objects.filter(pk=second.pk).update(weights=first.weights)  # edited behind the pages' back
    second.refresh_from_db()
    stored = services.run_comparison(run=second, other=first)
    assert stored.weights == [] and _as_lists(stored) == _as_lists(selectors.compare_runs(second, first))


def test_comparing_with_any_run_is_stored_once_per_pair(client, world):
    first, second = _two_runs(world)
    client.force_login(world.ministry_user)
    url = reverse("match_run:compare", args=[first.pk]) + f"?against={second.pk}"
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    stored = RunComparison.objects.get(run=first, other=second)
    assert _as_lists(stored) == _as_lists(selectors.compare_runs(first, second))


def _runs_with_proposals(world, n: int) -> MatchRun:
    """Two finished runs with n proposals each over two challenges, every rank moved, the second compared with the
    first (rows written directly: the pages are what is measured)."""
    first = MatchRun.objects.create(
        status=MatchRun.Status.DONE, progress=100, started_by=world.ministry_user, finished_at=timezone.now()
    )
    second = MatchRun.objects.create(
        status=MatchRun.Status.DONE,
        progress=100,
        started_by=world.ministry_user,
        previous=first,
        finished_at=timezone.now(),
    )
    startups = Organisation.objects.bulk_create(
        Organisation(kind=Organisation.Kind.STARTUP, name=f"株式会社{n}-{i}", slug=f"cmp-{n}-{i}")
        for i in range(n)
    )
    half = n // 2
    for run, flip in ((first, False), (second, True)):
        MatchProposal.objects.bulk_create(
            MatchProposal(
                run=run,
                challenge=world.challenge_x if i % 2 else world.challenge_y,
                startup=s,
                score=0.5,
                rank=(half - i // 2) if flip else (i // 2 + 1),
                assigned=(i >= n - 2) if flip else (i < 2),
                travel_cost_yen=10_000,
                factors={},
                reason="理由",
            )
            for i, s in enumerate(startups)
        )
    services.run_comparison(run=second, other=first)
    return second


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_run_and_comparison_pages_keep_a_fixed_number_of_queries_at_10_and_100_proposals(client, world):
    client.force_login(world.ministry_user)
    small, large = _runs_with_proposals(world, 10), _runs_with_proposals(world, 100)
    assert (
        RunComparison.objects.get(run=large).rank_moves_count
        > RunComparison.objects.get(run=small).rank_moves_count
    )
    for name, query in (("run", ""), ("compare", ""), ("compare", "?page=2")):
        _queries(client, reverse(f"match_run:{name}", args=[small.pk]) + query)  # warm the session
        few = _queries(client, reverse(f"match_run:{name}", args=[small.pk]) + query)
        many = _queries(client, reverse(f"match_run:{name}", args=[large.pk]) + query)
        assert few == many, name


def test_comparison_page_is_paginated_from_the_stored_rows(client, world):
    large = _runs_with_proposals(world, 300)
    stored = RunComparison.objects.get(run=large)
    assert stored.rank_moves_count > 100
    client.force_login(world.ministry_user)
    url = reverse("match_run:compare", args=[large.pk])
    first_page = client.get(url).context["page_obj"]
    second_page = client.get(url + "?page=2").context["page_obj"]
    assert len(first_page.object_list) == 100 and first_page.paginator.count == stored.rank_moves_count
    moves = list(stored.rows.filter(kind=RunComparisonRow.Kind.RANK_MOVE).order_by("position"))
    assert [m.pk for m in second_page.object_list] == [m.pk for m in moves[100:200]]
    # biggest moves first, as computed
    assert abs(moves[0].change) >= abs(moves[-1].change)


def test_a_challenge_drops_out_of_runs_a_grace_period_after_its_window(world, settings):
    settings.MATCHING_CLOSED_GRACE_DAYS = 90
    now = timezone.now()
    recent = challenge_factories.challenge(
        municipality_org=world.muni_x,
        title="締切後30日の課題",
        opens=now - dt.timedelta(days=60),
        closes=now - dt.timedelta(days=30),
    )
    old = challenge_factories.challenge(
        municipality_org=world.muni_x,
        title="締切後200日の課題",
        opens=now - dt.timedelta(days=260),
        closes=now - dt.timedelta(days=200),
    )
    ids = {c.pk for c in selectors.run_challenges(now)}
    assert recent.pk in ids and world.challenge_x.pk in ids
    assert old.pk not in ids
    settings.MATCHING_CLOSED_GRACE_DAYS = 365
    assert old.pk in {c.pk for c in selectors.run_challenges(now)}
    run = services.match_run_execute(run=services.match_run_create(actor=world.ministry_user))
    assert MatchProposal.objects.filter(run=run, challenge=old).exists()
    settings.MATCHING_CLOSED_GRACE_DAYS = 90
    run = services.match_run_execute(run=services.match_run_create(actor=world.ministry_user))
    assert not MatchProposal.objects.filter(run=run, challenge=old).exists()
    assert run.input_summary["challenges"] == len(ids)
