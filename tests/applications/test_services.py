"""State changes through services: each allowed path, each refused one, with audit events and notifications."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.applications import services
from portal.applications.models import Application, ApplicationState
from portal.core.models import AuditEvent, Notification

from .factories import closed_challenge


def test_draft_then_submit_notifies_startup_and_municipality(world, django_capture_on_commit_callbacks):
    application = world.draft()
    assert application.state == ApplicationState.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        changed = services.application_submit(application=application, actor=world.user_a)
    assert changed is True
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED and application.submitted_at is not None
    kinds = set(Notification.objects.values_list("recipient__email", "kind"))
    assert ("a@startup.example.jp", "application.submitted") in kinds
    assert ("staff@takamatsu.example.jp", "application.received") in kinds
    assert not Notification.objects.filter(recipient=world.staff_y).exists()
    assert {m.to[0] for m in mail.outbox} >= {"a@startup.example.jp", "staff@takamatsu.example.jp"}
    assert AuditEvent.objects.filter(action="application.submit", object_id=str(application.pk)).exists()


def test_second_submit_is_harmless(world):
    application = world.submitted()
    before = Notification.objects.count()
    assert services.application_submit(application=application, actor=world.user_a) is False
    assert Notification.objects.count() == before
    assert AuditEvent.objects.filter(action="application.submit").count() == 1


def test_submission_one_second_after_the_deadline_is_refused_and_the_draft_kept(world):
    application = world.draft()
    closes = world.challenge_x.application_closes
    with pytest.raises(ValidationError) as refused:
        services.application_submit(
            application=application, actor=world.user_a, now=closes + dt.timedelta(seconds=1)
        )
    assert "deadline" in refused.value.messages[0]
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT
    assert application.approach
    # At the deadline itself it is still accepted (both ends of the window are inclusive).
    assert services.application_submit(application=application, actor=world.user_a, now=closes) is True


def test_applying_twice_is_refused_by_the_database_constraint(world):
    world.draft()
    with pytest.raises(ValidationError) as refused:
        world.draft()
    assert "already applied" in refused.value.messages[0]
    assert Application.objects.count() == 1


def test_applying_to_a_closed_or_unpublished_challenge_is_refused(world):
    from tests.challenges import factories as challenge_factories

    closed = closed_challenge(world)
    with pytest.raises(ValidationError, match="closed"):
        world.draft(challenge=closed)
    unpublished = challenge_factories.challenge(municipality_org=world.muni_x, publish=False)
    with pytest.raises(ValidationError, match="not published"):
        world.draft(challenge=unpublished)
    assert not Application.objects.exists()


def test_a_submitted_application_is_frozen_until_more_information_is_requested(world):
    application = world.submitted()
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.application_update(application=application, actor=world.user_a, approach="別案")
    services.application_request_more_info(
        application=application, actor=world.staff_x, message="費用の内訳を教えてください"
    )
    assert Notification.objects.filter(recipient=world.user_a, kind="application.more_info").exists()
    services.application_update(application=application, actor=world.user_a, cost_estimate_yen=900_000)
    # The answer is welcome even after the deadline.
    later = world.challenge_x.application_closes + dt.timedelta(days=3)
    assert services.application_submit(application=application, actor=world.user_a, now=later) is True
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED and application.cost_estimate_yen == 900_000


def test_submission_needs_the_proposal(world):
    application = world.draft(approach="", timeline="")
    with pytest.raises(ValidationError, match="fill in"):
        services.application_submit(application=application, actor=world.user_a)


def test_shortlist_decline_and_match(world):
    application = world.submitted()
    with pytest.raises(ValidationError):
        services.application_shortlist(application=application, actor=world.staff_y)  # not their challenge
    with pytest.raises(ValidationError):
        services.application_shortlist(application=application, actor=world.user_a)  # the startup itself
    services.application_shortlist(application=application, actor=world.staff_x, reason="現場の理解が深い")
    assert application.state == ApplicationState.SHORTLISTED
    assert Notification.objects.filter(recipient=world.user_a, kind="application.shortlisted").exists()
    services.application_mark_matched(application=application, actor=None)
    application.refresh_from_db()
    assert application.state == ApplicationState.MATCHED and application.decided_at
    assert Notification.objects.filter(recipient=world.user_a, kind="application.matched").exists()
    assert Notification.objects.filter(recipient=world.staff_x, kind="application.matched").exists()
    with pytest.raises(ValidationError):
        services.application_withdraw(application=application, actor=world.user_a)  # decided


def test_decline_needs_a_reason_the_startup_sees(world):
    application = world.submitted()
    with pytest.raises(ValidationError):
        services.application_decline(application=application, actor=world.staff_x, reason=" ")
    services.application_decline(application=application, actor=world.staff_x, reason="予算規模が合わない")
    application.refresh_from_db()
    assert application.state == ApplicationState.DECLINED
    assert application.decision_reason == "予算規模が合わない"
    note = Notification.objects.get(recipient=world.user_a, kind="application.declined")
    assert note.body == "予算規模が合わない"


def test_withdraw_before_a_decision(world):
    draft = world.draft()
    with pytest.raises(ValidationError):
        services.application_withdraw(application=draft, actor=world.user_a)
    services.application_submit(application=draft, actor=world.user_a)
    with pytest.raises(ValidationError):
        services.application_withdraw(application=draft, actor=world.user_b)
    services.application_withdraw(application=draft, actor=world.user_a)
    assert draft.state == ApplicationState.WITHDRAWN
    assert Notification.objects.filter(recipient=world.staff_x, kind="application.withdrawn").exists()


def test_ministry_reviews_everything(world):
    application = world.submitted(challenge=world.challenge_y)
    services.application_shortlist(application=application, actor=world.ministry_user)
    assert application.state == ApplicationState.SHORTLISTED


def test_review_scores_are_weighted(world):
    from portal.applications.models import RubricCriterion

    application = world.submitted()
    criteria = list(RubricCriterion.objects.filter(is_active=True))
    assert [c.key for c in criteria] == ["understanding", "feasibility", "team", "novelty", "sustainability"]
    scores = {c.pk: 5 if c.key == "understanding" else 3 for c in criteria}
    review = services.review_save(
        application=application, reviewer=world.staff_x, scores=scores, comment="良い"
    )
    # (5*25 + 3*25 + 3*20 + 3*15 + 3*15) / 100 = 3.50
    assert str(review.weighted_total) == "3.50"
    # Scoring again replaces the reviewer's scores instead of adding a second review.
    services.review_save(application=application, reviewer=world.staff_x, scores={c.pk: 4 for c in criteria})
    assert application.reviews.count() == 1 and str(application.reviews.get().weighted_total) == "4.00"
    with pytest.raises(ValidationError):
        services.review_save(application=application, reviewer=world.staff_y, scores=scores)
    with pytest.raises(ValidationError):
        services.review_save(application=application, reviewer=world.staff_x, scores={criteria[0].pk: 6})


def test_per_challenge_rubric_overrides_the_defaults(world):
    from portal.applications.models import ChallengeRubricWeight, RubricCriterion
    from portal.applications.selectors import rubric_for

    novelty = RubricCriterion.objects.get(key="novelty")
    team = RubricCriterion.objects.get(key="team")
    ChallengeRubricWeight.objects.create(challenge=world.challenge_x, criterion=novelty, weight=40)
    ChallengeRubricWeight.objects.create(challenge=world.challenge_x, criterion=team, weight=0)
    weights = {item.criterion.key: item.weight for item in rubric_for(world.challenge_x)}
    assert weights == {"understanding": 25, "feasibility": 25, "novelty": 40, "sustainability": 15}
    assert len(rubric_for(world.challenge_y)) == 5


def test_deadline_is_compared_in_absolute_time_jst(world):
    # A deadline typed as 23:59:59 JST is 14:59:59 UTC: one second later is refused whatever the server zone.
    import zoneinfo

    jst = zoneinfo.ZoneInfo("Asia/Tokyo")
    closes = dt.datetime(2030, 3, 31, 23, 59, 59, tzinfo=jst)
    world.challenge_x.application_closes = closes
    world.challenge_x.save(update_fields=["application_closes"], clean=False)
    application = world.draft()
    utc_one_second_late = dt.datetime(2030, 3, 31, 15, 0, 0, tzinfo=dt.UTC)
    with pytest.raises(ValidationError, match="deadline"):
        services.application_submit(application=application, actor=world.user_a, now=utc_one_second_late)
    assert timezone.is_aware(world.challenge_x.application_closes)
