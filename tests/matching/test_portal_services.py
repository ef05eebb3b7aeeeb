"""Matching in the portal: the engine's input from live data, runs saved with progress, accept and reject."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from matching import selectors, services, tasks
from matching.engine import DEFAULT_WEIGHTS
from matching.models import MatchProposal, MatchRun, ReviewStatus
from portal.accounts.models import Organisation
from portal.applications.models import ApplicationState
from portal.challenges.services import challenge_record_outcome
from portal.core.models import AuditEvent, Notification
from portal.tracker.models import Engagement
from tests import factories
from tests.challenges import factories as challenge_factories
from tests.matching.factories import World


@pytest.fixture
def world(db):
    return World()


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


def run_now(actor, **parameters) -> MatchRun:
    run = services.match_run_create(actor=actor, **parameters)
    return services.match_run_execute(run=run)


def proposal(run, challenge, startup) -> MatchProposal:
    return MatchProposal.objects.get(run=run, challenge=challenge, startup=startup)


# --------------------------------------------------------------------------------------------- input


def test_input_is_built_from_live_data(world):
    applied = world.apply(world.snow_user, world.challenge_x)
    world.apply(world.medical_user, world.challenge_y, shortlist=True)
    # a draft is not an application yet; an upcoming challenge and a decided one are left out
    draft_user = factories.member(world.other)
    from portal.applications import services as application_services

    application_services.application_start(challenge=world.challenge_x, actor=draft_user, approach="x")
    now = timezone.now()
    upcoming = challenge_factories.challenge(
        municipality_org=world.muni_x, opens=now + dt.timedelta(days=3), closes=now + dt.timedelta(days=30)
    )
    decided = challenge_factories.challenge(municipality_org=world.muni_x)
    challenge_record_outcome(challenge=decided, outcome="no_match")
    closed = challenge_factories.challenge(
        municipality_org=world.muni_y, opens=now - dt.timedelta(days=20), closes=now - dt.timedelta(days=1)
    )
    no_prefecture = factories.organisation(Organisation.Kind.STARTUP, name="県なし株式会社")
    inactive = factories.organisation(
        Organisation.Kind.STARTUP, prefecture=factories.prefecture("13"), is_active=False
    )

    built = selectors.build_engine_input(
        weights={"text": 1}, top_k=3, travel_budget_yen=None, default_capacity=2
    )
    data = built.data
    challenge_ids = [c["id"] for c in data["challenges"]]
    assert challenge_ids == sorted([world.challenge_x.pk, world.challenge_y.pk, closed.pk])
    assert upcoming.pk not in challenge_ids and decided.pk not in challenge_ids
    startup_ids = {s["id"] for s in data["startups"]}
    assert startup_ids == {world.snow.pk, world.medical.pk, world.other.pk}
    assert no_prefecture.pk not in startup_ids and inactive.pk not in startup_ids
    assert built.summary["skipped_startups"] == [
        {"id": no_prefecture.pk, "name": "県なし株式会社", "why": "no prefecture"}
    ]
    x = next(c for c in data["challenges"] if c["id"] == world.challenge_x.pk)
    assert x["municipality_code"] == "372013"
    assert x["themes"] == sorted(["除雪", "行政DX"])
    assert "問い合わせ電話" in x["description"]
    snow = next(s for s in data["startups"] if s["id"] == world.snow.pk)
    assert snow["prefecture_code"] == "37" and snow["themes"] == ["除雪"] and snow["capacity"] == 2
    assert {(a["startup"], a["challenge"], a["shortlisted"]) for a in data["applications"]} == {
        (world.snow.pk, world.challenge_x.pk, False),
        (world.medical.pk, world.challenge_y.pk, True),
    }
    assert built.applications[(world.challenge_x.pk, world.snow.pk)] == applied.pk
    assert data["weights"] == {"text": 1} and data["top_k"] == 3
    assert data["fixed"] == [] and data["exclusions"] == []
    # the fingerprint is the sha256 of the canonical text: the same live data gives the same fingerprint
    again = selectors.build_engine_input(
        weights={"text": 1}, top_k=3, travel_budget_yen=None, default_capacity=2
    )
    assert again.fingerprint == built.fingerprint == selectors.fingerprint_of(data)
    assert len(built.fingerprint) == 64
    other = selectors.build_engine_input(
        weights={"text": 2}, top_k=3, travel_budget_yen=None, default_capacity=2
    )
    assert other.fingerprint != built.fingerprint


def test_accepted_pairs_are_fixed_and_rejected_pairs_excluded_in_later_runs(world):
    world.apply(world.snow_user, world.challenge_x)
    first = run_now(world.ministry_user)
    services.proposal_accept(
        proposal=proposal(first, world.challenge_x, world.snow), actor=world.ministry_user
    )
    services.proposal_reject(
        proposal=proposal(first, world.challenge_y, world.snow),
        actor=world.ministry_user,
        reason="分野が違う",
    )

    built = selectors.build_engine_input(weights={}, top_k=5, travel_budget_yen=None, default_capacity=2)
    # challenge x is matched now but was full (1 partner): it leaves the run; its match still uses capacity
    assert world.challenge_x.pk not in [c["id"] for c in built.data["challenges"]]
    snow = next(s for s in built.data["startups"] if s["id"] == world.snow.pk)
    assert snow["capacity"] == 1
    assert built.data["exclusions"] == [{"startup": world.snow.pk, "challenge": world.challenge_y.pk}]

    second = run_now(world.ministry_user)
    assert second.previous == first
    excluded = MatchProposal.objects.filter(
        run=second, challenge=world.challenge_y, startup=world.snow
    ).first()
    assert excluded is None or (excluded.excluded and not excluded.assigned)


def test_accepted_pair_enters_the_next_run_as_fixed_while_the_challenge_has_free_slots(world):
    ChallengePage = type(world.challenge_x)
    ChallengePage.objects.filter(pk=world.challenge_x.pk).update(max_partners=2)
    world.challenge_x.refresh_from_db()
    first = run_now(world.ministry_user)
    services.proposal_accept(
        proposal=proposal(first, world.challenge_x, world.snow), actor=world.ministry_user
    )

    second = run_now(world.ministry_user)
    again = proposal(second, world.challenge_x, world.snow)
    assert again.fixed and again.assigned
    assert second.input_summary["fixed"] == 1
    # the pair was accepted already: it cannot be accepted twice
    with pytest.raises(services.ProposalRefused, match="already been matched"):
        services.proposal_accept(proposal=again, actor=world.ministry_user)


# --------------------------------------------------------------------------------------------- runs


def test_run_started_as_a_task_saves_proposals_and_tells_the_starter(world):
    application = world.apply(world.snow_user, world.challenge_x)
    run = tasks.match_run_start(actor=world.ministry_user, weights={"text": 0.5}, top_k=2)
    assert run.status == MatchRun.Status.DONE and run.progress == 100 and run.progress_message == "done"
    assert run.weights["text"] == 0.5 and run.weights["themes"] == DEFAULT_WEIGHTS["themes"]
    assert run.started_by == world.ministry_user and run.started_at and run.finished_at
    assert set(run.durations_s) >= {
        "input",
        "features",
        "scoring",
        "assignment",
        "explanations",
        "save",
        "total",
    }
    assert run.input_summary["challenges"] == 2 and run.input_summary["applications"] == 1
    proposals = list(run.proposals.order_by("challenge_id", "rank"))
    # top_k=2 per challenge, plus any assigned pair ranked lower (none here)
    assert len(proposals) == 4
    best = proposal(run, world.challenge_x, world.snow)
    assert best.rank == 1 and best.assigned and best.application == application
    assert "除雪車" in best.keywords and best.reason
    assert set(best.factors) == {"text", "themes", "travel", "track_record", "stage", "preference"}
    # submitted, not ranked by the startup (0.5), not graded by the municipality (0 → 0.5): ½·0.5 + ½·0.5
    assert best.factors["preference"]["value"] == pytest.approx(0.5)
    assert abs(sum(f["contribution"] for f in best.factors.values()) - best.score) < 1e-6
    assert proposal(run, world.challenge_y, world.medical).application is None  # scouted
    assert AuditEvent.objects.filter(action="matching.run_done", object_id=str(run.pk)).exists()
    assert Notification.objects.filter(recipient=world.ministry_user, kind="matching.run_finished").exists()


def test_progress_is_recorded_on_the_run_step_by_step(world):
    run = services.match_run_create(actor=world.ministry_user)
    assert run.status == MatchRun.Status.QUEUED and run.progress == 0
    seen = []

    def progress(percent, step):
        stored = MatchRun.objects.get(pk=run.pk)
        seen.append((percent, step, stored.progress, stored.status))

    services.match_run_execute(run=run, progress=progress)
    assert [s[:2] for s in seen[:5]] == [
        (5, "input"),
        (20, "scoring"),
        (60, "assignment"),
        (85, "saving"),
        (100, "done"),
    ]
    # other processes see the progress while the run is running
    assert all(stored == percent for percent, _s, stored, _st in seen)
    assert [st for *_x, st in seen[:4]] == ["running"] * 4


def test_a_run_is_executed_once(world):
    run = run_now(world.ministry_user)
    with pytest.raises(ValidationError, match="queued"):
        services.match_run_execute(run=run)
    assert run.proposals.count() == MatchProposal.objects.filter(run=run).count()


def test_a_failing_run_records_the_error(world):
    first = run_now(world.ministry_user)
    services.proposal_accept(
        proposal=proposal(first, world.challenge_x, world.snow), actor=world.ministry_user
    )
    ChallengePage = type(world.challenge_x)
    ChallengePage.objects.filter(pk=world.challenge_x.pk).update(max_partners=2)
    # a zero travel budget cannot carry the accepted (fixed) pair: the engine refuses, the run fails
    failed = run_now(world.ministry_user, travel_budget_yen=0)
    assert failed.status == MatchRun.Status.FAILED and "budget" in failed.error
    assert failed.progress_message == "failed" and not failed.proposals.exists()
    assert AuditEvent.objects.filter(action="matching.run_failed", object_id=str(failed.pk)).exists()
    # told in the recipient's language (Japanese by default), with the error
    told = Notification.objects.get(
        recipient=world.ministry_user, kind="matching.run_finished", body=failed.error
    )
    assert "失敗" in told.title


def test_only_ministry_staff_start_runs(world):
    with pytest.raises(PermissionDenied):
        services.match_run_create(actor=world.staff_x)
    with pytest.raises(PermissionDenied):
        services.match_run_create(actor=world.snow_user)
    with pytest.raises(ValidationError, match="Unknown factor"):
        services.match_run_create(actor=world.ministry_user, weights={"txt": 1})
    with pytest.raises(ValidationError, match="positive"):
        services.match_run_create(actor=world.ministry_user, weights={n: 0 for n in MatchRun().weights})
    assert not MatchRun.objects.exists()


# --------------------------------------------------------------------------------------------- accept


def test_accept_marks_the_application_matched_opens_the_engagement_and_tells_both_sides(world):
    application = world.apply(world.snow_user, world.challenge_x, shortlist=True)
    run = run_now(world.ministry_user)
    chosen = proposal(run, world.challenge_x, world.snow)
    Notification.objects.all().delete()

    services.proposal_accept(proposal=chosen, actor=world.ministry_user, reason="面談で合意")

    chosen.refresh_from_db()
    assert chosen.review_status == ReviewStatus.ACCEPTED and chosen.reviewed_by == world.ministry_user
    assert chosen.review_reason == "面談で合意" and chosen.reviewed_at
    application.refresh_from_db()
    assert application.state == ApplicationState.MATCHED
    world.challenge_x.refresh_from_db()
    assert world.challenge_x.outcome == "matched"
    engagement = Engagement.objects.get(challenge=world.challenge_x, startup=world.snow)
    assert engagement.source == Engagement.Source.PROPOSAL and engagement.application == application
    assert engagement.municipality == world.muni_x
    kinds_startup = set(Notification.objects.filter(recipient=world.snow_user).values_list("kind", flat=True))
    kinds_muni = set(Notification.objects.filter(recipient=world.staff_x).values_list("kind", flat=True))
    assert "matching.proposal_accepted" in kinds_startup and "matching.proposal_accepted" in kinds_muni
    assert "tracker.engagement_opened" in kinds_startup
    assert AuditEvent.objects.filter(action="matching.proposal_accept", object_id=str(chosen.pk)).exists()
    assert AuditEvent.objects.filter(action="application.match", object_id=str(application.pk)).exists()


def test_accepting_a_scouted_startup_opens_the_engagement_without_an_application(world):
    run = run_now(world.ministry_user)
    chosen = proposal(run, world.challenge_y, world.medical)
    assert chosen.application is None
    services.proposal_accept(proposal=chosen, actor=world.ministry_user)
    engagement = Engagement.objects.get(challenge=world.challenge_y, startup=world.medical)
    assert engagement.application is None
    assert Notification.objects.filter(
        recipient=world.medical_user, kind="matching.proposal_accepted"
    ).exists()


def test_accept_refused_when_the_challenge_has_its_partners(world):
    run = run_now(world.ministry_user)
    services.proposal_accept(proposal=proposal(run, world.challenge_x, world.snow), actor=world.ministry_user)
    second = proposal(run, world.challenge_x, world.medical)
    with pytest.raises(services.ProposalRefused, match="already has its 1 partner"):
        services.proposal_accept(proposal=second, actor=world.ministry_user)
    second.refresh_from_db()
    assert second.review_status == ReviewStatus.PROPOSED
    assert not Engagement.objects.filter(startup=world.medical).exists()


def test_accept_refused_when_the_startup_is_at_capacity(world):
    run = run_now(world.ministry_user, default_capacity=1)
    services.proposal_accept(proposal=proposal(run, world.challenge_x, world.snow), actor=world.ministry_user)
    with pytest.raises(services.ProposalRefused, match="at capacity"):
        services.proposal_accept(
            proposal=proposal(run, world.challenge_y, world.snow), actor=world.ministry_user
        )
    assert Engagement.objects.filter(startup=world.snow).count() == 1


def test_accept_refused_when_the_application_was_declined_and_nothing_is_half_saved(world):
    application = world.apply(world.snow_user, world.challenge_x)
    run = run_now(world.ministry_user)
    from portal.applications import services as application_services

    application_services.application_decline(
        application=application, actor=world.staff_x, reason="予算が合わない"
    )
    chosen = proposal(run, world.challenge_x, world.snow)
    with pytest.raises(services.ProposalRefused, match="declined"):
        services.proposal_accept(proposal=chosen, actor=world.ministry_user)
    chosen.refresh_from_db()
    world.challenge_x.refresh_from_db()
    assert chosen.review_status == ReviewStatus.PROPOSED and world.challenge_x.outcome == ""
    assert not Engagement.objects.exists()


def test_only_ministry_staff_review(world):
    run = run_now(world.ministry_user)
    chosen = proposal(run, world.challenge_x, world.snow)
    for user in (world.staff_x, world.snow_user):
        with pytest.raises(PermissionDenied):
            services.proposal_accept(proposal=chosen, actor=user)
        with pytest.raises(PermissionDenied):
            services.proposal_reject(proposal=chosen, actor=user, reason="x")
    chosen.refresh_from_db()
    assert chosen.review_status == ReviewStatus.PROPOSED


# --------------------------------------------------------------------------------------------- reject


def test_reject_needs_a_reason_and_is_recorded(world):
    run = run_now(world.ministry_user)
    chosen = proposal(run, world.challenge_x, world.snow)
    with pytest.raises(ValidationError, match="reason"):
        services.proposal_reject(proposal=chosen, actor=world.ministry_user, reason="   ")
    chosen.refresh_from_db()
    assert chosen.review_status == ReviewStatus.PROPOSED

    colleague = challenge_factories.staff(world.ministry, email="colleague@mic.example.jp")
    services.proposal_reject(proposal=chosen, actor=colleague, reason="既に別事業で支援中")
    chosen.refresh_from_db()
    assert chosen.review_status == ReviewStatus.REJECTED and chosen.review_reason == "既に別事業で支援中"
    assert AuditEvent.objects.filter(action="matching.proposal_reject", object_id=str(chosen.pk)).exists()
    assert Notification.objects.filter(
        recipient=world.ministry_user, kind="matching.proposal_rejected"
    ).exists()
    assert not Notification.objects.filter(
        recipient=world.snow_user, kind="matching.proposal_rejected"
    ).exists()
    # a reviewed proposal is not reviewed again
    with pytest.raises(services.ProposalRefused, match="already been reviewed"):
        services.proposal_accept(proposal=chosen, actor=world.ministry_user)
