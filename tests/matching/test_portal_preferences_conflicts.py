"""Both sides' preferences and declared conflicts of interest in matching runs: the engine input built from the live
data, a run through the service path, the ministry's recusal on the review screen, and the stored weights' rename."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from matching import selectors, services
from matching.models import MatchProposal, MatchRun, ReviewStatus, default_weights
from matching.services import ProposalRefused
from portal.applications import services as application_services
from portal.applications.models import RubricCriterion
from tests.challenges import factories as challenge_factories
from tests.matching.factories import World

RECUSED = "利益相反を申告済みのため"  # the services speak the active language (Japanese by default)


@pytest.fixture
def world(db):
    return World()


def _input():
    return selectors.build_engine_input(
        weights=default_weights(), top_k=5, travel_budget_yen=None, default_capacity=2
    )


def _run(actor):
    return services.match_run_execute(run=services.match_run_create(actor=actor))


def _pairs(items):
    return {(item["challenge"], item["startup"]) for item in items}


def test_the_input_carries_each_side_s_preference_and_grade(world):
    snow = world.apply(world.snow_user, world.challenge_x)
    medical = world.apply(world.medical_user, world.challenge_y, shortlist=True)
    scouted_x = world.apply(world.medical_user, world.challenge_x)
    application_services.application_set_preference(application=medical, rank=1, by=world.medical_user)
    application_services.application_set_preference(application=scouted_x, rank=2, by=world.medical_user)
    # Takamatsu's staff score the snow application 4 of 5 on every criterion: grade (4 − 3) / 2 = +0.5 … and a
    # ministry reviewer's 1 of 5 does not count (the grade is the municipality's).
    scores = {c.pk: 4 for c in RubricCriterion.objects.filter(is_active=True)}
    application_services.review_save(application=snow, reviewer=world.staff_x, scores=scores)
    application_services.review_save(
        application=snow, reviewer=world.ministry_user, scores={k: 1 for k in scores}
    )
    engine_input = _input()
    rows = {(a["challenge"], a["startup"]): a for a in engine_input.data["applications"]}
    assert rows[world.challenge_x.pk, world.snow.pk]["grade"] == 0.5
    assert rows[world.challenge_x.pk, world.snow.pk]["preference"] is None
    # Shortlisted without a score counts as +0.5; ranked first by the startup.
    shortlisted, ranked_second = (
        rows[world.challenge_y.pk, world.medical.pk],
        rows[world.challenge_x.pk, world.medical.pk],
    )
    assert (shortlisted["preference"], shortlisted["grade"]) == (1, 0.5)
    assert (ranked_second["preference"], ranked_second["grade"]) == (2, None)
    summary = engine_input.summary
    assert summary["ranked_applications"] == 2 and summary["graded_applications"] == 2
    assert {(p["application"], p["preference"], p["grade"]) for p in summary["preferences"]} == {
        (snow.pk, None, 0.5),
        (medical.pk, 1, 0.5),
        (scouted_x.pk, 2, None),
    }


def test_the_input_carries_the_declared_conflicts_by_the_rule(world):
    second_x = challenge_factories.challenge(
        municipality_org=world.muni_x, title="観光の案内を多言語にしたい"
    )
    # Takamatsu's staff member: the startup is kept out of all of Takamatsu's challenges.
    application_services.conflict_declare(person=world.staff_x, startup=world.medical, reason="親族が在籍")
    # A ministry member, scoped to Teshio's challenge: that pair only.
    application_services.conflict_declare(
        person=world.ministry_user, startup=world.other, reason="顧問", challenge=world.challenge_y
    )
    # A ministry member without a scope: recused, but no pair is excluded.
    application_services.conflict_declare(person=world.ministry_user, startup=world.snow, reason="出資")
    data = _input().data
    assert _pairs(data["conflicts"]) == {
        (world.challenge_x.pk, world.medical.pk),
        (second_x.pk, world.medical.pk),
        (world.challenge_y.pk, world.other.pk),
    }
    assert all(c["reason"].startswith("利益相反の申告") for c in data["conflicts"])
    assert "親族" not in str(data)  # the declaration's reason stays in the portal


def test_a_declared_pair_is_never_proposed_as_assigned(world):
    world.apply(world.snow_user, world.challenge_x)  # the best fit for Takamatsu's snow challenge
    application_services.conflict_declare(person=world.staff_x, startup=world.snow, reason="親族が代表")
    run = _run(world.ministry_user)
    assert run.status == MatchRun.Status.DONE, run.error
    assert run.input_summary["conflicts"] == 1
    assert not MatchProposal.objects.filter(
        run=run, challenge=world.challenge_x, startup=world.snow, assigned=True
    ).exists()
    assert MatchProposal.objects.filter(run=run, assigned=True).exists()


def test_a_withdrawn_declaration_no_longer_excludes(world):
    declaration = application_services.conflict_declare(
        person=world.staff_x, startup=world.snow, reason="親族が代表"
    )
    application_services.conflict_withdraw(declaration=declaration, actor=world.staff_x)
    assert _input().data["conflicts"] == []


def test_recused_ministry_staff_cannot_accept_or_reject_and_another_can(client, world):
    world.apply(world.snow_user, world.challenge_x)
    run = _run(world.ministry_user)
    proposal = MatchProposal.objects.get(run=run, challenge=world.challenge_x, startup=world.snow)
    application_services.conflict_declare(
        person=world.ministry_user, startup=world.snow, reason="出資している"
    )
    with pytest.raises(ProposalRefused, match=RECUSED):
        services.proposal_accept(proposal=proposal, actor=world.ministry_user)
    with pytest.raises(ProposalRefused, match=RECUSED):
        services.proposal_reject(proposal=proposal, actor=world.ministry_user, reason="理由")

    client.force_login(world.ministry_user)
    url = reverse("match_run:challenge", args=[run.pk, world.challenge_x.pk])
    page = client.get(url).content.decode()
    assert f'id="recused-{proposal.pk}"' in page and "利益相反を申告済みのため" in page
    response = client.post(reverse("match_run:proposal_accept", args=[proposal.pk]), {"reason": ""})
    assert response.status_code == 400 and "利益相反を申告済みのため" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.review_status == ReviewStatus.PROPOSED

    colleague = challenge_factories.staff(world.ministry, email="colleague@mic.example.jp")
    services.proposal_accept(proposal=proposal, actor=colleague)
    proposal.refresh_from_db()
    assert proposal.review_status == ReviewStatus.ACCEPTED


def test_a_conflict_declared_on_an_accepted_pair_keeps_the_match_and_is_reported(world):
    # Two partners wanted: after the first match the challenge stays in the runs, its accepted pair fixed.
    type(world.challenge_x).objects.filter(pk=world.challenge_x.pk).update(max_partners=2)
    world.apply(world.snow_user, world.challenge_x)
    first = _run(world.ministry_user)
    proposal = MatchProposal.objects.get(run=first, challenge=world.challenge_x, startup=world.snow)
    services.proposal_accept(proposal=proposal, actor=world.ministry_user)
    declaration = application_services.conflict_declare(
        person=world.staff_x, startup=world.snow, reason="後から判明"
    )
    second = _run(world.ministry_user)
    assert second.status == MatchRun.Status.DONE, second.error
    assert second.input_summary["conflicts_on_accepted_pairs"] == [
        {"challenge": world.challenge_x.pk, "startup": world.snow.pk, "declaration": declaration.pk}
    ]
    assert MatchProposal.objects.get(run=second, challenge=world.challenge_x, startup=world.snow).fixed


def test_stored_weights_and_factors_are_renamed_applied_to_preference(world):
    migration = importlib.import_module("matching.migrations.0003_weights_applied_renamed_preference")
    world.apply(world.snow_user, world.challenge_x)
    run = _run(world.ministry_user)
    old_weights = {("applied" if k == "preference" else k): v for k, v in run.weights.items()}
    MatchRun.objects.filter(pk=run.pk).update(weights=old_weights)
    proposal = MatchProposal.objects.filter(run=run).first()
    old_factors = {("applied" if k == "preference" else k): v for k, v in proposal.factors.items()}
    MatchProposal.objects.filter(pk=proposal.pk).update(factors=old_factors)

    migration.forwards(apps, None)
    run.refresh_from_db()
    proposal.refresh_from_db()
    assert "applied" not in run.weights and run.weights["preference"] == old_weights["applied"]
    assert "applied" not in proposal.factors and proposal.factors["preference"] == old_factors["applied"]
