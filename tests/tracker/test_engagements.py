"""Engagement stages: every transition from every source stage, by a side that may and one that may not."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from matching.signals import proposal_accepted
from portal.core.models import AuditEvent, Notification
from portal.tracker import services, workflow
from portal.tracker.models import Engagement, StageChange
from portal.tracker.workflow import Stage
from tests import factories
from tests.tracker import factories as tf

pytestmark = pytest.mark.django_db

CASES = [(t, src) for t in workflow.TRANSITIONS for src in t.sources]


def _at(engagement, stage, before=""):
    Engagement.objects.filter(pk=engagement.pk).update(stage=stage, stage_before_stall=before)
    engagement.refresh_from_db()
    return engagement


def _user_for(side, muni_user, su_user, ministry):
    return {workflow.MUNICIPALITY: muni_user, workflow.STARTUP: su_user, workflow.MINISTRY: ministry}[side]


@pytest.mark.parametrize("transition,source", CASES, ids=[f"{t.name}-from-{s}" for t, s in CASES])
def test_each_transition_allowed_for_its_sides(transition, source, engagement, muni_user, su_user, ministry):
    people = [
        s for s in (workflow.MUNICIPALITY, workflow.STARTUP, workflow.MINISTRY) if s in transition.sides
    ]
    actor = _user_for(people[0], muni_user, su_user, ministry) if people else None
    _at(engagement, source, before=Stage.POC_RUNNING if source == Stage.STALLED else "")
    result = services.engagement_transition(
        engagement=engagement, transition=transition.name, actor=actor, reason="打合せで決定"
    )
    expected = Stage.POC_RUNNING if transition.target == workflow.RESUME else transition.target
    assert result.stage == expected
    change = StageChange.objects.filter(engagement=engagement).last()
    assert (change.from_stage, change.to_stage, change.reason) == (source, expected, "打合せで決定")
    assert AuditEvent.objects.filter(action="tracker.stage_changed", object_id=str(engagement.pk)).exists()
    told = set(
        Notification.objects.filter(kind="tracker.stage_changed").values_list("recipient_id", flat=True)
    )
    assert {muni_user.pk, su_user.pk} <= told


@pytest.mark.parametrize("transition,source", CASES, ids=[f"{t.name}-from-{s}" for t, s in CASES])
def test_each_transition_refused_for_other_sides_and_outsiders(
    transition, source, engagement, muni_user, su_user, ministry
):
    _at(engagement, source)
    outsider = factories.member(tf.startup(name="他社"))
    refused = [outsider] + [
        _user_for(s, muni_user, su_user, ministry)
        for s in (workflow.MUNICIPALITY, workflow.STARTUP, workflow.MINISTRY)
        if s not in transition.sides
    ]
    for actor in refused:
        with pytest.raises(PermissionDenied):
            services.engagement_transition(
                engagement=engagement, transition=transition.name, actor=actor, reason="理由"
            )
    engagement.refresh_from_db()
    assert engagement.stage == source
    assert not StageChange.objects.filter(engagement=engagement, transition=transition.name).exists()


@pytest.mark.parametrize("transition", workflow.TRANSITIONS, ids=[t.name for t in workflow.TRANSITIONS])
def test_each_transition_refused_from_other_stages(transition, engagement, ministry):
    wrong = [s for s in Stage.values if s not in transition.sources]
    for stage in wrong:
        _at(engagement, stage)
        with pytest.raises(ValidationError) as err:
            services.engagement_transition(
                engagement=engagement, transition=transition.name, actor=ministry, reason="理由"
            )
        assert "not possible" in str(err.value) or "できません" in str(err.value)
        engagement.refresh_from_db()
        assert engagement.stage == stage


def test_a_reason_is_required(engagement, ministry):
    with pytest.raises(ValidationError) as err:
        services.engagement_transition(
            engagement=engagement, transition="consult", actor=ministry, reason="  "
        )
    assert "reason" in err.value.message_dict
    engagement.refresh_from_db()
    assert engagement.stage == Stage.FIRST_VISIT


def test_stall_and_resume_return_to_the_stage_and_keep_the_furthest(engagement, muni_user, su_user):
    for name in ("consult", "plan_poc"):
        services.engagement_transition(engagement=engagement, transition=name, actor=su_user, reason="進捗")
    services.engagement_transition(
        engagement=engagement, transition="start_poc", actor=muni_user, reason="開始"
    )
    services.engagement_transition(
        engagement=engagement, transition="stall", actor=su_user, reason="予算待ち"
    )
    engagement.refresh_from_db()
    assert (engagement.stage, engagement.furthest_stage) == (Stage.STALLED, Stage.POC_RUNNING)
    services.engagement_transition(
        engagement=engagement, transition="resume", actor=muni_user, reason="予算確保"
    )
    engagement.refresh_from_db()
    assert engagement.stage == Stage.POC_RUNNING


def test_outside_match_needs_ministry_and_a_reason(muni_org, su_org, muni_user):
    with pytest.raises(PermissionDenied):
        services.engagement_open(
            municipality=muni_org, startup=su_org, source="outside", actor=muni_user, reason="x"
        )
    with pytest.raises(ValidationError):
        services.engagement_open(
            municipality=muni_org, startup=su_org, source="outside", actor=tf.ministry_user(), reason=""
        )
    assert not Engagement.objects.exists()


def test_accepted_proposal_signal_opens_one_engagement_and_tells_both(
    muni_org, su_user, su_org, ministry, muni_user
):
    from tests.challenges import factories as cf

    challenge = cf.challenge(municipality_org=muni_org)
    for _ in range(2):  # idempotent: the same acceptance twice opens one engagement
        proposal_accepted.send(
            sender=None, proposal=None, challenge=challenge, startup=su_org, application=None, actor=ministry
        )
    engagement = Engagement.objects.get()
    assert (engagement.municipality, engagement.startup, engagement.challenge_id) == (
        muni_org,
        su_org,
        challenge.pk,
    )
    assert engagement.source == Engagement.Source.PROPOSAL and engagement.stage == Stage.FIRST_VISIT
    told = set(
        Notification.objects.filter(kind="tracker.engagement_opened").values_list("recipient_id", flat=True)
    )
    assert {su_user.pk, muni_user.pk} <= told


def test_progress_report_with_figures_and_attachment(engagement, su_user, muni_user):
    report = services.progress_report_create(
        engagement=engagement,
        actor=su_user,
        text="実証開始",
        residents_served=120,
        cost_saved_yen=500_000,
        files=[tf.pdf("memo.pdf")],
    )
    assert report.side == workflow.STARTUP and report.attachments.get().content_type == "application/pdf"
    assert Notification.objects.filter(kind="tracker.progress_reported", recipient=muni_user).exists()


@pytest.mark.parametrize("bad", [-1, 1.5, "12a"])
def test_progress_report_refuses_bad_yen_and_writes_nothing(engagement, su_user, bad):
    with pytest.raises(ValidationError) as err:
        services.progress_report_create(engagement=engagement, actor=su_user, text="x", cost_saved_yen=bad)
    assert "cost_saved_yen" in err.value.message_dict
    assert not engagement.reports.exists()


def test_progress_report_refuses_a_disguised_file(engagement, su_user):
    fake = tf.pdf("receipt.pdf", content=b"MZ\x90\x00 this is an executable, not a PDF")
    with pytest.raises(ValidationError):
        services.progress_report_create(engagement=engagement, actor=su_user, text="x", files=[fake])
    assert not engagement.reports.exists()


def test_outsiders_cannot_report(engagement):
    with pytest.raises(PermissionDenied):
        services.progress_report_create(engagement=engagement, actor=factories.member(tf.startup()), text="x")


@override_settings(TRACKER_STALLED_AFTER_DAYS=30)
def test_stalled_detection_flags_once_reminds_both_and_clears_on_update(engagement, su_user, muni_user):
    old = timezone.now() - dt.timedelta(days=31)
    Engagement.objects.filter(pk=engagement.pk).update(last_activity_at=old)
    fresh = tf.engagement()  # updated today: not flagged
    mail.outbox.clear()
    call_command("flag_stalled_engagements", verbosity=0)
    engagement.refresh_from_db()
    fresh.refresh_from_db()
    assert engagement.is_flagged_stalled and not fresh.is_flagged_stalled
    reminded = set(
        Notification.objects.filter(kind="tracker.stalled_reminder").values_list("recipient_id", flat=True)
    )
    assert reminded == {su_user.pk, muni_user.pk}
    assert services.flag_stalled_engagements() == []  # no second reminder for the same quiet spell
    services.progress_report_create(engagement=engagement, actor=su_user, text="再開")
    engagement.refresh_from_db()
    assert not engagement.is_flagged_stalled


@override_settings(TRACKER_STALLED_AFTER_DAYS=30)
def test_ended_engagements_are_not_flagged(engagement, ministry):
    services.engagement_transition(engagement=engagement, transition="end", actor=ministry, reason="終了")
    Engagement.objects.filter(pk=engagement.pk).update(
        last_activity_at=timezone.now() - dt.timedelta(days=90)
    )
    assert services.flag_stalled_engagements() == []
