"""The conversations' entries in the staff work queues (portal/core/queues.py), one query each: questions to
answer and unread messages for municipality staff; unread messages (of the threads the ministry follows) and open
questions whose question period has ended for ministry staff."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import ExpressionWrapper, F, Q
from django.db.models.fields import DateTimeField
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.queues import MINISTRY, MUNICIPALITY, QueueEntry

from .models import Question, QuestionState
from .selectors import unanswered_question_count, unread_message_count


def _questions_url(**query) -> str:
    return f"{reverse('question:index')}?{urlencode(query)}" if query else reverse("question:index")


def entries(user, audience, ids) -> list[QueueEntry]:
    unread = QueueEntry(
        "unread_messages",
        _("Unread messages"),
        unread_message_count(user),
        f"{reverse('message_thread:index')}?unread=on",
        order=30,
    )
    if audience == MUNICIPALITY:
        return [
            QueueEntry(
                "questions_to_answer",
                _("Questions to answer"),
                unanswered_question_count(user),
                _questions_url(state=QuestionState.OPEN),
                order=20,
            ),
            unread,
        ]
    if audience == MINISTRY:
        return [
            QueueEntry(
                "questions_past_period",
                _("Unanswered questions past their question period"),
                questions_past_period(),
                _questions_url(state=QuestionState.OPEN),
                order=50,
            ),
            unread,
        ]
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
