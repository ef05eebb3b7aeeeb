"""The evaluation protocol's arithmetic on rankings whose figures are worked out by hand: P@3 with min(3, correct),
nDCG@5, MRR, recall@10, the P@3 split by pair kind, bootstrap intervals, the bigram TF-IDF baseline and ablations."""

import math

import numpy as np
import pytest

from matching.engine import FACTORS, Challenge, Problem, Startup
from matching.engine.evaluation import (
    METRICS,
    ablation_problems,
    add_differences,
    bigram_rankings,
    bootstrap_interval,
    challenge_metrics,
    evaluation_report,
    format_report,
    kind_precision_at,
    measure,
    ndcg_at,
    negatives_in_top,
    precision_at,
    recall_at,
    reciprocal_rank,
)


class FlatTravel:
    """Every trip costs the same: travel separates nobody."""

    def prefecture_place(self, code):
        return code

    def municipality_place(self, code):
        return code

    def cost_yen(self, origin, destination):
        return 10_000


# --------------------------------------------------------------------------------------------- P@3


def test_precision_at_3_with_one_correct_startup_divides_by_one():
    grades = {"a": 2}
    assert precision_at(["x", "a", "y"], grades) == 1.0
    assert precision_at(["x", "y", "z", "a"], grades) == 0.0


def test_precision_at_3_with_two_correct_startups_divides_by_two():
    grades = {"a": 2, "b": 1}
    assert precision_at(["a", "x", "y", "b"], grades) == 0.5
    assert precision_at(["b", "x", "a"], grades) == 1.0


def test_precision_at_3_with_more_correct_than_three_divides_by_three():
    grades = {"a": 2, "b": 2, "c": 1, "d": 1}
    assert precision_at(["a", "x", "b", "c"], grades) == pytest.approx(2 / 3)
    assert precision_at(["d", "c", "b"], grades) == 1.0


def test_precision_ignores_known_negatives_and_unlabelled_startups():
    grades = {"a": 2, "r": 0}
    assert precision_at(["r", "x", "y"], grades) == 0.0
    assert precision_at(["r", "a", "y"], grades) == 1.0
    assert precision_at(["x"], {"r": 0}) == 0.0  # nothing correct: nothing to find


# --------------------------------------------------------------------------------------------- nDCG, MRR, recall


def test_ndcg_at_5_by_hand():
    grades = {"a": 2, "b": 1}
    # a at position 2, b at position 4: (3 / log2 3 + 1 / log2 5) / (3 / log2 2 + 1 / log2 3)
    expected = (3 / math.log2(3) + 1 / math.log2(5)) / (3 + 1 / math.log2(3))
    assert ndcg_at(["x", "a", "y", "b"], grades) == pytest.approx(expected)
    assert ndcg_at(["a", "b", "x"], grades) == pytest.approx(1.0)
    # a correct startup at position 6 is outside the cut-off
    assert ndcg_at(["u", "v", "w", "x", "y", "a"], {"a": 2}) == 0.0


def test_reciprocal_rank_is_one_over_the_first_correct_position():
    grades = {"a": 2, "b": 1, "r": 0}
    assert reciprocal_rank(["r", "x", "b", "a"], grades) == pytest.approx(1 / 3)
    assert reciprocal_rank(["a"], grades) == 1.0
    assert reciprocal_rank(["r", "x"], grades) == 0.0


def test_recall_at_10_counts_correct_startups_in_the_first_ten():
    grades = {"a": 2, "b": 1, "c": 1}
    ranking = ["a", *[f"x{i}" for i in range(8)], "b", "c"]  # c is 11th
    assert recall_at(ranking, grades) == pytest.approx(2 / 3)
    assert challenge_metrics(ranking, grades) == {
        "P@3": pytest.approx(1 / 3),
        "nDCG@5": pytest.approx(3 / (3 + 1 / math.log2(3) + 1 / math.log2(4))),
        "MRR": 1.0,
        "recall@10": pytest.approx(2 / 3),
    }


def test_negatives_in_the_top_3_are_counted():
    grades = {"a": 2, "r1": 0, "r2": 0}
    assert negatives_in_top(["r1", "a", "r2", "x"], grades) == 2
    assert negatives_in_top(["a", "x", "y", "r1"], grades) == 0


# --------------------------------------------------------------------------------------------- kinds


