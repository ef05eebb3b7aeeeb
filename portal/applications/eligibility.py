"""Who may apply to a challenge, and the answers to its own questions: the checks both the form and the rules use.

Eligibility: the conditions a municipality set on its challenge (incorporated, a trial with a municipality before,
based in one of some prefectures), each checked against the startup's profile and answered with the reason a
startup reads before it applies. `permissions.can_submit` refuses a submission that does not meet them.

Answers: `clean_answer` turns what was typed into the stored text, or says in the user's language why not;
`unanswered_required` lists the required questions still empty (a draft may leave them, a submission may not).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation, StartupProfile
from portal.challenges.models import ChallengePage
from portal.challenges.questions import (
    LONG_TEXT_MAX_CHARS,
    SHORT_TEXT_MAX_CHARS,
    Question,
    QuestionKind,
    questions_of,
)

from .models import Application, TrackRecordEntry

# --------------------------------------------------------------------------------------------- eligibility


@dataclass(frozen=True)
class Condition:
    """One condition of a challenge, as a startup reads it: what is asked, whether it is met, and why not."""

    key: str
    label: str
    met: bool
    reason: str = ""


def _profile(startup: Organisation) -> StartupProfile | None:
    return StartupProfile.objects.filter(organisation=startup).first()


def eligibility_for(startup: Organisation | None, challenge: ChallengePage) -> list[Condition]:
    """The challenge's conditions checked against the startup (None: nobody signed in, nothing is checked yet —
    every condition is listed as not met, without a reason)."""
    conditions: list[Condition] = []
    profile = _profile(startup) if startup is not None else None
    if challenge.eligibility_incorporated:
        met = bool(profile and profile.corporate_number)
        conditions.append(
            Condition(
                key="incorporated",
                label=str(_("An incorporated company with a corporate number (法人番号)")),
                met=met,
                reason=""
                if met or startup is None
                else str(
                    _(
                        "Your profile has no corporate number: this challenge is open to incorporated "
                        "companies only."
                    )
                ),
            )
        )
    if challenge.eligibility_poc_record:
        met = bool(profile) and TrackRecordEntry.objects.filter(profile=profile).exists()
        conditions.append(
            Condition(
                key="poc_record",
                label=str(_("Has done a trial (PoC) with a municipality before")),
                met=met,
                reason=""
                if met or startup is None
                else str(
                    _(
                        "Your profile's track record lists no trial with a municipality: add it to your "
                        "profile if you have done one."
                    )
                ),
            )
        )
    prefectures = list(challenge.eligibility_prefectures.all())
    if prefectures:
        names = ("、" if translation.get_language() != "en" else ", ").join(str(p) for p in prefectures)
        met = startup is not None and startup.prefecture_id in {p.pk for p in prefectures}
        if met or startup is None:
            reason = ""
        elif startup.prefecture_id is None:
            reason = str(
                _("Your profile names no prefecture; this challenge is for startups based in: %(names)s.")
            ) % {"names": names}
        else:
            reason = str(
                _(
                    "Your organisation is based in %(here)s; this challenge is for startups based in: %(names)s."
                )
            ) % {"here": startup.prefecture, "names": names}
        conditions.append(
            Condition(
                key="region",
                label=str(_("Based in: %(names)s")) % {"names": names},
                met=met,
                reason=reason,
            )
        )
    return conditions


def ineligibility_reasons(startup: Organisation | None, challenge: ChallengePage) -> list[str]:
    """Why the startup may not apply (empty: it may)."""
    return [c.reason or c.label for c in eligibility_for(startup, challenge) if not c.met]


# --------------------------------------------------------------------------------------------- answers


def _number(text: str) -> int:
    cleaned = unicodedata.normalize("NFKC", text).replace(",", "").replace("_", "").strip()
    try:
        return int(cleaned)
    except ValueError as exc:
        raise ValidationError(_("Enter a whole number."), code="invalid") from exc


def clean_answer(question: Question, raw) -> str:
    """The answer as stored (text; a number as its digits), or ValidationError with a message for the user.
    An empty answer is '' (allowed in a draft). File questions are answered with an upload, not here."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return ""
    if question.kind == QuestionKind.SHORT_TEXT:
        if "\n" in text:
            raise ValidationError(_("Answer on one line."), code="invalid")
        if len(text) > SHORT_TEXT_MAX_CHARS:
            raise ValidationError(
                _("At most %(count)d characters (you wrote %(length)d).")
                % {"count": SHORT_TEXT_MAX_CHARS, "length": len(text)},
                code="max_length",
            )
        return text
    if question.kind == QuestionKind.LONG_TEXT:
        if len(text) > LONG_TEXT_MAX_CHARS:
            raise ValidationError(
                _("At most %(count)d characters (you wrote %(length)d).")
                % {"count": LONG_TEXT_MAX_CHARS, "length": len(text)},
                code="max_length",
            )
        return text
    if question.kind == QuestionKind.CHOICE:
        if text not in question.choices:
            raise ValidationError(_("Choose one of the options."), code="invalid_choice")
        return text
    if question.kind == QuestionKind.NUMBER:
        number = _number(text)
        if question.min_value is not None and number < question.min_value:
            raise ValidationError(
                _("Enter %(value)d or more.") % {"value": question.min_value}, code="min_value"
            )
        if question.max_value is not None and number > question.max_value:
            raise ValidationError(
                _("Enter %(value)d or less.") % {"value": question.max_value}, code="max_value"
            )
        return str(number)
    raise ValidationError(_("This question is answered with a file."), code="invalid")


def answers_by_question(application: Application) -> dict:
    """The application's answers keyed by question id (one query, with the files)."""
    if application.pk is None:
        return {}
    return {a.question_id: a for a in application.answers.select_related("attachment")}


def unanswered_required(application: Application) -> list[Question]:
    """The required questions of the application's challenge that have no answer yet."""
    answers = answers_by_question(application)
    return [
        q
        for q in questions_of(application.challenge)
        if q.required and (q.id not in answers or answers[q.id].is_empty)
    ]


@dataclass(frozen=True)
class AnsweredQuestion:
    """A question next to its answer, for the review screen, the detail page and the PDF (in the editor's order;
    answers to questions since removed follow at the end, under the wording they were asked with)."""

    label: str
    answer: object  # ApplicationAnswer | None
    unit: str = ""  # a number question's unit (円, 人 …), as the municipality wrote it


def answered_questions(application: Application) -> list[AnsweredQuestion]:
    answers = answers_by_question(application)
    rows = [
        AnsweredQuestion(q.display_label, answers.pop(q.id, None), q.unit)
        for q in questions_of(application.challenge)
    ]
    rows += [AnsweredQuestion(a.question_label, a) for a in answers.values()]
    return rows
