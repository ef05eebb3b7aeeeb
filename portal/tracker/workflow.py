"""The engagement workflow, declared once: stages → transitions → who may take them (the shape every state machine
of the portal has: portal/core/workflow.py).

Every stage change goes through `services.engagement_transition`, which looks the transition up here, asks
`permissions.can_transition` whether the user's side may take it, and records the reason, an audit event and a
notification. Nothing else writes `Engagement.stage`.

Sides: "municipality" (members of the engagement's municipality), "startup" (members of its startup),
"ministry" (ministry staff) and "system" (scheduled tasks and the adoption service, never a person).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.core.workflow import Transition, Workflow


class Stage(models.TextChoices):
    FIRST_VISIT = "first_visit", _("first visit")
    CONSULTATION = "consultation", _("consultation")
    POC_PLANNED = "poc_planned", _("PoC planned")
    POC_RUNNING = "poc_running", _("PoC running")
    POC_DONE = "poc_done", _("PoC done")
    CONTRACT = "contract", _("contract")
    DEPLOYMENT = "deployment", _("deployment")
    ADOPTED_ELSEWHERE = "adopted_elsewhere", _("adopted elsewhere")
    STALLED = "stalled", _("stalled")
    ENDED = "ended", _("ended")


# How far along the main path a stage is (the funnel counts engagements by the furthest stage they reached).
PROGRESS: dict[str, int] = {
    Stage.FIRST_VISIT: 1,
    Stage.CONSULTATION: 2,
    Stage.POC_PLANNED: 3,
    Stage.POC_RUNNING: 4,
    Stage.POC_DONE: 5,
    Stage.CONTRACT: 6,
    Stage.DEPLOYMENT: 7,
    Stage.ADOPTED_ELSEWHERE: 8,
}
ACTIVE_STAGES = [s for s in PROGRESS if s != Stage.ADOPTED_ELSEWHERE]
CLOSED_STAGES = [Stage.ENDED]

MUNICIPALITY, STARTUP, MINISTRY, SYSTEM = "municipality", "startup", "ministry", "system"
PARTIES = frozenset({MUNICIPALITY, STARTUP, MINISTRY})
BUYER = frozenset({MUNICIPALITY, MINISTRY})  # what the municipality decides (trials on its ground, contracts)

# "Where it was before": resuming a stalled engagement returns to the stage it stalled in.
RESUME = "__previous__"


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "consult",
        _("Start consulting"),
        (Stage.FIRST_VISIT, Stage.POC_PLANNED, Stage.POC_DONE),
        Stage.CONSULTATION,
        PARTIES,
    ),
    Transition("plan_poc", _("Plan a PoC"), (Stage.CONSULTATION,), Stage.POC_PLANNED, PARTIES),
    Transition("start_poc", _("Start the PoC"), (Stage.POC_PLANNED,), Stage.POC_RUNNING, BUYER),
    Transition("finish_poc", _("Finish the PoC"), (Stage.POC_RUNNING,), Stage.POC_DONE, PARTIES),
    Transition(
        "contract", _("Record a contract"), (Stage.CONSULTATION, Stage.POC_DONE), Stage.CONTRACT, BUYER
    ),
    Transition("deploy", _("Record full deployment"), (Stage.CONTRACT,), Stage.DEPLOYMENT, BUYER),
    Transition(
        "adopted_elsewhere",
        _("Mark as adopted elsewhere"),
        (Stage.DEPLOYMENT,),
        Stage.ADOPTED_ELSEWHERE,
        frozenset({MINISTRY, SYSTEM}),
    ),
    Transition("stall", _("Mark as stalled"), tuple(ACTIVE_STAGES), Stage.STALLED, PARTIES | {SYSTEM}),
    Transition("resume", _("Resume"), (Stage.STALLED,), RESUME, PARTIES),
    Transition("end", _("End the engagement"), (*PROGRESS, Stage.STALLED), Stage.ENDED, PARTIES),
)
ENGAGEMENT = Workflow(TRANSITIONS, field="stage")
BY_NAME = ENGAGEMENT.by_name
transitions_from = ENGAGEMENT.transitions_from


def is_further(new: str, old: str) -> bool:
    return PROGRESS.get(new, 0) > PROGRESS.get(old, 0)
