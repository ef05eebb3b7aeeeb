"""Visits and meetings: slots in JST, pick or ask for others, .ics invitations (REQUEST, update, CANCEL), scoping,
and the travel request an agreed on-site visit pre-fills."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from portal.core.actions import actions_for
from portal.core.calendar import today_jst
from portal.core.fiscal import JST
from portal.core.models import AuditEvent, Notification
from portal.tracker import services
from portal.tracker.models import Meeting, MeetingState
from tests import factories
from tests.tracker import factories as tf

pytestmark = pytest.mark.django_db


def _day(days_ahead=10) -> dt.date:
    return today_jst() + dt.timedelta(days=days_ahead)


def _slots(n=3, *, place="高松市役所 3階 会議室", url=""):
    return [
        services.jst_slot(_day(10 + i), dt.time(10, 0), dt.time(11, 30), place=place, online_url=url)
        for i in range(n)
    ]


def _propose(engagement, actor, **kw):
    kw.setdefault("slots", _slots())
    return tf.meeting(engagement, actor, **kw)


def _parse(data: bytes):
    calendar = Calendar.from_ical(data)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def _ics_mails(mailoutbox):
    found = []
    for mail in mailoutbox:
        for name, content, mimetype in mail.attachments:
            if name.endswith(".ics"):
                found.append((mail, content if isinstance(content, bytes) else content.encode(), mimetype))
    return found


def test_the_municipality_proposes_slots_and_the_startup_is_told(engagement, muni_user, su_user):
    meeting = _propose(engagement, muni_user)
    assert meeting.state == MeetingState.PROPOSED
    assert meeting.slots.count() == 3
    assert (
        meeting.municipality_id == engagement.municipality_id and meeting.startup_id == engagement.startup_id
    )
    assert AuditEvent.objects.filter(action="tracker.meeting_proposed", object_id=str(meeting.pk)).exists()
    assert Notification.objects.filter(recipient=su_user, kind="tracker.meeting_proposed").exists()
    first = meeting.slots.order_by("starts_at").first()
    assert first.starts_at.astimezone(JST).time() == dt.time(10, 0)


def test_picking_a_slot_sends_both_parties_an_ics_in_jst_with_uid_organiser_and_location(
    engagement, muni_user, su_user, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = _propose(engagement, muni_user)
    slot = meeting.slots.order_by("starts_at")[1]
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_pick(meeting=meeting, slot_id=slot.pk, actor=su_user)
    assert meeting.state == MeetingState.CONFIRMED and meeting.chosen_slot_id == slot.pk
    mails = _ics_mails(mailoutbox)
    assert sorted(m.to[0] for m, _c, _t in mails) == sorted([muni_user.email, su_user.email])
    _mail, data, mimetype = mails[0]
    assert "method=REQUEST" in mimetype
    calendar, event = _parse(data)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == meeting.uid
    assert int(event["SEQUENCE"]) == 0
    start = event.decoded("DTSTART")
    assert start.tzinfo is not None and start.utcoffset() == dt.timedelta(hours=9)
    assert (start.date(), start.hour, start.minute) == (slot.starts_at.astimezone(JST).date(), 10, 0)
    assert event.decoded("DTEND").astimezone(JST).time() == dt.time(11, 30)
    assert event["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert calendar.walk("VTIMEZONE"), "a TZID needs its VTIMEZONE (RFC 5545 3.2.19)"
    assert str(event["ORGANIZER"]).lower() == f"mailto:{muni_user.email}".lower()
    assert str(event["LOCATION"]) == "高松市役所 3階 会議室"
    assert str(event["STATUS"]) == "CONFIRMED"


def test_a_change_is_the_same_event_with_a_higher_sequence_and_a_cancel_withdraws_it(
    engagement, muni_user, su_user, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = _propose(engagement, muni_user)
    services.meeting_pick(meeting=meeting, slot_id=meeting.slots.first().pk, actor=su_user)
    mailoutbox.clear()
    new = services.jst_slot(
        _day(20), dt.time(14, 0), dt.time(15, 0), online_url="https://meet.example.jp/abc"
    )
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_change(meeting=meeting, actor=muni_user, slot=new, reason="議会日程のため")
    (_m, data, mimetype), *_ = _ics_mails(mailoutbox)
    calendar, event = _parse(data)
    assert str(event["UID"]) == meeting.uid and int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART").astimezone(JST).time() == dt.time(14, 0)
    assert str(event["LOCATION"]) == "https://meet.example.jp/abc"
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_cancel(meeting=meeting, actor=su_user, reason="体調不良")
    mails = _ics_mails(mailoutbox)
    assert len(mails) == 2
    _m, data, mimetype = mails[0]
    assert "method=CANCEL" in mimetype
    calendar, event = _parse(data)
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == meeting.uid and int(event["SEQUENCE"]) == 2
    assert AuditEvent.objects.filter(action="tracker.meeting_cancelled", object_id=str(meeting.pk)).exists()


def test_asking_for_other_slots_then_new_slots_withdraw_the_old_ones(engagement, muni_user, su_user):
    meeting = _propose(engagement, muni_user)
    old = list(meeting.slots.values_list("pk", flat=True))
    meeting = services.meeting_ask_other_slots(meeting=meeting, actor=su_user, message="第3週なら可能です")
    assert meeting.state == MeetingState.OTHER_SLOTS_ASKED
    assert Notification.objects.filter(recipient=muni_user, kind="tracker.meeting_other_slots_asked").exists()
    with pytest.raises(ValidationError):  # nothing to pick while other times are asked for
        services.meeting_pick(meeting=meeting, slot_id=old[0], actor=su_user)
    meeting = services.meeting_offer_slots(meeting=meeting, actor=muni_user, slots=_slots(2, place="本庁舎"))
    assert meeting.state == MeetingState.PROPOSED
    with pytest.raises(ValidationError):  # a withdrawn slot cannot be picked
        services.meeting_pick(meeting=meeting, slot_id=old[0], actor=su_user)
    fresh = meeting.slots.filter(withdrawn=False).first()
    assert (
        services.meeting_pick(meeting=meeting, slot_id=fresh.pk, actor=su_user).state
        == MeetingState.CONFIRMED
    )


@pytest.mark.parametrize(
    "slot, message",
    [
        (
            lambda: services.jst_slot(
                today_jst() - dt.timedelta(days=1), dt.time(10), dt.time(11), place="x"
            ),
            "future",
        ),
        (lambda: services.jst_slot(_day(), dt.time(11), dt.time(10), place="x"), "end after"),
        (lambda: services.jst_slot(_day(), dt.time(10), dt.time(11)), "place"),
    ],
)
def test_bad_slots_are_refused_with_a_reason(engagement, muni_user, slot, message):
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        _propose(engagement, muni_user, slots=[slot()])
    with translation.override("en"):
        assert message in " ".join(exc.value.messages)
    assert not Meeting.objects.exists()


def test_only_the_municipality_or_ministry_proposes_and_only_the_startup_picks(
    engagement, muni_user, su_user, ministry
):
    other_muni = factories.staff(tf.municipality("014877", "天塩町"))
    other_startup = factories.member(tf.startup(name="株式会社よそ"))
    for outsider in (other_muni, su_user, other_startup):
        with pytest.raises(PermissionDenied):
            _propose(engagement, outsider)
    meeting = _propose(engagement, ministry)
    slot = meeting.slots.first()
    for outsider in (other_startup, muni_user, other_muni):
        with pytest.raises(PermissionDenied):
            services.meeting_pick(meeting=meeting, slot_id=slot.pk, actor=outsider)


def test_another_organisation_gets_404_for_a_meeting_and_its_ics(client, engagement, muni_user, su_user):
    meeting = _propose(engagement, muni_user)
    services.meeting_pick(meeting=meeting, slot_id=meeting.slots.first().pk, actor=su_user)
    urls = [
        reverse("tracker:meeting", args=[meeting.pk]),
        reverse("tracker:meeting_ics", args=[meeting.pk]),
        reverse("meeting:inspect", args=[meeting.pk]),
    ]
    other_startup = factories.member(tf.startup(name="株式会社よそ"))
    other_muni = factories.staff(tf.municipality("014877", "天塩町"))
    client.force_login(other_startup)
    assert [client.get(u).status_code for u in urls[:2]] == [404, 404]
    client.force_login(other_muni)
    assert [client.get(u).status_code for u in urls] == [404, 404, 404]
    client.force_login(su_user)
    response = client.get(urls[1])
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert _parse(response.content)[1]["UID"] == meeting.uid


def test_the_startup_picks_on_the_site_and_staff_propose_in_the_admin(client, engagement, muni_user, su_user):
    client.force_login(muni_user)
    url = reverse("meeting:add_for_engagement", args=[engagement.pk])
    assert client.get(url).status_code == 200
    day = _day(12).isoformat()
    data = {
        "kind": "first_visit",
        "title": "初回訪問",
        "note": "",
        "slot1_date": day,
        "slot1_start": "10:00",
        "slot1_end": "11:00",
        "slot1_place": "高松市役所",
        "slot2_date": day,
        "slot2_start": "14:00",
    }
    response = client.post(url, data)
    assert response.status_code == 400  # the half-filled second row, with what was typed kept
    assert "高松市役所" in response.content.decode()
    data.update(slot2_end="15:00", slot2_online_url="https://meet.example.jp/x")
    response = client.post(url, data)
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "meeting:inspect", args=[meeting.pk]
    )
    client.force_login(su_user)
    page = client.get(reverse("tracker:meeting", args=[meeting.pk]))
    assert page.status_code == 200 and "10:00" in page.content.decode()
    slot = meeting.slots.get(online_url="https://meet.example.jp/x")
    response = client.post(reverse("tracker:meeting", args=[meeting.pk]), {"action": "pick", "slot": slot.pk})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CONFIRMED and meeting.chosen_slot_id == slot.pk


def test_an_agreed_on_site_visit_pre_fills_the_travel_request_and_shows_the_budget_left(
    client, engagement, muni_user, su_user, budget
):
    meeting = _propose(engagement, muni_user)
    slot = meeting.slots.order_by("starts_at").first()
    services.meeting_pick(meeting=meeting, slot_id=slot.pk, actor=su_user)
    client.force_login(su_user)
    detail = client.get(reverse("tracker:meeting", args=[meeting.pk])).content.decode()
    link = f"{reverse('tracker:trip_new', args=[engagement.pk])}?meeting={meeting.pk}"
    assert link in detail
    response = client.get(link)
    form = response.context["form"]
    visit = slot.starts_at.astimezone(JST).date()
    # Tokyo (the startup's prefecture) → Takamatsu: about 540 km, one night: leave the day before.
    assert form.initial["departure_date"] == visit - dt.timedelta(days=1)
    assert form.initial["return_date"] == visit
    assert form.initial["origin"] == "130001"
    assert "初回訪問" in form.initial["purpose"]
    assert form.initial["fares_yen"] > 0 and form.initial["lodging_yen"] > 0
    assert response.context["budget"].free_yen == 1_000_000
    assert "1,000,000" in response.content.decode()
    # another startup's meeting id pre-fills nothing
    plain = client.get(f"{reverse('tracker:trip_new', args=[engagement.pk])}?meeting=999999")
    assert "purpose" not in plain.context["form"].initial


def test_a_proposed_meeting_is_an_action_on_the_startups_my_page_until_a_time_is_picked(
    client, engagement, muni_user, su_user
):
    meeting = _propose(engagement, muni_user)
    first = meeting.slots.order_by("starts_at").first().starts_at.astimezone(JST).date()
    items = [i for i in actions_for(su_user, engagement.startup) if i.kind == "meeting.pick"]
    assert [(i.url, i.deadline) for i in items] == [(reverse("tracker:meeting", args=[meeting.pk]), first)]
    client.force_login(su_user)
    assert (
        reverse("tracker:meeting", args=[meeting.pk])
        in client.get(reverse("startups:mypage")).content.decode()
    )
    services.meeting_pick(meeting=meeting, slot_id=meeting.slots.first().pk, actor=su_user)
    assert not [i for i in actions_for(su_user, engagement.startup) if i.kind == "meeting.pick"]
