"""Work queues on the admin home (issue #18 item 4): municipality staff and ministry staff see what waits for them,
counts with links, in a fixed number of queries whatever the number of items; and their notifications (bell)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import Organisation
from portal.applications.models import Application, ApplicationState
from portal.challenges.models import ChallengePage
from portal.conversations.models import Message, Question, Thread
from portal.core.calendar import current_fiscal_year, today_jst
from portal.core.models import Notification
from portal.core.queues import MINISTRY, MUNICIPALITY, work_queue
from portal.tracker.models import Engagement, Meeting, MeetingState, TravelRequest, TravelState
from portal.tracker.workflow import Stage
from tests import factories
from tests.challenges import factories as challenge_factories
from tests.tracker import factories as tf

pytestmark = pytest.mark.django_db


def _fill(n: int, *, muni, other_muni, challenge, ministry_user, muni_user):
    """n items of every kind that waits, for `muni` (and one of each for `other_muni`, which must not count)."""
    now = timezone.now()
    startups = [
        factories.organisation(Organisation.Kind.STARTUP, prefecture=factories.prefecture("13"))
        for _ in range(n)
    ]
    Application.objects.bulk_create(
        Application(challenge=challenge, startup=s, state=ApplicationState.SUBMITTED, submitted_at=now)
        for s in startups
    )
    old = now - dt.timedelta(days=90)
    engagements = Engagement.objects.bulk_create(
        Engagement(
            municipality=m,
            startup=s,
            source=Engagement.Source.OUTSIDE,
            stage=stage,
            stage_changed_at=old,
            fiscal_year=current_fiscal_year(),
            opened_at=old,
            last_activity_at=old,
            stalled_flagged_at=old if stage == Stage.CONSULTATION else None,
        )
        for s in startups
        for m, stage in ((muni, Stage.FIRST_VISIT), (muni, Stage.CONSULTATION))
    )
    Engagement.objects.create(
        municipality=other_muni,
        startup=startups[0],
        source="outside",
        stage=Stage.FIRST_VISIT,
        stage_changed_at=old,
        fiscal_year=current_fiscal_year(),
        opened_at=old,
        last_activity_at=old,
    )
    Meeting.objects.bulk_create(
        Meeting(
            kind="meeting",
            engagement=e,
            municipality=muni,
            startup=e.startup,
            title="打合せ",
            state=MeetingState.OTHER_SLOTS_ASKED,
            uid=f"{e.pk}-{i}@test",
        )
        for i, e in enumerate(engagements)
        if e.stage == Stage.CONSULTATION
    )
    origin = tf.LocalGovernment.objects.get(code="130001")
    day = today_jst()
    TravelRequest.objects.bulk_create(
        TravelRequest(
            engagement=e,
            requested_by=ministry_user,
            origin=origin,
            destination=muni.local_government,
            departure_date=day,
            return_date=day,
            fiscal_year=current_fiscal_year(),
            travellers=1,
            traveller_names="山田",
            purpose="訪問",
            transport="express",
            estimate_fares_yen=1,
            estimate_lodging_yen=0,
            estimate_allowance_yen=0,
            estimate_total_yen=1,
            state=TravelState.REQUESTED if i % 2 else TravelState.SETTLED,
        )
        for i, e in enumerate(engagements)
    )
    Notification.objects.bulk_create(
        Notification(recipient=u, kind="info", title=f"通知 {i}")
        for i in range(n)
        for u in (muni_user, ministry_user)
    )
    # Talk's items: a question per startup (open, its period over) and an unread message per application thread.
    Question.objects.bulk_create(
        Question(challenge=challenge, organisation=st, asked_by=None, text="質問です") for st in startups
    )
    threads = Thread.objects.bulk_create(
        Thread(application=a, last_message_at=now) for a in Application.objects.filter(startup__in=startups)
    )
    Message.objects.bulk_create(
        Message(thread=t, author=None, side=Message.Side.STARTUP, body="返信です") for t in threads
    )


@pytest.fixture
def setting():
    ministry = challenge_factories.ministry()
    muni = challenge_factories.municipality("372013", "高松市", slug="takamatsu")
    other = challenge_factories.municipality("014877", "天塩町", slug="teshio")
    return {
        "muni": muni,
        "other_muni": other,
        "challenge": challenge_factories.challenge(municipality_org=muni, title="除雪の見える化"),
        "muni_user": challenge_factories.staff(muni),
        "ministry_user": challenge_factories.staff(ministry),
    }


def _counts(user, audience, ids):
    return {e.key: e.count for e in work_queue(user, audience, ids)}


def test_the_municipality_and_the_ministry_see_their_own_counts(setting):
    s = setting
    _fill(3, **s)
    muni = _counts(s["muni_user"], MUNICIPALITY, [s["muni"].pk])
    assert muni == {
        "applications_to_review": 3,
        "visits_to_arrange": 3,
        "other_times_asked": 3,
        "reports_due": 6,
        "questions_to_answer": 3,
        "unread_messages": 3,
    }
    ministry = _counts(s["ministry_user"], MINISTRY, [])
    assert ministry["travel_to_approve"] == 3  # the odd ones of six trips
    assert ministry["travel_to_pay"] == 3
    assert ministry["stalled_engagements"] == 3
    assert ministry["challenges_in_moderation"] == 0
    assert ministry["questions_past_period"] == 0  # the challenge still takes questions
    ChallengePage.objects.filter(pk=s["challenge"].pk).update(
        questions_until=timezone.now() - dt.timedelta(days=1)
    )
    assert _counts(s["ministry_user"], MINISTRY, [])["questions_past_period"] == 3
    other = _counts(s["muni_user"], MUNICIPALITY, [s["other_muni"].pk])
    assert other["applications_to_review"] == 0 and other["visits_to_arrange"] == 1
    teshio = _counts(challenge_factories.staff(s["other_muni"]), MUNICIPALITY, [s["other_muni"].pk])
    assert teshio["questions_to_answer"] == 0 and teshio["unread_messages"] == 0


def _home(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    return response, len(queries)


def test_the_admin_home_shows_the_queue_and_the_notifications_in_a_fixed_number_of_queries(client, setting):
    s = setting
    _fill(10, **s)
    counted = {}
    for who in ("muni_user", "ministry_user"):
        _home(client, s[who])  # the first request after logging in sets up the session
        response, counted[who] = _home(client, s[who])
        html = response.content.decode()
        assert "work-queue-section" in html and "staff-notifications-section" in html
        # the bell in the sidebar (Wagtail renders the sidebar from JSON props)
        assert json.dumps("通知（未読 10 件）")[1:-1] in html or "通知（未読 10 件）" in html
        assert reverse("notification:index") in html
    response, _ = _home(client, s["muni_user"])
    assert f"{reverse('application:index')}?state=submitted" in response.content.decode()
    _fill(90, **s)  # 100 of each now
    for who in ("muni_user", "ministry_user"):
        _home(client, s[who])
        response, queries = _home(client, s[who])
        assert queries == counted[who], f"{who}: {counted[who]} queries with 10 items, {queries} with 100"
        assert ">100<" in response.content.decode()


def test_the_work_queue_alone_is_a_fixed_number_of_queries(setting, django_assert_num_queries):
    s = setting
    _fill(10, **s)
    for user, audience, ids, expected in (
        (s["muni_user"], MUNICIPALITY, [s["muni"].pk], 5),
        (s["ministry_user"], MINISTRY, [], 6),
    ):
        work_queue(user, audience, ids)  # the content type cache is warm after the first call
        with django_assert_num_queries(expected):
            work_queue(user, audience, ids)


def test_startups_see_no_queue_and_staff_read_their_own_notifications(client, setting):
    s = setting
    startup_user = factories.member(tf.startup())
    Notification.objects.create(recipient=s["muni_user"], kind="info", title="自分の通知 zq-own")
    Notification.objects.create(recipient=s["ministry_user"], kind="info", title="省の通知 zq-other")
    client.force_login(s["muni_user"])
    listing = client.get(reverse("notification:index")).content.decode()
    assert "zq-own" in listing and "zq-other" not in listing
    response = client.post(reverse("notifications_mark_read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=s["muni_user"], read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=s["ministry_user"], read_at__isnull=True).exists()
    client.force_login(startup_user)
    assert client.get(reverse("wagtailadmin_home")).status_code == 302  # not an admin user