def test_precision_split_by_pair_kind():
    labels = {"c1": {"a": 2, "b": 1, "c": 1}, "c2": {"d": 2}, "c3": {"e": 1}}
    kinds = {"c1": {"a": "shared", "b": "paraphrase", "c": "paraphrase"}, "c2": {"d": "shared"}}
    rankings = {"c1": ["a", "x", "b", "c"], "c2": ["x", "y", "z", "d"], "c3": ["e"]}
    assert kind_precision_at(rankings["c1"], labels["c1"], kinds["c1"], "shared") == 1.0
    # conditional: "a" (shared) is taken out, so b and c are 2nd and 3rd → 2/2; raw: only b in the top 3 → 1/2
    assert kind_precision_at(rankings["c1"], labels["c1"], kinds["c1"], "paraphrase") == 1.0
    assert (
        kind_precision_at(rankings["c1"], labels["c1"], kinds["c1"], "paraphrase", conditional=False) == 0.5
    )
    assert kind_precision_at(rankings["c3"], labels["c3"], {}, "shared") is None
    assert kind_precision_at(rankings["c3"], labels["c3"], {}, "shared", conditional=False) is None

    result = measure(rankings, labels, kinds=kinds, resamples=200)
    # shared: c1 1.0, c2 0.0 → 0.5 over two challenges; paraphrase: c1 only, 1.0 (raw 0.5); c3 has no kind
    assert result["kinds"]["shared"]["challenges"] == 2
    assert result["kinds"]["shared"]["mean"] == pytest.approx(0.5)
    assert result["kinds"]["paraphrase"]["challenges"] == 1
    assert result["kinds"]["paraphrase"]["mean"] == pytest.approx(1.0)
    assert result["kinds_raw"]["shared"]["mean"] == pytest.approx(0.5)
    assert result["kinds_raw"]["paraphrase"]["mean"] == pytest.approx(0.5)
    assert result["challenges"] == 3
    assert result["metrics"]["P@3"]["mean"] == pytest.approx((2 / 3 + 0 + 1) / 3)


PERFECT_GRADES = {"s": 2, "p1": 2, "p2": 1, "p3": 1}
PERFECT_KINDS = {"s": "shared", "p1": "paraphrase", "p2": "paraphrase", "p3": "paraphrase"}


@pytest.mark.parametrize(
    "ranking",
    [["s", "p1", "p2", "p3", "x"], ["p1", "p2", "p3", "s", "x"], ["p2", "s", "p3", "p1", "x"]],
)
def test_a_perfect_ranking_scores_one_for_both_kinds(ranking):
    # every correct startup above every other one: no ranking could do better for either kind
    for kind in ("shared", "paraphrase"):
        assert kind_precision_at(ranking, PERFECT_GRADES, PERFECT_KINDS, kind) == 1.0
    assert precision_at(ranking, PERFECT_GRADES) == 1.0


def test_the_raw_split_shows_a_gap_on_a_perfect_ranking():
    # 1 shared + 3 paraphrase, the shared one first: raw paraphrase P@3 = 2/3 although nothing could rank better
    shared_first = ["s", "p1", "p2", "p3", "x"]
    raw = {
        k: kind_precision_at(shared_first, PERFECT_GRADES, PERFECT_KINDS, k, conditional=False)
        for k in ("shared", "paraphrase")
    }
    assert raw == {"shared": 1.0, "paraphrase": pytest.approx(2 / 3)}
    # the paraphrases first: raw shared P@3 = 0 (the shared startup is 4th, behind three correct ones)
    paraphrase_first = ["p1", "p2", "p3", "s", "x"]
    assert (
        kind_precision_at(paraphrase_first, PERFECT_GRADES, PERFECT_KINDS, "shared", conditional=False) == 0.0
    )
    assert kind_precision_at(paraphrase_first, PERFECT_GRADES, PERFECT_KINDS, "shared") == 1.0


