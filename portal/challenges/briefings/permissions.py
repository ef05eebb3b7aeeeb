"""Who may do what with briefing sessions. One function per rule, each returning a Decision (allowed, reason).

Staff: the ministry manages every session and alone announces round-wide ones; a municipality's staff manage the
sessions of their own challenges. Startups: members register their organisation (one seat each), cancel it, and —
once registered — see the online link and the materials. Anyone sees that a session exists.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts import permissions as account_rules
from portal.core.decisions import Decision

from .models import BriefingRegistration, BriefingSession


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_announce_briefing(user, *, challenge=None, round=None) -> Decision:
    """Announce a session for a challenge (its municipality's staff, the ministry) or a round (the ministry)."""
    if not _signed_in(user):
        return False, _("Please log in.")
    if account_rules.is_ministry(user):
        return True, _("Ministry staff announce briefings for every challenge and round.")
    if round is not None or challenge is None:
        return False, _("Only ministry staff announce briefings on a whole round.")
    if account_rules.is_municipality_staff(
        user
    ) and challenge.municipality_id in account_rules.organisation_ids_of(user):
        return True, _("This is your organisation's challenge.")
    return False, _("You can only announce briefings on your own organisation's challenges.")


def can_manage_briefing(user, session: BriefingSession) -> Decision:
    """Edit, cancel, see registrations, record attendance, attach materials."""
    if not _signed_in(user):
        return False, _("Please log in.")
    if account_rules.is_ministry(user):
        return True, _("Ministry staff manage every briefing.")
    if session.challenge_id is None:
        return False, _("Only ministry staff manage briefings on a whole round.")
    if account_rules.is_municipality_staff(user) and session.challenge.municipality_id in (
        account_rules.organisation_ids_of(user)
    ):
        return True, _("This briefing is on your organisation's challenge.")
    return False, _("You can only manage briefings on your own organisation's challenges.")


def startup_of(user):
    """The startup the user acts for, or None."""
    if not _signed_in(user) or not account_rules.is_startup_member(user):
        return None
    for membership in account_rules.memberships_of(user):
        if membership.organisation.is_startup:
            return membership.organisation
    return None


def can_register_briefing(user, session: BriefingSession) -> Decision:
    """A startup member registers the organisation while the session is announced and registration is open.
    (Duplicate registrations and the capacity are checked by the service under a lock.)"""
    if not _signed_in(user):
        return False, _("Please log in.")
    if startup_of(user) is None:
        return False, _("Only members of a startup can register for a briefing.")
    if session.is_cancelled:
        return False, _("This briefing has been cancelled.")
    if not session.registration_open:
        return False, _("Registration for this briefing has closed.")
    return True, _("Registration is open.")


def can_cancel_registration(user, registration: BriefingRegistration) -> Decision:
    """A member of the registered startup cancels the seat until the session starts."""
    if not _signed_in(user):
        return False, _("Please log in.")
    if registration.organisation_id not in account_rules.organisation_ids_of(user):
        return False, _("This is not your organisation's registration.")
    if not registration.is_active:
        return False, _("This registration has already been cancelled.")
    if registration.session.starts_at <= timezone.now():
        return False, _("The briefing has already started.")
    return True, _("You may cancel your registration.")


def can_see_briefing_details(user, session: BriefingSession, registration=None) -> Decision:
    """The online link, the .ics and the materials: the registered startup's members and the session's staff."""
    if not _signed_in(user):
        return False, _("Please log in.")
    if can_manage_briefing(user, session)[0]:
        return True, _("You manage this briefing.")
    if registration is not None and registration.is_active:
        return True, _("Your organisation is registered.")
    return False, _("Only registered startups see this.")
