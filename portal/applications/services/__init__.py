"""Writes for applications, reviews and startup profiles (keyword-only, validated, one transaction, audited).

Split by subject; import from here: `from portal.applications.services import application_submit`.
"""

from .answer_files import answer_file_set
from .applications import (
    ApplicationRefused,
    application_decline,
    application_mark_matched,
    application_request_more_info,
    application_shortlist,
    application_start,
    application_submit,
    application_update,
    application_withdraw,
    attachment_add,
    attachment_remove,
)
from .conflicts import conflict_declare, conflict_withdraw
from .preferences import application_set_preference
from .profile import (
    startup_profile_update,
    team_member_add,
    team_member_remove,
    track_record_add,
    track_record_remove,
)
from .review import notifications_mark_read, review_save

__all__ = [
    "ApplicationRefused",
    "answer_file_set",
    "application_decline",
    "application_mark_matched",
    "application_request_more_info",
    "application_set_preference",
    "application_shortlist",
    "application_start",
    "application_submit",
    "application_update",
    "application_withdraw",
    "attachment_add",
    "attachment_remove",
    "conflict_declare",
    "conflict_withdraw",
    "notifications_mark_read",
    "review_save",
    "startup_profile_update",
    "team_member_add",
    "team_member_remove",
    "track_record_add",
    "track_record_remove",
]
