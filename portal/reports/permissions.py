"""Who may have which report. Every rule returns (allowed, reason); objects outside the user's scope are 404s in
the views (the selectors never return them), so these rules cover the reports that are not about one object."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.accounts.permissions import is_ministry, organisation_ids_of
from portal.core.decisions import Decision


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_render_annual_report(user) -> Decision:
    if is_ministry(user):
        return True, _("Ministry staff publish the annual results report.")
    return False, _("Only ministry staff can produce the annual results report.")


def can_export(user, dataset) -> Decision:
    """Download a dataset: anyone signed in gets their own rows; the programme-wide funnel is the ministry's."""
    if not _signed_in(user):
        return False, _("Please log in.")
    if dataset.ministry_only and not is_ministry(user):
        return False, _("Only ministry staff can export this.")
    return True, _("You get the rows you may see.")


def can_get_proposal_sheet(user, proposal) -> Decision:
    """The proposal sheet of an accepted match: ministry staff, and the staff of the municipality whose challenge it
    is (for its selection record). Startups and other municipalities do not see the ministry's deliberation."""
    if not _signed_in(user):
        return False, _("Please log in.")
    if proposal.review_status != "accepted":
        return False, _("Only an accepted proposal has a proposal sheet.")
    if is_ministry(user):
        return True, _("Ministry staff keep the record of every match.")
    if proposal.challenge.municipality_id in organisation_ids_of(user):
        return True, _("The municipality files the sheet with its selection record.")
    return False, _("Only the ministry and the challenge's municipality can get this sheet.")
