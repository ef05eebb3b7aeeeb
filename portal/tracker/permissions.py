"""Who may do what in the tracker. Every rule returns (allowed, reason) — the reason is shown to the user."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.accounts.permissions import is_ministry, organisation_ids_of
from portal.core.decisions import Decision

from . import workflow
from .models import CaseStudyPage, Engagement, TravelRequest
from .workflow import Transition


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def sides_of(user, engagement: Engagement) -> set[str]:
    """The sides a user acts on in an engagement: municipality, startup and/or ministry."""
    if not _signed_in(user):
        return set()
    sides = set()
    ids = organisation_ids_of(user)
    if engagement.municipality_id in ids:
        sides.add(workflow.MUNICIPALITY)
    if engagement.startup_id in ids:
        sides.add(workflow.STARTUP)
    if is_ministry(user):
        sides.add(workflow.MINISTRY)
    return sides


def party_side(user, engagement: Engagement) -> str:
    """The side a user writes as (reports, stage changes): their own organisation's first, else ministry."""
    sides = sides_of(user, engagement)
    for side in (workflow.MUNICIPALITY, workflow.STARTUP, workflow.MINISTRY):
        if side in sides:
            return side
    return ""


def can_view_engagement(user, engagement: Engagement) -> Decision:
    if not _signed_in(user):
        return False, _("Please log in.")
    if sides_of(user, engagement):
        return True, _("You take part in this engagement.")
    return False, _("You can only see engagements of your own organisation.")


def can_transition(user, engagement: Engagement, transition: Transition) -> Decision:
    if engagement.stage not in transition.sources:
        return False, _("This step is not possible from the stage “%(stage)s”.") % {
            "stage": engagement.get_stage_display()
        }
    if user is None:  # the system (scheduled tasks, adoption service)
        if workflow.SYSTEM in transition.sides:
            return True, _("Done by the system.")
        return False, _("This step needs a person.")
    sides = sides_of(user, engagement)
    if not sides:
        return False, _("You can only change engagements of your own organisation.")
    if sides & transition.sides:
        return True, _("Your side may take this step.")
    return False, _("Only %(sides)s may take this step.") % {
        "sides": ", ".join(str(SIDE_LABELS[s]) for s in sorted(transition.sides) if s in SIDE_LABELS)
    }


SIDE_LABELS = {
    workflow.MUNICIPALITY: _("the municipality"),
    workflow.STARTUP: _("the startup"),
    workflow.MINISTRY: _("ministry staff"),
}


def can_report_progress(user, engagement: Engagement) -> Decision:
    if not sides_of(user, engagement):
        return False, _("Only the two parties and ministry staff report progress.")
    if engagement.stage == workflow.Stage.ENDED:
        return False, _("This engagement has ended.")
    return True, _("You take part in this engagement.")


def can_describe_engagement(user, engagement: Engagement) -> Decision:
    """Title and summary (Japanese and English): the two parties and ministry staff."""
    if not sides_of(user, engagement):
        return False, _("Only the two parties and ministry staff describe an engagement.")
    return True, _("You take part in this engagement.")


def can_record_outside_match(user) -> Decision:
    if is_ministry(user):
        return True, _("Ministry staff record matches.")
    return False, _("Only ministry staff record matches.")


def can_request_travel(user, engagement: Engagement) -> Decision:
    if not _signed_in(user):
        return False, _("Please log in.")
    if engagement.startup_id not in organisation_ids_of(user):
        return False, _("Only members of the engagement's startup request travel support for it.")
    if engagement.stage in (workflow.Stage.ENDED, workflow.Stage.STALLED):
        return False, _("Travel support is for engagements in progress.")
    return True, _("You are a member of the startup.")


def can_view_travel_request(user, request: TravelRequest) -> Decision:
    if not _signed_in(user):
        return False, _("Please log in.")
    if is_ministry(user):
        return True, _("Ministry staff see every request.")
    engagement = request.engagement
    ids = organisation_ids_of(user)
    if engagement.startup_id in ids or engagement.municipality_id in ids:
        return True, _("You take part in this engagement.")
    return False, _("You can only see your own organisation's trips.")


def can_settle_travel(user, request: TravelRequest) -> Decision:
    if not _signed_in(user):
        return False, _("Please log in.")
    if request.engagement.startup_id not in organisation_ids_of(user):
        return False, _("Only the startup that made the trip settles it.")
    return True, _("You are a member of the startup.")


def can_decide_travel(user) -> Decision:
    """Approve, reject, pay, correct the ledger, set budgets: ministry staff only."""
    if is_ministry(user):
        return True, _("Ministry staff decide on travel support.")
    return False, _("Only ministry staff decide on travel support.")


