"""Writes for questions and message threads (keyword-only, validated, one transaction, audited).

Import from here: `from portal.conversations.services import message_post`.
"""

from .common import ConversationRefused
from .digest import send_message_digests
from .questions import (
    challenge_follow,
    question_answer,
    question_ask,
    question_edit,
    question_hide,
    question_merge,
)
from .threads import (
    info_request_post,
    message_post,
    message_preference_of,
    message_preference_set,
    thread_for_application,
    thread_for_engagement,
    thread_mark_read,
)

__all__ = [
    "ConversationRefused",
    "challenge_follow",
    "info_request_post",
    "message_post",
    "message_preference_of",
    "message_preference_set",
    "question_answer",
    "question_ask",
    "question_edit",
    "question_hide",
    "question_merge",
    "send_message_digests",
    "thread_for_application",
    "thread_for_engagement",
    "thread_mark_read",
]
