"""Who may run matching and review its proposals. Every rule returns (allowed, reason).

Choice: the matching screens are for ministry staff only. Municipality staff do not see proposals at all (they
rank startups that never applied to them, and the ministry's deliberation is not theirs); they see the outcome as
their application marked matched and the engagement that opens in the tracker.

Recusal: ministry staff who declared a conflict of interest with a startup (portal.applications.conflicts) cannot
accept or reject proposals involving it (or the one challenge the declaration names); other ministry staff can.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.accounts.permissions import is_ministry
from portal.applications.conflicts import recusal
from portal.applications.models import ApplicationState
from portal.core.decisions import Decision

from . import selectors
from .models import MatchProposal, MatchRun, ReviewStatus


def can_view_matching(user) -> Decision:
    """Runs and proposals: ministry staff only."""
    if not getattr(user, "is_authenticated", False):
        return False, _("Please log in.")
    if is_ministry(user):
        return True, _("Ministry staff review matching runs.")
    return False, _("Only ministry staff can see matching runs and proposals.")


def can_start_run(user) -> Decision:
    """Ministry staff start runs; `user` None is the system (the management command)."""
    if user is None:
        return True, _("The system may start a run.")
    return can_view_matching(user)


def _can_review(user, proposal: MatchProposal) -> Decision:
    allowed, reason = can_view_matching(user)
    if not allowed:
        return allowed, reason
    if proposal.run.status != MatchRun.Status.DONE:
        return False, _("The run has not finished.")
    if proposal.review_status != ReviewStatus.PROPOSED:
        return False, _("This proposal has already been reviewed.")
    refused = recused_from_proposal(user, proposal)
    if refused:
        return refused
    return True, _("The proposal can be reviewed.")


def recused_from_proposal(user, proposal: MatchProposal) -> Decision | None:
    if recusal(user, startup_id=proposal.startup_id, challenge_id=proposal.challenge_id):
        return False, _(
            "You have declared a conflict of interest with this startup, so you cannot accept or reject "
            "proposals involving it."
        )
    return None


def can_reject(user, proposal: MatchProposal) -> Decision:
    return _can_review(user, proposal)


def can_accept(user, proposal: MatchProposal, *, application=None) -> Decision:
    """Accept only while the challenge has a free partner slot and the startup has capacity left.

    `application` is the startup's live application for the challenge, if any: it must still be matchable.
    """
    allowed, reason = _can_review(user, proposal)
    if not allowed:
        return allowed, reason
    challenge, startup = proposal.challenge, proposal.startup
    if selectors.pair_accepted(challenge.pk, startup.pk):
        return False, _("This startup has already been matched with this challenge.")
    if challenge.outcome == "no_match":
        return False, _("The challenge was closed without a match.")
    partners = selectors.accepted_count_for_challenge(challenge.pk)
    if partners >= challenge.max_partners:
        return False, _("The challenge already has its %(n)s partner(s).") % {"n": challenge.max_partners}
    capacity = proposal.run.default_capacity
    matches = selectors.accepted_count_for_startup(startup.pk)
    if matches >= capacity:
        return False, _("The startup is at capacity: %(n)s match(es) already.") % {"n": matches}
    if not startup.is_active:
        return False, _("The startup's organisation is no longer active.")
    if application is not None and application.state not in selectors.MATCHABLE_APPLICATION_STATES:
        if application.state != ApplicationState.DRAFT:
            return False, _("The startup's application is %(state)s; it can no longer be matched.") % {
                "state": application.get_state_display()
            }
    return True, _("The proposal can be accepted.")
