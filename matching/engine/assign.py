"""Global assignment: maximise the total score of chosen pairs under capacities and an optional travel budget.

The problem, over candidate edges e = (startup i, challenge j) with score s_e ≥ 0 and travel cost c_e ≥ 0 (yen):

    maximise Σ s_e x_e   subject to   Σ_{e ∋ i} x_e ≤ capacity_i,   Σ_{e ∋ j} x_e ≤ max_partners_j,
                                       Σ c_e x_e ≤ B (when a budget is given),   x_e ∈ {0, 1},  fixed edges x_e = 1.

Without a budget this is a min-cost flow (source → startups → challenges → sink, plus a source → sink bypass so that
leaving capacity unused is free) and the flow solution is optimal (OR-tools' SimpleMinCostFlow, integer costs).
With a budget the side constraint is relaxed with a multiplier λ (yen are charged λ score-units each); bisection on λ
finds the cheapest λ whose flow fits the budget, every λ tried gives an upper bound L(λ) = max flow value + λB, and
a repair step (greedy fill, then exchanges of one or two chosen pairs) improves the feasible flow. When the result is
not proven within `target_gap` of the bound, and the instance has at most `milp_edge_limit` candidate edges, an
exact MILP (SciPy/HiGHS) decides. The result carries the bound, so the guarantee is checked, not assumed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from ortools.graph.python import min_cost_flow
from scipy.optimize import Bounds, LinearConstraint, milp

SCALE = 10**8  # score units → integer flow costs; rounding error ≤ 0.5e-8 per chosen pair
TARGET_GAP = 1e-3  # the 0.1 %
MILP_EDGE_LIMIT = 20_000
MILP_TIME_LIMIT_S = 20.0


class AssignmentError(ValueError):
    """The fixed pairs alone break a limit (reported to the user like bad input)."""


@dataclass
class Assignment:
    chosen: np.ndarray  # bool per edge
    objective: float
    cost_yen: int
    upper_bound: float  # proven: no feasible assignment over these edges scores more
    method: str  # "flow", "lagrangian", "lagrangian+repair", "milp"
    lagrange_multiplier: float | None = None  # λ in score per yen when the budget binds
    duration_s: float = 0.0

    @property
    def gap(self) -> float:
        """Relative distance to the proven bound (0 = optimal)."""
        if self.upper_bound <= 0:
            return 0.0
        return max(0.0, (self.upper_bound - self.objective) / self.upper_bound)


def _flow(n_s, n_c, es, ec, weight, cap_s, cap_c) -> np.ndarray:
    """Max-weight b-matching over edges with positive weight, by min-cost flow; returns the chosen mask."""
    chosen = np.zeros(len(es), dtype=bool)
    usable = np.flatnonzero((weight > 0) & (cap_s[es] > 0) & (cap_c[ec] > 0))
    if usable.size == 0:
        return chosen
    supply = int(cap_s.sum())
    source, sink = 0, n_s + n_c + 1
    startup_nodes = np.flatnonzero(cap_s > 0)
    challenge_nodes = np.flatnonzero(cap_c > 0)
    tails = np.concatenate(
        [np.zeros(startup_nodes.size, np.int32), 1 + es[usable], 1 + n_s + challenge_nodes, [source]]
    ).astype(np.int32)
    heads = np.concatenate(
        [1 + startup_nodes, 1 + n_s + ec[usable], np.full(challenge_nodes.size, sink), [sink]]
    ).astype(np.int32)
    capacities = np.concatenate(
        [cap_s[startup_nodes], np.ones(usable.size, np.int64), cap_c[challenge_nodes], [supply]]
    ).astype(np.int64)
    costs = np.concatenate(
        [
            np.zeros(startup_nodes.size, np.int64),
            -np.rint(weight[usable] * SCALE).astype(np.int64),
            np.zeros(challenge_nodes.size + 1, np.int64),
        ]
    )
    solver = min_cost_flow.SimpleMinCostFlow()
    arcs = solver.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    solver.set_nodes_supplies(np.array([source, sink], np.int32), np.array([supply, -supply], np.int64))
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    first = startup_nodes.size
    flows = solver.flows(arcs[first : first + usable.size])
    chosen[usable[flows > 0]] = True
    return chosen


class _State:
    """A feasible assignment being improved: loads, budget slack and the chosen edges per node."""

    def __init__(self, es, ec, score, cost, cap_s, cap_c, budget, chosen):
        self.es, self.ec, self.score, self.cost = es, ec, score, cost
        self.cap_s, self.cap_c, self.budget = cap_s, cap_c, budget
        self.chosen = chosen.copy()
        self.load_s = np.bincount(es[chosen], minlength=cap_s.size)
        self.load_c = np.bincount(ec[chosen], minlength=cap_c.size)
        self.by_s: dict[int, set[int]] = {}
        self.by_c: dict[int, set[int]] = {}
        for e in np.flatnonzero(chosen):
            self.by_s.setdefault(int(es[e]), set()).add(int(e))
            self.by_c.setdefault(int(ec[e]), set()).add(int(e))
        self.spent = int(cost[chosen].sum())

    def add(self, e: int) -> None:
        i, j = int(self.es[e]), int(self.ec[e])
        self.chosen[e] = True
        self.load_s[i] += 1
        self.load_c[j] += 1
        self.by_s.setdefault(i, set()).add(e)
        self.by_c.setdefault(j, set()).add(e)
        self.spent += int(self.cost[e])

    def remove(self, e: int) -> None:
        i, j = int(self.es[e]), int(self.ec[e])
        self.chosen[e] = False
        self.load_s[i] -= 1
        self.load_c[j] -= 1
        self.by_s[i].discard(e)
        self.by_c[j].discard(e)
        self.spent -= int(self.cost[e])

    def fill(self, order: np.ndarray) -> bool:
        """Add every edge (best first) whose two ends have room and whose cost fits the remaining budget."""
        changed = False
        for e in order:
            e = int(e)
            if self.chosen[e]:
                continue
            i, j = self.es[e], self.ec[e]
            if (
                self.load_s[i] < self.cap_s[i]
                and self.load_c[j] < self.cap_c[j]
                and self.spent + self.cost[e] <= self.budget
            ):
                self.add(e)
                changed = True
        return changed

    def exchange(self, order: np.ndarray) -> bool:
        """For each unchosen edge, the best swap that drops ≤ 1 chosen edge at each full end (or one edge elsewhere
        to free budget), if it raises the total and stays within budget."""
        changed = False
        score, cost = self.score, self.cost
        for e in order:
            e = int(e)
            if self.chosen[e]:
                continue
            i, j = int(self.es[e]), int(self.ec[e])
            drop_i = list(self.by_s.get(i, ())) if self.load_s[i] >= self.cap_s[i] else [None]
            drop_j = list(self.by_c.get(j, ())) if self.load_c[j] >= self.cap_c[j] else [None]
            best, best_gain = None, 1e-12
            for f in drop_i:
                for g in drop_j:
                    gain = (
                        score[e] - (score[f] if f is not None else 0.0) - (score[g] if g is not None else 0.0)
                    )
                    if gain <= best_gain:
                        continue
                    spent = (
                        self.spent
                        + cost[e]
                        - (cost[f] if f is not None else 0)
                        - (cost[g] if g is not None else 0)
                    )
                    if spent <= self.budget:
                        best, best_gain = (f, g, None), gain
                    else:
                        # Free budget by also dropping the cheapest-to-lose chosen edge that covers the overspend.
                        need = spent - self.budget
                        h = self._budget_victim(need, exclude={f, g}, below=gain)
                        if h is not None and gain - score[h] > best_gain:
                            best, best_gain = (f, g, h), gain - score[h]
            if best is not None:
                for victim in best:
                    if victim is not None:
                        self.remove(int(victim))
                self.add(e)
                changed = True
        return changed

    def _budget_victim(self, need: int, exclude: set, below: float) -> int | None:
        """The chosen edge of lowest score (less than `below`) whose cost is at least `need`."""
        candidates = np.flatnonzero(self.chosen & (self.cost >= need) & (self.score < below))
        candidates = [c for c in candidates if c not in exclude]
        if not candidates:
            return None
        return int(min(candidates, key=lambda c: self.score[c]))


def _milp(n_s, n_c, es, ec, score, cost, cap_s, cap_c, budget) -> tuple[np.ndarray, float, float] | None:
    """0/1 solution by SciPy's MILP (HiGHS): (chosen, value, proven bound); None if it found nothing in time."""
    n = len(es)
    if n == 0:
        return np.zeros(0, dtype=bool), 0.0, 0.0
    cols = np.arange(n)
    a_s = sp.csr_matrix((np.ones(n), (es, cols)), shape=(n_s, n))
    a_c = sp.csr_matrix((np.ones(n), (ec, cols)), shape=(n_c, n))
    rows = [a_s, a_c]
    upper = [cap_s.astype(float), cap_c.astype(float)]
    if budget is not None:
        rows.append(sp.csr_matrix(cost.astype(float)[np.newaxis, :]))
        upper.append(np.array([float(budget)]))
    constraint = LinearConstraint(sp.vstack(rows).tocsr(), -np.inf, np.concatenate(upper))
    result = milp(
        -score,
        constraints=constraint,
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        options={"time_limit": MILP_TIME_LIMIT_S, "mip_rel_gap": 1e-6},
    )
    if result.x is None:
        return None
    chosen = result.x > 0.5
    value = float(score[chosen].sum())
    bound = value if result.status == 0 else -float(getattr(result, "mip_dual_bound", -np.inf))
    return chosen, value, max(value, bound)


