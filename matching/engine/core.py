"""One matching run: score every pair, prune to candidates, assign, rank and explain.

session = MatchSession(load_problem(data))          # fits the features once
result = session.propose(language="ja")             # → Result (dataclasses); result.to_json() is the open format
row = session.rescore_startup(edited_startup)       # one edited profile, milliseconds; then propose() again
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import explain
from .assign import Assignment, AssignmentError, assign
from .explain import LANGUAGES
from .problem import FACTORS, Problem, ProblemError, Startup
from .scoring import Scorer, challenge_text, startup_text
from .text import KeywordFinder
from .travel import TravelModel

# Below this many pairs every pair with a positive score is a candidate, so the assignment is optimal over all
# pairs. Above it, candidates are: all applications, fixed pairs, each challenge's best K_c startups and each
# startup's best K_s challenges (see candidate_limits).
FULL_PAIRS_LIMIT = 200_000
BLOCK_ALTERNATES = 4_000_000  # score cells per block when choosing alternates (bounds the working memory)


@dataclass
class FactorValue:
    value: float
    weight: float
    contribution: float


@dataclass
class Proposal:
    challenge: Any
    startup: Any
    score: float
    rank: int
    assigned: bool
    travel_cost_yen: int
    factors: dict[str, FactorValue]
    keywords: list[str]
    reason: str
    applied: bool = False
    shortlisted: bool = False
    excluded: bool = False
    fixed: bool = False
    # The reason in every language asked for (`propose(languages=…)`), `reason` being the first of them.
    reasons: dict[str, str] = field(default_factory=dict)
    # 1, 2, … when this startup is the challenge's first, second … alternate (see Result.alternates); None otherwise
    alternate: int | None = None
    # the declared conflict of interest's reason ("" when none was given); None when the pair is no conflict
    conflict: str | None = None
    preference: int | None = None  # the application's preference (1 = 第1希望) when given
    grade: float | None = None  # the municipality's grade of the application when given
    # The facts the reasons are written from (explain.explanation): requirement ↔ capability words, track record,
    # preferences, conflict, alternatives considered or why the pair lost. JSON-serialisable, in no language.
    explanation: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "challenge": self.challenge,
            "startup": self.startup,
            "score": round(self.score, 6),
            "rank": self.rank,
            "assigned": self.assigned,
            "travel_cost_yen": self.travel_cost_yen,
            "factors": {
                name: {
                    "value": round(f.value, 6),
                    "weight": round(f.weight, 6),
                    "contribution": round(f.contribution, 6),
                }
                for name, f in self.factors.items()
            },
            "keywords": self.keywords,
            "reason": self.reason,
            "alternate": self.alternate,
            "conflict": None if self.conflict is None else {"reason": self.conflict},
            "preference": self.preference,
            "grade": self.grade,
            "explanation": self.explanation,
        }


@dataclass
class Result:
    proposals: list[Proposal]
    objective: float
    budget_used_yen: int
    durations_s: dict[str, float]
    upper_bound: float = 0.0  # proven bound on the objective over the candidate pairs
    method: str = "flow"
    candidate_pairs: int = 0
    all_pairs_candidates: bool = True
    lagrange_multiplier: float | None = None
    cpu_s: dict[str, float] = field(default_factory=dict)  # process CPU seconds per phase
    min_score: float = 0.0
    floor: bool = False  # the per-challenge floor was asked for
    # total score given up for the floor: optimum without it − total with it (0 when it changed nothing)
    floor_cost: float = 0.0
    floor_challenges: list[Any] = field(default_factory=list)  # challenges covered only because of the floor
    covered: int = 0  # challenges with at least one assigned pair
    # with the floor: proven most challenges any feasible assignment covers (= covered when proven maximal)
    coverage_bound: int | None = None
    alternates: dict[Any, list[Any]] = field(default_factory=dict)  # challenge id → startup ids, best first
    conflicts: list[dict] = field(default_factory=list)  # every declared conflict with its score and rank

    @property
    def gap(self) -> float:
        return (
            0.0 if self.upper_bound <= 0 else max(0.0, (self.upper_bound - self.objective) / self.upper_bound)
        )

    @property
    def assigned(self) -> list[Proposal]:
        return [p for p in self.proposals if p.assigned]

    def to_json(self) -> dict:
        """The open output format (docs/matching.md)."""
        return {
            "proposals": [p.to_json() for p in self.proposals],
            "objective": round(self.objective, 6),
            "budget_used_yen": self.budget_used_yen,
            "min_score": self.min_score,
            "floor": {
                "enabled": self.floor,
                "cost": round(self.floor_cost, 6),
                "challenges": list(self.floor_challenges),
            },
            "alternates": [
                {"challenge": challenge, "startups": list(startups)}
                for challenge, startups in self.alternates.items()
            ],
            "conflicts": [dict(c, score=round(c["score"], 6)) for c in self.conflicts],
            "durations_s": {k: round(v, 4) for k, v in self.durations_s.items()},
        }


def candidate_limits(problem: Problem) -> tuple[int, int]:
    """(K_c, K_s): how many best startups per challenge and best challenges per startup are kept when pruning."""
    max_partners = max((c.max_partners for c in problem.challenges), default=1)
    capacity = max((s.capacity for s in problem.startups), default=1)
    k_c = max(20, 3 * problem.top_k, 3 * max_partners)
    k_s = min(12, max(5, 2 * capacity))
    return k_c, k_s


def top_k(scores: np.ndarray, k: int, axis: int = 0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The k best entries along `axis` — for every column (axis 0) or every row (axis 1) — as (rows, columns),
    grouped by column (resp. row), best first, ties broken by position.

    Exact, without sorting whole columns: the k-th best value within a random sample of the other index is a lower
    bound for the k-th best of the full line, so only entries at or above it are sorted (a few per cent).
    """
    n_rows, n_cols = scores.shape
    n, lines = (n_rows, n_cols) if axis == 0 else (n_cols, n_rows)
    k = min(k, n)
    if k <= 0 or lines == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    size = int(min(n, max(2 * k, 4 * np.sqrt(k * n))))
    picked = np.sort(np.random.default_rng(seed).choice(n, size, replace=False))
    # each line of the sample contiguous, so that the partition runs along memory
    sample = np.ascontiguousarray(scores[picked].T) if axis == 0 else scores[:, picked]
    threshold = np.partition(sample, size - k, axis=1)[:, size - k]
    mask = scores >= (threshold[np.newaxis, :] if axis == 0 else threshold[:, np.newaxis])
    rows, cols = np.nonzero(mask)
    values = scores[rows, cols].astype(np.float64)
    line = cols if axis == 0 else rows
    # one stable sort on "line, then best first": scores are in [0, 1], so line × 4 + (2 − score) orders both
    # exactly (float32 scores fit in the float64 mantissa); ties keep np.nonzero's order, i.e. by position.
    order = np.argsort(line * 4.0 + (2.0 - values), kind="stable")
    rows, cols, line = rows[order], cols[order], line[order]
    starts = np.searchsorted(line, np.arange(lines))
    keep = (np.arange(line.size) - starts[line]) < k
    return rows[keep].astype(np.int64), cols[keep].astype(np.int64)


