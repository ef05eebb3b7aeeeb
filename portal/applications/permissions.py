"""Who may do what with applications and startup profiles. Each rule returns (allowed, reason).

- Startup members act for their own organisation's applications only (another startup's are 404, not 403).
- Municipality staff see what was sent to their own organisation's challenges (never drafts) and review it.
- Ministry staff see and review everything.
- Whoever declared a conflict of interest with a startup (conflicts.py) may still read its applications, but not
  score, shortlist, decline or ask it for more: every reviewer rule below refuses with the recusal reason.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts import permissions as account_rules
from portal.accounts.models import Organisation
from portal.challenges.models import ChallengePage
from portal.challenges.status import ChallengeStatus
from portal.core.decisions import Decision

from . import conflicts, eligibility
from .models import (
    EDITABLE_STATES,
    SENT_STATES,
    Application,
    ApplicationState,
    ConflictOfInterest,
)
from .models.conflicts import ConflictSide
from .workflow import APPLICATION


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def startup_of(user) -> Organisation | None:
    """The startup a user acts for (their first startup membership), or None."""
    for m in account_rules.memberships_of(user):
        if m.organisation.kind == Organisation.Kind.STARTUP:
            return m.organisation
    return None


def is_member_of_applicant(user, application: Application) -> bool:
    return application.startup_id in account_rules.organisation_ids_of(user)


def is_reviewer_of(user, application: Application) -> bool:
    """Ministry staff, or staff of the municipality whose challenge it is."""
    if account_rules.is_ministry(user):
        return True
    return account_rules.is_municipality_staff(user) and application.challenge.municipality_id in (
        account_rules.organisation_ids_of(user)
    )


# --------------------------------------------------------------------------------------------- seeing


def can_view_application(user, application: Application) -> Decision:
    if not _signed_in(user):
        return False, _("Please log in.")
    if is_member_of_applicant(user, application):
        return True, _("This is your organisation's application.")
    if application.state in SENT_STATES and is_reviewer_of(user, application):
        return True, _("The application was sent to your organisation's challenge.")
    return False, _("You cannot see this application.")


def can_review(user) -> Decision:
    """Open the review screens at all."""
    if not _signed_in(user):
        return False, _("Please log in.")
    if account_rules.is_ministry(user) or account_rules.is_municipality_staff(user):
        return True, _("Ministry and municipality staff review applications.")
    return False, _("Only ministry and municipality staff review applications.")


def reviewable_applications(qs: QuerySet, user) -> QuerySet:
    """Limit `qs` to the applications a user may review: sent ones, and for municipalities their own challenges'."""
    if not can_review(user)[0]:
        return qs.none()
    qs = qs.exclude(state=ApplicationState.DRAFT)
    if account_rules.is_ministry(user):
        return qs
    municipality_ids = [
        m.organisation_id
        for m in account_rules.memberships_of(user)
        if m.organisation.kind == Organisation.Kind.MUNICIPALITY
    ]
    return qs.filter(challenge__municipality_id__in=municipality_ids)


# --------------------------------------------------------------------------------------------- the startup's actions


def can_apply_to(user, challenge: ChallengePage, *, now=None) -> Decision:
    """Start an application: a startup member, to a published challenge whose window is open."""
    if not _signed_in(user):
        return False, _("Log in as a startup member to apply.")
    if startup_of(user) is None:
        return False, _("Only startup members can apply.")
    if not challenge.live:
        return False, _("This challenge is not published.")
    status = challenge.status_at(now or timezone.now())
    if status == ChallengeStatus.UPCOMING:
        return False, _("Applications to this challenge are not open yet.")
    if status != ChallengeStatus.OPEN:
        return False, _("Applications to this challenge are closed.")
    return True, _("The application window is open.")


def can_edit_application(user, application: Application) -> Decision:
    if not (_signed_in(user) and is_member_of_applicant(user, application)):
        return False, _("You cannot change this application.")
    if application.state not in EDITABLE_STATES:
        return False, _("This application has been submitted and can no longer be changed.")
    return True, _("You may change this application.")


def can_submit(user, application: Application, *, now=None) -> Decision:
    if not (_signed_in(user) and is_member_of_applicant(user, application)):
        return False, _("You cannot submit this application.")
    if application.state == ApplicationState.MORE_INFO:
        # The municipality asked for more: the answer is welcome after the deadline.
        return True, _("You may send the information requested.")
    allowed, reason = APPLICATION.allows(application.state, "submit")
    if not allowed:
        return False, reason
    challenge = application.challenge
    if not challenge.live:
        return False, _("This challenge is not published.")
    now = now or timezone.now()
    if now > challenge.application_closes:
        return False, _("The deadline for this challenge has passed; the application cannot be submitted.")
    if now < challenge.application_opens:
        return False, _("Applications to this challenge are not open yet.")
    missing = application.missing_for_submission
    if missing:
        return False, _("Please fill in: %(fields)s.") % {"fields": ", ".join(str(m) for m in missing)}
    not_eligible = eligibility.ineligibility_reasons(application.startup, challenge)
    if not_eligible:
        return False, _("Your organisation cannot apply to this challenge: %(reasons)s") % {
            "reasons": " ".join(not_eligible)
        }
    unanswered = eligibility.unanswered_required(application)
    if unanswered:
        return False, _("Please answer: %(questions)s.") % {
            "questions": ", ".join(q.display_label for q in unanswered)
        }
    return True, _("Ready to submit.")


# Applications the startup may still rank: sent, and not decided yet.
RANKABLE_STATES = {ApplicationState.SUBMITTED, ApplicationState.MORE_INFO, ApplicationState.SHORTLISTED}


