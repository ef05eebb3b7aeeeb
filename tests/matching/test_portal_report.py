"""`manage.py matching_report`: the engine measured against the programme's real decisions — accepted and
outcome-confirmed pairs to find, rejected pairs as known negatives — on a run whose ranks are set by the test, so
the figures can be worked out by hand."""

from __future__ import annotations

import io
import json
import math

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from matching import services
from matching.engine import FACTORS
from matching.models import MatchProposal, MatchRun
from portal.tracker.models import Engagement
from portal.tracker.services import engagement_transition
from tests.matching.factories import World


@pytest.fixture
def world(db):
    return World()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def stored_run(world, ranks: dict) -> MatchRun:
    """A finished run whose proposals have the ranks given: {challenge: [startup at rank 1, rank 2, ...]}."""
    run = MatchRun.objects.create(status=MatchRun.Status.DONE, top_k=3)
    for challenge, startups in ranks.items():
        for rank, startup in enumerate(startups, start=1):
            MatchProposal.objects.create(
                run=run,
                challenge=challenge,
                startup=startup,
                score=1.0 - rank / 10,
                rank=rank,
                assigned=rank == 1,
                travel_cost_yen=10_000,
                factors={f: {"value": 0.5, "weight": 1 / len(FACTORS), "contribution": 0.1} for f in FACTORS},
                reason="テスト",
            )
    return run


def review(world, run, challenge, startup, *, accept: bool) -> MatchProposal:
    proposal = MatchProposal.objects.get(run=run, challenge=challenge, startup=startup)
    if accept:
        return services.proposal_accept(proposal=proposal, actor=world.ministry_user)
    return services.proposal_reject(proposal=proposal, actor=world.ministry_user, reason="分野が違う")


def advance(world, challenge, startup, steps) -> Engagement:
    """Take the engagement the acceptance opened through `steps`, as the municipality's staff."""
    engagement = Engagement.objects.get(challenge=challenge, startup=startup)
    staff = world.staff_x if challenge == world.challenge_x else world.staff_y
    for step in steps:
        engagement = engagement_transition(
            engagement=engagement, transition=step, actor=staff, reason="進んだ"
        )
    return engagement


@pytest.fixture
def decided(world):
    """Challenge X: the engine put 'other' first, staff rejected it and accepted 'snow' (rank 2).
    Challenge Y: 'medical' ranked 3rd, accepted, and its engagement finished a PoC (outcome-confirmed)."""
    run = stored_run(
        world,
        {
            world.challenge_x: [world.other, world.snow, world.medical],
            world.challenge_y: [world.snow, world.other, world.medical],
        },
    )
    review(world, run, world.challenge_x, world.other, accept=False)
    review(world, run, world.challenge_x, world.snow, accept=True)
    review(world, run, world.challenge_y, world.medical, accept=True)
    advance(world, world.challenge_y, world.medical, ["consult", "plan_poc", "start_poc", "finish_poc"])
    return run


def report(*args) -> tuple[str, dict | None]:
    out = io.StringIO()
    call_command("matching_report", *args, stdout=out)
    text = out.getvalue()
    return text, (json.loads(text) if "--json" in args else None)


COUNTS = {"challenges": 2, "accepted": 2, "rejected": 1, "outcome_confirmed": 1, "rejections_in_top3": 1}


def test_report_on_a_stored_run_gives_the_figures_worked_out_by_hand(world, decided):
    _, data = report("--run", str(decided.pk), "--json")
    assert data["decisions"] == COUNTS
    figures = data["parts"]["all"][f"run {decided.pk}"]
    assert figures["challenges"] == 2
    # X: the one match at rank 2 → P@3 1/min(3,1) = 1, nDCG@5 (2²−1)/log2 3 ÷ (2²−1) = 1/log2 3, RR 1/2, recall 1
    # Y: the one match at rank 3 → P@3 1, nDCG@5 1/log2 4 = 1/2, RR 1/3, recall 1
    x, y = str(world.challenge_x.pk), str(world.challenge_y.pk)
    assert figures["per_challenge"][x] == {
        "P@3": 1.0,
        "nDCG@5": pytest.approx(1 / math.log2(3)),
        "MRR": 0.5,
        "recall@10": 1.0,
    }
    assert figures["per_challenge"][y]["nDCG@5"] == pytest.approx(0.5)
    assert figures["per_challenge"][y]["MRR"] == pytest.approx(1 / 3)
    means = {name: m["mean"] for name, m in figures["metrics"].items()}
    assert means == {
        "P@3": 1.0,
        "nDCG@5": pytest.approx((1 / math.log2(3) + 0.5) / 2),
        "MRR": pytest.approx((1 / 2 + 1 / 3) / 2),
        "recall@10": 1.0,
    }
    # two challenges: the resampled means are X twice, X and Y, or Y twice
    assert figures["metrics"]["MRR"]["low"] == pytest.approx(1 / 3)
    assert figures["metrics"]["MRR"]["high"] == pytest.approx(1 / 2)
    assert figures["negatives_in_top3"] == 1  # 'other' was ranked first on X and rejected


