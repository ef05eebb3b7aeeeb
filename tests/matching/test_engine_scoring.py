"""Engine internals through its public API: loading, the analyzer, shared words, factors, re-scoring, pruning."""

import copy
import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import matching.engine.core as core
from matching.engine import MatchSession, ProblemError, Startup, load_problem, propose
from matching.engine.core import FULL_PAIRS_LIMIT
from matching.engine.text import KeywordFinder, analyse, words

from .test_cli import PROBLEM

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / "tests" / "data" / "matching_eval.json"


class FlatTravel:
    """A stand-in travel model: every trip costs the same, so only the other factors decide."""

    def prefecture_place(self, code):
        return ("pref", code)

    def municipality_place(self, code):
        return ("muni", code)

    def cost_yen(self, origin, destination):
        return 10_000


def test_engine_imports_no_django():
    code = "import sys, matching.engine, matching.__main__; print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


def test_engine_analyzer_is_japanese_aware():
    terms = analyse("除雪車の位置情報をＡＩで　ｶﾒﾗ")
    assert "除雪" in terms and "位置" in terms and "情報" in terms and "車" in terms
    assert "ai" in terms  # NFKC + lower case
    assert "カメ" in terms  # half-width katakana normalised
    assert "の" not in terms and "を" not in terms  # hiragana particles separate runs


def test_engine_shared_words_are_words_not_fragments():
    finder = KeywordFinder()
    shared = finder.shared(
        "冬の除雪作業の効率化。除雪車の位置情報を市民に公開したい。",
        "除雪車の位置情報をリアルタイムに配信するGPSサービス。",
    )
    assert "除雪車" in shared and "位置情報" in shared
    # no character fragments and no word that is a piece of a longer shared word
    assert "雪作" not in shared and "位置" not in shared and "情報" not in shared
    assert all(len(word) >= 2 for word in shared)
    assert "見守り" in words("見守りを強化し、子どもの見守りタグを配る")


def test_engine_load_problem_defaults_and_normalisation():
    problem = load_problem(
        {
            "challenges": [
                {"id": 1, "title": "課題", "municipality_code": "３７２０１３", "themes": ["ＤＸ ", "dx"]}
            ],
            "startups": [{"id": "a", "name": "A", "prefecture_code": "37"}],
        }
    )
    challenge = problem.challenges[0]
    assert (
        challenge.municipality_code == "372013"
        and challenge.themes == ("dx",)
        and challenge.max_partners == 1
    )
    assert problem.startups[0].capacity == 2 and problem.top_k == 5 and problem.travel_budget_yen is None
    with pytest.raises(ProblemError, match=r"weights.text: must be ≥ 0"):
        load_problem({**PROBLEM, "weights": {"text": -1}})
    with pytest.raises(ProblemError, match=r"startup \"snowlogi\" has more fixed pairs than its capacity"):
        load_problem(
            {
                **PROBLEM,
                "fixed": [
                    {"startup": "snowlogi", "challenge": "sapporo-snow"},
                    {"startup": "snowlogi", "challenge": "kakogawa-watch"},
                ],
            }
        )


def test_engine_factors_are_in_unit_interval_and_weights_combine_them():
    problem = load_problem(json.loads(EVAL.read_text(encoding="utf-8")))
    session = MatchSession(problem)
    assert session.scores.min() >= 0 and session.scores.max() <= 1
    rng = np.random.default_rng(0)
    si = rng.integers(0, len(problem.startups), 300)
    cj = rng.integers(0, len(problem.challenges), 300)
    factors = session.scorer.pair_factors(si, cj)
    for values in factors.values():
        assert values.min() >= 0 and values.max() <= 1
    # the pair path and the block path agree
    assert np.allclose(session.scorer.combine(factors), session.scores[si, cj], atol=1e-5)


def test_engine_track_record_stage_and_preferences_move_the_score():
    base = copy.deepcopy(PROBLEM)
    base["applications"] = []
    for startup in base["startups"]:
        startup["track_record"] = []
        startup["stage"] = None
    first = MatchSession(load_problem(base), travel_model=FlatTravel())
    i, j = 1, 1  # mimamori × kakogawa-watch
    before = first.scorer.pair_factors(np.array([i]), np.array([j]))
    assert before["track_record"][0] == 0 and before["preference"][0] == 0

    richer = copy.deepcopy(base)
    richer["startups"][1]["track_record"] = [{"themes": ["見守り"], "outcome": "deployment"}]
    richer["startups"][1]["stage"] = "growth"
    richer["applications"] = [
        {"startup": "mimamori", "challenge": "kakogawa-watch", "text": "", "preference": 1, "grade": 1.0}
    ]
    second = MatchSession(load_problem(richer), travel_model=FlatTravel())
    factors = second.scorer.pair_factors(np.array([i]), np.array([j]))
    assert factors["track_record"][0] == pytest.approx(1.0)
    assert factors["preference"][0] == pytest.approx(1.0)  # first choice and the municipality's top grade
    assert factors["stage"][0] == before["stage"][0]  # (growth, unknown) is 0.5 like (unknown, unknown)
    assert float(second.scores[i, j]) == pytest.approx(float(second.scorer.combine(factors)[0]), abs=1e-6)
    assert float(second.scores[i, j]) > float(first.scores[i, j])


