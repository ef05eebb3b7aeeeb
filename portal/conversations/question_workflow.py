"""The question workflow, declared once (the shape of every state machine: portal/core/workflow.py).

    open ─answer (publishes)→ answered ─answer (a corrected answer)→ answered
    any state ─hide→ hidden        any state ─merge (into another question)→ merged
    hidden / merged ─answer (ministry staff only)→ answered

Every step may be taken from every state; who may take it is a rule of conversations/permissions.py
(`can_answer`, `can_moderate_question`). The services of conversations/services/questions.py take a step with
`QUESTION.move`; nothing else writes `Question.state`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.core.workflow import Transition, Workflow

from .models import QuestionState as State

EVERY_STATE = tuple(State)

QUESTION = Workflow(
    (
        Transition("answer", _("answered"), EVERY_STATE, State.ANSWERED),
        Transition("hide", _("hidden"), EVERY_STATE, State.HIDDEN),
        Transition("merge", _("merged"), EVERY_STATE, State.MERGED),
    )
)
