"""Reads that depend on who is looking. Visibility is decided here, not in templates:

- internal notes are left out of every message list and count for a reader who is only on the startup's side;
- unanswered (and hidden, merged) questions reach only the asking startup's members and the challenge's staff;
- a thread, question or attachment outside the user's scope is not found (the views answer 404).
Lists are built in a fixed number of queries whatever their length (tests/conversations/test_queries.py).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from portal.accounts import permissions as account_rules
from portal.applications.models import Application, ApplicationState
from portal.challenges.models import ChallengePage
from portal.core.unread import unread
from portal.tracker.models import Engagement

from . import permissions as rules
from .models import Message, MessageAttachment, MessageKind, Question, QuestionState, Thread, ThreadReadMark

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


# --------------------------------------------------------------------------------------------- questions


def published_questions(challenge: ChallengePage) -> QuerySet[Question]:
    """What everybody sees on the challenge page: answered questions, without who asked."""
    return Question.objects.filter(challenge=challenge, state=QuestionState.ANSWERED).order_by(
        "answered_at", "pk"
    )


def published_question_count(challenge: ChallengePage) -> int:
    return Question.objects.filter(challenge=challenge, state=QuestionState.ANSWERED).count()


def own_pending_questions(user, challenge: ChallengePage) -> QuerySet[Question]:
    """The user's startup's questions on this challenge that are not (or not yet) published."""
    startup_ids = rules.startup_ids_of(user)
    if not startup_ids:
        return Question.objects.none()
    return (
        Question.objects.filter(challenge=challenge, organisation_id__in=startup_ids)
        .exclude(state__in=[QuestionState.ANSWERED, QuestionState.HIDDEN])
        .select_related("merged_into")
        .order_by("created_at", "pk")
    )


def questions_for_staff(user) -> QuerySet[Question]:
    """Questions the user answers in the admin: their municipality's challenges', or all for the ministry."""
    if not rules.can_manage_questions(user)[0]:
        return Question.objects.none()
    qs = Question.objects.select_related("challenge", "organisation", "merged_into")
    if account_rules.is_ministry(user):
        return qs
    return qs.filter(challenge__municipality_id__in=rules.municipality_ids_of(user))


def question_for_staff(user, pk: int) -> Question:
    try:
        return questions_for_staff(user).get(pk=pk)
    except Question.DoesNotExist as exc:
        raise Http404 from exc


def questions_past_their_period(user, *, now=None) -> QuerySet[Question]:
    """Questions still waiting for an answer although the challenge's question period is over (the ministry's
    work queue; municipality staff get their own challenges')."""
    now = now or timezone.now()
    default_end = now + dt.timedelta(days=settings.QUESTIONS_CLOSE_DAYS_BEFORE_DEADLINE)
    return (
        questions_for_staff(user)
        .filter(state=QuestionState.OPEN)
        .filter(
            Q(challenge__questions_until__lt=now)
            | Q(challenge__questions_until__isnull=True, challenge__application_closes__lt=default_end)
        )
    )


def unanswered_question_count(user) -> int:
    """Questions waiting for the user's answer (for staff work queues)."""
    return questions_for_staff(user).filter(state=QuestionState.OPEN).count()


# --------------------------------------------------------------------------------------------- threads


def _scope(user, prefix: str = "") -> tuple[Q, Q]:
    """(threads the user reads as the startup, threads the user reads as staff), as Q objects on Thread."""
    none = Q(pk__in=[])
    not_draft = ~Q(**{f"{prefix}application__state": ApplicationState.DRAFT})
    startup_ids = rules.startup_ids_of(user)
    startup_q = none
    if startup_ids:
        startup_q = (Q(**{f"{prefix}application__startup_id__in": startup_ids}) & not_draft) | Q(
            **{f"{prefix}engagement__startup_id__in": startup_ids}
        )
    if account_rules.is_ministry(user):
        staff_q = Q(**{f"{prefix}engagement__isnull": False}) | (
            Q(**{f"{prefix}application__isnull": False}) & not_draft
        )
    else:
        municipality_ids = rules.municipality_ids_of(user)
        staff_q = none
        if municipality_ids:
            staff_q = (
                Q(**{f"{prefix}application__challenge__municipality_id__in": municipality_ids}) & not_draft
            ) | Q(**{f"{prefix}engagement__municipality_id__in": municipality_ids})
    return startup_q, staff_q


def visible_threads(user) -> QuerySet[Thread]:
    if not rules._signed_in(user):
        return Thread.objects.none()
    startup_q, staff_q = _scope(user)
    return Thread.objects.filter(startup_q | staff_q)


def _visible_messages_q(user) -> Q:
    """Messages a user may read, as a Q on Message: internal notes only in threads they read as staff."""
    _startup_q, staff_q = _scope(user, prefix="thread__")
    return ~Q(kind=MessageKind.NOTE) | staff_q


