"""`python -m matching propose INPUT.json [-o OUTPUT.json]`: the open format end to end, and bad input → status 2."""

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from matching.__main__ import main

ROOT = Path(__file__).resolve().parents[2]

PROBLEM = {
    "challenges": [
        {
            "id": "sapporo-snow",
            "title": "除雪車の位置情報を市民に届けたい",
            "description": "冬の除雪作業について問い合わせが多い。除雪車の位置を市民がスマートフォンで確かめられるようにしたい。",
            "themes": ["除雪", "行政DX"],
            "municipality_code": "011002",
            "max_partners": 1,
            "budget_yen": None,
            "stage": "poc",
        },
        {
            "id": "kakogawa-watch",
            "title": "子どもと高齢者の見守り",
            "description": "ビーコンタグで子どもや高齢者の位置を家族に知らせたい。",
            "themes": ["見守り"],
            "municipality_code": "282103",
            "max_partners": 1,
            "stage": None,
        },
    ],
    "startups": [
        {
            "id": "snowlogi",
            "name": "スノーロジ",
            "description": "除雪車にGPSを載せ、位置情報をクラウドの地図に表示する除雪運行管理サービス。",
            "themes": ["除雪"],
            "prefecture_code": "01",
            "capacity": 1,
            "stage": "early",
            "track_record": [{"themes": ["除雪"], "outcome": "contract"}],
        },
        {
            "id": "mimamori",
            "name": "ミマモリタグ",
            "description": "ビーコンタグで子どもや高齢者の見守りを行うサービス。",
            "themes": ["見守り"],
            "prefecture_code": "28",
            "capacity": 1,
            "stage": "growth",
            "track_record": [],
        },
        {
            "id": "generic",
            "name": "汎用IoT",
            "description": "センサーとクラウドで自治体の課題を解決します。",
            "themes": ["行政DX"],
            "prefecture_code": "13",
            "capacity": 2,
            "stage": None,
        },
    ],
    "applications": [
        {"startup": "generic", "challenge": "sapporo-snow", "text": "除雪にもIoTを", "shortlisted": False}
    ],
    "exclusions": [],
    "fixed": [],
    "weights": {
        "text": 0.35,
        "themes": 0.2,
        "travel": 0.1,
        "track_record": 0.15,
        "stage": 0.05,
        "preference": 0.15,
    },
    "travel_budget_yen": None,
    "top_k": 3,
}