def test_engine_rescoring_one_startup_matches_a_fresh_computation():
    problem = load_problem(PROBLEM)
    session = MatchSession(problem)
    original = session.scores.copy()
    startup = problem.startups[2]
    edited = dataclasses.replace(
        startup,
        description="除雪車の位置情報を配信するサービス",
        themes=("除雪",),
        prefecture_code="01",
        stage="early",
        track_record=(),
    )
    new_row = session.rescore_startup(edited)
    assert new_row["sapporo-snow"] > float(original[2, 0])
    # the row equals the pair path for the edited profile, the other rows are untouched
    factors = session.scorer.pair_factors(np.array([2, 2]), np.array([0, 1]))
    assert np.allclose(session.scorer.combine(factors), session.scores[2], atol=1e-6)
    assert np.array_equal(session.scores[:2], original[:2])
    # editing back restores the original row exactly
    session.rescore_startup(startup)
    assert np.allclose(session.scores, original, atol=1e-6)
    with pytest.raises(ProblemError, match="not in this run"):
        session.rescore_startup(Startup(id="nobody", name="x", prefecture_code="13"))


def test_engine_pruned_candidates_keep_applications_fixed_and_top_pairs(monkeypatch):
    problem = load_problem(json.loads(EVAL.read_text(encoding="utf-8")))
    monkeypatch.setattr(core, "FULL_PAIRS_LIMIT", 100)  # force pruning on the 34 × 105 evaluation set
    session = MatchSession(problem)
    si, cj, all_pairs = session.candidates()
    assert not all_pairs and len(si) < session.scores.size
    pairs = set(zip(si.tolist(), cj.tolist(), strict=True))
    # applications are candidates unless they score below min_score (then no pair is)
    eligible = {(i, j) for i, j in session.applications if session.scores[i, j] >= problem.min_score}
    assert eligible and eligible <= pairs
    assert all(session.scores[i, j] >= problem.min_score for i, j in pairs - set(session.fixed))
    best = session.scores.argmax(axis=0)
    assert all(
        (int(best[j]), j) in pairs
        for j in range(len(problem.challenges))
        if session.scores[best[j], j] >= problem.min_score
    )
    assert FULL_PAIRS_LIMIT > 100


def test_engine_ranks_cover_applicants_and_scouted_startups_and_assigned_pairs_are_listed():
    problem = load_problem(json.loads(EVAL.read_text(encoding="utf-8")))
    result = propose(problem, language="ja")
    by_challenge = {}
    for proposal in result.proposals:
        by_challenge.setdefault(proposal.challenge, []).append(proposal)
    assert any(not p.applied for p in result.proposals if p.rank == 1)  # scouting: non-applicants ranked too
    for challenge in problem.challenges:
        listed = by_challenge[challenge.id]
        top = [p for p in listed if p.rank <= problem.top_k]
        assert len(top) == problem.top_k
        assert sum(p.assigned for p in listed) <= challenge.max_partners
        scores = [p.score for p in sorted(listed, key=lambda p: p.rank)]
        assert scores == sorted(scores, reverse=True)
    assert result.objective == pytest.approx(sum(p.score for p in result.assigned), abs=1e-4)
    assert result.gap == 0.0 and result.all_pairs_candidates


def test_engine_fixed_pair_is_assigned_even_when_it_scores_low():
    data = copy.deepcopy(PROBLEM)
    data["fixed"] = [{"startup": "mimamori", "challenge": "sapporo-snow"}]
    result = propose(load_problem(data), language="en")
    pair = next(p for p in result.proposals if p.startup == "mimamori" and p.challenge == "sapporo-snow")
    assert pair.assigned and pair.fixed and "an accepted pair" in pair.reason
    assert not any(
        p.assigned and p.challenge == "sapporo-snow" and p.startup != "mimamori" for p in result.proposals
    )


def test_engine_reason_for_an_exchange_that_would_lose_total_score():
    """Startup A is best for both challenges but has capacity 1; B is the runner-up on the second. The engine
    gives A the challenge where A's lead is largest, and says what taking the other pair would cost."""
    data = copy.deepcopy(PROBLEM)
    data["startups"][0]["capacity"] = 1
    result = propose(load_problem(data), language="en", travel_model=FlatTravel())
    lost = [p for p in result.proposals if not p.assigned and p.rank == 1]
    for proposal in lost:
        assert any(
            phrase in proposal.reason
            for phrase in (
                "went to challenges it fits better",
                "went to",
                "lowers the overall fit",
                "rejected in an earlier",
                "Nothing in the requirements",
            )
        ), proposal.reason


@pytest.mark.parametrize("shape", [(40, 7), (7, 40), (200, 30), (5, 5)])
def test_engine_top_k_is_exact_with_ties(shape):
    rng = np.random.default_rng(sum(shape))
    scores = rng.integers(0, 5, size=shape).astype(np.float32) / 4  # many ties
    for axis in (0, 1):
        for k in (1, 3, 50):
            rows, cols = core.top_k(scores, k, axis=axis)
            lines = scores.shape[1 - axis]
            for line in range(lines):
                values = scores[:, line] if axis == 0 else scores[line]
                expected = np.lexsort((np.arange(values.size), -values))[:k]
                got = rows[cols == line] if axis == 0 else cols[rows == line]
                assert np.array_equal(got, expected)
