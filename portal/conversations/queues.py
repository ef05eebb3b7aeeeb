"""The conversations' entries in the staff work queues (portal/core/queues.py), one query each: questions to
answer and unread messages for municipality staff; unread messages (of the threads the ministry follows) and open
questions whose question period has ended for ministry staff."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import ExpressionWrapper, F, Q
from django.db.models.fields import DateTimeField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.queues import MINISTRY, MUNICIPALITY, Queue, QueueEntry
from portal.core.queues import entries as queue_entries

from .models import Question, QuestionState
from .selectors import unanswered_question_count, unread_message_count

OPEN = {"state": QuestionState.OPEN}
UNREAD = Queue("unread_messages", _("Unread messages"), 30, "message_thread:index", {"unread": "on"})
MUNICIPALITY_QUEUES = (
    Queue("questions_to_answer", _("Questions to answer"), 20, "question:index", OPEN),
    UNREAD,
)
MINISTRY_QUEUES = (
    Queue(
        "questions_past_period",
        _("Unanswered questions past their question period"),
        50,
        "question:index",
        OPEN,
    ),
    UNREAD,
)


def entries(user, audience, ids) -> list[QueueEntry]:
    if audience == MUNICIPALITY:
        counts = {"questions_to_answer": unanswered_question_count(user)}
        return queue_entries(MUNICIPALITY_QUEUES, counts | {"unread_messages": unread_message_count(user)})
    if audience == MINISTRY:
        counts = {"questions_past_period": questions_past_period()}
        return queue_entries(MINISTRY_QUEUES, counts | {"unread_messages": unread_message_count(user)})
    return []


def questions_past_period(now=None) -> int:
    """Open questions whose challenge stopped taking questions (its own date, else some days before applications
    close: permissions.questions_close_at, here in SQL). One query."""
    now = now or timezone.now()
    default_close = ExpressionWrapper(
        F("challenge__application_closes") - dt.timedelta(days=settings.QUESTIONS_CLOSE_DAYS_BEFORE_DEADLINE),
        output_field=DateTimeField(),
    )
    return (
        Question.objects.filter(state=QuestionState.OPEN)
        .annotate(default_close=default_close)
        .filter(
            Q(challenge__questions_until__lt=now)
            | Q(challenge__questions_until__isnull=True, default_close__lt=now)
        )
        .count()
    )
