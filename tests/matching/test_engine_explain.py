"""Reasons an official can file (matching/engine/explain.py): requirement ↔ capability words, track record with the
fiscal year, both sides' preferences, conflicts, the alternatives considered and why each ranked lower, why a pair
lost — in Japanese and English, and never with a bare factor number in the sentences."""

import copy
import json
import re
from dataclasses import dataclass

import pytest

from matching.engine import explain as ex
from matching.engine import load_problem, propose

from .test_cli import PROBLEM

DECIMAL = re.compile(r"\d[.．]\d")


@dataclass
class FakeEvidence:
    """A stand-in for the semantic module's evidence (scorer.semantic.evidence(j, i, limit=5))."""

    pairs: list
    sentences: tuple | None


EVIDENCE = FakeEvidence(
    pairs=[("除雪車", "除雪車両", 0.91), ("位置情報", "GPS", 0.74)],
    sentences=(
        "除雪車がいまどこを走っているかを市民に知らせたい。",
        "除雪車両の位置をGPSで集め、地図で公開します。",
        0.81,
    ),
)
CHOSEN = {
    "text": 0.30,
    "themes": 0.20,
    "track_record": 0.12,
    "travel": 0.09,
    "stage": 0.03,
    "preference": 0.15,
}


def assigned_facts(**extra):
    alternatives = [
        ex.Candidate(
            startup="alpha",
            name="株式会社アルファ",
            contributions={**CHOSEN, "text": 0.08, "track_record": 0.0, "preference": 0.0},
            values={"text": 0.2, "track_record": 0.0, "preference": 0.0},
            alternate=1,
        ),
        ex.Candidate(
            startup="beta",
            name="株式会社ベータ",
            contributions=CHOSEN,
            values={},
            applied=True,
            alternate=2,
            obstacles=["capacity"],
        ),
        ex.Candidate(
            startup="gamma", name="株式会社ガンマ", contributions=CHOSEN, values={}, obstacles=["budget"]
        ),
    ]
    return ex.explanation(
        startup="株式会社スノーテック",
        challenge="除雪車の位置情報を市民に届けたい",
        assigned=True,
        evidence=EVIDENCE,
        records=[
            ex.Record("除雪車GPS実証", ("除雪",), "poc", "高松市", 2024),
            ex.Record("観光アプリ", ("観光",), "deployment", "札幌市", 2020),
            ex.Record("除雪運行管理", ("除雪",), "contract", "札幌市", 2019),
        ],
        challenge_themes=("除雪", "行政dx"),
        applied=True,
        shortlisted=True,
        preference=1,
        grade=1.0,
        travel_cost_yen=12_340,
        contributions=CHOSEN,
        alternatives=alternatives,
        **extra,
    )


def test_assigned_reason_names_requirement_and_capability_words_in_both_languages():
    facts = assigned_facts()
    assert facts["requirements"][:2] == [
        {"requirement": "除雪車", "capability": "除雪車両", "similarity": 0.91},
        {"requirement": "位置情報", "capability": "GPS", "similarity": 0.74},
    ]
    ja, en = ex.render(facts, "ja"), ex.render(facts, "en")
    assert ja.startswith("株式会社スノーテックを本課題の相手先として提案する。")
    assert "課題の要件のうち「除雪車」は同社の「除雪車両」に近い、「位置情報」は同社の「GPS」に近い。" in ja
    assert (
        "“除雪車” is close to the startup's “除雪車両”" in en
        and "“位置情報” is close to the startup's “GPS”" in en
    )
    # the closest sentence pair, quoted
    assert "課題の「除雪車がいまどこを走っているかを市民に知らせたい。」と同社の「除雪車両の位置" in ja
    assert "the challenge's “除雪車がいまどこを走っているかを市民に知らせたい。” and the startup's" in en


