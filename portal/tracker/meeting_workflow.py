"""The meeting workflow, declared once (the shape of every state machine: portal/core/workflow.py).

    proposed ─pick→ confirmed ─change (another time, same event)→ confirmed
       │ └─ask_other_slots→ other_slots_asked ─offer_slots→ proposed
       └─offer_slots (new times replace the offered ones)→ proposed
    proposed / other_slots_asked / confirmed ─cancel→ cancelled

Who may take a step is a rule of tracker/permissions.py (`can_schedule_meeting`: offer_slots, change;
`can_answer_meeting`: pick, ask_other_slots; `can_cancel_meeting`: cancel). The services of
tracker/services/meetings.py take a step with `MEETING.move`; nothing else writes `Meeting.state`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.core.workflow import Transition, Workflow

from .models.meetings import MeetingState as State

OPEN = (State.PROPOSED, State.OTHER_SLOTS_ASKED)

MEETING = Workflow(
    (
        Transition("offer_slots", _("Offer other times"), OPEN, State.PROPOSED),
        Transition("pick", _("Pick a time"), (State.PROPOSED,), State.CONFIRMED),
        Transition("ask_other_slots", _("Ask for other times"), (State.PROPOSED,), State.OTHER_SLOTS_ASKED),
        Transition("change", _("Move the meeting"), (State.CONFIRMED,), State.CONFIRMED),
        Transition("cancel", _("Cancel the meeting"), (*OPEN, State.CONFIRMED), State.CANCELLED),
    ),
    refusal=_("This is not possible while the meeting is “%(state)s”."),
)
