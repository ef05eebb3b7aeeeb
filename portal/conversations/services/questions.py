"""Questions on challenges (質問受付): ask, answer (publishes), edit, merge, hide; following a challenge.

Each write: its permission rule (refusals raise ConversationRefused with the rule's reason), the row locked inside
one transaction, an audit event, and the notifications.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.accounts.selectors import active_members
from portal.applications.models import Application, ApplicationState
from portal.challenges.models import ChallengePage
from portal.core.audit import record
from portal.core.i18n import localized
from portal.core.notifications import notify

from .. import permissions as rules
from ..models import QUESTION_MAX_CHARS, ChallengeFollow, Question, QuestionState
from ..question_workflow import QUESTION
from .common import ConversationRefused, check, clean_text


def _locked(question: Question) -> Question:
    return Question.objects.select_for_update(of=("self",)).select_related("challenge").get(pk=question.pk)


def question_ask(*, challenge: ChallengePage, actor: User, text: str, now=None) -> Question:
    """A startup member asks a question during the challenge's question period; the asker follows the challenge
    and the municipality's staff are told."""
    check(rules.can_ask(actor, challenge, now=now))
    text = clean_text(
        text, field="text", max_chars=QUESTION_MAX_CHARS, empty=_("Please write your question.")
    )
    organisation_id = rules.startup_ids_of(actor)[0]
    with transaction.atomic():
        question = Question(challenge=challenge, asked_by=actor, organisation_id=organisation_id, text=text)
        question.full_clean()
        question.save()
        ChallengeFollow.objects.get_or_create(challenge=challenge, user=actor)
        record(actor=actor, action="question.ask", obj=question, challenge=challenge.pk)
        notify(
            active_members(challenge.municipality_id),
            kind="question.asked",
            params={"challenge": localized(challenge, "title"), "text": text},
            url=reverse("conversations_question", args=[question.pk]),
        )
    return question


def _answer_audience(question: Question) -> list[User]:
    """Who hears of a new answer: every applicant's members (drafts too, not withdrawn) and the followers."""
    startup_ids = set(
        Application.objects.filter(challenge_id=question.challenge_id)
        .exclude(state=ApplicationState.WITHDRAWN)
        .values_list("startup_id", flat=True)
    )
    users = {u.pk: u for u in active_members(*startup_ids)}
    for follow in ChallengeFollow.objects.filter(challenge_id=question.challenge_id).select_related("user"):
        if follow.user.is_active:
            users.setdefault(follow.user_id, follow.user)
    return list(users.values())


def question_answer(*, question: Question, actor: User, answer: str, now=None) -> Question:
    """Answer (or correct the answer of) a question: it is published on the challenge page without the asker's
    name. The first answer tells every applicant and follower."""
    answer = clean_text(
        answer, field="answer", max_chars=QUESTION_MAX_CHARS * 2, empty=_("Please write the answer.")
    )
    with transaction.atomic():
        locked = _locked(question)
        check(rules.can_answer(actor, locked))
        first = locked.state != QuestionState.ANSWERED
        previous = QUESTION.move(locked, "answer")
        locked.answer = answer
        locked.answered_by = actor
        locked.merged_into = None
        if first:
            locked.answered_at = now or timezone.now()
        locked.full_clean()
        locked.save()
        record(actor=actor, action="question.answer", obj=locked, previous=previous, first=first)
        if first:
            challenge = locked.challenge
            audience = _answer_audience(locked)
            # One notify() per language, so each link carries the reader's language prefix.
            by_language: dict[str, list[User]] = {}
            for user in audience:
                by_language.setdefault(user.preferred_language or settings.LANGUAGE_CODE, []).append(user)
            for language, group in by_language.items():
                with translation.override(language):
                    url = challenge.url or ""
                notify(
                    group,
                    kind="question.answered",
                    params={"challenge": localized(challenge, "title")},
                    url=f"{url}#questions" if url else "",
                )
    _copy(question, locked)
    return question


def question_edit(*, question: Question, actor: User, text: str) -> Question:
    """The ministry corrects a question's words (personal details, typos) before or after it is published."""
    text = clean_text(
        text, field="text", max_chars=QUESTION_MAX_CHARS, empty=_("Please write your question.")
    )
    with transaction.atomic():
        locked = _locked(question)
        check(rules.can_moderate_question(actor, locked))
        before = locked.text
        locked.text = text
        locked.full_clean()
        locked.save()
        record(actor=actor, action="question.edit", obj=locked, before=before)
    _copy(question, locked)
    return question


def question_hide(*, question: Question, actor: User, reason: str) -> Question:
    """The ministry takes a question off the page (and out of the queues); the reason is kept in the audit log."""
    reason = clean_text(reason, field="reason", max_chars=500, empty=_("Please give a reason."))
    with transaction.atomic():
        locked = _locked(question)
        check(rules.can_moderate_question(actor, locked))
        previous = QUESTION.move(locked, "hide")
        locked.save()
        record(actor=actor, action="question.hide", obj=locked, previous=previous, reason=reason)
    _copy(question, locked)
    return question


def question_merge(*, question: Question, into: Question, actor: User) -> Question:
    """The ministry merges a duplicate into another question of the same challenge: the asker then reads that
    question's answer."""
    if into.pk == question.pk or into.challenge_id != question.challenge_id:
        raise ValidationError({"into": _("Choose another question of the same challenge.")})
    if into.state in (QuestionState.HIDDEN, QuestionState.MERGED):
        raise ValidationError({"into": _("Choose a question that is neither hidden nor merged.")})
    with transaction.atomic():
        locked = _locked(question)
        check(rules.can_moderate_question(actor, locked))
        if locked.merged.exists():
            raise ValidationError(
                {"into": _("Other questions were merged into this one; it cannot be merged.")}
            )
        previous = QUESTION.move(locked, "merge")
        locked.merged_into = into
        locked.full_clean()
        locked.save()
        record(actor=actor, action="question.merge", obj=locked, previous=previous, into=into.pk)
    _copy(question, locked)
    return question


def _copy(target: Question, source: Question) -> None:
    for field in ("text", "state", "answer", "answered_by_id", "answered_at", "merged_into_id"):
        setattr(target, field, getattr(source, field))


def challenge_follow(*, challenge: ChallengePage, actor: User, follow: bool) -> bool:
    """Start or stop following a published challenge's answers. Returns whether the user follows it now."""
    if not rules._signed_in(actor):
        raise ConversationRefused(_("Please log in."), code="refused")
    if not challenge.live:
        raise ConversationRefused(_("This challenge is not published."), code="refused")
    with transaction.atomic():
        if follow:
            try:
                with transaction.atomic():
                    _follow, created = ChallengeFollow.objects.get_or_create(challenge=challenge, user=actor)
            except IntegrityError:  # a second click got there first
                created = False
        else:
            created = ChallengeFollow.objects.filter(challenge=challenge, user=actor).delete()[0] > 0
        if created:
            record(actor=actor, action="challenge.follow" if follow else "challenge.unfollow", obj=challenge)
    return follow
