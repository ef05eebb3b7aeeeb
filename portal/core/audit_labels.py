"""Human labels for the audit log's action codes (`application.update` → 「応募の下書きを保存」).

Staff read the log in the admin; the codes stay in the database and in the filter's URL. A code without a label
(a new kind of event) shows as the code itself until a label is added here; tests/core/test_audit_labels.py checks
every code the services record has one.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import ngettext, pgettext_lazy

ACTION_LABELS: dict[str, Promise] = {
    "accounts.2fa_disabled": pgettext_lazy("audit action", "Two-step verification turned off"),
    "accounts.2fa_enabled": pgettext_lazy("audit action", "Two-step verification turned on"),
    "accounts.2fa_recovery_code_used": pgettext_lazy("audit action", "Recovery code used"),
    "accounts.2fa_recovery_regenerated": pgettext_lazy("audit action", "Recovery codes renewed"),
    "accounts.2fa_reset": pgettext_lazy("audit action", "Two-step verification reset"),
    "accounts.add_user": pgettext_lazy("audit action", "User added"),
    "accounts.change_user": pgettext_lazy("audit action", "User changed"),
    "accounts.delete_user": pgettext_lazy("audit action", "User deleted"),
    "accounts.view_user": pgettext_lazy("audit action", "User viewed"),
    "accounts.change_organisation": pgettext_lazy("audit action", "Organisation changed"),
    "accounts.organisation_changed": pgettext_lazy("audit action", "Organisation changed"),
    "accounts.organisation_created": pgettext_lazy("audit action", "Organisation created"),
    "accounts.view_organisation": pgettext_lazy("audit action", "Organisation viewed"),
    "accounts.view_membership": pgettext_lazy("audit action", "Membership viewed"),
    "accounts.consent_given": pgettext_lazy("audit action", "Consent given"),
    "accounts.email_change_requested": pgettext_lazy("audit action", "E-mail change requested"),
    "accounts.email_changed": pgettext_lazy("audit action", "E-mail address changed"),
    "accounts.email_verified": pgettext_lazy("audit action", "E-mail address verified"),
    "accounts.invitation_accepted": pgettext_lazy("audit action", "Invitation accepted"),
    "accounts.invitation_created": pgettext_lazy("audit action", "Invitation sent"),
    "accounts.language_changed": pgettext_lazy("audit action", "Language changed"),
    "accounts.login_unlock_sent": pgettext_lazy("audit action", "Unlock link sent"),
    "accounts.login_unlocked": pgettext_lazy("audit action", "Log-in unlocked"),
    "accounts.membership_removed": pgettext_lazy("audit action", "Member removed"),
    "accounts.membership_role_changed": pgettext_lazy("audit action", "Member's role changed"),
    "accounts.signup_attempt_existing": pgettext_lazy(
        "audit action", "Sign-up with an address already registered"
    ),
    "accounts.startup_created": pgettext_lazy("audit action", "Startup created"),
    "accounts.startup_registered": pgettext_lazy("audit action", "Startup registered"),
    "application.attachment_add": pgettext_lazy("audit action", "File attached to an application"),
    "application.attachment_remove": pgettext_lazy("audit action", "File removed from an application"),
    "application.decline": pgettext_lazy("audit action", "Application declined"),
    "application.match": pgettext_lazy("audit action", "Application matched"),
    "application.preference": pgettext_lazy("audit action", "Preference changed"),
    "application.request_more_info": pgettext_lazy("audit action", "More information requested"),
    "application.review": pgettext_lazy("audit action", "Application review saved"),
    "application.shortlist": pgettext_lazy("audit action", "Application shortlisted"),
    "application.start": pgettext_lazy("audit action", "Application draft started"),
    "application.answer_file": pgettext_lazy("audit action", "File answer attached"),
    "application.submit": pgettext_lazy("audit action", "Application submitted"),
    "application.update": pgettext_lazy("audit action", "Application draft saved"),
    "application.withdraw": pgettext_lazy("audit action", "Application withdrawn"),
    "briefing.announced": pgettext_lazy("audit action", "Briefing session announced"),
    "briefing.changed": pgettext_lazy("audit action", "Briefing session changed"),
    "briefing.materials_attached": pgettext_lazy("audit action", "Briefing materials attached"),
    "briefing.cancelled": pgettext_lazy("audit action", "Briefing session cancelled"),
    "briefing.registered": pgettext_lazy("audit action", "Registered for a briefing session"),
    "briefing.registration_cancelled": pgettext_lazy("audit action", "Briefing registration cancelled"),
    "briefing.attendance_recorded": pgettext_lazy("audit action", "Briefing attendance recorded"),
    "challenge.create": pgettext_lazy("audit action", "Challenge created"),
    "challenge.import": pgettext_lazy("audit action", "Challenges imported"),
    "challenge.outcome": pgettext_lazy("audit action", "Challenge outcome recorded"),
    "challenge.submitted": pgettext_lazy("audit action", "Challenge submitted for review"),
    "challenge.approved": pgettext_lazy("audit action", "Challenge approved for publication"),
    "challenge.rejected": pgettext_lazy("audit action", "Challenge sent back"),
    "conflict.declare": pgettext_lazy("audit action", "Conflict of interest declared"),
    "conflict.withdraw": pgettext_lazy("audit action", "Conflict of interest withdrawn"),
    "geo.refresh": pgettext_lazy("audit action", "Local-government codes refreshed"),
    "matching.proposal_accept": pgettext_lazy("audit action", "Match proposal accepted"),
    "matching.proposal_reject": pgettext_lazy("audit action", "Match proposal rejected"),
    "matching.run_create": pgettext_lazy("audit action", "Matching run started"),
    "matching.run_done": pgettext_lazy("audit action", "Matching run finished"),
    "matching.run_finished": pgettext_lazy("audit action", "Matching run finished"),
    "matching.run_failed": pgettext_lazy("audit action", "Matching run failed"),
    "reports.annual_requested": pgettext_lazy("audit action", "Annual report requested"),
    "startup_profile.team_add": pgettext_lazy("audit action", "Team member added"),
    "startup_profile.team_remove": pgettext_lazy("audit action", "Team member removed"),
    "startup_profile.track_record_add": pgettext_lazy("audit action", "Track record added"),
    "startup_profile.track_record_remove": pgettext_lazy("audit action", "Track record removed"),
    "startup_profile.update": pgettext_lazy("audit action", "Startup profile updated"),
    "challenge.follow": pgettext_lazy("audit action", "Challenge followed"),
    "challenge.unfollow": pgettext_lazy("audit action", "Challenge unfollowed"),
    "message.digest": pgettext_lazy("audit action", "Message digest sent"),
    "message.note": pgettext_lazy("audit action", "Internal note added"),
    "message.post": pgettext_lazy("audit action", "Message sent"),
    "message.preference": pgettext_lazy("audit action", "Message settings changed"),
    "question.answer": pgettext_lazy("audit action", "Question answered"),
    "question.ask": pgettext_lazy("audit action", "Question asked"),
    "question.edit": pgettext_lazy("audit action", "Question edited"),
    "question.hide": pgettext_lazy("audit action", "Question hidden"),
    "question.merge": pgettext_lazy("audit action", "Questions merged"),
    "tracker.adoption_declined": pgettext_lazy("audit action", "Adoption elsewhere declined"),
    "tracker.adoption_linked": pgettext_lazy("audit action", "Adoption elsewhere linked"),
    "tracker.adoption_requested": pgettext_lazy("audit action", "Adoption elsewhere reported"),
    "tracker.agreement_recorded": pgettext_lazy("audit action", "Agreement recorded"),
    "tracker.agreement_amended": pgettext_lazy("audit action", "Agreement amended"),
    "tracker.agreement_renewal_due_reminder": pgettext_lazy(
        "audit action", "Agreement renewal reminder sent"
    ),
    "tracker.agreement_ending_reminder": pgettext_lazy("audit action", "Agreement end reminder sent"),
    "tracker.pulse_answered": pgettext_lazy("audit action", "Pulse survey answered"),
    "tracker.budget_request_deadline_set": pgettext_lazy("audit action", "Budget-request deadline set"),
    "tracker.budget_request_reminder": pgettext_lazy("audit action", "Budget-request reminder sent"),
    "tracker.budget_set": pgettext_lazy("audit action", "Travel budget set"),
    "tracker.engagement_described": pgettext_lazy("audit action", "Engagement title and summary edited"),
    "tracker.meeting_proposed": pgettext_lazy("audit action", "Meeting times proposed"),
    "tracker.meeting_slots_offered": pgettext_lazy("audit action", "New meeting times offered"),
    "tracker.meeting_other_slots_asked": pgettext_lazy("audit action", "Other meeting times asked for"),
    "tracker.meeting_confirmed": pgettext_lazy("audit action", "Meeting time chosen"),
    "tracker.meeting_changed": pgettext_lazy("audit action", "Meeting moved"),
    "tracker.meeting_cancelled": pgettext_lazy("audit action", "Meeting cancelled"),
    "tracker.case_study_approved": pgettext_lazy("audit action", "Case study approved"),
    "tracker.case_study_drafted": pgettext_lazy("audit action", "Case study drafted"),
    "tracker.case_study_published": pgettext_lazy("audit action", "Case study published"),
    "tracker.case_study_unpublished": pgettext_lazy("audit action", "Case study taken off the site"),
    "tracker.consent_granted": pgettext_lazy("audit action", "Data-use consent given"),
    "tracker.consent_revoked": pgettext_lazy("audit action", "Data-use consent withdrawn"),
    "tracker.evidence_pack_created": pgettext_lazy("audit action", "Evidence pack version made"),
    "tracker.solution_joined": pgettext_lazy("audit action", "Solved challenge joined"),
    "tracker.reviewer_invited": pgettext_lazy("audit action", "External reviewer invited"),
    "tracker.reviewer_statement_received": pgettext_lazy(
        "audit action", "External reviewer's statement received"
    ),
    "tracker.engagement_opened": pgettext_lazy("audit action", "Engagement started"),
    "tracker.flagged_stalled": pgettext_lazy("audit action", "Engagement flagged as stalled"),
    "tracker.ledger_reversed": pgettext_lazy("audit action", "Budget ledger entry reversed"),
    "tracker.progress_reported": pgettext_lazy("audit action", "Progress reported"),
    "tracker.stage_changed": pgettext_lazy("audit action", "Engagement stage changed"),
    "tracker.stalled_reminder": pgettext_lazy("audit action", "Stalled engagement reminder sent"),
    "tracker.travel_requested": pgettext_lazy("audit action", "Travel support requested"),
    "tracker.travel_approved": pgettext_lazy("audit action", "Travel support approved"),
    "tracker.travel_rejected": pgettext_lazy("audit action", "Travel support rejected"),
    "tracker.travel_excess_approved": pgettext_lazy("audit action", "Amount above approval accepted"),
    "tracker.travel_excess_refused": pgettext_lazy("audit action", "Amount above approval refused"),
    "tracker.trip_done": pgettext_lazy("audit action", "Trip done"),
    "tracker.travel_settled": pgettext_lazy("audit action", "Travel costs settled"),
    "tracker.travel_settled_above_approval": pgettext_lazy(
        "audit action", "Travel costs settled above the approved amount"
    ),
    "tracker.travel_paid": pgettext_lazy("audit action", "Travel support paid"),
}


def action_label(code: str) -> str:
    """The action's label in the active language, or the code when it has none."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


