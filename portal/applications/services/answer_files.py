"""A file question's answer: attached after the text has been saved, so a refused file never loses what was typed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.challenges.questions import QuestionKind, questions_of
from portal.core.audit import record

from .. import permissions as rules
from ..models import Application, ApplicationAnswer
from .applications import _check, _locked, attachment_add, attachment_remove


def answer_file_set(
    *, application: Application, actor: User, question_id: str, uploaded
) -> ApplicationAnswer:
    """Answer a file question: the file is checked and stored like any attachment; a previous file is replaced."""
    question = next((q for q in questions_of(application.challenge) if q.id == question_id), None)
    if question is None or question.kind != QuestionKind.FILE:
        raise ValidationError(_("The challenge has no such question."), code="unknown_question")
    with transaction.atomic():
        locked = _locked(application)
        _check(rules.can_edit_application(actor, locked))
        answer = (
            ApplicationAnswer.objects.select_for_update(
                of=("self",)
            )  # not the nullable attachment (PostgreSQL)
            .filter(application=locked, question_id=question_id)
            .select_related("attachment")
            .first()
        )
        previous = answer.attachment if answer is not None else None
        if previous is not None:
            attachment_remove(attachment=previous, actor=actor)
        attachment = attachment_add(application=locked, actor=actor, uploaded=uploaded)
        if answer is None:
            answer = ApplicationAnswer(application=locked, question_id=question_id)
        answer.question_label = question.label[:200]
        answer.kind = question.kind
        answer.value = ""
        answer.attachment = attachment
        answer.full_clean()
        answer.save()
        record(
            actor=actor,
            action="application.answer_file",
            obj=locked,
            question=question_id,
            name=attachment.original_name,
        )
    return answer
