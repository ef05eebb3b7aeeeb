"""Questions on challenges (質問受付) and message threads on applications and engagements.

Rows change only through the services (services/); reads that depend on who is looking go through selectors.py,
which is where internal notes and unanswered questions are kept from those who may not see them.
"""

from .questions import QUESTION_MAX_CHARS, ChallengeFollow, Question, QuestionState
from .threads import (
    MESSAGE_MAX_CHARS,
    EmailFrequency,
    Message,
    MessageAttachment,
    MessageKind,
    MessagePreference,
    PendingDigestItem,
    Thread,
    ThreadReadMark,
)

__all__ = [
    "MESSAGE_MAX_CHARS",
    "QUESTION_MAX_CHARS",
    "ChallengeFollow",
    "EmailFrequency",
    "Message",
    "MessageAttachment",
    "MessageKind",
    "MessagePreference",
    "PendingDigestItem",
    "Question",
    "QuestionState",
    "Thread",
    "ThreadReadMark",
]
