"""Every guard of the meeting and adoption-request workflows (tracker/meeting_workflow.py,
tracker/adoption_workflow.py) refuses a step from the wrong state with its declared reason, in the user's language,
through the services; the row keeps its state."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from portal.core.calendar import today_jst
from portal.tracker import services
from portal.tracker.adoption_workflow import ADOPTION
from portal.tracker.meeting_workflow import MEETING
from portal.tracker.models import AdoptionRequest, Engagement, MeetingKind, MeetingState
from portal.tracker.workflow import Stage
from tests import factories
from tests.tracker import factories as tf

pytestmark = pytest.mark.django_db

MEETING_REASONS = {
    "en": "This is not possible while the meeting is “{state}”.",
    "ja": "「{state}」の訪問・面談ではこの操作はできません。",
}
MEETING_STATES = {
    MeetingState.CANCELLED: {"en": "cancelled", "ja": "中止"},
    MeetingState.CONFIRMED: {"en": "confirmed", "ja": "日程確定"},
    MeetingState.OTHER_SLOTS_ASKED: {"en": "other slots asked for", "ja": "別の候補日時を依頼中"},
}
ADOPTION_REASON = {"en": "This request has already been decided.", "ja": "この申請はすでに決定済みです。"}


def _slot(days_ahead=10):
    day = today_jst() + dt.timedelta(days=days_ahead)
    return services.jst_slot(day, dt.time(10, 0), dt.time(11, 0), place="役場")


def _meeting(engagement, muni_user, su_user, state):
    meeting = services.meeting_propose(
        actor=muni_user,
        kind=MeetingKind.FIRST_VISIT,
        title="初回訪問",
        engagement=engagement,
        slots=[_slot()],
    )
    if state == MeetingState.CONFIRMED:
        services.meeting_pick(meeting=meeting, slot_id=meeting.slots.first().pk, actor=su_user)
    elif state == MeetingState.OTHER_SLOTS_ASKED:
        services.meeting_ask_other_slots(meeting=meeting, actor=su_user, message="来月なら")
    elif state == MeetingState.CANCELLED:
        services.meeting_cancel(meeting=meeting, actor=muni_user, reason="中止")
    meeting.refresh_from_db()
    assert meeting.state == state
    return meeting


def _take(step, meeting, muni_user, su_user):
    if step == "offer_slots":
        return services.meeting_offer_slots(meeting=meeting, actor=muni_user, slots=[_slot(12)])
    if step == "pick":
        slot = meeting.slots.filter(withdrawn=False).first()
        return services.meeting_pick(meeting=meeting, slot_id=slot.pk, actor=su_user)
    if step == "ask_other_slots":
        return services.meeting_ask_other_slots(meeting=meeting, actor=su_user, message="来週は?")
    if step == "change":
        return services.meeting_change(meeting=meeting, actor=muni_user, slot=_slot(14), reason="議会")
    assert step == "cancel"
    return services.meeting_cancel(meeting=meeting, actor=muni_user, reason="都合")


# every (step, state outside its sources) pair the meeting table refuses
REFUSED = [(t.name, state) for t in MEETING.transitions for state in MEETING_STATES if state not in t.sources]


def test_every_meeting_step_is_refused_from_some_state():
    assert {name for name, _state in REFUSED} == set(MEETING.by_name)


@pytest.mark.parametrize("step,state", REFUSED)
def test_a_meeting_step_from_the_wrong_state_is_refused_with_its_reason(
    engagement, muni_user, su_user, step, state
):
    meeting = _meeting(engagement, muni_user, su_user, state)
    for language in ("en", "ja"):
        with translation.override(language), pytest.raises(ValidationError) as refused:
            _take(step, meeting, muni_user, su_user)
        assert refused.value.code == "wrong_state"
        with translation.override(language):
            expected = MEETING_REASONS[language].format(state=MEETING_STATES[state][language])
            assert refused.value.messages == [expected]
    meeting.refresh_from_db()
    assert meeting.state == state


def test_every_meeting_step_is_taken_from_its_sources(engagement, muni_user, su_user):
    meeting = _meeting(engagement, muni_user, su_user, MeetingState.OTHER_SLOTS_ASKED)
    assert _take("offer_slots", meeting, muni_user, su_user).state == MeetingState.PROPOSED
    assert _take("ask_other_slots", meeting, muni_user, su_user).state == MeetingState.OTHER_SLOTS_ASKED
    _take("offer_slots", meeting, muni_user, su_user)
    assert _take("pick", meeting, muni_user, su_user).state == MeetingState.CONFIRMED
    assert _take("change", meeting, muni_user, su_user).state == MeetingState.CONFIRMED
    assert _take("cancel", meeting, muni_user, su_user).state == MeetingState.CANCELLED


def _deployed_request(engagement, ministry):
    Engagement.objects.filter(pk=engagement.pk).update(
        stage=Stage.DEPLOYMENT, furthest_stage=Stage.DEPLOYMENT
    )
    engagement.refresh_from_db()
    teshio = tf.municipality("014877", "天塩町")
    return services.adoption_request_create(
        origin=engagement, municipality=teshio, actor=factories.staff(teshio), message="同じ課題があります"
    )


@pytest.mark.parametrize("first", ["link", "decline"])
def test_a_decided_adoption_request_is_not_decided_again(engagement, ministry, first):
    req = _deployed_request(engagement, ministry)
    decide = {"link": services.adoption_link, "decline": services.adoption_decline}
    decide[first](adoption_request=req, actor=ministry, reason="WG で判断")
    engagements = Engagement.objects.count()
    for second, language in (("link", "en"), ("decline", "ja"), ("link", "ja"), ("decline", "en")):
        with translation.override(language), pytest.raises(ValidationError) as refused:
            decide[second](adoption_request=req, actor=ministry, reason="もう一度")
        assert refused.value.code == "wrong_state"
        with translation.override(language):
            assert refused.value.messages == [ADOPTION_REASON[language]]
    req.refresh_from_db()
    assert req.state == ADOPTION[first].target and Engagement.objects.count() == engagements


def test_joining_files_a_request_that_is_linked_at_once(engagement, ministry):
    Engagement.objects.filter(pk=engagement.pk).update(stage=Stage.CONTRACT, furthest_stage=Stage.CONTRACT)
    engagement.refresh_from_db()
    teshio = tf.municipality("014877", "天塩町")
    joined = services.adoption_join(
        origin=engagement,
        municipality=teshio,
        actor=factories.staff(teshio),
        population=3000,
        budget_min_yen=1_000_000,
        budget_max_yen=2_000_000,
        message="参加したい",
    )
    req = AdoptionRequest.objects.get(engagement=joined)
    assert req.state == AdoptionRequest.State.LINKED
