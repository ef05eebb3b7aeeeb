"""Visits and meetings in the admin as the MeetingViewSet's views: the listing opens a meeting's screen (the inspect
view), each form on it posts to its own action view, and "Propose times" for an engagement or an application is a
create view of the viewset; the addresses the notifications already sent hold still answer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from portal.core.calendar import today_jst
from portal.core.models import AuditEvent
from portal.tracker import services
from portal.tracker.models import Meeting, MeetingState
from tests import factories
from tests.applications.factories import World
from tests.tracker import factories as tf

pytestmark = pytest.mark.django_db

PAST = (
    "候補日時は未来の日時にしてください"  # the service's refusal of a past slot, in the admin's language (ja)
)


def _day(days_ahead: int) -> str:
    return (today_jst() + dt.timedelta(days=days_ahead)).isoformat()


def _slot(prefix: str = "", *, day: int = 20, place: str = "高松市役所") -> dict[str, str]:
    return {
        f"{prefix}slot1_date": _day(day),
        f"{prefix}slot1_start": "10:00",
        f"{prefix}slot1_end": "11:00",
        f"{prefix}slot1_place": place,
    }


def _audited(action: str, meeting: Meeting) -> bool:
    return AuditEvent.objects.filter(action=action, object_id=str(meeting.pk)).exists()


def test_the_screens_keep_the_addresses_the_notifications_already_sent_hold():
    assert reverse("meeting:inspect", args=[7]) == "/admin/tracker/meetings/7/"
    assert reverse("meeting:add_for_engagement", args=[7]) == "/admin/tracker/meetings/new/engagement/7/"
    assert reverse("meeting:add_for_application", args=[7]) == "/admin/tracker/meetings/new/application/7/"
    assert reverse("meeting:offer", args=[7]) == "/admin/tracker/meetings/7/offer/"


def test_the_listing_and_the_engagement_screen_open_the_meeting_screen(client, engagement, muni_user):
    meeting = tf.meeting(engagement, muni_user)
    client.force_login(muni_user)
    screen = reverse("meeting:inspect", args=[meeting.pk])
    assert f'href="{screen}"' in client.get(reverse("meeting:index")).content.decode()
    page = client.get(reverse("engagement:inspect", args=[engagement.pk])).content.decode()
    assert f'href="{screen}"' in page
    assert f'href="{reverse("meeting:add_for_engagement", args=[engagement.pk])}"' in page


def test_each_form_of_the_meeting_screen_posts_to_its_own_action_view(client, engagement, muni_user, su_user):
    meeting = tf.meeting(engagement, muni_user)
    client.force_login(muni_user)
    screen = reverse("meeting:inspect", args=[meeting.pk])
    page = client.get(screen).content.decode()
    assert f'action="{reverse("meeting:offer", args=[meeting.pk])}"' in page
    assert f'action="{reverse("meeting:cancel", args=[meeting.pk])}"' in page
    assert reverse("meeting:change", args=[meeting.pk]) not in page  # only an agreed meeting is moved

    response = client.post(reverse("meeting:offer", args=[meeting.pk]), _slot("offer-", place="第二庁舎"))
    assert response.status_code == 302 and response["Location"] == screen
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.PROPOSED and _audited("tracker.meeting_slots_offered", meeting)
    assert "第二庁舎" in client.get(screen).content.decode()

    slot = meeting.slots.get(withdrawn=False)
    services.meeting_pick(meeting=meeting, slot_id=slot.pk, actor=su_user)
    change = reverse("meeting:change", args=[meeting.pk])
    assert f'action="{change}"' in client.get(screen).content.decode()
    response = client.post(change, _slot("change-", day=25))  # no reason: the form's error, nothing moved
    assert response.status_code == 400 and response.context["change_form"].errors["reason"]
    assert not _audited("tracker.meeting_changed", meeting)
    response = client.post(change, _slot("change-", day=25) | {"change-reason": "議会日程"})
    assert response.status_code == 302 and response["Location"] == screen
    assert _audited("tracker.meeting_changed", meeting)

    response = client.post(reverse("meeting:cancel", args=[meeting.pk]), {"cancel-reason": "中止"})
    assert response.status_code == 302 and response["Location"] == screen
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CANCELLED and _audited("tracker.meeting_cancelled", meeting)


def test_a_slot_the_service_refuses_stays_on_the_screen_with_the_reason(client, engagement, muni_user):
    meeting = tf.meeting(engagement, muni_user)
    client.force_login(muni_user)
    response = client.post(reverse("meeting:offer", args=[meeting.pk]), _slot("offer-", day=-3))
    assert response.status_code == 400
    assert PAST in " ".join(response.context["offer_form"].non_field_errors())
    assert meeting.slots.count() == 1


def test_action_views_take_a_post_from_staff_of_the_meeting_only(client, engagement, muni_user):
    meeting = tf.meeting(engagement, muni_user)
    client.force_login(muni_user)
    assert client.get(reverse("meeting:cancel", args=[meeting.pk])).status_code == 405
    client.force_login(factories.staff(tf.municipality("014877", "天塩町")))
    response = client.post(reverse("meeting:cancel", args=[meeting.pk]), {"cancel-reason": "中止"})
    assert response.status_code == 404
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.PROPOSED


def test_a_slot_the_service_refuses_is_said_above_the_propose_form(client, engagement, muni_user):
    client.force_login(muni_user)
    url = reverse("meeting:add_for_engagement", args=[engagement.pk])
    response = client.post(url, {"kind": "first_visit", "title": "初回訪問", **_slot(day=-3)})
    assert response.status_code == 400 and not Meeting.objects.exists()
    assert PAST in response.content.decode()


def test_staff_propose_interview_times_from_the_application_review(client):
    world = World()
    application = world.submitted()
    client.force_login(world.staff_x)
    url = reverse("meeting:add_for_application", args=[application.pk])
    review = client.get(reverse("applications_review", args=[application.pk]))
    assert f'href="{url}"' in review.content.decode()
    page = client.get(url)
    assert page.status_code == 200
    assert [value for value, _label in page.context["form"].fields["kind"].choices] == ["interview"]
    response = client.post(url, {"kind": "interview", "title": "面接", **_slot()})
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "meeting:inspect", args=[meeting.pk]
    )
    assert (meeting.kind, meeting.application_id, meeting.engagement_id) == (
        "interview",
        application.pk,
        None,
    )
    assert _audited("tracker.meeting_proposed", meeting)

    draft = world.draft(challenge=world.challenge_x, user=world.user_b)
    assert client.get(reverse("meeting:add_for_application", args=[draft.pk])).status_code == 404
    client.force_login(world.staff_y)
    assert client.get(url).status_code == 404