def test_report_on_a_stored_run_as_text(world, decided):
    text, _ = report("--run", str(decided.pk))
    assert (
        "2 challenges with decisions; 2 accepted pairs, 1 outcome-confirmed (PoC done or further), 1 rejected"
        in text
    )
    assert f"the ranks stored by run {decided.pk} (its top 3 per challenge" in text
    assert f"Rejections in the top 3: 1 of 1 rejected pairs ranked 1–3 by run {decided.pk}." in text
    assert "| ranking | P@3 | nDCG@5 | MRR | recall@10 | rejections in the top 3 |" in text
    assert (
        f"| run {decided.pk} | 1.000 [1.000, 1.000] | 0.565 [0.500, 0.631] | 0.417 [0.333, 0.500] "
        "| 1.000 [1.000, 1.000] | 1 |"
    ) in text
    assert "95 % percentile bootstrap intervals (2,000 resamples" in text


def test_report_re_ranks_the_decided_challenges_on_live_data_with_ablations_and_baselines(world, decided):
    _, data = report("--json")
    assert data["decisions"]["challenges"] == 2 and data["decisions"]["outcome_confirmed"] == 1
    # both challenges are decided (matched, full) yet re-ranked; all three startups are ranked for each
    assert {k: data["input"][k] for k in ("challenges", "startups", "applications")} == {
        "challenges": 2,
        "startups": 3,
        "applications": 0,
    }
    everything = data["parts"]["all"]
    assert {"engine", "bigram_tfidf", "random"} <= set(everything)
    assert {f"without_{f}" for f in FACTORS} | {f"only_{f}" for f in FACTORS} <= set(everything)
    engine = everything["engine"]
    # the snow-removal startup fits X and the prenatal-care one fits Y in text and themes: both first
    assert engine["metrics"]["MRR"]["mean"] == 1.0 and engine["metrics"]["P@3"]["mean"] == 1.0
    # with three startups every rejected pair is in the top 3
    assert data["decisions"]["rejections_in_top3"] == 1 == engine["negatives_in_top3"]
    for name, result in everything.items():
        assert result["challenges"] == 2, name


def test_only_finished_trials_and_beyond_confirm_an_outcome(world):
    run = stored_run(world, {world.challenge_x: [world.snow, world.other]})
    review(world, run, world.challenge_x, world.snow, accept=True)
    advance(world, world.challenge_x, world.snow, ["consult", "plan_poc", "start_poc"])
    _, data = report("--run", str(run.pk), "--json")
    assert data["decisions"]["outcome_confirmed"] == 0 and data["decisions"]["accepted"] == 1
    advance(world, world.challenge_x, world.snow, ["finish_poc", "contract", "stall"])
    _, data = report("--run", str(run.pk), "--json")
    # a contract signed counts even if the engagement stalled afterwards
    assert data["decisions"]["outcome_confirmed"] == 1
    assert data["decisions"]["rejected"] == 0 and data["decisions"]["rejections_in_top3"] == 0


def test_without_decisions_the_report_says_so_and_succeeds(world):
    text, _ = report()
    assert text.strip().startswith("No reviewed proposals yet")
    stored_run(world, {world.challenge_x: [world.snow]})  # proposals, but nobody reviewed them
    text, _ = report()
    assert "No reviewed proposals yet" in text
    _, data = report("--json")
    assert data["decisions"] == {"challenges": 0, "accepted": 0, "rejected": 0, "outcome_confirmed": 0}
    assert data["message"].startswith("No reviewed proposals yet")


def test_report_on_an_empty_database(db):
    text, _ = report()
    assert "No reviewed proposals yet" in text


def test_report_refuses_an_unknown_or_unfinished_run_and_bad_weights(world, decided):
    with pytest.raises(CommandError, match="there is no run 999999"):
        report("--run", "999999")
    queued = MatchRun.objects.create(status=MatchRun.Status.QUEUED)
    with pytest.raises(CommandError, match="not done"):
        report("--run", str(queued.pk))
    with pytest.raises(CommandError, match="Unknown factor"):
        report("--weights", "txt=1")


def test_pairs_of_startups_gone_from_the_live_data_are_left_out(world, decided):
    type(world.other).objects.filter(pk=world.other.pk).update(is_active=False)
    text, _ = report("--no-ablations")
    # the rejected pair's startup is no longer active: it cannot be ranked, so it cannot be in the top 3
    assert "Left out: 1 labelled pairs whose startup is no longer active or has no prefecture." in text
    assert "Rejections in the top 3: 0 of 1 rejected pairs ranked 1–3 by engine." in text
    assert "engine without" not in text


def test_a_run_that_ranked_none_of_the_decided_challenges_has_nothing_to_measure(world, decided):
    empty = stored_run(world, {}).pk  # finished, but it proposed nothing
    _, data = report("--run", str(empty), "--json")
    figures = data["parts"]["all"][f"run {empty}"]
    assert figures["challenges"] == 0 and figures["metrics"]["P@3"]["mean"] is None
    assert data["left_out"]["challenges"] == 2
    text, _ = report("--run", str(empty))
    assert "Measured: 0 challenges with a match to find" in text
    assert f"| run {empty} | — | — | — | — |" in text