def can_request_adoption(user, origin: Engagement, municipality) -> Decision:
    if not _signed_in(user):
        return False, _("Please log in.")
    if municipality.kind != "municipality":
        return False, _("Only a municipality adopts a solution.")
    if municipality.pk == origin.municipality_id:
        return False, _("This municipality already works with this solution.")
    if is_ministry(user) or municipality.pk in organisation_ids_of(user):
        return True, _("You act for this municipality.")
    return False, _("You can only ask on behalf of your own municipality.")


def can_link_adoption(user) -> Decision:
    if is_ministry(user):
        return True, _("Ministry staff link adoptions.")
    return False, _("Only ministry staff link adoptions.")


def can_draft_case_study(user, engagement: Engagement) -> Decision:
    if not sides_of(user, engagement):
        return False, _("Only the two parties and ministry staff draft a case study.")
    return True, _("You take part in this engagement.")


def case_study_side(user, page: CaseStudyPage) -> str:
    """The side (municipality or startup) whose approval this user gives, or ''."""
    if page.engagement_id is None or not _signed_in(user):
        return ""
    ids = organisation_ids_of(user)
    if page.engagement.municipality_id in ids:
        return workflow.MUNICIPALITY
    if page.engagement.startup_id in ids:
        return workflow.STARTUP
    return ""


def can_approve_case_study(user, page: CaseStudyPage) -> Decision:
    side = case_study_side(user, page)
    if not side:
        return False, _("Only members of the municipality or the startup approve their case study.")
    return True, _("You approve for your organisation.")


# --- visits and meetings ----------------------------------------------------------------------------------------


def can_view_meeting(user, meeting) -> Decision:
    """The two parties and ministry staff; anyone else is answered 404 by the views."""
    if not _signed_in(user):
        return False, _("Please log in.")
    if is_ministry(user):
        return True, _("Ministry staff see every meeting.")
    ids = organisation_ids_of(user)
    if meeting.startup_id in ids or meeting.municipality_id in ids:
        return True, _("You take part in this meeting.")
    return False, _("You can only see meetings of your own organisation.")


def can_schedule_meeting(user, municipality_id: int) -> Decision:
    """Propose slots, offer others, change or cancel: the municipality's staff, or ministry staff."""
    if not _signed_in(user):
        return False, _("Please log in.")
    if is_ministry(user) or municipality_id in organisation_ids_of(user):
        return True, _("You act for the municipality.")
    return False, _("Only the municipality's staff and ministry staff schedule meetings.")


def can_answer_meeting(user, meeting) -> Decision:
    """Pick a slot or ask for others: members of the startup."""
    if not _signed_in(user):
        return False, _("Please log in.")
    if meeting.startup_id in organisation_ids_of(user):
        return True, _("You are a member of the startup.")
    return False, _("Only members of the startup pick a slot.")


def can_cancel_meeting(user, meeting) -> Decision:
    if can_schedule_meeting(user, meeting.municipality_id)[0] or can_answer_meeting(user, meeting)[0]:
        return True, _("You take part in this meeting.")
    return False, _("Only the two parties and ministry staff cancel a meeting.")


# --- agreements (実証協定書 / 契約) --------------------------------------------------------------------------------


def can_view_agreements(user, engagement: Engagement) -> Decision:
    """The two parties and ministry staff (anyone else gets a 404 from the views)."""
    if sides_of(user, engagement):
        return True, _("You take part in this engagement.")
    return False, _("You can only see agreements of your own organisation's engagements.")


def can_manage_agreements(user, engagement: Engagement) -> Decision:
    """Record an agreement or an amendment: the municipality (the buyer keeps the signed copies) or ministry staff."""
    if sides_of(user, engagement) & workflow.BUYER:
        return True, _("You act for the municipality.")
    return False, _("Only the municipality's staff and ministry staff record agreements.")


# --- scorecards -------------------------------------------------------------------------------------------------


def pulse_side(user, engagement: Engagement) -> str:
    """The party (municipality or startup) a user answers the pulse survey for, or '' (ministry staff don't)."""
    sides = sides_of(user, engagement)
    for side in (workflow.MUNICIPALITY, workflow.STARTUP):
        if side in sides:
            return side
    return ""


def can_answer_pulse(user, engagement: Engagement) -> Decision:
    if not pulse_side(user, engagement):
        return False, _("Only members of the municipality or the startup answer the survey.")
    return True, _("You answer for your organisation.")


# --- budget-request deadlines (予算要求) ---------------------------------------------------------------------------


def can_set_budget_request_deadline(user, municipality) -> Decision:
    """A municipality's staff set their own deadline; ministry staff any municipality's."""
    if not _signed_in(user):
        return False, _("Please log in.")
    if getattr(municipality, "kind", "") != "municipality":
        return False, _("Only a municipality has a budget-request deadline.")
    if is_ministry(user) or municipality.pk in organisation_ids_of(user):
        return True, _("You act for the municipality.")
    return False, _("Only the municipality's staff and ministry staff set its budget-request deadline.")
