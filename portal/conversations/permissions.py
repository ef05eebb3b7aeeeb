"""Who may ask, answer, read and post. Each rule returns (allowed, reason); the reason is shown to the user.

- Questions: startup members ask about a published challenge during its question period; staff of the owning
  municipality answer; ministry staff answer, edit, merge and hide any question.
- Threads: the startup's members and the municipality's staff (the application's challenge's, or the engagement's)
  take part; ministry staff read and post everywhere. Internal notes: municipality and ministry staff only.
Anybody else gets 404 from the views (they use the selectors, which find nothing outside the user's scope).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts import permissions as account_rules
from portal.accounts.models import Organisation
from portal.applications.models import ApplicationState
from portal.challenges.models import ChallengePage
from portal.core.decisions import Decision

from .models import Message, Question, QuestionState, Thread


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def startup_ids_of(user) -> list[int]:
    return [
        m.organisation_id
        for m in account_rules.memberships_of(user)
        if m.organisation.kind == Organisation.Kind.STARTUP
    ]


def municipality_ids_of(user) -> list[int]:
    return [
        m.organisation_id
        for m in account_rules.memberships_of(user)
        if m.organisation.kind == Organisation.Kind.MUNICIPALITY
    ]


def is_staff_of_challenge(user, challenge: ChallengePage) -> bool:
    return account_rules.is_ministry(user) or challenge.municipality_id in municipality_ids_of(user)


# --------------------------------------------------------------------------------------------- questions


def questions_close_at(challenge: ChallengePage) -> dt.datetime | None:
    """The end of the challenge's question period: its own date, else some days before applications close."""
    if challenge.questions_until:
        return challenge.questions_until
    if challenge.application_closes:
        return challenge.application_closes - dt.timedelta(days=settings.QUESTIONS_CLOSE_DAYS_BEFORE_DEADLINE)
    return None


def questions_open(challenge: ChallengePage, *, now=None) -> bool:
    closes = questions_close_at(challenge)
    return bool(challenge.live and closes is not None and (now or timezone.now()) <= closes)


def can_ask(user, challenge: ChallengePage, *, now=None) -> Decision:
    if not _signed_in(user):
        return False, _("Log in as a startup member to ask a question.")
    if not startup_ids_of(user):
        return False, _("Only startup members can ask questions.")
    if not challenge.live:
        return False, _("This challenge is not published.")
    if not questions_open(challenge, now=now):
        return False, _("The question period for this challenge has ended.")
    return True, _("Questions are accepted until the end of the question period.")


def can_see_question(user, question: Question) -> Decision:
    """Answered questions are public; the others only for the asking startup's members and staff."""
    if question.state == QuestionState.ANSWERED and question.challenge.live:
        return True, _("Answered questions are published.")
    if not _signed_in(user):
        return False, _("Please log in.")
    if question.organisation_id in startup_ids_of(user) and question.state != QuestionState.HIDDEN:
        return True, _("Your organisation asked this question.")
    if is_staff_of_challenge(user, question.challenge):
        return True, _("The question is about your organisation's challenge.")
    return False, _("You cannot see this question.")


def can_answer(user, question: Question) -> Decision:
    if not _signed_in(user):
        return False, _("Please log in.")
    if question.state in (QuestionState.HIDDEN, QuestionState.MERGED) and not account_rules.is_ministry(user):
        return False, _("Only ministry staff can change a hidden or merged question.")
    if is_staff_of_challenge(user, question.challenge):
        return True, _("The question is about your organisation's challenge.")
    return False, _("Only the challenge's municipality and the ministry answer questions.")


def can_moderate_question(user, question: Question | None = None) -> Decision:
    """Edit the question's words, merge it into another or hide it: the ministry."""
    if not _signed_in(user):
        return False, _("Please log in.")
    if account_rules.is_ministry(user):
        return True, _("Ministry staff moderate questions.")
    return False, _("Only ministry staff can edit, merge or hide questions.")


def can_manage_questions(user) -> Decision:
    """Open the questions screens of the admin."""
    if not _signed_in(user):
        return False, _("Please log in.")
    if account_rules.is_ministry(user) or municipality_ids_of(user):
        return True, _("Ministry and municipality staff answer questions.")
    return False, _("Only ministry and municipality staff answer questions.")


# --------------------------------------------------------------------------------------------- threads


def sides_in(user, thread: Thread) -> set[str]:
    """The sides a user takes in a thread: startup, municipality and/or ministry (empty = none of them)."""
    if not _signed_in(user):
        return set()
    sides = set()
    org_ids = account_rules.organisation_ids_of(user)
    if thread.startup_id in org_ids:
        # A startup's members see an application's thread only once it was sent (a draft has no conversation).
        if not thread.application_id or thread.application.state != ApplicationState.DRAFT:
            sides.add(Message.Side.STARTUP)
    if thread.municipality_id in org_ids:
        if not thread.application_id or thread.application.state != ApplicationState.DRAFT:
            sides.add(Message.Side.MUNICIPALITY)
    if account_rules.is_ministry(user):
        if not thread.application_id or thread.application.state != ApplicationState.DRAFT:
            sides.add(Message.Side.MINISTRY)
    return sides


def writing_side(user, thread: Thread) -> str:
    sides = sides_in(user, thread)
    for side in (Message.Side.MUNICIPALITY, Message.Side.STARTUP, Message.Side.MINISTRY):
        if side in sides:
            return side
    return ""


def can_read_thread(user, thread: Thread) -> Decision:
    if not _signed_in(user):
        return False, _("Please log in.")
    if sides_in(user, thread):
        return True, _("You take part in this conversation.")
    return False, _("You can only read your own organisation's conversations.")


def sees_internal_notes(user, thread: Thread) -> bool:
    """Municipality and ministry staff of the thread; never someone who reads it only as the startup."""
    return bool(sides_in(user, thread) & {Message.Side.MUNICIPALITY, Message.Side.MINISTRY})


def can_post(user, thread: Thread) -> Decision:
    if not can_read_thread(user, thread)[0]:
        return False, _("You cannot write in this conversation.")
    if thread.application_id and thread.application.state == ApplicationState.WITHDRAWN:
        return False, _("The application was withdrawn; the conversation is closed.")
    return True, _("You take part in this conversation.")


def can_add_note(user, thread: Thread) -> Decision:
    if not can_post(user, thread)[0]:
        return False, _("You cannot write in this conversation.")
    if sees_internal_notes(user, thread):
        return True, _("Staff may add internal notes.")
    return False, _("Only municipality and ministry staff add internal notes.")


def can_use_staff_inbox(user) -> Decision:
    """The admin's list of conversations."""
    if not _signed_in(user):
        return False, _("Please log in.")
    if account_rules.is_ministry(user) or municipality_ids_of(user):
        return True, _("Ministry and municipality staff.")
    return False, _("Only ministry and municipality staff.")
