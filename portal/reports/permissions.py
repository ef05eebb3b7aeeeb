"""Who may have which report. Every rule returns (allowed, reason); objects outside the user's scope are 404s in
the views (the selectors never return them), so these rules cover the reports that are not about one object."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.accounts.permissions import is_ministry

Decision = tuple[bool, str]


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
