"""Property tests of the assignment against an exact MILP written independently here (SciPy/HiGHS)."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from matching.engine.assign import AssignmentError, assign


def exact_optimum(n_s, n_c, es, ec, score, cost, cap_s, cap_c, fixed, budget):
    """Maximise Σ score·x over 0/1 x with capacities, fixed pairs forced to 1 and an optional budget."""
    n = len(es)
    cols = np.arange(n)
    rows = [
        sp.csr_matrix((np.ones(n), (es, cols)), shape=(n_s, n)),
        sp.csr_matrix((np.ones(n), (ec, cols)), shape=(n_c, n)),
    ]
    upper = [cap_s.astype(float), cap_c.astype(float)]
    if budget is not None:
        rows.append(sp.csr_matrix(cost.astype(float)[None, :]))
        upper.append(np.array([float(budget)]))
    lower_bounds = np.where(fixed, 1.0, 0.0)
    result = milp(
        -score,
        constraints=LinearConstraint(sp.vstack(rows), -np.inf, np.concatenate(upper)),
        integrality=np.ones(n),
        bounds=Bounds(lower_bounds, np.ones(n)),
        options={"mip_rel_gap": 0},
    )
    assert result.status == 0
    return -result.fun


def exact_floor_optimum(n_s, n_c, es, ec, score, cost, cap_s, cap_c, fixed, budget):
    """The floor's lexicographic optimum by two MILPs: (the largest number of challenges with at least one chosen
    pair, the best total score among the assignments covering that many). Variables: x per pair (a pair scoring 0
    only when fixed) and y per challenge with y_j ≤ Σ_{e ∋ j} x_e."""
    n = len(es)
    cols = np.arange(n)
    a_c = sp.csr_matrix((np.ones(n), (ec, cols)), shape=(n_c, n))
    rows = [sp.hstack([sp.csr_matrix((np.ones(n), (es, cols)), shape=(n_s, n)), sp.csr_matrix((n_s, n_c))])]
    rows.append(sp.hstack([a_c, sp.csr_matrix((n_c, n_c))]))
    upper = [cap_s.astype(float), cap_c.astype(float)]
    if budget is not None:
        rows.append(sp.csr_matrix(np.concatenate([cost.astype(float), np.zeros(n_c)])[None, :]))
        upper.append(np.array([float(budget)]))
    rows.append(sp.hstack([-a_c, sp.identity(n_c)]))
    upper.append(np.zeros(n_c))
    matrix = sp.vstack(rows).tocsr()
    lower_x = np.where(fixed, 1.0, 0.0)
    upper_x = np.where(fixed | (score > 0), 1.0, 0.0)
    bounds = Bounds(np.concatenate([lower_x, np.zeros(n_c)]), np.concatenate([upper_x, np.ones(n_c)]))
    limits = LinearConstraint(matrix, -np.inf, np.concatenate(upper))
    integrality = np.ones(n + n_c)
    coverage = milp(
        np.concatenate([np.zeros(n), -np.ones(n_c)]),
        constraints=limits,
        integrality=integrality,
        bounds=bounds,
        options={"mip_rel_gap": 0},
    )
    assert coverage.status == 0
    most = int(round(-coverage.fun))
    held = LinearConstraint(np.concatenate([np.zeros(n), np.ones(n_c)])[None, :], most, np.inf)
    best = milp(
        np.concatenate([-score, np.zeros(n_c)]),
        constraints=[limits, held],
        integrality=integrality,
        bounds=bounds,
        options={"mip_rel_gap": 0},
    )
    assert best.status == 0
    return most, -best.fun


def covered(result, ec):
    return len(set(ec[result.chosen].tolist()))


@st.composite
def instances(draw, with_budget):
    n_s = draw(st.integers(1, 7))
    n_c = draw(st.integers(1, 6))
    pairs = [(i, j) for i in range(n_s) for j in range(n_c)]
    keep = draw(st.lists(st.booleans(), min_size=len(pairs), max_size=len(pairs)))
    pairs = [p for p, k in zip(pairs, keep, strict=True) if k] or [(0, 0)]
    es = np.array([p[0] for p in pairs])
    ec = np.array([p[1] for p in pairs])
    n = len(pairs)
    score = np.array(draw(st.lists(st.floats(0, 1, allow_nan=False), min_size=n, max_size=n)))
    cost = np.array(
        draw(st.lists(st.sampled_from([0, 1_500, 12_000, 30_000, 51_080, 100_200]), min_size=n, max_size=n))
    )
    cap_s = np.array(draw(st.lists(st.integers(0, 3), min_size=n_s, max_size=n_s)))
    cap_c = np.array(draw(st.lists(st.integers(0, 3), min_size=n_c, max_size=n_c)))
    # fixed pairs: a random subset that respects the capacities
    fixed = np.zeros(n, dtype=bool)
    load_s, load_c = np.zeros(n_s, int), np.zeros(n_c, int)
    for e in draw(st.lists(st.integers(0, n - 1), max_size=3, unique=True)):
        if load_s[es[e]] < cap_s[es[e]] and load_c[ec[e]] < cap_c[ec[e]]:
            fixed[e] = True
            load_s[es[e]] += 1
            load_c[ec[e]] += 1
    budget = None
    if with_budget:
        budget = int(cost[fixed].sum()) + draw(st.integers(0, 250_000))
    return n_s, n_c, es, ec, score, cost, cap_s, cap_c, fixed, budget


def check_feasible(result, n_s, n_c, es, ec, score, cost, cap_s, cap_c, fixed, budget):
    chosen = result.chosen
    assert np.all(np.bincount(es[chosen], minlength=n_s) <= cap_s), "a startup over capacity"
    assert np.all(np.bincount(ec[chosen], minlength=n_c) <= cap_c), "a challenge over max_partners"
    assert np.all(chosen[fixed]), "a fixed pair left out"
    pairs = list(zip(es[chosen].tolist(), ec[chosen].tolist(), strict=True))
    assert len(pairs) == len(set(pairs)), "a duplicate pair"
    if budget is not None:
        assert int(cost[chosen].sum()) <= budget, "over the travel budget"
        assert result.cost_yen == int(cost[chosen].sum())
    assert result.objective == pytest.approx(float(score[chosen].sum()), abs=1e-9)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(with_budget=False))
def test_engine_assignment_without_budget_equals_exact_optimum(instance):
    n_s, n_c, es, ec, score, cost, cap_s, cap_c, fixed, budget = instance
    result = assign(n_s, n_c, es, ec, score, cost, cap_s, cap_c, fixed=fixed)
    check_feasible(result, *instance)
    optimum = exact_optimum(*instance)
    assert result.objective == pytest.approx(optimum, abs=1e-6)
    assert result.method == "flow"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(with_budget=True))
def test_engine_assignment_with_budget_within_a_thousandth_of_exact_optimum(instance):
    n_s, n_c, es, ec, score, cost, cap_s, cap_c, fixed, budget = instance
    result = assign(n_s, n_c, es, ec, score, cost, cap_s, cap_c, fixed=fixed, budget_yen=budget)
    check_feasible(result, *instance)
    optimum = exact_optimum(*instance)
    assert result.objective >= optimum * (1 - 1e-3) - 1e-9
    assert result.objective <= optimum + 1e-6
    # the bound the engine reports is a true bound
    assert result.upper_bound >= optimum - 1e-6


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(with_budget=False))
def test_engine_floor_without_budget_covers_most_challenges_then_exact_best_total(instance):
    n_s, n_c, es, ec, score, cost, cap_s, cap_c, fixed, budget = instance
    result = assign(n_s, n_c, es, ec, score, cost, cap_s, cap_c, fixed=fixed, floor=True)
    check_feasible(result, *instance)
    most, best = exact_floor_optimum(*instance)
    assert covered(result, ec) == result.covered == most
    assert result.coverage_bound == most
    assert result.objective == pytest.approx(best, abs=1e-6)
    assert result.method == "flow"
    # the floor's cost: the exact optimum without the floor minus the exact optimum with it
    free = assign(n_s, n_c, es, ec, score, cost, cap_s, cap_c, fixed=fixed)
    assert free.objective - result.objective == pytest.approx(exact_optimum(*instance) - best, abs=1e-6)
    assert result.covered >= free.covered


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(with_budget=True))
def test_engine_floor_with_budget_covers_most_challenges_within_a_thousandth_of_exact(instance):
    n_s, n_c, es, ec, score, cost, cap_s, cap_c, fixed, budget = instance
    result = assign(n_s, n_c, es, ec, score, cost, cap_s, cap_c, fixed=fixed, budget_yen=budget, floor=True)
    check_feasible(result, *instance)
    most, best = exact_floor_optimum(*instance)
    assert covered(result, ec) == result.covered == most
    assert result.coverage_bound >= most
    assert best * (1 - 1e-3) - 1e-9 <= result.objective <= best + 1e-6
    assert result.upper_bound >= best - 1e-6


def test_engine_floor_gives_the_uncovered_challenge_its_partner_at_a_reported_cost():
    """Two challenges, one strong startup with room for one: without the floor it goes to the better challenge and
    the other challenge's only candidate is the weak one... which is busy elsewhere; with the floor both are
    covered at a cost of exactly the score difference."""
    # startup 0 fits challenge 0 (0.9) and challenge 1 (0.8); startup 1 fits only challenge 0 (0.5)
    es, ec = np.array([0, 0, 1]), np.array([0, 1, 0])
    score = np.array([0.9, 0.8, 0.5])
    args = (2, 2, es, ec, score, np.zeros(3, int), np.array([1, 1]), np.array([2, 1]))
    free = assign(*args)
    assert free.chosen.tolist() == [True, False, True] and free.covered == 1
    floored = assign(*args, floor=True)
    assert floored.chosen.tolist() == [False, True, True] and floored.covered == 2
    assert free.objective - floored.objective == pytest.approx(0.1)


def test_engine_floor_prefers_coverage_over_any_score_with_a_budget():
    """With ¥10,000 the budget pays either one expensive strong pair or two cheap weak ones; the floor takes the two
    (one more challenge covered), whatever the score."""
    es, ec = np.array([0, 1, 2]), np.array([0, 0, 1])
    score = np.array([0.95, 0.31, 0.32])
    cost = np.array([10_000, 4_000, 5_000])
    args = (3, 2, es, ec, score, cost, np.array([1, 1, 1]), np.array([1, 1]))
    assert assign(*args, budget_yen=10_000).chosen.tolist() == [True, False, False]
    floored = assign(*args, budget_yen=10_000, floor=True)
    assert floored.chosen.tolist() == [False, True, True] and floored.covered == 2


def test_engine_assignment_heuristic_alone_on_larger_instances_stays_close_to_exact():
    """Without the MILP fallback, Lagrangian bisection + repair on 60 × 25 random instances: the gap to the exact
    optimum is small and always equals what the engine reports against its own bound (never optimistic)."""
    rng = np.random.default_rng(7)
    for _ in range(5):
        n_s, n_c = 60, 25
        es, ec = np.meshgrid(np.arange(n_s), np.arange(n_c), indexing="ij")
        es, ec = es.ravel(), ec.ravel()
        score = rng.random(es.size) ** 2
        cost = rng.choice([1_500, 12_000, 30_000, 51_080, 100_200], size=es.size)
        cap_s, cap_c = rng.integers(1, 3, n_s), rng.integers(1, 4, n_c)
        fixed = np.zeros(es.size, dtype=bool)
        budget = 600_000
        result = assign(n_s, n_c, es, ec, score, cost, cap_s, cap_c, budget_yen=budget, milp_edge_limit=0)
        optimum = exact_optimum(n_s, n_c, es, ec, score, cost, cap_s, cap_c, fixed, budget)
        check_feasible(result, n_s, n_c, es, ec, score, cost, cap_s, cap_c, fixed, budget)
        assert result.upper_bound >= optimum - 1e-6
        assert result.objective >= optimum * (1 - 0.01)


def test_engine_assignment_refuses_fixed_pairs_over_budget():
    es, ec = np.array([0, 1]), np.array([0, 0])
    with pytest.raises(AssignmentError, match="fixed pairs alone cost"):
        assign(
            2,
            1,
            es,
            ec,
            np.array([0.5, 0.4]),
            np.array([50_000, 1_000]),
            np.array([1, 1]),
            np.array([2]),
            fixed=np.array([True, False]),
            budget_yen=10_000,
        )


def test_engine_assignment_zero_score_and_capacity():
    es, ec = np.array([0, 0, 1]), np.array([0, 1, 1])
    result = assign(
        2, 2, es, ec, np.array([0.0, 0.9, 0.8]), np.zeros(3, int), np.array([1, 0]), np.array([1, 1])
    )
    assert result.chosen.tolist() == [False, True, False]
    assert result.objective == pytest.approx(0.9)