class _Clock:
    """Records wall-clock and process CPU seconds of named phases into two dicts."""

    def __init__(self, wall: dict[str, float], cpu: dict[str, float]) -> None:
        self.wall, self.cpu = wall, cpu
        self.name: str | None = None

    def start(self, name: str) -> None:
        self.name, self._wall, self._cpu = name, time.perf_counter(), time.process_time()

    def stop(self) -> None:
        assert self.name is not None, "stop() before start()"
        self.wall[self.name] = time.perf_counter() - self._wall
        self.cpu[self.name] = time.process_time() - self._cpu

    @contextmanager
    def __call__(self, name: str):
        self.start(name)
        yield
        self.stop()


class MatchSession:
    """Holds the features and the score matrix of one problem so that edits can be re-scored quickly."""

    def __init__(self, problem: Problem, *, travel_model: TravelModel | None = None) -> None:
        # wall-clock seconds per phase (the output's durations_s) and process CPU seconds (Result.cpu_s): on a
        # shared machine the CPU time says what the run costs, the wall time also what the neighbours cost
        self.durations: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        clock = _Clock(self.durations, self.cpu)
        self.problem = problem
        with clock("features"):
            self.scorer = Scorer(problem, travel_model)
        with clock("scoring"):
            self.scores = self.scorer.score_matrix()
        si = [self.scorer.startup_index[p.startup] for p in problem.exclusions]
        cj = [self.scorer.challenge_index[p.challenge] for p in problem.exclusions]
        self.excluded = set(zip(si, cj, strict=True))
        self.fixed = {
            (self.scorer.startup_index[p.startup], self.scorer.challenge_index[p.challenge])
            for p in problem.fixed
        }
        self.conflicts = {
            (self.scorer.startup_index[c.startup], self.scorer.challenge_index[c.challenge]): c.reason
            for c in problem.conflicts
        }
        self.applications = {
            (self.scorer.startup_index[a.startup], self.scorer.challenge_index[a.challenge]): a
            for a in problem.applications
        }
        self.keywords = KeywordFinder()

    # --- re-scoring -----------------------------------------------------------------------------------------------

    def rescore_startup(self, startup: Startup) -> dict[Any, float]:
        """Replace one startup's profile and refresh its row of scores; returns {challenge id: new score}."""
        row = self.scorer.update_startup(startup)
        i = self.scorer.startup_index[startup.id]
        self.scores[i] = row
        return {c.id: float(row[j]) for j, c in enumerate(self.problem.challenges)}

    # --- the run --------------------------------------------------------------------------------------------------

    def _keys(self, pairs) -> np.ndarray:
        """Pairs (i, j) as int64 keys i × n_challenges + j (vectorised set operations)."""
        pairs = list(pairs)
        if not pairs:
            return np.zeros(0, dtype=np.int64)
        array = np.array(pairs, dtype=np.int64)
        return array[:, 0] * self.scores.shape[1] + array[:, 1]

    def eligible(self, values: np.ndarray) -> np.ndarray:
        """Which scores may be assigned or proposed as alternates: positive and at least the run's min_score."""
        values = np.asarray(values, dtype=np.float64)
        return (values > 0) & (values >= self.problem.min_score)

    def candidates(self) -> tuple[np.ndarray, np.ndarray, bool]:
        """Candidate pairs (startup rows, challenge columns) for the assignment, and whether they are all pairs.

        Only pairs scoring at least min_score (and above 0), except fixed pairs, which are always candidates;
        never an excluded pair or a declared conflict."""
        n_s, n_c = self.scores.shape
        flat = self.scores.ravel()
        if n_s * n_c <= FULL_PAIRS_LIMIT:
            keys = np.flatnonzero(self.eligible(flat))
            all_pairs = True
        else:
            k_c, k_s = candidate_limits(self.problem)
            rows, cols = top_k(self.scores, k_c, axis=0)
            parts = [rows * n_c + cols]
            rows, cols = top_k(self.scores, k_s, axis=1)
            parts.append(rows * n_c + cols)
            keys = np.unique(np.concatenate(parts))
            keys = keys[self.eligible(flat[keys])]
            all_pairs = False
        applications = self._keys(self.applications)
        keys = np.union1d(keys, applications[self.eligible(flat[applications])])
        keys = np.union1d(keys, self._keys(self.fixed))
        keys = np.setdiff1d(keys, self._keys(set(self.excluded) | set(self.conflicts)), assume_unique=True)
        return keys // n_c, keys % n_c, all_pairs

    def propose(self, *, language: str = "ja", languages: tuple[str, ...] = ()) -> Result:
        """Assign, rank and explain. Raises ProblemError if the fixed pairs alone break the travel budget.
        `reason` is written in `language`; `languages` adds the same reason in other languages to `reasons`
        (the portal stores Japanese and English so each reader sees their own)."""
        languages = (language, *[lang for lang in languages if lang != language])
        for lang in languages:
            if lang not in LANGUAGES:
                raise ProblemError(f"language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
        problem, scorer = self.problem, self.scorer
        durations, cpu = dict(self.durations), dict(self.cpu)
        clock = _Clock(durations, cpu)
        with clock("candidates"):
            si, cj, all_pairs = self.candidates()
            score = self.scores[si, cj].astype(np.float64)
            cost = scorer.pair_costs(si, cj)
            fixed = np.isin(si * scorer.n_challenges + cj, self._keys(self.fixed))

        clock.start("assignment")
        capacity = np.array([s.capacity for s in scorer.startups], dtype=np.int64)
        max_partners = np.array([c.max_partners for c in problem.challenges], dtype=np.int64)

        def solve(floor: bool) -> Assignment:
            try:
                return assign(
                    scorer.n_startups,
                    scorer.n_challenges,
                    si,
                    cj,
                    score,
                    cost,
                    capacity,
                    max_partners,
                    fixed=fixed,
                    budget_yen=problem.travel_budget_yen,
                    floor=floor,
                )
            except AssignmentError as error:
                raise ProblemError(f"fixed: {error}") from error

        # Without the floor first: when it already covers every challenge that has a candidate (and a slot), the
        # floor changes nothing and costs nothing. Otherwise solve again with it; the floor's cost is the
        # difference of the two totals (the floored assignment is also feasible without the floor, so the better
        # of the two stands for the optimum without it when the budget makes both approximate).
        assignment = free_assignment = solve(False)
        floor_cost, floor_challenges = 0.0, []
        if problem.floor:
            coverable = np.zeros(scorer.n_challenges, dtype=bool)
            coverable[cj[(score > 0) & (capacity[si] > 0)]] = True
            coverable &= max_partners > 0
            covered_free = np.bincount(cj[free_assignment.chosen], minlength=scorer.n_challenges) > 0
            if (coverable & ~covered_free).any():
                floored = solve(True)
                if (floored.covered, floored.objective) >= (
                    free_assignment.covered,
                    free_assignment.objective,
                ):
                    assignment = floored
                covered = np.bincount(cj[assignment.chosen], minlength=scorer.n_challenges) > 0
                floor_cost = max(
                    0.0, max(free_assignment.objective, assignment.objective) - assignment.objective
                )
                floor_challenges = [problem.challenges[j].id for j in np.flatnonzero(covered & ~covered_free)]
        clock.stop()

        with clock("alternates"):
            alternates = self.alternates(si, cj, assignment, cost)

        with clock("explanations"):
            proposals = self._proposals(
                si, cj, score, cost, assignment, capacity, max_partners, languages, alternates
            )
        durations["total"] = sum(durations.values())
        cpu["total"] = sum(cpu.values())
        return Result(
            proposals=proposals,
            objective=assignment.objective,
            budget_used_yen=assignment.cost_yen,
            durations_s=durations,
            # with the floor, its own bound holds for assignments covering as many challenges; the bound without
            # the floor holds for every assignment, so the smaller of the two is a true bound for this one
            upper_bound=max(assignment.objective, min(assignment.upper_bound, free_assignment.upper_bound)),
            method=assignment.method,
            candidate_pairs=int(si.size),
            all_pairs_candidates=all_pairs,
            lagrange_multiplier=assignment.lagrange_multiplier,
            cpu_s=cpu,
            min_score=problem.min_score,
            floor=problem.floor,
            floor_cost=floor_cost,
            floor_challenges=floor_challenges,
            covered=assignment.covered,
            # without a second solve every coverable challenge is covered already: the coverage is maximal
            coverage_bound=assignment.coverage_bound
            if assignment.coverage_bound is not None or not problem.floor
            else assignment.covered,
            alternates={
                problem.challenges[j].id: [scorer.startups[i].id for i in rows]
                for j, rows in alternates.items()
            },
            conflicts=self._conflict_report(),
        )

    def alternates(self, si, cj, assignment: Assignment, cost) -> dict[int, list[int]]:
        """For every challenge column, its alternates as startup rows, best score first (ties by input order).

        An alternate of challenge j is a startup i that can step in when one assigned pair of j falls through,
        without a re-run: (i, j) is not assigned, not excluded and no declared conflict; its score is > 0 and ≥
        min_score; i has spare capacity after the assignment; and, with a travel budget, its travel cost is at most
        the budget left plus the cheapest travel cost among j's assigned pairs (so it fits whichever of them falls
        through). A challenge without an assigned pair has no alternates (nothing can fall through). The lists are
        independent: each assumes one fall-through at a time.
        """
        problem, scorer = self.problem, self.scorer
        count = problem.alternates
        n_s, n_c = self.scores.shape
        chosen = assignment.chosen
        result: dict[int, list[int]] = {j: [] for j in range(n_c)}
        if count <= 0 or not chosen.any():
            return result
        capacity = np.array([s.capacity for s in scorer.startups], dtype=np.int64)
        spare_rows = np.flatnonzero(np.bincount(si[chosen], minlength=n_s) < capacity)
        held = np.bincount(cj[chosen], minlength=n_c) > 0
        columns = np.flatnonzero(held)
        if spare_rows.size == 0 or columns.size == 0:
            return result
        allowance = None
        if problem.travel_budget_yen is not None:
            cheapest = np.full(n_c, np.iinfo(np.int64).max)
            np.minimum.at(cheapest, cj[chosen], cost[chosen].astype(np.int64))
            allowance = (problem.travel_budget_yen - assignment.cost_yen) + cheapest
        # pairs that may never be alternates, as (row within spare_rows, column) keys
        position = np.full(n_s, -1)
        position[spare_rows] = np.arange(spare_rows.size)
        banned = [(int(si[e]), int(cj[e])) for e in np.flatnonzero(chosen)]
        banned += list(self.excluded) + list(self.conflicts)
        banned_by_column: dict[int, list[int]] = {}
        for i, j in banned:
            if position[i] >= 0:
                banned_by_column.setdefault(j, []).append(int(position[i]))
        step = max(1, BLOCK_ALTERNATES // max(1, spare_rows.size))
        for start in range(0, columns.size, step):
            block = columns[start : start + step]
            values = self.scores[np.ix_(spare_rows, block)].astype(np.float64)
            ok = self.eligible(values)
            if allowance is not None:
                # prefecture × block table first, then one row per startup (never startups × all municipalities)
                fits = scorer.cost_table[:, scorer.challenge_muni[block]] <= allowance[block][np.newaxis, :]
                ok &= fits[scorer.startup_pref_row[spare_rows]]
            for k, j in enumerate(block.tolist()):
                if j in banned_by_column:
                    ok[banned_by_column[j], k] = False
            values = np.where(ok, values, -1.0)
            take = min(count, spare_rows.size)
            # the take-th best value per column; every entry at or above it (ties included) is sorted by column,
            # then best first, then input order — a few entries per column
            threshold = -np.partition(-values, take - 1, axis=0)[take - 1]
            rows, cols = np.nonzero((values >= threshold[np.newaxis, :]) & (values > 0))
            order = np.lexsort((rows, -values[rows, cols], cols))
            rows, cols = rows[order], cols[order]
            firsts = np.searchsorted(cols, np.arange(block.size))
            keep = (np.arange(cols.size) - firsts[cols]) < count
            for k, i in zip(cols[keep].tolist(), spare_rows[rows[keep]].tolist(), strict=True):
                result[int(block[k])].append(i)
        return result

    def _conflict_report(self) -> list[dict]:
        """Every declared conflict with its score and rank (reported whether or not it would be listed)."""
        scorer = self.scorer
        report = []
        for conflict in self.problem.conflicts:
            i, j = scorer.startup_index[conflict.startup], scorer.challenge_index[conflict.challenge]
            report.append(
                {
                    "startup": conflict.startup,
                    "challenge": conflict.challenge,
                    "reason": conflict.reason,
                    "score": float(self.scores[i, j]),
                    "rank": self._rank_of(i, j),
                }
            )
        return report

    def _rank_of(self, i: int, j: int) -> int:
        column = self.scores[:, j]
        value = column[i]
        return int((column > value).sum() + (column[:i] == value).sum() + 1)

    def _proposals(
        self, si, cj, score, cost, assignment: Assignment, capacity, max_partners, languages, alternates
    ) -> list[Proposal]:
        problem, scorer = self.problem, self.scorer
        chosen = assignment.chosen
        held_s: dict[int, list[int]] = {}
        held_c: dict[int, list[int]] = {}
        for e in np.flatnonzero(chosen):
            held_s.setdefault(int(si[e]), []).append(int(e))
            held_c.setdefault(int(cj[e]), []).append(int(e))
        assigned_pairs = {(int(si[e]), int(cj[e])) for e in np.flatnonzero(chosen)}
        budget_left = (
            None if problem.travel_budget_yen is None else problem.travel_budget_yen - assignment.cost_yen
        )

        # which pairs are output: top_k per challenge + every assigned pair + every alternate, ranked per challenge
        alternate_of = {(i, j): n for j, rows in alternates.items() for n, i in enumerate(rows, start=1)}
        out: list[tuple[int, int, int]] = []
        top_rows, top_cols = top_k(self.scores, problem.top_k, axis=0)
        starts = np.searchsorted(top_cols, np.arange(scorer.n_challenges + 1))
        for j in range(scorer.n_challenges):
            best = top_rows[starts[j] : starts[j + 1]]
            listed = set()
            for rank, i in enumerate(best.tolist(), start=1):
                out.append((int(i), j, rank))
                listed.add(int(i))
            for i in [int(si[e]) for e in held_c.get(j, [])] + alternates.get(j, []):
                if i not in listed:
                    out.append((i, j, self._rank_of(i, j)))
                    listed.add(i)
        out.sort(key=lambda t: (t[1], t[2]))
        oi = np.array([t[0] for t in out], dtype=np.int64)
        oj = np.array([t[1] for t in out], dtype=np.int64)
        factors = scorer.pair_factors(oi, oj)
        costs = scorer.pair_costs(oi, oj)
        weights = scorer.weights

        challenge_texts = [challenge_text(c) for c in problem.challenges]
        self.keywords.prepare(challenge_texts[j] for j in sorted(set(oj.tolist())))

        rows = {(i, j): k for k, (i, j, _rank) in enumerate(out)}
        values = [{name: float(factors[name][k]) for name in FACTORS} for k in range(len(out))]
        contributions = [{name: weights[name] * v[name] for name in FACTORS} for v in values]
        totals = [float(sum(c.values())) for c in contributions]
        ranked: dict[int, list[int]] = {}  # challenge → its listed startups, best first
        for i, j, _rank in out:
            ranked.setdefault(j, []).append(i)

        def holder(e: int, side: str) -> explain.Holder:
            i, j = int(si[e]), int(cj[e])
            if side == "startup":
                return explain.Holder(problem.challenges[j].title, float(score[e]), int(cost[e]))
            return explain.Holder(
                scorer.startups[i].name, float(score[e]), int(cost[e]), contributions[rows[i, j]]
            )

        def alternatives(i: int, j: int) -> list[explain.Candidate]:
            """The challenge's alternates, then its next best listed startups, each with what keeps it out."""
            chosen = rows[i, j]
            order = alternates.get(j, []) + [o for o in ranked.get(j, []) if o not in alternates.get(j, [])]
            found = []
            for other in order:
                if other == i or (other, j) in assigned_pairs:
                    continue
                k = rows[other, j]
                obstacles = []
                if (other, j) in self.conflicts:
                    obstacles.append("conflict")
                if (other, j) in self.excluded:
                    obstacles.append("excluded")
                if len(held_s.get(other, [])) >= scorer.startups[other].capacity:
                    obstacles.append("capacity")
                if budget_left is not None and int(costs[k]) - int(costs[chosen]) > budget_left:
                    obstacles.append("budget")
                if not obstacles and totals[k] > totals[chosen]:
                    obstacles.append("accepted_first" if (i, j) in self.fixed else "assignment")
                found.append(
                    explain.Candidate(
                        startup=scorer.startups[other].id,
                        name=scorer.startups[other].name,
                        contributions=contributions[k],
                        values=values[k],
                        applied=(other, j) in self.applications,
                        alternate=alternate_of.get((other, j)),
                        obstacles=obstacles,
                    )
                )
                if len(found) >= max(explain.MAX_ALTERNATIVES, len(alternates.get(j, []))):
                    break
            return found

        proposals = []
        for k, (i, j, rank) in enumerate(out):
            startup, challenge = scorer.startups[i], problem.challenges[j]
            application = self.applications.get((i, j))
            assigned = (i, j) in assigned_pairs
            excluded = (i, j) in self.excluded
            conflict = {"reason": self.conflicts[i, j]} if (i, j) in self.conflicts else None
            others = [application.text] if application and application.text else []
            keywords = self.keywords.shared(challenge_texts[j], startup_text(startup), *others)
            startup_full = len(held_s.get(i, [])) >= startup.capacity
            challenge_full = len(held_c.get(j, [])) >= challenge.max_partners
            lost = None
            if not assigned:
                lost = explain.why_not(
                    score=totals[k],
                    cost_yen=int(costs[k]),
                    contributions=contributions[k],
                    values=values[k],
                    applied=application is not None,
                    excluded=excluded,
                    conflict=conflict,
                    capacity=startup.capacity,
                    slots=challenge.max_partners,
                    startup_holders=[holder(e, "startup") for e in held_s.get(i, [])]
                    if startup_full
                    else None,
                    challenge_holders=[holder(e, "challenge") for e in held_c.get(j, [])]
                    if challenge_full
                    else None,
                    budget_left=budget_left,
                )
            facts = explain.explanation(
                startup=startup.name,
                challenge=challenge.title,
                assigned=assigned,
                fixed=(i, j) in self.fixed,
                excluded=excluded,
                evidence=scorer.semantic.evidence(j, i, limit=explain.MAX_PAIRS),
                keywords=keywords,
                records=[
                    explain.Record(r.title, r.themes, r.outcome, r.municipality, r.fiscal_year)
                    for r in startup.track_record
                ],
                challenge_themes=challenge.themes,
                applied=application is not None,
                shortlisted=bool(application and application.shortlisted),
                preference=application.preference if application else None,
                grade=application.grade if application else None,
                alternate=alternate_of.get((i, j)),
                conflict=conflict,
                travel_cost_yen=int(costs[k]),
                contributions=contributions[k],
                alternatives=alternatives(i, j) if assigned else (),
                lost=lost,
            )
            texts = {lang: explain.render(facts, lang) for lang in languages}
            proposals.append(
                Proposal(
                    challenge=challenge.id,
                    startup=startup.id,
                    score=totals[k],
                    rank=rank,
                    assigned=assigned,
                    travel_cost_yen=int(costs[k]),
                    factors={n: FactorValue(values[k][n], weights[n], contributions[k][n]) for n in FACTORS},
                    keywords=keywords,
                    reason=texts[languages[0]],
                    reasons=texts,
                    applied=application is not None,
                    shortlisted=bool(application and application.shortlisted),
                    excluded=excluded,
                    fixed=(i, j) in self.fixed,
                    alternate=alternate_of.get((i, j)),
                    conflict=self.conflicts.get((i, j)),
                    preference=application.preference if application else None,
                    grade=application.grade if application else None,
                    explanation=facts,
                )
            )
        return proposals


def propose(
    problem: Problem,
    *,
    language: str = "ja",
    languages: tuple[str, ...] = (),
    travel_model: TravelModel | None = None,
) -> Result:
    """Run the engine on a validated problem: scores, candidates, assignment, ranked and explained proposals."""
    return MatchSession(problem, travel_model=travel_model).propose(language=language, languages=languages)
