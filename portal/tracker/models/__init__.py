"""Tracker models, one module per part: engagements, travel support, the ledger, adoption, case studies."""

from .adoption import AdoptionRequest
from .agreements import Agreement, AgreementAmendment, AgreementFile
from .budget_calendar import BudgetRequestDeadline
from .casestudy import CaseStudyIndexPage, CaseStudyPage
from .engagements import Engagement, ProgressAttachment, ProgressReport, StageChange, private_storage
from .ledger import AppendOnlyError, LedgerEntry
from .meetings import Meeting, MeetingKind, MeetingSlot, MeetingState
from .scorecards import Blocker, PulseResponse
from .travel import FiscalBudget, Transport, TravelReceipt, TravelRequest, TravelState

__all__ = [
    "AdoptionRequest",
    "Agreement",
    "AgreementAmendment",
    "AgreementFile",
    "AppendOnlyError",
    "Blocker",
    "BudgetRequestDeadline",
    "CaseStudyIndexPage",
    "CaseStudyPage",
    "Engagement",
    "FiscalBudget",
    "LedgerEntry",
    "Meeting",
    "MeetingKind",
    "MeetingSlot",
    "MeetingState",
    "ProgressAttachment",
    "ProgressReport",
    "PulseResponse",
    "StageChange",
    "Transport",
    "TravelReceipt",
    "TravelRequest",
    "TravelState",
    "private_storage",
]