def threads_with_unread(user) -> QuerySet[Thread]:
    """The user's threads, newest first, each with `unread` (messages by others after the user's read mark),
    `my_read_at` and what it is about; one query for any number of threads."""
    read_at = ThreadReadMark.objects.filter(thread=OuterRef("pk"), user=user).values("read_at")[:1]
    unread = (
        Message.objects.filter(_visible_messages_q(user), thread=OuterRef("pk"))
        .filter(created_at__gt=Coalesce(OuterRef("my_read_at"), Value(_EPOCH)))
        .exclude(author=user)
        .order_by()
        .values("thread")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        visible_threads(user)
        .annotate(my_read_at=Subquery(read_at))
        .annotate(unread=Coalesce(Subquery(unread), 0))
        .select_related(
            "application__challenge__municipality",
            "application__startup",
            "engagement__municipality",
            "engagement__startup",
        )
        .order_by(F("last_message_at").desc(nulls_last=True), "-pk")
    )


# The shell's cached counts (portal/core/unread.py): the version that every write to threads and messages bumps
# (receivers.py), registered with the counter in ConversationsConfig.ready().
UNREAD_SCOPE = "messages"


def unread_message_count(user) -> int:
    """All unread messages of the user's threads (ministry staff: of the threads they follow), for the header,
    My page and the admin: the shell's cached count (portal/core/unread.py), so every caller in a request and
    every request until something changes share one computation."""
    return unread(user, "messages")


def count_unread_messages(user) -> int:
    """The count itself, one query (what `unread_message_count` caches)."""
    if not rules._signed_in(user):
        return 0
    threads = threads_with_unread(user)
    if account_rules.is_ministry(user):
        # The ministry can read every thread; it counts only those it has opened (followed).
        threads = threads.filter(my_read_at__isnull=False)
    return threads.aggregate(total=Sum("unread"))["total"] or 0


def thread_for(user, pk: int) -> Thread:
    """One thread the user takes part in (404 otherwise)."""
    try:
        return (
            visible_threads(user)
            .select_related(
                "application__challenge__municipality",
                "application__startup",
                "engagement__municipality",
                "engagement__startup",
            )
            .get(pk=pk)
        )
    except Thread.DoesNotExist as exc:
        raise Http404 from exc


def thread_messages(user, thread: Thread) -> list[Message]:
    """The thread's messages the user may read (internal notes only for staff), with their attachments and
    authors; two queries."""
    if thread.pk is None:
        return []
    qs = thread.messages.all()
    if not rules.sees_internal_notes(user, thread):
        qs = qs.exclude(kind=MessageKind.NOTE)
    return list(
        qs.select_related("author").prefetch_related(
            Prefetch("attachments", queryset=MessageAttachment.objects.order_by("pk"))
        )
    )


def attachment_for(user, thread_pk: int, attachment_pk: int) -> MessageAttachment:
    """An attachment of a message the user may read (404 otherwise: another organisation, an internal note)."""
    thread = thread_for(user, thread_pk)
    qs = MessageAttachment.objects.filter(pk=attachment_pk, message__thread=thread).select_related("message")
    if not rules.sees_internal_notes(user, thread):
        qs = qs.exclude(message__kind=MessageKind.NOTE)
    found = qs.first()
    if found is None:
        raise Http404
    return found


def thread_of_application(application) -> Thread | None:
    return Thread.objects.filter(application=application).first()


def thread_of_engagement(engagement) -> Thread | None:
    return Thread.objects.filter(engagement=engagement).first()


def thread_about(user, *, application_pk: int | None = None, engagement_pk: int | None = None) -> Thread:
    """The thread about an application or an engagement the user takes part in — the saved one, or an unsaved
    Thread the first message will create. 404 for anyone else (and for a startup's draft)."""
    if application_pk is not None:
        thread = (
            Thread.objects.select_related("application__challenge__municipality", "application__startup")
            .filter(application_id=application_pk)
            .first()
        )
        if thread is None:
            application = (
                Application.objects.select_related("challenge__municipality", "startup")
                .filter(pk=application_pk)
                .first()
            )
            thread = Thread(application=application) if application is not None else None
    else:
        thread = (
            Thread.objects.select_related("engagement__municipality", "engagement__startup")
            .filter(engagement_id=engagement_pk)
            .first()
        )
        if thread is None:
            engagement = (
                Engagement.objects.select_related("municipality", "startup").filter(pk=engagement_pk).first()
            )
            thread = Thread(engagement=engagement) if engagement is not None else None
    if thread is None or not rules.can_read_thread(user, thread)[0]:
        raise Http404
    return thread
