"""Ranking quality against labelled pairs: precision@k and nDCG@k for the engine and two baselines.

Labels: {challenge id: {startup id: grade}} with grade 2 = the match a person would make, 1 = plausible.
precision@k counts a listed startup with any grade as relevant; nDCG@k uses gain 2^grade − 1 with log2 discounts.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .core import MatchSession
from .problem import Problem
from .text import TfidfIndex


def precision_at(ranking: list[Any], grades: dict[Any, int], k: int) -> float:
    return sum(1 for s in ranking[:k] if grades.get(s, 0) > 0) / k


def ndcg_at(ranking: list[Any], grades: dict[Any, int], k: int) -> float:
    def dcg(gains: list[int]) -> float:
        return sum((2**g - 1) / math.log2(position + 2) for position, g in enumerate(gains[:k]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(s, 0) for s in ranking]) / ideal if ideal else 0.0


def _rankings_from_matrix(problem: Problem, scores: np.ndarray) -> dict[Any, list[Any]]:
    ids = [s.id for s in problem.startups]
    rankings = {}
    for j, challenge in enumerate(problem.challenges):
        order = np.lexsort((np.arange(len(ids)), -scores[:, j]))
        rankings[challenge.id] = [ids[i] for i in order]
    return rankings


def engine_rankings(problem: Problem, session: MatchSession | None = None) -> dict[Any, list[Any]]:
    """Per challenge, all startups ordered by the engine's score (the scouting order shown to staff)."""
    session = session or MatchSession(problem)
    return _rankings_from_matrix(problem, session.scores)


def text_only_rankings(problem: Problem) -> dict[Any, list[Any]]:
    """Baseline: TF-IDF cosine between the challenge's title+description and the startup's description only."""
    index = TfidfIndex()
    matrix = index.fit_transform(
        [f"{c.title}\n{c.description}" for c in problem.challenges]
        + [s.description for s in problem.startups]
    )
    n_c = len(problem.challenges)
    scores = (matrix[n_c:] @ matrix[:n_c].T).toarray()
    return _rankings_from_matrix(problem, scores)


def random_rankings(problem: Problem, seed: int) -> dict[Any, list[Any]]:
    rng = np.random.default_rng(seed)
    ids = [s.id for s in problem.startups]
    return {c.id: [ids[i] for i in rng.permutation(len(ids))] for c in problem.challenges}


def evaluate(rankings: dict[Any, list[Any]], labels: dict[Any, dict[Any, int]]) -> dict[str, float]:
    """Mean precision@3 and nDCG@5 over the labelled challenges."""
    p3 = [precision_at(rankings[c], grades, 3) for c, grades in labels.items()]
    n5 = [ndcg_at(rankings[c], grades, 5) for c, grades in labels.items()]
    return {"precision@3": float(np.mean(p3)), "ndcg@5": float(np.mean(n5))}


def compare(
    problem: Problem, labels: dict[Any, dict[Any, int]], random_runs: int = 50
) -> dict[str, dict[str, float]]:
    """Engine, text-only TF-IDF and random (mean of `random_runs` seeded shuffles), measured in the same run."""
    random = [evaluate(random_rankings(problem, seed), labels) for seed in range(random_runs)]
    return {
        "engine": evaluate(engine_rankings(problem), labels),
        "text_only": evaluate(text_only_rankings(problem), labels),
        "random": {k: float(np.mean([r[k] for r in random])) for k in ("precision@3", "ndcg@5")},
    }