def test_conditional_kind_precision_by_hand():
    grades = {"s": 2, "p1": 2, "p2": 1, "r": 0}
    kinds = {"s": "shared", "p1": "paraphrase", "p2": "paraphrase"}
    # s, x, p1, y, p2: paraphrase conditional → x, p1, y (p2 4th) = 1/2; raw → only p1 in the top 3 = 1/2 (same)
    ranking = ["s", "x", "p1", "y", "p2"]
    assert kind_precision_at(ranking, grades, kinds, "paraphrase") == 0.5
    assert kind_precision_at(ranking, grades, kinds, "paraphrase", conditional=False) == 0.5
    # s, p1, x, p2: conditional → p1, x, p2 = 2/2; raw → p1 only = 1/2 (s takes a slot)
    ranking = ["s", "p1", "x", "p2"]
    assert kind_precision_at(ranking, grades, kinds, "paraphrase") == 1.0
    assert kind_precision_at(ranking, grades, kinds, "paraphrase", conditional=False) == 0.5
    # p1, p2, x, s: shared conditional → x, s = 1/1; raw → s 4th = 0
    ranking = ["p1", "p2", "x", "s"]
    assert kind_precision_at(ranking, grades, kinds, "shared") == 1.0
    assert kind_precision_at(ranking, grades, kinds, "shared", conditional=False) == 0.0
    # a known negative (grade 0) and unlabelled startups are wrong answers: they keep their slots
    ranking = ["r", "x", "y", "s"]
    assert kind_precision_at(ranking, grades, kinds, "shared") == 0.0
    # p1 is taken out, r and x stay: s moves from 4th to 3rd → 1/1 (raw 0)
    ranking = ["p1", "r", "x", "s"]
    assert kind_precision_at(ranking, grades, kinds, "shared") == 1.0
    assert kind_precision_at(ranking, grades, kinds, "shared", conditional=False) == 0.0


def test_a_correct_startup_without_a_kind_is_taken_out_too():
    grades = {"s": 2, "p": 1, "u": 1}
    kinds = {"s": "shared", "p": "paraphrase"}  # "u" is correct but has no kind
    ranking = ["u", "p", "x", "y", "s"]
    # shared: u and p are out → x, y, s: s is 3rd → 1/1; raw: s is 5th → 0
    assert kind_precision_at(ranking, grades, kinds, "shared") == 1.0
    assert kind_precision_at(ranking, grades, kinds, "shared", conditional=False) == 0.0


# --------------------------------------------------------------------------------------------- bootstrap


def test_bootstrap_interval_contains_the_mean_and_shrinks_with_more_challenges():
    few = np.array([0.0, 1.0, 0.5, 1.0, 0.0, 0.25, 0.75, 1.0])
    many = np.tile(few, 50)
    low_few, high_few = bootstrap_interval(few)
    low_many, high_many = bootstrap_interval(many)
    assert low_few <= few.mean() <= high_few
    assert low_many <= many.mean() <= high_many
    assert (high_many - low_many) < (high_few - low_few) / 4  # ≈ 1/√50 of the width
    # fixed seed: the same interval again; a constant has no spread
    assert tuple(bootstrap_interval(few)) == (low_few, high_few)
    assert tuple(bootstrap_interval(np.full(10, 0.4))) == pytest.approx((0.4, 0.4))


def test_bootstrap_resamples_challenges_together_across_metrics():
    rng = np.random.default_rng(7)
    values = rng.random((30, len(METRICS)))
    together = bootstrap_interval(values)
    for k in range(len(METRICS)):
        assert tuple(together[:, k]) == pytest.approx(tuple(bootstrap_interval(values[:, k])))


def test_measure_reports_intervals_around_every_mean():
    labels = {f"c{i}": {"a": 2} for i in range(12)}
    # "a" first in half the challenges, third in the others
    rankings = {c: (["a", "x", "y"] if i % 2 else ["x", "y", "a"]) for i, c in enumerate(labels)}
    result = measure(rankings, labels)
    mrr = result["metrics"]["MRR"]
    assert mrr["mean"] == pytest.approx((1 + 1 / 3) / 2)
    assert mrr["low"] < mrr["mean"] < mrr["high"]
    assert result["metrics"]["P@3"] == {"mean": 1.0, "low": 1.0, "high": 1.0}
    assert result["per_challenge"]["c0"]["MRR"] == pytest.approx(1 / 3)


def test_differences_from_the_engine_are_paired_per_challenge():
    labels = {"c1": {"a": 2}, "c2": {"a": 2}}
    engine = measure({"c1": ["a", "x"], "c2": ["x", "a"]}, labels)  # MRR 1 and 1/2
    other = measure({"c1": ["x", "a"], "c2": ["x", "a"]}, labels)  # MRR 1/2 and 1/2
    results = {"engine": engine, "other": other}
    add_differences(results, reference="engine")
    assert "vs_engine" not in engine
    mrr = other["vs_engine"]["MRR"]
    # per challenge −1/2 and 0: mean −1/4; resampling two challenges gives −1/2, −1/4 or 0
    assert mrr == {"mean": pytest.approx(-0.25), "low": pytest.approx(-0.5), "high": pytest.approx(0.0)}
    assert other["vs_engine"]["recall@10"] == {"mean": 0.0, "low": 0.0, "high": 0.0}


# --------------------------------------------------------------------------------------------- baselines, ablations