def can_set_preference(user, application: Application, *, now=None) -> Decision:
    """Rank (第1–第3希望) or unrank an application: members of the owning startup, until the challenge's deadline."""
    if not (_signed_in(user) and is_member_of_applicant(user, application)):
        return False, _("Only members of the startup can rank its applications.")
    if application.state not in RANKABLE_STATES:
        return False, _("Only a submitted application that is still under review can be ranked.")
    if (now or timezone.now()) > application.challenge.application_closes:
        return False, _("The deadline for this challenge has passed; its rank can no longer be changed.")
    return True, _("You may rank this application.")


def can_withdraw(user, application: Application) -> Decision:
    if not (_signed_in(user) and is_member_of_applicant(user, application)):
        return False, _("You cannot withdraw this application.")
    allowed, reason = APPLICATION.allows(application.state, "withdraw")
    if not allowed:
        return False, reason
    return True, _("You may withdraw before a decision.")


# --------------------------------------------------------------------------------------------- the municipality's


RECUSED_FROM_REVIEW = _(
    "You have declared a conflict of interest with this startup, so you cannot score or decide on its application."
)


def recused_from(user, application: Application) -> Decision | None:
    """The refusal when the user declared a conflict with the applicant (or a company with its corporate number)."""
    if conflicts.recusal(user, startup_id=application.startup_id, challenge_id=application.challenge_id):
        return False, RECUSED_FROM_REVIEW
    return None


def _reviewer(user, application: Application) -> Decision | None:
    if not _signed_in(user):
        return False, _("Please log in.")
    if not is_reviewer_of(user, application) or application.state == ApplicationState.DRAFT:
        return False, _("You can only review applications to your own organisation's challenges.")
    return recused_from(user, application)


def can_score(user, application: Application) -> Decision:
    refused = _reviewer(user, application)
    if refused:
        return refused
    if application.state in {ApplicationState.WITHDRAWN}:
        return False, _("The startup has withdrawn this application.")
    return True, _("You may score this application.")


def can_shortlist(user, application: Application) -> Decision:
    refused = _reviewer(user, application)
    if refused:
        return refused
    allowed, reason = APPLICATION.allows(application.state, "shortlist")
    if not allowed:
        return False, reason
    return True, _("You may shortlist this application.")


def can_decline(user, application: Application) -> Decision:
    refused = _reviewer(user, application)
    if refused:
        return refused
    allowed, reason = APPLICATION.allows(application.state, "decline")
    if not allowed:
        return False, reason
    return True, _("You may decline this application.")


def can_request_more_info(user, application: Application) -> Decision:
    refused = _reviewer(user, application)
    if refused:
        return refused
    allowed, reason = APPLICATION.allows(application.state, "request_more_info")
    if not allowed:
        return False, reason
    return True, _("You may ask the startup for more information.")


def can_mark_matched(user, application: Application) -> Decision:
    """Matching (or ministry staff) records the match; `user` None is the system acting for the matching run."""
    if user is not None:
        refused = _reviewer(user, application)
        if refused:
            return refused
    allowed, reason = APPLICATION.allows(application.state, "match")
    if not allowed:
        return False, reason
    return True, _("The application can be matched.")


# --------------------------------------------------------------------------------------------- profiles


def can_edit_startup_profile(user, organisation: Organisation) -> Decision:
    """The organisation's members edit its profile (the issue: 'edited by the organisation's members')."""
    if not _signed_in(user):
        return False, _("Please log in.")
    if organisation.kind != Organisation.Kind.STARTUP:
        return False, _("Only startups have a startup profile.")
    if organisation.pk in account_rules.organisation_ids_of(user):
        return True, _("You are a member of this startup.")
    return False, _("You can only edit your own startup's profile.")


# --------------------------------------------------------------------------------------------- conflicts of interest


def conflict_side_of(user) -> tuple[str, Organisation | None] | None:
    """Which side a staff member declares for: ministry (superusers count) or their first municipality; else None."""
    if account_rules.is_ministry(user):
        return ConflictSide.MINISTRY, None
    for m in account_rules.memberships_of(user):
        if m.organisation.kind == Organisation.Kind.MUNICIPALITY:
            return ConflictSide.MUNICIPALITY, m.organisation
    return None


def can_declare_conflict(user) -> Decision:
    """Ministry and municipality staff declare their own conflicts (and see the declarations they may see)."""
    if not _signed_in(user):
        return False, _("Please log in.")
    if conflict_side_of(user) is None:
        return False, _("Only ministry and municipality staff declare conflicts of interest.")
    return True, _("Staff declare their own conflicts of interest.")


def can_scope_conflict_to(user, challenge: ChallengePage) -> Decision:
    """A municipality's staff scope a declaration to one of their own challenges; the ministry to any."""
    side = conflict_side_of(user)
    if side is None:
        return False, _("Only ministry and municipality staff declare conflicts of interest.")
    if side[0] == ConflictSide.MUNICIPALITY and challenge.municipality_id != side[1].pk:
        return False, _("Choose one of your own organisation's challenges.")
    return True, _("The declaration may be limited to this challenge.")


def visible_conflicts(qs: QuerySet, user) -> QuerySet:
    """The ministry sees every declaration; a municipality's staff see their own organisation's staff's."""
    if not can_declare_conflict(user)[0]:
        return qs.none()
    if account_rules.is_ministry(user):
        return qs
    return qs.filter(municipality_id__in=account_rules.organisation_ids_of(user))


def can_withdraw_conflict(user, declaration: ConflictOfInterest) -> Decision:
    if not _signed_in(user) or declaration.person_id != user.pk:
        return False, _("Only the person who declared a conflict can withdraw it.")
    if not declaration.is_active:
        return False, _("This declaration has already been withdrawn.")
    return True, _("You may withdraw your declaration.")