def test_track_record_entries_in_the_challenges_themes_with_the_fiscal_year():
    facts = assigned_facts()
    # only the challenge's themes; a contract before a trial
    assert [r["title"] for r in facts["track_record"]] == ["除雪運行管理", "除雪車GPS実証"]
    ja, en = ex.render(facts, "ja"), ex.render(facts, "en")
    assert (
        "令和元年度 札幌市「除雪運行管理」（契約、除雪）" in ja
        and "令和6年度 高松市「除雪車GPS実証」（実証実験、除雪）" in ja
    )
    assert "FY2019, 札幌市: “除雪運行管理” (contract; 除雪)" in en and "FY2024, 高松市: “除雪車GPS実証”" in en
    assert "観光アプリ" not in ja
    assert ex.fiscal_year_label(2017, "ja") == "平成29年度" and ex.fiscal_year_label(2017, "en") == "FY2017"
    assert ex.ordinal_text(3, "ja") == "第3補欠" and ex.ordinal_text(4, "en") == "alternate no. 4"


def test_both_sides_preferences_in_words():
    ja, en = ex.render(assigned_facts(), "ja"), ex.render(assigned_facts(), "en")
    assert "同社は第1希望として応募した（自治体の選考を通過）。自治体の評価は「強く推したい」。" in ja
    assert "The startup applied as first choice and was shortlisted by the municipality;" in en
    assert "the municipality's grade: strongly for." in en
    scouted = ex.explanation(startup="A", challenge="C", assigned=False, grade=-0.5, lost={"code": "zero"})
    assert "同社は応募していない（スカウト候補）。自治体の評価は「推さない」。" in ex.render(scouted, "ja")
    assert "The startup did not apply (scouted); the municipality's grade: against." in ex.render(
        scouted, "en"
    )
    third = ex.explanation(startup="A", challenge="C", assigned=False, applied=True, preference=3, lost=None)
    assert "第3希望として応募した" in ex.render(third, "ja") and "applied as third choice" in ex.render(
        third, "en"
    )


def test_alternatives_are_named_each_with_why_it_ranked_lower():
    facts = assigned_facts()
    assert [(a["name"], a["alternate"], a["why"]) for a in facts["alternatives"]] == [
        ("株式会社アルファ", 1, ["requirements", "not_applied"]),
        ("株式会社ベータ", 2, ["capacity"]),
        ("株式会社ガンマ", None, ["budget"]),
    ]
    ja, en = ex.render(facts, "ja"), ex.render(facts, "en")
    assert (
        "ほかの候補のうち、株式会社アルファ（第1補欠）は要件との一致が弱く、応募していないため、"
        "株式会社ベータ（第2補欠）は受入枠が埋まっているため、株式会社ガンマは旅費予算に収まらないため、"
        "それぞれ下位とした。"
    ) in ja
    assert (
        "Other candidates ranked lower: 株式会社アルファ (first alternate): a weaker fit with the requirements"
        in en
    )
    assert "株式会社ベータ (second alternate): its capacity is taken by other matches" in en
    assert "株式会社ガンマ: does not fit the travel budget." in en


def test_why_lower_follows_the_largest_factor_differences_in_words():
    chosen = {"text": 0.2, "themes": 0.2, "track_record": 0.15, "travel": 0.1}
    other = {"text": 0.19, "themes": 0.05, "track_record": 0.0, "travel": 0.1}
    assert ex.weaker_codes(chosen, other, {"track_record": 0.0}, other_applied=True) == [
        "themes",
        "no_track_record",
    ]
    some = {**other, "track_record": 0.05}
    assert ex.weaker_codes(chosen, some, {"track_record": 0.3}, other_applied=True)[1] == "less_track_record"
    # differences below a hundredth of the score are not reasons
    assert ex.weaker_codes(chosen, {**chosen, "text": 0.195}, {}, other_applied=True) == ["overall"]


def test_a_conflict_of_interest_is_an_exclusion_with_its_reason():
    lost = ex.why_not(
        score=0.6,
        cost_yen=5_000,
        contributions={},
        values={},
        applied=True,
        excluded=False,
        conflict={"reason": "代表者が市の委員"},
        capacity=2,
        slots=1,
        startup_holders=None,
        challenge_holders=None,
        budget_left=None,
    )
    facts = ex.explanation(
        startup="株式会社ガンマ",
        challenge="C",
        assigned=False,
        conflict={"reason": "代表者が市の委員"},
        lost=lost,
    )
    assert facts["conflict"] == {"reason": "代表者が市の委員"}
    assert "利益相反の申告により除外（理由: 代表者が市の委員）。" in ex.render(facts, "ja")
    assert "Excluded because a conflict of interest was declared (reason: 代表者が市の委員)." in ex.render(
        facts, "en"
    )


