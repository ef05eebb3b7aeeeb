"""Tracker models, one module per part: engagements, travel support, the ledger, adoption, case studies."""

from .adoption import AdoptionRequest
from .casestudy import CaseStudyIndexPage, CaseStudyPage
from .consent import CONSENT_SIDES, ConsentPurpose, DataConsent, consent_missing
from .engagements import Engagement, ProgressAttachment, ProgressReport, StageChange, private_storage
from .evidence import EvidencePack, ReviewerInvitation
from .ledger import AppendOnlyError, LedgerEntry
from .meetings import Meeting, MeetingKind, MeetingSlot, MeetingState
from .travel import FiscalBudget, Transport, TravelReceipt, TravelRequest, TravelState

__all__ = [
    "AdoptionRequest",
    "AppendOnlyError",
    "CONSENT_SIDES",
    "CaseStudyIndexPage",
    "ConsentPurpose",
    "DataConsent",
    "EvidencePack",
    "consent_missing",
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
    "ReviewerInvitation",
    "StageChange",
    "Transport",
    "TravelReceipt",
    "TravelRequest",
    "TravelState",
    "private_storage",
]