# The recorded details staff may see named (their values stay out of the list: they can quote private text).
DETAIL_LABELS: dict[str, Promise] = {
    "reason": pgettext_lazy("audit detail", "reason"),
    "previous": pgettext_lazy("audit detail", "previous value"),
    "review": pgettext_lazy("audit detail", "review"),
    "outcome": pgettext_lazy("audit detail", "outcome"),
    "from_stage": pgettext_lazy("audit detail", "stage before"),
    "to_stage": pgettext_lazy("audit detail", "stage after"),
    "amount_yen": pgettext_lazy("audit detail", "amount"),
    "total_yen": pgettext_lazy("audit detail", "total"),
    "actual_yen": pgettext_lazy("audit detail", "actual cost"),
    "released_yen": pgettext_lazy("audit detail", "amount released"),
    "fiscal_year": pgettext_lazy("audit detail", "fiscal year"),
    "paid_on": pgettext_lazy("audit detail", "paid on"),
    "scores": pgettext_lazy("audit detail", "scores"),
    "weighted_total": pgettext_lazy("audit detail", "total score"),
    "challenge": pgettext_lazy("audit detail", "challenge"),
    "application": pgettext_lazy("audit detail", "application"),
    "report": pgettext_lazy("audit detail", "report"),
    "source": pgettext_lazy("audit detail", "source"),
}


def detail_labels(data: dict) -> str:
    """The names of an event's recorded details in the active language; other (technical) details are counted."""
    named = sorted(str(DETAIL_LABELS[key]) for key in data if key in DETAIL_LABELS)
    others = sum(1 for key in data if key not in DETAIL_LABELS)
    if others:
        named.append(ngettext("%(count)d more", "%(count)d more", others) % {"count": others})
    return ", ".join(named)


def object_label(object_type: str, object_id: str) -> str:
    """「応募 #12」 for ("applications.application", "12"): the model's name in the active language and the id."""
    if not object_type:
        return ""
    try:
        name = apps.get_model(object_type)._meta.verbose_name
    except (LookupError, ValueError):
        name = object_type
    return f"{name} #{object_id}" if object_id else str(name)