def _problem() -> Problem:
    texts = [
        ("除雪車の位置情報を市民に届けたい", "除雪車がどこを走っているかを地図で知らせたい。"),
        ("妊婦健診を遠隔で受けたい", "町に産婦人科がなく、妊婦は片道二時間かけて通院している。"),
        ("観光客の人の流れを知りたい", "観光地の混雑を分析して周遊を促したい。"),
    ]
    challenges = tuple(
        Challenge(id=f"c{j}", title=t, description=d, municipality_code="372013", themes=(f"t{j}",))
        for j, (t, d) in enumerate(texts)
    )
    startups = [
        Startup(id="near", name="近い", description="除雪の位置情報と観光の混雑", prefecture_code="37"),
        Startup(
            id="other", name="他", description="農業用のドローンで農薬を散布する。", prefecture_code="37"
        ),
    ]
    # an exact copy of each challenge's text, listed last so that input order cannot help it
    startups += [
        Startup(id=f"copy{j}", name="写し", description=f"{c.title}\n{c.description}", prefecture_code="37")
        for j, c in enumerate(challenges)
    ]
    return Problem(challenges=challenges, startups=tuple(startups))


def test_bigram_baseline_ranks_an_exact_copy_first():
    rankings = bigram_rankings(_problem())
    for j in range(3):
        assert rankings[f"c{j}"][0] == f"copy{j}"


def test_ablations_switch_each_factor_off_and_on_alone():
    problem = _problem()
    variants = ablation_problems(problem)
    assert set(variants) == {f"without_{f}" for f in FACTORS} | {f"only_{f}" for f in FACTORS}
    first, other = FACTORS[0], FACTORS[1]
    assert getattr(variants[f"without_{first}"].weights, first) == 0
    assert getattr(variants[f"without_{first}"].weights, other) == getattr(problem.weights, other)
    alone = variants[f"only_{first}"].weights.as_dict()
    assert alone[first] == 1.0 and sum(alone.values()) == 1.0
    assert variants[f"only_{first}"].challenges == problem.challenges


def test_report_measures_every_ranking_per_part_and_formats_a_table():
    problem = _problem()
    labels = {"c0": {"copy0": 2, "near": 1}, "c1": {"copy1": 2, "other": 0}, "c2": {"copy2": 2, "gone": 1}}
    split = {"development": ["c0", "c1"], "test": ["c2"]}
    report = evaluation_report(problem, labels, split=split, travel_model=FlatTravel(), random_runs=5)
    assert set(report["parts"]) == {"all", "development", "test"}
    assert report["left_out"] == {"challenges": 0, "pairs": 1}  # "gone" is not a startup of the problem
    everything = report["parts"]["all"]
    assert {"engine", "bigram_tfidf", "random"} <= set(everything)
    assert {f"without_{f}" for f in FACTORS} | {f"only_{f}" for f in FACTORS} <= set(everything)
    assert everything["bigram_tfidf"]["metrics"]["MRR"]["mean"] == 1.0
    assert everything["engine"]["challenges"] == 3 and report["parts"]["test"]["engine"]["challenges"] == 1
    table = format_report(report)
    assert "### all (3 challenges)" in table and "### test (1 challenges)" in table
    assert "| character-bigram TF-IDF | 1.000 [1.000, 1.000] |" in table
    assert "random (mean of 5 shuffles)" in table
    assert "95 % percentile bootstrap intervals (2,000 resamples" in table
    assert "| ranking | Δ P@3 | Δ nDCG@5 | Δ MRR | Δ recall@10 |" in table
    assert set(everything["bigram_tfidf"]["vs_engine"]) == set(METRICS)


def test_report_table_shows_the_conditional_and_the_raw_split_by_kind():
    problem = _problem()
    labels = {"c0": {"copy0": 2, "near": 1}, "c1": {"copy1": 2}, "c2": {"copy2": 2}}
    kinds = {
        "c0": {"copy0": "shared", "near": "paraphrase"},
        "c1": {"copy1": "shared"},
        "c2": {"copy2": "shared"},
    }
    report = evaluation_report(
        problem, labels, kinds=kinds, travel_model=FlatTravel(), random_runs=5, ablations=False, resamples=200
    )
    engine = report["parts"]["all"]["engine"]
    assert set(engine["kinds"]) == set(engine["kinds_raw"]) == {"shared", "paraphrase"}
    header = next(line for line in format_report(report).splitlines() if line.startswith("| ranking | P@3"))
    assert header.endswith(
        "| P@3 paraphrase (challenges) | P@3 shared (challenges) | raw P@3 paraphrase | raw P@3 shared |"
    )