def test_an_unassigned_pair_says_what_it_lost_to_in_words():
    winner = ex.Holder("株式会社スノーテック", 0.8, 1_000, {"text": 0.3, "themes": 0.2, "track_record": 0.1})
    lost = ex.why_not(
        score=0.4,
        cost_yen=84_200,
        contributions={"text": 0.1, "themes": 0.2, "track_record": 0.0},
        values={"track_record": 0.0},
        applied=True,
        excluded=False,
        conflict=None,
        capacity=2,
        slots=1,
        startup_holders=None,
        challenge_holders=[winner],
        budget_left=None,
    )
    assert lost == {
        "code": "challenge_full",
        "slots": 1,
        "others": ["株式会社スノーテック"],
        "why": ["requirements", "no_track_record"],
    }
    facts = ex.explanation(startup="汎用IoT", challenge="C", assigned=False, alternate=1, lost=lost)
    ja, en = ex.render(facts, "ja"), ex.render(facts, "en")
    assert ja.startswith(
        "汎用IoTは本課題の第1補欠とする。本課題の枠（1社）は、より適合する株式会社スノーテックに充てた"
    )
    assert "（同社は要件との一致が弱く、同テーマの実績がないため）" in ja
    assert "The challenge's slots (1) went to 株式会社スノーテック, a better fit" in en
    budget = ex.why_not(
        score=0.4,
        cost_yen=90_000,
        contributions={},
        values={},
        applied=False,
        excluded=False,
        conflict=None,
        capacity=2,
        slots=2,
        startup_holders=None,
        challenge_holders=None,
        budget_left=30_000,
    )
    assert budget == {"code": "budget", "cost": 90_000, "left": 30_000, "over": 60_000}
    facts = ex.explanation(startup="A", challenge="C", assigned=False, lost=budget)
    assert "旅費予算に収まらない（この組合せは¥90,000、予算の残りは¥30,000）。" in ex.render(facts, "ja")


def test_sentences_carry_no_factor_numbers_and_the_facts_are_json():
    facts = assigned_facts()
    json.dumps(facts, ensure_ascii=False)
    for language in ex.LANGUAGES:
        text = ex.render(facts, language)
        assert not DECIMAL.search(text), text
        assert "¥12,340" in text


def test_without_semantic_evidence_the_shared_words_are_the_pairs():
    facts = ex.explanation(
        startup="A", challenge="C", assigned=False, keywords=["除雪車", "位置情報"], lost=None
    )
    assert facts["requirements"][0] == {"requirement": "除雪車", "capability": "除雪車", "similarity": 1.0}
    assert facts["sentences"] is None
    assert "課題の要件のうち「除雪車」、「位置情報」が同社の技術・サービスと一致する。" in ex.render(
        facts, "ja"
    )


@pytest.mark.parametrize("language", ex.LANGUAGES)
def test_every_proposal_of_a_run_is_explained_without_bare_numbers(language):
    data = copy.deepcopy(PROBLEM)
    data["travel_budget_yen"] = 60_000
    result = propose(load_problem(data), language=language, languages=ex.LANGUAGES)
    for proposal in result.proposals:
        assert set(proposal.reasons) == set(ex.LANGUAGES)
        for text in proposal.reasons.values():
            assert not DECIMAL.search(text), text
        json.dumps(proposal.explanation, ensure_ascii=False)
    snow = next(p for p in result.proposals if p.challenge == "sapporo-snow" and p.startup == "snowlogi")
    assert snow.assigned
    # the semantic module's evidence: the challenge's words aligned with the startup's
    assert "除雪" in [pair["requirement"] for pair in snow.explanation["requirements"]]
    assert "「除雪」" in snow.reasons["ja"] and "“除雪”" in snow.reasons["en"]
    # the runner-up is named with a reason in words
    named = {a["name"]: a["why"] for a in snow.explanation["alternatives"]}
    assert "汎用IoT" in named and named["汎用IoT"]
    assert "汎用IoT" in snow.reasons["ja"] and "ranked lower" in snow.reasons["en"]
