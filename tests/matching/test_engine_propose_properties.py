"""End-to-end property test: random problems in the JSON format through `propose`; the output never breaks a rule,
nothing below min_score is assigned, declared conflicts are never assigned nor alternates and are reported, the
floor covers the most challenges possible and then the best total (equal to an exact MILP over the engine's own score
matrix without a budget, within 0.1 % with one), its reported cost is the exact difference, and every alternate
meets the documented conditions and is among the best such startups."""

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from matching.engine import MatchSession, load_problem

from .test_engine_assign import exact_floor_optimum, exact_optimum

CODES = ["011002", "014877", "372013", "262129", "431001", "282103", "072028", "111007"]
TEXTS = [
    "除雪車の位置情報",
    "観光客の動態分析",
    "高齢者の見守りタグ",
    "子育て家庭への情報配信",
    "河川の水位センサー",
    "水田の水位監視",
]
THEMES = ["除雪", "観光", "見守り", "子育て", "防災", "農業"]


@st.composite
def problems(draw):
    n_c, n_s = draw(st.integers(1, 5)), draw(st.integers(1, 7))
    challenges = [
        {
            "id": f"c{j}",
            "title": draw(st.sampled_from(TEXTS)),
            "description": draw(st.sampled_from(TEXTS)),
            "themes": draw(st.lists(st.sampled_from(THEMES), max_size=2, unique=True)),
            "municipality_code": draw(st.sampled_from(CODES)),
            "max_partners": draw(st.sampled_from([0, 1, 1, 2])),
            "stage": draw(st.sampled_from(["idea", "poc", "product", None])),
        }
        for j in range(n_c)
    ]
    startups = [
        {
            "id": f"s{i}",
            "name": f"社{i}",
            "description": draw(st.sampled_from(TEXTS)),
            "themes": draw(st.lists(st.sampled_from(THEMES), max_size=3, unique=True)),
            "prefecture_code": draw(st.sampled_from(["01", "13", "28", "37", "43"])),
            "capacity": draw(st.sampled_from([0, 1, 1, 1, 2, 3])),
            "stage": draw(st.sampled_from(["seed", "early", "growth", "established", None])),
            "track_record": [
                {"themes": draw(st.lists(st.sampled_from(THEMES), max_size=2)), "outcome": "poc"}
            ],
        }
        for i in range(n_s)
    ]
    pairs = [(f"s{i}", f"c{j}") for i in range(n_s) for j in range(n_c)]
    chosen = draw(st.lists(st.sampled_from(pairs), max_size=6, unique=True))
    given: dict[str, int] = {}
    applications = []
    for k, (s, c) in enumerate(chosen[:3]):
        # each startup numbers its applications 1, 2, 3 in order, or leaves the preference out
        preference = None
        if draw(st.booleans()):
            preference = given[s] = given.get(s, 0) + 1
        applications.append(
            {
                "startup": s,
                "challenge": c,
                "text": "除雪と見守り",
                "shortlisted": k % 2 == 0,
                "preference": preference,
                "grade": draw(st.one_of(st.none(), st.floats(-1, 1, allow_nan=False))),
            }
        )
    exclusions = [{"startup": s, "challenge": c} for s, c in chosen[3:5]]
    others = [p for p in pairs if p not in chosen]
    conflicts = [
        {"startup": s, "challenge": c, "reason": f"利害関係 {k}"}
        for k, (s, c) in enumerate(
            draw(st.lists(st.sampled_from(others), max_size=3, unique=True)) if others else []
        )
    ]
    fixed, load = [], {}
    for s, c in chosen[5:]:
        cap = startups[int(s[1:])]["capacity"]
        slots = challenges[int(c[1:])]["max_partners"]
        if load.get(s, 0) < cap and load.get(c, 0) < slots:
            fixed.append({"startup": s, "challenge": c})
            load[s], load[c] = load.get(s, 0) + 1, load.get(c, 0) + 1
    budget = draw(st.one_of(st.none(), st.integers(0, 400_000), st.integers(100_000, 600_000)))
    return {
        "challenges": challenges,
        "startups": startups,
        "applications": applications,
        "exclusions": exclusions,
        "fixed": fixed,
        "conflicts": conflicts,
        "travel_budget_yen": budget,
        "top_k": draw(st.integers(1, 4)),
        "min_score": draw(st.sampled_from([0.0, 0.1, 0.2, 0.3, 0.45])),
        "floor": draw(st.booleans()),
        "alternates": draw(st.integers(0, 3)),
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_engine_propose_never_breaks_a_rule(data):
    problem = load_problem(data)
    session = MatchSession(problem)
    scorer = session.scorer
    index_s, index_c = scorer.startup_index, scorer.challenge_index
    fixed_cost = sum(
        int(scorer.pair_costs(np.array([index_s[p.startup]]), np.array([index_c[p.challenge]]))[0])
        for p in problem.fixed
    )
    if problem.travel_budget_yen is not None and fixed_cost > problem.travel_budget_yen:
        return  # refused as bad input; covered by the CLI tests
    result = session.propose(language="en")
    assigned = [(p.startup, p.challenge) for p in result.proposals if p.assigned]
    assert len(assigned) == len(set(assigned))
    for startup in problem.startups:
        assert sum(1 for s, _ in assigned if s == startup.id) <= startup.capacity
    for challenge in problem.challenges:
        assert sum(1 for _, c in assigned if c == challenge.id) <= challenge.max_partners
        ranks = sorted(p.rank for p in result.proposals if p.challenge == challenge.id)
        assert ranks[: problem.top_k] == list(range(1, min(problem.top_k, len(problem.startups)) + 1))
    excluded = {(p.startup, p.challenge) for p in problem.exclusions}
    conflicts = {(c.startup, c.challenge): c.reason for c in problem.conflicts}
    fixed_pairs = {(p.startup, p.challenge) for p in problem.fixed}
    assert not (excluded | set(conflicts)) & set(assigned)
    assert fixed_pairs <= set(assigned)
    if problem.travel_budget_yen is not None:
        assert result.budget_used_yen <= problem.travel_budget_yen
    assert all(p.reason for p in result.proposals)

    def score_of(s, c):
        return float(session.scores[index_s[s], index_c[c]])

    # nothing below min_score (or at 0) is assigned, fixed pairs apart
    for s, c in set(assigned) - fixed_pairs:
        assert score_of(s, c) >= problem.min_score and score_of(s, c) > 0

    # conflicts: reported with their reason, listed only when in a challenge's top_k, never assigned nor alternates
    assert [(c["startup"], c["challenge"], c["reason"]) for c in result.conflicts] == [
        (c.startup, c.challenge, c.reason) for c in problem.conflicts
    ]
    for report in result.conflicts:
        listed = [
            p
            for p in result.proposals
            if (p.startup, p.challenge) == (report["startup"], report["challenge"])
        ]
        assert len(listed) == (1 if report["rank"] <= problem.top_k else 0)
        assert all(p.conflict == report["reason"] and not p.assigned and p.alternate is None for p in listed)
    assert all((p.startup, p.challenge) in conflicts for p in result.proposals if p.conflict is not None)

    # the exact optimum over all pairs with the engine's own scores: candidates are the pairs at or above
    # min_score (and above 0), fixed pairs always, never an excluded pair or a conflict
    n_s, n_c = session.scores.shape
    es, ec = np.meshgrid(np.arange(n_s), np.arange(n_c), indexing="ij")
    es, ec = es.ravel(), ec.ravel()
    ids_s = [s.id for s in problem.startups]
    ids_c = [c.id for c in problem.challenges]
    pairs = [(ids_s[i], ids_c[j]) for i, j in zip(es.tolist(), ec.tolist(), strict=True)]
    score = session.scores[es, ec].astype(np.float64)
    fixed = np.array([p in fixed_pairs for p in pairs], dtype=bool)
    keep = np.array([p not in excluded and p not in conflicts for p in pairs], dtype=bool)
    keep &= fixed | ((score > 0) & (score >= problem.min_score))
    es, ec, score, fixed = es[keep], ec[keep], score[keep], fixed[keep]
    cost = scorer.pair_costs(es, ec)
    capacity = np.array([s.capacity for s in problem.startups])
    slots = np.array([c.max_partners for c in problem.challenges])
    budget = problem.travel_budget_yen
    instance = (n_s, n_c, es, ec, score, cost, capacity, slots, fixed, budget)
    optimum = exact_optimum(*instance) if es.size else 0.0
    most, best = exact_floor_optimum(*instance) if es.size else (0, 0.0)
    tolerance = 1e-6 if budget is None else 1e-3 * max(optimum, 1e-9) + 1e-6
    covered = len({c for _, c in assigned})
    assert result.floor == problem.floor and result.min_score == problem.min_score
    assert result.covered == covered
    if problem.floor:
        assert covered == most and result.coverage_bound >= most
        assert best - tolerance <= result.objective <= best + 1e-6
        assert result.floor_cost == pytest.approx(optimum - best, abs=tolerance)
        assert set(result.floor_challenges) <= {c for _, c in assigned}
        if result.floor_cost > 1e-9:
            assert result.floor_challenges
    else:
        assert optimum - tolerance <= result.objective <= optimum + 1e-6
        assert result.floor_cost == 0 and result.floor_challenges == []

    event(f"floor lifted {len(result.floor_challenges)} challenge(s)")
    event(f"alternates named: {sum(map(len, result.alternates.values()))}")
    event(f"conflicts listed: {sum(1 for p in result.proposals if p.conflict is not None)}")
    event(f"budget: {budget is not None}")

    # alternates: every documented condition, and the best such startups (best score first, ties by input order)
    load = {s.id: sum(1 for a, _ in assigned if a == s.id) for s in problem.startups}
    budget_left = None if budget is None else budget - result.budget_used_yen
    for j, challenge in enumerate(problem.challenges):
        holders = [s for s, c in assigned if c == challenge.id]
        qualified = []
        for i, startup in enumerate(problem.startups):
            pair = (startup.id, challenge.id)
            value = score_of(*pair)
            travel = int(scorer.pair_costs(np.array([i]), np.array([j]))[0])
            freed = min(
                (int(scorer.pair_costs(np.array([index_s[h]]), np.array([j]))[0]) for h in holders), default=0
            )
            if (
                holders
                and startup.id not in holders
                and pair not in excluded
                and pair not in conflicts
                and value > 0
                and value >= problem.min_score
                and load[startup.id] < startup.capacity
                and (budget_left is None or travel <= budget_left + freed)
            ):
                qualified.append((-value, i, startup.id))
        expected = [ident for _, _, ident in sorted(qualified)[: problem.alternates]]
        assert result.alternates[challenge.id] == expected
        for n, startup_id in enumerate(expected, start=1):
            listed = [p for p in result.proposals if (p.startup, p.challenge) == (startup_id, challenge.id)]
            assert len(listed) == 1 and listed[0].alternate == n and not listed[0].assigned
        assert all(
            p.startup in expected for p in result.proposals if p.challenge == challenge.id and p.alternate
        )
