"""The travel-request workflow, declared once (the shape of every state machine: portal/core/workflow.py).

    requested ─approve→ approved ─trip_done→ trip_done
        └─reject→ rejected          │  settle (on receipts) ──→ settled ─pay→ paid
                                    │  settle_nothing (¥0) ──→ paid
                                    └─ settle_above (more than approved) → excess_review
    excess_review ─excess_approve→ settled      excess_review ─excess_refuse(_nothing)→ settled (paid when ¥0)
    paid ─reverse_payment (a ledger correction)→ settled

Who may take a step is a rule of tracker/permissions.py: `can_decide_travel` (ministry staff: approve, reject,
excess_*, pay, reverse_payment), `can_settle_travel` (the startup's members and ministry staff: trip_done, settle*).
Every state change goes through `TRAVEL.move` in tracker/services/travel.py; nothing else writes
`TravelRequest.state`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.core.workflow import Transition, Workflow

from .models.travel import TravelState as State
from .workflow import MINISTRY, STARTUP

SETTLERS = frozenset({STARTUP, MINISTRY})
DECIDERS = frozenset({MINISTRY})
SETTLEABLE = (State.APPROVED, State.TRIP_DONE)

TRAVEL = Workflow(
    (
        Transition("approve", _("Approve"), (State.REQUESTED,), State.APPROVED, DECIDERS),
        Transition("reject", _("Reject"), (State.REQUESTED,), State.REJECTED, DECIDERS),
        Transition("trip_done", _("trip done"), (State.APPROVED,), State.TRIP_DONE, SETTLERS),
        Transition("settle", _("settled"), SETTLEABLE, State.SETTLED, SETTLERS),
        Transition("settle_nothing", _("paid"), SETTLEABLE, State.PAID, SETTLERS),
        Transition("settle_above", _("settled"), SETTLEABLE, State.EXCESS_REVIEW, SETTLERS),
        Transition("excess_approve", _("settled"), (State.EXCESS_REVIEW,), State.SETTLED, DECIDERS),
        Transition("excess_approve_nothing", _("paid"), (State.EXCESS_REVIEW,), State.PAID, DECIDERS),
        Transition("excess_refuse", _("settled"), (State.EXCESS_REVIEW,), State.SETTLED, DECIDERS),
        Transition("excess_refuse_nothing", _("paid"), (State.EXCESS_REVIEW,), State.PAID, DECIDERS),
        Transition("pay", _("paid"), (State.SETTLED,), State.PAID, DECIDERS),
        Transition("reverse_payment", _("settled"), (State.PAID,), State.SETTLED, DECIDERS),
    ),
    refusal=_("This is not possible while the request is “%(state)s”."),
)
