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

With `floor=True` the objective is lexicographic: first cover as many challenges as possible (a challenge is covered
when it has at least one chosen edge, fixed ones included), then maximise the total score among the assignments that
cover that many. In the flow, each challenge → sink arc is split into a first unit that earns a bonus larger than any
possible total score and the remaining units without it (integer costs, so the flow stays integral and exact); the
Lagrangian and the repair price coverage the same way, and the MILP decides in two stages (coverage variables, then
score with the coverage held).
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
    floor: bool = False  # solved with the per-challenge floor (coverage first)
    covered: int = 0  # challenges with at least one chosen edge
    # proven: no feasible assignment covers more challenges (with the floor; None without it)
    coverage_bound: int | None = None

    @property
    def gap(self) -> float:
        """Relative distance to the proven bound (0 = optimal)."""
        if self.upper_bound <= 0:
            return 0.0
        return max(0.0, (self.upper_bound - self.objective) / self.upper_bound)


def _flow(n_s, n_c, es, ec, weight, cap_s, cap_c, bonus=None) -> np.ndarray:
    """Max-weight b-matching by min-cost flow; returns the chosen mask.

    Without `bonus`, over the edges with positive weight. With `bonus` (score units per challenge, 0 = none), a
    challenge's first chosen edge also earns its bonus: its challenge → sink arc is split into a first unit of cost
    −bonus and the remaining units at cost 0, so an edge of negative weight may still be chosen as a challenge's
    cover when weight + bonus > 0.
    """
    chosen = np.zeros(len(es), dtype=bool)
    worth = weight > 0 if bonus is None else (weight > 0) | (weight + bonus[ec] > 0)
    usable = np.flatnonzero(worth & (cap_s[es] > 0) & (cap_c[ec] > 0))
    if usable.size == 0:
        return chosen
    supply = int(cap_s.sum())
    source, sink = 0, n_s + n_c + 1
    startup_nodes = np.flatnonzero(cap_s > 0)
    challenge_nodes = np.flatnonzero(cap_c > 0)
    slot_caps, slot_costs = cap_c[challenge_nodes], np.zeros(challenge_nodes.size, np.int64)
    if bonus is not None:
        first = challenge_nodes[bonus[challenge_nodes] > 0]
        rest = challenge_nodes[(bonus[challenge_nodes] <= 0) | (cap_c[challenge_nodes] > 1)]
        slot_caps = np.concatenate([np.ones(first.size, np.int64), cap_c[rest] - (bonus[rest] > 0)])
        slot_costs = np.concatenate(
            [-np.rint(bonus[first] * SCALE).astype(np.int64), np.zeros(rest.size, np.int64)]
        )
        challenge_nodes = np.concatenate([first, rest])
    tails = np.concatenate(
        [np.zeros(startup_nodes.size, np.int32), 1 + es[usable], 1 + n_s + challenge_nodes, [source]]
    ).astype(np.int32)
    heads = np.concatenate(
        [1 + startup_nodes, 1 + n_s + ec[usable], np.full(challenge_nodes.size, sink), [sink]]
    ).astype(np.int32)
    capacities = np.concatenate(
        [cap_s[startup_nodes], np.ones(usable.size, np.int64), slot_caps, [supply]]
    ).astype(np.int64)
    costs = np.concatenate(
        [
            np.zeros(startup_nodes.size, np.int64),
            -np.rint(weight[usable] * SCALE).astype(np.int64),
            slot_costs,
            np.zeros(1, np.int64),
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
    """A feasible assignment being improved: loads, budget slack and the chosen edges per node.

    `bonus` (score units per challenge, zeros without the floor) prices coverage: a move that leaves a challenge
    without any chosen edge loses its bonus, one that gives an uncovered challenge its first edge earns it.
    """

    def __init__(self, es, ec, score, cost, cap_s, cap_c, budget, chosen, bonus):
        self.es, self.ec, self.score, self.cost = es, ec, score, cost
        self.cap_s, self.cap_c, self.budget, self.bonus = cap_s, cap_c, budget, bonus
        self.chosen = chosen.copy()
        self.load_s = np.bincount(es[chosen], minlength=cap_s.size)
        self.load_c = np.bincount(ec[chosen], minlength=cap_c.size)
        self.by_s: dict[int, set[int]] = {}
        self.by_c: dict[int, set[int]] = {}
        for e in np.flatnonzero(chosen):
            self.by_s.setdefault(int(es[e]), set()).add(int(e))
            self.by_c.setdefault(int(ec[e]), set()).add(int(e))
        self.spent = int(cost[chosen].sum())
        self.version = 0  # bumped on every change (invalidates the cached budget victims)
        self._victims = None

    def value(self) -> float:
        """Total score plus the bonus of every covered challenge (the lexicographic objective)."""
        return float(self.score[self.chosen].sum() + self.bonus[self.load_c > 0].sum())

    def add(self, e: int) -> None:
        i, j = int(self.es[e]), int(self.ec[e])
        self.chosen[e] = True
        self.load_s[i] += 1
        self.load_c[j] += 1
        self.by_s.setdefault(i, set()).add(e)
        self.by_c.setdefault(j, set()).add(e)
        self.spent += int(self.cost[e])
        self.version += 1

    def remove(self, e: int) -> None:
        i, j = int(self.es[e]), int(self.ec[e])
        self.chosen[e] = False
        self.load_s[i] -= 1
        self.load_c[j] -= 1
        self.by_s[i].discard(e)
        self.by_c[j].discard(e)
        self.spent -= int(self.cost[e])
        self.version += 1

    def coverage_change(self, e: int, *victims) -> float:
        """Bonus won or lost when e is added and the (distinct, chosen, not None) victims are removed."""
        bonus, load_c, ec = self.bonus, self.load_c, self.ec
        j = int(ec[e])
        change = {j: 1}
        for v in victims:
            k = int(ec[v])
            change[k] = change.get(k, 0) - 1
        total = 0.0
        for k, delta in change.items():
            if bonus[k] > 0:
                total += float(bonus[k]) * (int(load_c[k] + delta > 0) - int(load_c[k] > 0))
        return total

    def fill(self, order: np.ndarray) -> bool:
        """Add every edge (in `order`) whose two ends have room and whose cost fits the remaining budget."""
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
        to free budget), if it raises the objective and stays within budget."""
        changed = False
        score, cost = self.score, self.cost
        flooring = bool((self.bonus > 0).any())
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
                    victims = [v for v in (f, g) if v is not None]
                    if flooring:
                        gain += self.coverage_change(e, *victims)
                    if gain <= best_gain:
                        continue  # dropping one more edge for the budget can only lower it
                    spent = self.spent + cost[e] - sum(int(cost[v]) for v in victims)
                    if spent <= self.budget:
                        best, best_gain = victims, gain
                    else:
                        # Free budget by also dropping the cheapest-to-lose chosen edge that covers the overspend.
                        h = self._budget_victim(spent - self.budget, exclude=set(victims), below=gain)
                        if h is not None:
                            total = score[e] - sum(score[v] for v in (*victims, h))
                            if flooring:
                                total += self.coverage_change(e, *victims, h)
                            if total > best_gain:
                                best, best_gain = [*victims, h], total
            if best is not None:
                for victim in best:
                    self.remove(int(victim))
                self.add(e)
                changed = True
        return changed

    def cover(self, options: int = 6) -> bool:
        """Give uncovered floor challenges their first edge at the least loss of score, cheapest challenges first.

        For each uncovered challenge, its `options` cheapest edges are tried: the startup's weakest edge is dropped
        if it is full (never a challenge's only edge), then, if the budget is exceeded, chosen edges of the least
        score per yen (never a challenge's only edge) until it fits. The option losing the least score is taken
        when it is worth the bonus."""
        changed = False
        es, ec, score, cost = self.es, self.ec, self.score, self.cost
        targets = np.flatnonzero((self.bonus > 0) & (self.load_c == 0) & (self.cap_c > 0))
        if targets.size == 0:
            return False
        edges = np.flatnonzero((self.bonus[ec] > 0) & (self.load_c[ec] == 0) & (self.cap_s[es] > 0))
        edges = edges[np.lexsort((-score[edges], cost[edges], ec[edges]))]
        starts = np.searchsorted(ec[edges], targets)
        ends = np.searchsorted(ec[edges], targets, side="right")
        cheapest = np.array(
            [cost[edges[a]] if b > a else np.iinfo(np.int64).max for a, b in zip(starts, ends, strict=True)]
        )
        for k in np.argsort(cheapest, kind="stable"):
            j = int(targets[k])
            if self.load_c[j] > 0 or starts[k] == ends[k]:
                continue
            best, best_loss = None, float(self.bonus[j])
            for e in edges[starts[k] : ends[k]][:options].tolist():
                i = int(es[e])
                victims = []
                if self.load_s[i] >= self.cap_s[i]:
                    held = [
                        f for f in self.by_s.get(i, ()) if self.load_c[ec[f]] > 1 or self.bonus[ec[f]] <= 0
                    ]
                    if not held:
                        continue
                    victims.append(min(held, key=lambda f: score[f]))
                need = self.spent + int(cost[e]) - sum(int(cost[v]) for v in victims) - self.budget
                if need > 0:
                    pool = np.flatnonzero(self.chosen & (cost > 0))
                    pool = pool[(self.load_c[ec[pool]] > 1) | (self.bonus[ec[pool]] <= 0)]
                    pool = pool[~np.isin(pool, victims)]
                    pool = pool[np.argsort(score[pool] / cost[pool], kind="stable")]
                    freed = np.cumsum(cost[pool])
                    enough = int(np.searchsorted(freed, need))
                    if enough >= pool.size:
                        continue
                    victims.extend(pool[: enough + 1].tolist())
                    # dropping several edges of one challenge may uncover it: not allowed
                    lost = np.bincount(ec[victims], minlength=self.cap_c.size)
                    if ((self.load_c - lost <= 0) & (self.load_c > 0) & (self.bonus > 0)).any():
                        continue
                loss = float(score[victims].sum()) - float(score[e])
                if loss < best_loss:
                    best, best_loss = (e, victims), loss
            if best is not None:
                for v in best[1]:
                    self.remove(int(v))
                self.add(best[0])
                changed = True
        return changed

    def _budget_victim(self, need: int, exclude: set, below: float) -> int | None:
        """The chosen edge of lowest loss (less than `below`) whose cost is at least `need`; its loss is its score,
        plus its challenge's bonus when it is the challenge's only edge. The chosen edges sorted by loss are kept
        until the assignment changes."""
        if self._victims is None or self._victims[0] != self.version:
            chosen = np.flatnonzero(self.chosen)
            loss = self.score[chosen] + np.where(
                self.load_c[self.ec[chosen]] == 1, self.bonus[self.ec[chosen]], 0.0
            )
            order = np.argsort(loss, kind="stable")
            self._victims = (self.version, chosen[order], loss[order], self.cost[chosen[order]])
        _, edges, loss, cost = self._victims
        for k in np.flatnonzero((cost >= need) & (loss < below)).tolist():
            if int(edges[k]) not in exclude:
                return int(edges[k])
        return None


def _milp(
    n_s, n_c, es, ec, score, cost, cap_s, cap_c, budget, cover=None
) -> tuple[np.ndarray, float, float] | None:
    """0/1 solution by SciPy's MILP (HiGHS): (chosen, value, proven bound on the score); None if it found nothing
    in time. With `cover` (bool per challenge), two stages: first the largest number of covered challenges among
    `cover` (a coverage variable y_j ≤ Σ_{e ∋ j} x_e each), then the best score with that many covered."""
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
    options = {"time_limit": MILP_TIME_LIMIT_S, "mip_rel_gap": 1e-6}
    if cover is None or not cover.any():
        result = milp(
            -score,
            constraints=LinearConstraint(sp.vstack(rows).tocsr(), -np.inf, np.concatenate(upper)),
            integrality=np.ones(n),
            bounds=Bounds(0, 1),
            options=options,
        )
        if result.x is None:
            return None
        chosen = result.x > 0.5
    else:
        covered = np.flatnonzero(cover)
        m = covered.size
        # columns: x (n edges), then y (m covered challenges); y_j − Σ_{e ∋ j} x_e ≤ 0
        pad = sp.csr_matrix((sum(r.shape[0] for r in rows), m))
        base = sp.hstack([sp.vstack(rows), pad])
        link = sp.hstack([-a_c[covered], sp.identity(m, format="csr")])
        matrix = sp.vstack([base, link]).tocsr()
        lower = np.full(matrix.shape[0], -np.inf)
        top = np.concatenate([*upper, np.zeros(m)])
        integrality = np.ones(n + m)
        first = milp(
            np.concatenate([np.zeros(n), -np.ones(m)]),
            constraints=LinearConstraint(matrix, lower, top),
            integrality=integrality,
            bounds=Bounds(0, 1),
            options={"time_limit": MILP_TIME_LIMIT_S},
        )
        if first.x is None or first.status != 0:
            return None
        most = int(round(-first.fun))
        # stage 2: Σ y ≥ most, maximise the score
        count = sp.csr_matrix(np.concatenate([np.zeros(n), np.ones(m)])[np.newaxis, :])
        second = milp(
            np.concatenate([-score, np.zeros(m)]),
            constraints=[
                LinearConstraint(matrix, lower, top),
                LinearConstraint(count, most - 0.5, np.inf),
            ],
            integrality=integrality,
            bounds=Bounds(0, 1),
            options=options,
        )
        if second.x is None:
            return None
        result = second
        chosen = second.x[:n] > 0.5
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
    floor: bool = False,
    target_gap: float = TARGET_GAP,
    milp_edge_limit: int = MILP_EDGE_LIMIT,
) -> Assignment:
    """Choose edges maximising the total score under the limits above; `fixed` edges are always chosen.

    With `floor`, first cover as many challenges as possible (a challenge with a fixed edge is covered already),
    then maximise the total score among the assignments covering that many. Edges must be distinct pairs; edges
    with score ≤ 0 are never chosen unless fixed. Raises `AssignmentError` when the fixed edges alone exceed the
    budget.
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
    fixed_covered = np.bincount(ec[fixed], minlength=n_challenges) > 0

    # The floor's bonus per challenge (score units): more than any possible total score, so one more covered
    # challenge always outweighs any loss of score. 0 for challenges covered by a fixed pair or without room.
    bonus = np.zeros(n_challenges)
    if floor and free.size:
        best_per_challenge = np.zeros(n_challenges)
        np.maximum.at(best_per_challenge, fec, fscore)
        best_per_startup = np.zeros(n_startups)
        np.maximum.at(best_per_startup, fes, fscore)
        most = min(
            float((np.maximum(cap_c, 0) * best_per_challenge).sum()),
            float((np.maximum(cap_s, 0) * best_per_startup).sum()),
        )
        reachable = np.bincount(fec[cap_s[fes] > 0], minlength=n_challenges) > 0
        bonus[(cap_c > 0) & ~fixed_covered & reachable] = most + 1.0
    flooring = bool((bonus > 0).any())

    def value(chosen_free) -> float:
        """The lexicographic objective of a choice of free edges: score + bonus of each newly covered challenge."""
        covered = np.bincount(fec[chosen_free], minlength=n_challenges) > 0
        return float(fscore[chosen_free].sum() + bonus[covered].sum())

    def n_covered(chosen_free) -> int:
        return int(((np.bincount(fec[chosen_free], minlength=n_challenges) > 0) | fixed_covered).sum())

    def score_bound(chosen_free, bound_value) -> tuple[float, int | None]:
        """From a bound on the lexicographic objective: (bound on the score of any assignment covering at least as
        many challenges as `chosen_free`, proven coverage bound or None without the floor)."""
        if not flooring:
            return bound_value, None
        newly = int((np.bincount(fec[chosen_free], minlength=n_challenges) > 0)[bonus > 0].sum())
        unit = float(bonus[bonus > 0][0])
        extra = max(newly, int(np.floor(bound_value / unit + 1e-9)))
        covered_bound = n_covered(chosen_free) - newly + extra
        return bound_value - newly * unit, covered_bound

    def finish(chosen_free, method, bound_value, lam=None, bound_is_score=False) -> Assignment:
        chosen = fixed.copy()
        chosen[free[chosen_free]] = True
        objective = float(score[chosen].sum())
        if bound_is_score:
            bound_free, coverage_bound = bound_value, (n_covered(chosen_free) if flooring else None)
        else:
            bound_free, coverage_bound = score_bound(chosen_free, bound_value)
        covered = int((np.bincount(ec[chosen], minlength=n_challenges) > 0).sum())
        return Assignment(
            chosen=chosen,
            objective=objective,
            cost_yen=int(cost[chosen].sum()),
            upper_bound=max(objective, fixed_score + bound_free),
            method=method,
            lagrange_multiplier=lam,
            duration_s=time.perf_counter() - started,
            floor=floor,
            covered=covered,
            # with the floor asked but nothing left to cover (no room, or covered by fixed pairs), coverage is maximal
            coverage_bound=(covered if coverage_bound is None else coverage_bound) if floor else None,
        )

    bonus_or_none = bonus if flooring else None
    unconstrained = _flow(n_startups, n_challenges, fes, fec, fscore, cap_s, cap_c, bonus_or_none)
    if budget is None or int(fcost[unconstrained].sum()) <= budget:
        return finish(unconstrained, "flow", value(unconstrained))

    def proven(chosen_free, bound, gap) -> bool:
        """The coverage is proven maximal and the score within `gap` of its bound."""
        score_ub, coverage_ub = score_bound(chosen_free, bound)
        if coverage_ub is not None and coverage_ub > n_covered(chosen_free):
            return False
        achieved = float(fscore[chosen_free].sum())
        return score_ub - achieved <= gap * max(score_ub, 1e-12)

    # Lagrangian bisection: the multiplier λ is in score units per yen.
    upper_bound = value(unconstrained)  # L(0)
    positive = fcost > 0
    ratio = fscore[positive] / fcost[positive]
    lo, hi = 0.0, float(ratio.max()) * (1 + 1e-9)
    best = None
    best_value, best_lam = -1.0, hi

    def try_lambda(lam):
        nonlocal upper_bound, best, best_value, best_lam
        reduced = fscore - lam * fcost
        chosen = _flow(n_startups, n_challenges, fes, fec, reduced, cap_s, cap_c, bonus_or_none)
        spent = int(fcost[chosen].sum())
        lagrangian = float(
            reduced[chosen].sum() + bonus[np.bincount(fec[chosen], minlength=n_challenges) > 0].sum()
        )
        upper_bound = min(upper_bound, lagrangian + lam * budget)
        if spent <= budget:
            v = value(chosen)
            if v > best_value:
                best, best_value, best_lam = chosen, v, lam
            return True
        return False

    if flooring:
        # Coverage may need λ beyond the score-only range: every costly edge is priced out, bonus included, at
        # max (score + bonus) / cost. Start in the score-only range if it already fits at its top.
        top = float(((fscore + bonus[fec])[positive] / fcost[positive]).max()) * (1 + 1e-9)
        if not try_lambda(hi):
            lo, hi = hi, top
    for _ in range(60):
        lam = (lo + hi) / 2
        if try_lambda(lam):
            hi = lam
        else:
            lo = lam
        if best is not None and proven(best, upper_bound, target_gap / 4):
            break
        if hi - lo <= 1e-12 * max(hi, 1e-12):
            break
    if best is None:
        # λ = hi always fits (every costly edge priced out); reached only if the loop ended early.
        try_lambda(hi)
    if best is None:  # not reached: choosing no free edge always fits
        best = np.zeros(free.size, dtype=bool)
        best_value = 0.0
    method = "lagrangian"
    if not proven(best, upper_bound, target_gap / 4):
        by_score = np.argsort(-fscore, kind="stable")
        state = _State(fes, fec, fscore, fcost, cap_s, cap_c, budget, best, bonus)
        for _ in range(5):
            covered_more = state.cover() if flooring else False
            filled = state.fill(by_score)
            exchanged = state.exchange(by_score)
            if not (covered_more or filled or exchanged):
                break
        if state.value() > best_value + 1e-9:
            best, best_value, method = state.chosen.copy(), state.value(), "lagrangian+repair"
    if not proven(best, upper_bound, target_gap) and len(free) <= milp_edge_limit:
        exact = _milp(
            n_startups,
            n_challenges,
            fes,
            fec,
            fscore,
            fcost,
            cap_s,
            cap_c,
            budget,
            bonus > 0 if flooring else None,
        )
        if exact is not None and value(exact[0]) >= best_value - 1e-9:
            if flooring:
                return finish(exact[0], "milp", exact[2], best_lam, bound_is_score=True)
            return finish(exact[0], "milp", min(exact[2], upper_bound), best_lam)
    return finish(best, method, upper_bound, best_lam)