def run(tmp_path, data, *extra, raw=None):
    source = tmp_path / "input.json"
    source.write_text(raw if raw is not None else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    target = tmp_path / "output.json"
    process = subprocess.run(
        [sys.executable, "-m", "matching", "propose", str(source), "-o", str(target), *extra],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    output = json.loads(target.read_text(encoding="utf-8")) if target.exists() else None
    return process, output


def test_cli_writes_the_output_document(tmp_path):
    process, output = run(tmp_path, PROBLEM)
    assert process.returncode == 0, process.stderr
    assert set(output) == {"proposals", "objective", "budget_used_yen", "durations_s"}
    assert {"load", "features", "scoring", "candidates", "assignment", "explanations", "total"} <= set(
        output["durations_s"]
    )
    proposal = next(
        p for p in output["proposals"] if p["challenge"] == "sapporo-snow" and p["startup"] == "snowlogi"
    )
    assert set(proposal) == {
        "challenge",
        "startup",
        "score",
        "rank",
        "assigned",
        "travel_cost_yen",
        "factors",
        "keywords",
        "reason",
    }
    assert proposal["rank"] == 1 and proposal["assigned"] is True
    assert set(proposal["factors"]) == {"text", "themes", "travel", "track_record", "stage", "preference"}
    for factor in proposal["factors"].values():
        assert 0 <= factor["value"] <= 1
        assert factor["contribution"] == pytest.approx(factor["value"] * factor["weight"], abs=1e-5)
    assert proposal["score"] == pytest.approx(
        sum(f["contribution"] for f in proposal["factors"].values()), abs=1e-5
    )
    assert "除雪車" in proposal["keywords"] and "位置情報" in proposal["keywords"]
    assert "割当" in proposal["reason"] and "¥" in proposal["reason"]
    # Sapporo startup to Sapporo is a local trip; Hyogo to Sapporo is a flight.
    assert proposal["travel_cost_yen"] < 10_000
    far = next(
        p for p in output["proposals"] if p["challenge"] == "sapporo-snow" and p["startup"] == "mimamori"
    )
    assert far["travel_cost_yen"] > 40_000
    assigned = [p for p in output["proposals"] if p["assigned"]]
    assert output["objective"] == pytest.approx(sum(p["score"] for p in assigned), abs=1e-4)
    assert output["budget_used_yen"] == sum(p["travel_cost_yen"] for p in assigned)
    # at most top_k per challenge plus the assigned pairs, ranks 1..n per challenge
    for challenge in ("sapporo-snow", "kakogawa-watch"):
        ranks = sorted(p["rank"] for p in output["proposals"] if p["challenge"] == challenge)
        assert ranks == list(range(1, len(ranks) + 1)) and len(ranks) <= 3


def test_cli_english_reasons_and_stdout(tmp_path):
    source = tmp_path / "input.json"
    source.write_text(json.dumps(PROBLEM, ensure_ascii=False), encoding="utf-8")
    process = subprocess.run(
        [sys.executable, "-m", "matching", "propose", str(source), "--language", "en"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert process.returncode == 0, process.stderr
    output = json.loads(process.stdout)
    reasons = [p["reason"] for p in output["proposals"]]
    assert any(r.startswith("Assigned: score") for r in reasons)
    assert any(r.startswith("Not assigned: score") for r in reasons)


def test_cli_explains_a_lost_pair_with_the_margin(tmp_path):
    data = copy.deepcopy(PROBLEM)
    process, output = run(tmp_path, data)
    lost = next(
        p for p in output["proposals"] if p["challenge"] == "sapporo-snow" and p["startup"] == "generic"
    )
    winner = next(
        p for p in output["proposals"] if p["challenge"] == "sapporo-snow" and p["startup"] == "snowlogi"
    )
    assert lost["assigned"] is False
    assert "スタートアップ（スノーロジ" in lost["reason"]
    assert f"差 {winner['score'] - lost['score']:.3f}" in lost["reason"]


def test_cli_budget_and_exclusion_reasons(tmp_path):
    data = copy.deepcopy(PROBLEM)
    data["exclusions"] = [{"startup": "mimamori", "challenge": "kakogawa-watch"}]
    data["travel_budget_yen"] = 2_000
    process, output = run(tmp_path, data, "--language", "en")
    assert process.returncode == 0, process.stderr
    excluded = next(
        p for p in output["proposals"] if p["challenge"] == "kakogawa-watch" and p["startup"] == "mimamori"
    )
    assert excluded["assigned"] is False and "Excluded pair" in excluded["reason"]
    assert output["budget_used_yen"] <= 2_000
    over = [p for p in output["proposals"] if "Travel budget" in p["reason"]]
    assert over, [p["reason"] for p in output["proposals"]]
    assert all(not p["assigned"] for p in over)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["startups"][1].__setitem__("capacity", -1),
            'startups[1] (id "mimamori"): capacity must be ≥ 0',
        ),
        (lambda d: d["startups"][2].__setitem__("id", "snowlogi"), 'startups[2]: duplicate id "snowlogi"'),
        (
            lambda d: d["challenges"][1].__setitem__("id", "sapporo-snow"),
            'challenges[1]: duplicate id "sapporo-snow"',
        ),
        (
            lambda d: d["challenges"][0].__setitem__("municipality_code", "011001"),
            "challenges[0] (id \"sapporo-snow\"): municipality_code '011001' is not a valid local-government code",
        ),
        (
            lambda d: d["applications"][0].__setitem__("challenge", "nowhere"),
            'applications[0]: unknown challenge id "nowhere"',
        ),
        (
            lambda d: d["fixed"].append({"startup": "ghost", "challenge": "sapporo-snow"}),
            'fixed[0]: unknown startup id "ghost"',
        ),
        (lambda d: d.__setitem__("colour", "blue"), "input: unknown key(s) 'colour'"),
        (lambda d: d["weights"].__setitem__("txt", 1), "weights: unknown key(s) 'txt'"),
        (
            lambda d: d["challenges"][0].__setitem__("deadline", "2025-01-01"),
            "challenges[0] (id \"sapporo-snow\"): unknown key(s) 'deadline'",
        ),
        (
            lambda d: d["startups"][0].__setitem__("prefecture_code", "48"),
            'startups[0] (id "snowlogi"): prefecture_code',
        ),
        (
            lambda d: d.update(
                fixed=[{"startup": "mimamori", "challenge": "sapporo-snow"}],
                exclusions=[{"startup": "mimamori", "challenge": "sapporo-snow"}],
            ),
            'fixed[0]: startup "mimamori" / challenge "sapporo-snow" is also excluded',
        ),
        (
            lambda d: d.update(
                fixed=[{"startup": "mimamori", "challenge": "sapporo-snow"}], travel_budget_yen=1000
            ),
            "fixed: the fixed pairs alone cost",
        ),
        # the factor formerly called 'applied' is 'preference'; the old name is refused, not ignored
        (lambda d: d["weights"].__setitem__("applied", 0.1), "weights: unknown key(s) 'applied'"),
        (
            lambda d: d.update(conflicts=[{"startup": "snowlogi", "challenge": "c-9", "reason": "役員兼任"}]),
            'conflicts[0] (startup "snowlogi", challenge "c-9"): unknown challenge',
        ),
        (
            lambda d: d.update(conflicts=[{"startup": "s-1", "challenge": "sapporo-snow"}]),
            'conflicts[0] (startup "s-1", challenge "sapporo-snow"): unknown startup',
        ),
        (
            lambda d: d.update(conflicts=[{"startup": "snowlogi", "challenge": "sapporo-snow", "reason": 3}]),
            'conflicts[0] (startup "snowlogi", challenge "sapporo-snow"): reason must be a string',
        ),
        (
            lambda d: d.update(conflicts=[{"startup": "snowlogi", "reason": "x"}]),
            "conflicts[0] (startup \"snowlogi\"): missing key(s) 'challenge'",
        ),
        (
            lambda d: d.update(
                conflicts=[
                    {"startup": "generic", "challenge": "sapporo-snow", "reason": "親会社が同じ"},
                    {"startup": "generic", "challenge": "sapporo-snow", "reason": "again"},
                ]
            ),
            'conflicts[1] (startup "generic", challenge "sapporo-snow"): the same pair is already declared at'
            " conflicts[0]",
        ),
        (
            lambda d: d.update(
                fixed=[{"startup": "generic", "challenge": "sapporo-snow"}],
                conflicts=[{"startup": "generic", "challenge": "sapporo-snow", "reason": "親会社が同じ"}],
            ),
            'fixed[0]: startup "generic" / challenge "sapporo-snow" is also declared a conflict of interest'
            " (conflicts[0])",
        ),
        (
            lambda d: d["applications"][0].__setitem__("preference", 4),
            "applications[0]: preference must be 1, 2, 3 or null, got 4",
        ),
        (
            lambda d: d["applications"][0].__setitem__("preference", True),
            "applications[0]: preference must be 1, 2, 3 or null, got True",
        ),
        (
            lambda d: (
                d["applications"].extend(
                    [
                        {"startup": "generic", "challenge": "kakogawa-watch", "preference": 2},
                        {"startup": "mimamori", "challenge": "kakogawa-watch", "preference": 1},
                        {"startup": "snowlogi", "challenge": "sapporo-snow", "preference": 2},
                    ]
                )
                or d["applications"][0].__setitem__("preference", 2)
            ),
            'applications[1]: startup "generic" gives preference 2 to challenge "kakogawa-watch" and to challenge'
            ' "sapporo-snow" (applications[0])',
        ),
        (
            lambda d: d["applications"][0].__setitem__("grade", 1.5),
            "applications[0]: grade must be from -1 to 1, got 1.5",
        ),
        (
            lambda d: d["applications"][0].__setitem__("grade", "A"),
            "applications[0]: grade must be a number from -1 to 1 or null, got 'A'",
        ),
        (lambda d: d.update(min_score=1.2), "input: min_score must be from 0 to 1, got 1.2"),
        (lambda d: d.update(min_score="0.3"), "input: min_score must be a number from 0 to 1, got '0.3'"),
        (lambda d: d.update(floor="yes"), "input: floor must be true or false, got 'yes'"),
        (lambda d: d.update(alternates=-1), "input: alternates must be ≥ 0, got -1"),
        (lambda d: d.update(alternates=1.5), "input: alternates must be an integer, got 1.5"),
        (
            lambda d: d["startups"][0]["track_record"][0].__setitem__("fiscal_year", "H29"),
            "startups[0] (id \"snowlogi\").track_record[0]: fiscal_year must be an integer, got 'H29'",
        ),
        (
            lambda d: d["startups"][0]["track_record"][0].__setitem__("municipality", 7),
            'startups[0] (id "snowlogi").track_record[0]: municipality must be a string, got 7',
        ),
    ],
)
def test_cli_bad_input_exits_2_naming_the_item(tmp_path, capsys, mutate, message):
    """In-process through the same entry point as `python -m matching` (one subprocess test below)."""
    data = copy.deepcopy(PROBLEM)
    mutate(data)
    source, target = tmp_path / "input.json", tmp_path / "output.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["propose", str(source), "-o", str(target)]) == 2
    assert message in capsys.readouterr().err
    assert not target.exists()


def test_cli_bad_input_exits_2_from_the_command_line(tmp_path):
    data = copy.deepcopy(PROBLEM)
    data["startups"][1]["capacity"] = -3
    process, output = run(tmp_path, data)
    assert process.returncode == 2
    assert 'error: startups[1] (id "mimamori"): capacity must be ≥ 0, got -3' in process.stderr
    assert output is None


def test_cli_malformed_json_exits_2(tmp_path):
    process, output = run(tmp_path, None, raw='{"challenges": [}')
    assert process.returncode == 2
    assert "malformed JSON" in process.stderr and "line 1" in process.stderr
    assert output is None


def test_cli_code_missing_from_geo_data_exits_2(tmp_path):
    data = copy.deepcopy(PROBLEM)
    # 011011 (札幌市中央区) is in the data; 019992 has a correct check digit but is no local government.
    data["challenges"][1]["municipality_code"] = "019992"
    process, _ = run(tmp_path, data)
    assert process.returncode == 2
    assert (
        "challenges[1] (id \"kakogawa-watch\"): municipality_code '019992' is not in the geo data"
        in process.stderr
    )


def test_cli_input_loads_preferences_grades_conflicts_and_policy_keys():
    """The new keys of the input format reach the Problem: the startup's preference and the municipality's grade per
    application, track-record details, declared conflicts, min_score, floor and alternates (defaults when absent)."""
    from matching.engine import Conflict, load_problem
    from matching.engine.problem import DEFAULT_MIN_SCORE

    data = copy.deepcopy(PROBLEM)
    default = load_problem(data)
    assert (default.min_score, default.floor, default.alternates, default.conflicts) == (
        DEFAULT_MIN_SCORE,
        True,
        2,
        (),
    )
    assert default.applications[0].preference is None and default.applications[0].grade is None
    data["applications"][0].update(preference=1, grade=-0.5)
    data["applications"].append(
        {"startup": "generic", "challenge": "kakogawa-watch", "preference": 2, "grade": 1}
    )
    data["startups"][0]["track_record"][0].update(
        title="除雪車GPS実証", municipality="札幌市", fiscal_year=2017
    )
    data.update(
        conflicts=[{"startup": "mimamori", "challenge": "kakogawa-watch", "reason": "代表者が市の委員"}],
        min_score=0,
        floor=False,
        alternates=0,
    )
    problem = load_problem(data)
    assert [(a.preference, a.grade) for a in problem.applications] == [(1, -0.5), (2, 1.0)]
    record = problem.startups[0].track_record[0]
    assert (record.title, record.municipality, record.fiscal_year) == ("除雪車GPS実証", "札幌市", 2017)
    assert problem.conflicts == (Conflict("mimamori", "kakogawa-watch", "代表者が市の委員"),)
    assert (problem.min_score, problem.floor, problem.alternates) == (0.0, False, 0)
