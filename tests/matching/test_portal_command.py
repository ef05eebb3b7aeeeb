"""`manage.py run_matching`: runs the engine over the live data with a progress bar; bad options are refused."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from matching.engine import DEFAULT_WEIGHTS
from matching.models import MatchRun
from tests.matching.factories import World


@pytest.fixture
def world(db):
    return World()


@pytest.fixture(autouse=True)
def english():
    """Messages compared in English, the source language."""
    with translation.override("en"):
        yield


def test_run_matching_runs_with_weights_and_budget_and_draws_progress(world):
    out = io.StringIO()
    call_command(
        "run_matching", "--weights", "text=0.5,themes=0.3", "--budget", "500000", "--top-k", "2", stdout=out
    )
    run = MatchRun.objects.get()
    assert run.status == MatchRun.Status.DONE and run.started_by is None
    assert (
        run.weights["text"] == 0.5
        and run.weights["themes"] == 0.3
        and run.weights["travel"] == DEFAULT_WEIGHTS["travel"]
    )
    assert run.travel_budget_yen == 500_000 and run.top_k == 2
    assert run.budget_used_yen <= 500_000
    text = out.getvalue()
    assert "[" + "#" * 30 + "] 100%" in text and " 20%" in text and " 60%" in text
    assert f"run {run.pk} done: {run.proposals.count()} proposals" in text
    assert run.input_fingerprint[:12] in text


@pytest.mark.parametrize(
    "args, message",
    [
        (["--weights", "text"], "expected name=value"),
        (["--weights", "text=abc"], "must be a number"),
        (["--weights", "txt=0.4"], "Unknown factor"),
        (["--weights", "text=0,themes=0,travel=0,track_record=0,stage=0,preference=0"], "positive"),
        (["--top-k", "0"], "top_k: "),
    ],
)
def test_run_matching_refuses_bad_options(world, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("run_matching", *args, stdout=io.StringIO())
    assert not MatchRun.objects.exists()


def test_run_matching_can_hand_the_run_to_the_worker(world):
    out = io.StringIO()
    call_command("run_matching", "--enqueue", stdout=out)
    run = MatchRun.objects.get()
    assert f"run {run.pk} enqueued" in out.getvalue()
    # the test settings' worker is immediate: the run is done already
    assert run.status == MatchRun.Status.DONE and run.proposals.exists()
