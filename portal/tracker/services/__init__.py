"""Tracker services (writes): keyword-only, one transaction, an audit event and a notification each."""

from .adoption import (
    adoption_decline,
    adoption_link,
    adoption_request_create,
    case_study_approve,
    case_study_draft,
)
from .agreements import agreement_amend, agreement_record, send_agreement_reminders
from .budget_calendar import budget_request_deadline_set, send_budget_request_reminders
from .engagements import (
    engagement_describe,
    engagement_open,
    engagement_transition,
    flag_stalled_engagements,
    progress_report_create,
)
from .ledger import BudgetExceeded, balances
from .meetings import (
    SlotInput,
    jst_slot,
    meeting_ask_other_slots,
    meeting_cancel,
    meeting_change,
    meeting_offer_slots,
    meeting_pick,
    meeting_propose,
    visit_trip_plan,
)
from .scorecards import pulse_answered, pulse_submit
from .travel import (
    default_origin,
    fiscal_budget_set,
    ledger_reverse,
    travel_estimate,
    travel_excess_approve,
    travel_excess_refuse,
    travel_request_approve,
    travel_request_create,
    travel_request_pay,
    travel_request_reject,
    travel_request_settle,
    travel_trip_done,
)

__all__ = [
    "BudgetExceeded",
    "adoption_decline",
    "adoption_link",
    "adoption_request_create",
    "agreement_amend",
    "agreement_record",
    "balances",
    "budget_request_deadline_set",
    "case_study_approve",
    "case_study_draft",
    "default_origin",
    "engagement_describe",
    "engagement_open",
    "engagement_transition",
    "fiscal_budget_set",
    "flag_stalled_engagements",
    "ledger_reverse",
    "meeting_ask_other_slots",
    "meeting_cancel",
    "meeting_change",
    "meeting_offer_slots",
    "meeting_pick",
    "meeting_propose",
    "SlotInput",
    "jst_slot",
    "visit_trip_plan",
    "progress_report_create",
    "pulse_answered",
    "pulse_submit",
    "send_agreement_reminders",
    "send_budget_request_reminders",
    "travel_estimate",
    "travel_excess_approve",
    "travel_excess_refuse",
    "travel_request_approve",
    "travel_request_create",
    "travel_request_pay",
    "travel_request_reject",
    "travel_request_settle",
    "travel_trip_done",
]