def assign(
    n_startups: int,
    n_challenges: int,
    edge_startup: np.ndarray,
    edge_challenge: np.ndarray,
    score: np.ndarray,
    cost_yen: np.ndarray,
    capacity: np.ndarray,
    max_partners: np.ndarray,
    *,
    fixed: np.ndarray | None = None,
    budget_yen: int | None = None,
    target_gap: float = TARGET_GAP,
    milp_edge_limit: int = MILP_EDGE_LIMIT,
) -> Assignment:
    """Choose edges maximising the total score under the limits above; `fixed` edges are always chosen.

    Edges must be distinct pairs. Raises `AssignmentError` when the fixed edges alone exceed the budget.
    """
    started = time.perf_counter()
    es = np.asarray(edge_startup, dtype=np.int64)
    ec = np.asarray(edge_challenge, dtype=np.int64)
    score = np.asarray(score, dtype=np.float64)
    cost = np.asarray(cost_yen, dtype=np.int64)
    fixed = np.zeros(len(es), dtype=bool) if fixed is None else np.asarray(fixed, dtype=bool)
    cap_s = np.asarray(capacity, dtype=np.int64) - np.bincount(es[fixed], minlength=n_startups)
    cap_c = np.asarray(max_partners, dtype=np.int64) - np.bincount(ec[fixed], minlength=n_challenges)
    if (cap_s < 0).any() or (cap_c < 0).any():
        raise AssignmentError("fixed pairs exceed a capacity")
    fixed_cost = int(cost[fixed].sum())
    fixed_score = float(score[fixed].sum())
    budget = None if budget_yen is None else int(budget_yen) - fixed_cost
    if budget is not None and budget < 0:
        raise AssignmentError(
            f"the fixed pairs alone cost ¥{fixed_cost:,}, more than the travel budget ¥{budget_yen:,}"
        )

    free = np.flatnonzero(~fixed & (score > 0))
    fes, fec, fscore, fcost = es[free], ec[free], score[free], cost[free]

    def finish(chosen_free, method, bound_free, lam=None) -> Assignment:
        chosen = fixed.copy()
        chosen[free[chosen_free]] = True
        objective = float(score[chosen].sum())
        return Assignment(
            chosen=chosen,
            objective=objective,
            cost_yen=int(cost[chosen].sum()),
            upper_bound=max(objective, fixed_score + bound_free),
            method=method,
            lagrange_multiplier=lam,
            duration_s=time.perf_counter() - started,
        )

    unconstrained = _flow(n_startups, n_challenges, fes, fec, fscore, cap_s, cap_c)
    best_value = float(fscore[unconstrained].sum())
    if budget is None or int(fcost[unconstrained].sum()) <= budget:
        return finish(unconstrained, "flow", best_value)

    # Lagrangian bisection: the multiplier λ is in score units per yen.
    upper_bound = best_value  # L(0)
    positive = fcost > 0
    lo, hi = 0.0, float((fscore[positive] / fcost[positive]).max()) * (1 + 1e-9)
    best = None
    best_objective, best_lam = -1.0, hi
    for _ in range(60):
        lam = (lo + hi) / 2
        reduced = fscore - lam * fcost
        chosen = _flow(n_startups, n_challenges, fes, fec, reduced, cap_s, cap_c)
        spent = int(fcost[chosen].sum())
        upper_bound = min(upper_bound, float(reduced[chosen].sum()) + lam * budget)
        if spent <= budget:
            hi = lam
            value = float(fscore[chosen].sum())
            if value > best_objective:
                best, best_objective, best_lam = chosen, value, lam
        else:
            lo = lam
        if best is not None and upper_bound - best_objective <= target_gap / 4 * max(upper_bound, 1e-12):
            break
        if hi - lo <= 1e-12 * max(hi, 1e-12):
            break
    if best is None:
        # λ = hi always fits (every costly edge priced out); reached only if the loop ended early.
        best = _flow(n_startups, n_challenges, fes, fec, np.where(positive, 0.0, fscore), cap_s, cap_c)
        best_objective = float(fscore[best].sum())
    method = "lagrangian"
    if upper_bound - best_objective > target_gap / 4 * max(upper_bound, 1e-12):
        state = _State(fes, fec, fscore, fcost, cap_s, cap_c, budget, best)
        order = np.argsort(-fscore, kind="stable")
        for _ in range(5):
            filled = state.fill(order)
            exchanged = state.exchange(order)
            if not (filled or exchanged):
                break
        if float(fscore[state.chosen].sum()) > best_objective + 1e-12:
            best, best_objective, method = (
                state.chosen,
                float(fscore[state.chosen].sum()),
                "lagrangian+repair",
            )
    if upper_bound - best_objective > target_gap * max(upper_bound, 1e-12) and len(free) <= milp_edge_limit:
        exact = _milp(n_startups, n_challenges, fes, fec, fscore, fcost, cap_s, cap_c, budget)
        if exact is not None and exact[1] >= best_objective - 1e-12:
            return finish(exact[0], "milp", min(exact[2], upper_bound), best_lam)
    return finish(best, method, upper_bound, best_lam)
