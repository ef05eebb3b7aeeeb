"""My page's "action needed": each item the startup must act on, with its deadline, earliest first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.applications import services as application_services
from portal.conversations import services
from portal.core.actions import actions_for
from portal.core.fiscal import fiscal_year_bounds, fiscal_year_of
from portal.tracker import services as tracker_services
from portal.tracker.models import Engagement
from tests.tracker import factories as tf

pytestmark = pytest.mark.django_db


def kinds(user, organisation):
    return [item.kind for item in actions_for(user, organisation)]


def test_nothing_waits_for_a_new_startup(world):
    assert actions_for(world.user_b, world.startup_b) == []
    assert actions_for(world.staff_x, world.muni_x) == []  # only startups get this list


def test_each_kind_of_action_with_its_deadline(world):
    application_services.application_request_more_info(
        application=world.app_ax, actor=world.staff_x, message="費用の内訳を教えてください"
    )
    tf.budget(1_000_000, actor=world.ministry_user)
    settle = tf.travel_request(world.engagement_xa, world.user_a)
    tracker_services.travel_request_approve(request=settle, actor=world.ministry_user)
    tracker_services.travel_trip_done(request=settle, actor=world.user_a)
    quiet_since = timezone.now() - dt.timedelta(days=settings.TRACKER_STALLED_AFTER_DAYS - 10)
    Engagement.objects.filter(pk=world.engagement_xa.pk).update(last_activity_at=quiet_since)
    services.message_post(
        thread=services.thread_for_engagement(engagement=world.engagement_xa),
        actor=world.staff_x,
        body="ご連絡",
    )
    with CaptureQueriesContext(connection) as ctx:
        items = actions_for(world.user_a, world.startup_a)
    # every source's rows in one query (issue #20); no query per item for the names they show
    assert len([q for q in ctx.captured_queries if "UNION" in q["sql"]]) == 1
    # the rest is the reader's own: memberships, second-factor devices, the unread counts (caches off in tests)
    others = [q["sql"] for q in ctx.captured_queries if "UNION" not in q["sql"]]
    assert len(others) <= 5, others
    by_kind = {item.kind: item for item in items}
    assert set(by_kind) == {"application.reply", "trip.settle", "engagement.report", "messages.unread"}
    assert by_kind["trip.settle"].deadline == fiscal_year_bounds(fiscal_year_of(settle.departure_date))[1]
    assert (
        by_kind["engagement.report"].deadline
        == (quiet_since + dt.timedelta(days=settings.TRACKER_STALLED_AFTER_DAYS)).date()
    )
    assert "費用の内訳" in by_kind["application.reply"].detail
    assert by_kind["trip.settle"].title.endswith(str(world.engagement_xa))  # the engagement named as before
    # Earliest deadline first, those without one last.
    dated = [item for item in items if item.deadline]
    assert items[: len(dated)] == dated
    assert [i.deadline for i in dated] == sorted(i.deadline for i in dated)
    # Another startup sees none of them.
    assert actions_for(world.user_b, world.startup_b) == []
    # Replying in the thread takes the first item away.
    thread = services.thread_for_application(application=world.app_ax)
    services.message_post(thread=thread, actor=world.user_a, body="内訳です")
    assert "application.reply" not in kinds(world.user_a, world.startup_a)


def test_questions_past_their_period_for_the_work_queues(world):
    from portal.conversations import selectors

    question = services.question_ask(challenge=world.challenge_x, actor=world.user_b, text="期限後も未回答")
    assert list(selectors.questions_past_their_period(world.ministry_user)) == []
    later = world.challenge_x.application_closes - dt.timedelta(
        days=settings.QUESTIONS_CLOSE_DAYS_BEFORE_DEADLINE - 1
    )
    assert list(selectors.questions_past_their_period(world.ministry_user, now=later)) == [question]
    assert list(selectors.questions_past_their_period(world.staff_x, now=later)) == [question]
    assert list(selectors.questions_past_their_period(world.staff_y, now=later)) == []
    assert selectors.unanswered_question_count(world.staff_x) == 1
    services.question_answer(question=question, actor=world.staff_x, answer="回答")
    assert list(selectors.questions_past_their_period(world.ministry_user, now=later)) == []
