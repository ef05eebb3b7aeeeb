"""Ranking quality on the labelled evaluation set (tests/data/matching_eval*.json), measured in one run against a
character-bigram TF-IDF baseline and a random baseline. Figures are reported in docs/benchmarks.md; the metrics
themselves are tested on known rankings in test_eval_metrics.py."""

import json
from pathlib import Path

import pytest

from matching.engine import load_problem
from matching.engine.evaluation import compare, ndcg_at, precision_at

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def evaluation():
    problem = load_problem(json.loads((DATA / "matching_eval.json").read_text(encoding="utf-8")))
    labels = json.loads((DATA / "matching_eval_labels.json").read_text(encoding="utf-8"))
    return problem, labels


def test_eval_set_is_large_enough_and_labels_refer_to_real_items(evaluation):
    problem, labels = evaluation
    assert len(problem.challenges) >= 30 and len(problem.startups) >= 100
    startups = {s.id for s in problem.startups}
    assert set(labels) == {c.id for c in problem.challenges}
    for grades in labels.values():
        assert grades and set(grades) <= startups and set(grades.values()) <= {1, 2}


def test_eval_engine_beats_bigram_and_random_baselines(evaluation):
    problem, labels = evaluation
    figures = compare(problem, labels)
    for metric in ("P@3", "nDCG@5", "recall@10"):
        assert figures["engine"][metric] > figures["bigram_tfidf"][metric], (metric, figures)
        assert figures["engine"][metric] > figures["random"][metric], (metric, figures)


def test_eval_metrics_on_a_known_ranking():
    grades = {"a": 2, "b": 1}
    assert precision_at(["a", "x", "b"], grades, 3) == pytest.approx(
        1.0
    )  # both correct ones are in the top 3
    assert ndcg_at(["a", "b", "x"], grades, 5) == pytest.approx(1.0)
    assert ndcg_at(["x", "y", "z"], grades, 5) == 0.0
    assert 0 < ndcg_at(["b", "a"], grades, 5) < 1
