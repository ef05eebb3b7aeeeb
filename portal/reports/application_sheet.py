"""Reads for the application PDF (応募書): one application as the municipality files it — the proposal, the startup,
the challenge, the eligibility check and every answer to the challenge's own questions.

Who may have it is who may see the application (applications.permissions.can_view_application, through
`applications.selectors.application_for`): ministry staff, the staff of the challenge's municipality, and the
applying startup's members. Anything else is a 404, as on the application's page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from portal.accounts.models import StartupProfile
from portal.applications import eligibility
from portal.applications.models import Application
from portal.applications.selectors import application_for
from portal.challenges.questions import QuestionKind


@dataclass(frozen=True)
class AnswerLine:
    """One question and its answer as printed: text, a number in the locale's form with its unit, a choice's label,
    or a file by its name (and the link staff follow to download it)."""

    label: str
    text: str = ""
    file_name: str = ""
    file_url: str = ""
    answered: bool = True


@dataclass
class ApplicationSheet:
    application: Application
    profile: StartupProfile | None
    conditions: list[eligibility.Condition]
    eligible: bool
    answers: list[AnswerLine] = field(default_factory=list)
    team: list = field(default_factory=list)
    attachments: list = field(default_factory=list)


def application_for_sheet(user, pk: int) -> Application:
    """The application if the user may see it (Http404 otherwise, whatever the reason)."""
    return application_for(user, pk)


def _number(value: str, unit: str) -> str:
    try:
        text = f"{int(value):,}"
    except ValueError:
        text = value
    return f"{text}{unit}"  # the PDF is Japanese: 1,500,000円, 12人 (no space)


def answer_lines(application: Application, *, absolute_url=lambda path: path) -> list[AnswerLine]:
    """Every question of the challenge (and answers to questions since removed), each with its answer."""
    lines = []
    for row in eligibility.answered_questions(application):
        answer = row.answer
        if answer is None or answer.is_empty:
            lines.append(AnswerLine(label=row.label, answered=False))
        elif answer.attachment_id:
            path = reverse("applications:attachment_download", args=[application.pk, answer.attachment_id])
            lines.append(
                AnswerLine(
                    label=row.label, file_name=answer.attachment.original_name, file_url=absolute_url(path)
                )
            )
        elif answer.kind == QuestionKind.NUMBER:
            lines.append(AnswerLine(label=row.label, text=_number(answer.value, row.unit)))
        else:
            lines.append(AnswerLine(label=row.label, text=answer.value))
    return lines


def application_sheet(application: Application, *, absolute_url=lambda path: path) -> ApplicationSheet:
    """What the PDF prints, in the active language; the eligibility is checked against the profile as it is now."""
    conditions = eligibility.eligibility_for(application.startup, application.challenge)
    return ApplicationSheet(
        application=application,
        profile=StartupProfile.objects.filter(organisation=application.startup).first(),
        conditions=conditions,
        eligible=all(c.met for c in conditions),
        answers=answer_lines(application, absolute_url=absolute_url),
        team=list(application.team.all()),
        attachments=list(application.attachments.all()),
    )
