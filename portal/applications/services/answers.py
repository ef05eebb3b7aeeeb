"""Answers to a challenge's own questions, written with the proposal's text: application_start and
application_update call `save_answers` inside their transaction (files: answer_files.py)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.challenges.questions import QuestionKind, questions_of

from ..eligibility import clean_answer
from ..models import Application, ApplicationAnswer


def save_answers(*, application: Application, answers: dict) -> list[str]:
    """Write the typed answers (question id → text) of a locked application; returns the ids that changed.

    Unknown question ids and file questions are refused; each answer is checked by `clean_answer`, and all the
    errors come back at once, keyed by question id (nothing is written then)."""
    questions = {q.id: q for q in questions_of(application.challenge)}
    unknown = set(answers) - {q for q, question in questions.items() if question.kind != QuestionKind.FILE}
    if unknown:
        raise ValidationError(_("The challenge has no such question."), code="unknown_question")
    cleaned, errors = {}, {}
    for question_id, raw in answers.items():
        try:
            cleaned[question_id] = clean_answer(questions[question_id], raw)
        except ValidationError as error:
            errors[question_id] = error.messages
    if errors:
        raise ValidationError(errors)
    existing = {a.question_id: a for a in application.answers.all()}
    changed = []
    for question_id, value in cleaned.items():
        question = questions[question_id]
        answer = existing.get(question_id)
        if answer is None:
            if not value:
                continue
            answer = ApplicationAnswer(application=application, question_id=question_id)
        elif answer.value == value and answer.question_label == question.label[:200]:
            continue
        answer.question_label = question.label[:200]
        answer.kind = question.kind
        answer.value = value
        answer.full_clean()
        answer.save()
        changed.append(question_id)
    return changed
