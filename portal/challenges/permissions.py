"""Who may do what with challenges. Rules return (allowed, reason); the page permission tester applies them in Wagtail.

Municipality staff write and edit only their own organisation's challenges and never publish (the group
"Municipality" has add/edit but not publish on the catalogue); ministry staff moderate and publish everything.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.models import PagePermissionTester

from portal.accounts import permissions as account_rules
from portal.accounts.models import Organisation
from portal.core.decisions import Decision


def can_write_challenges(user) -> Decision:
    """Create a new challenge at all (the admin's 'add child page')."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False, _("Please log in.")
    if account_rules.is_ministry(user):
        return True, _("Ministry staff may post challenges for any municipality.")
    if account_rules.is_municipality_staff(user):
        return True, _("Municipality staff post their own organisation's challenges.")
    return False, _("Only municipality and ministry staff write challenges.")


def can_edit_challenge(user, challenge) -> Decision:
    """Edit (and submit for moderation) an existing challenge: ministry, or staff of its municipality."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False, _("Please log in.")
    if account_rules.is_ministry(user):
        return True, _("Ministry staff may edit every challenge.")
    if challenge.municipality_id and challenge.municipality_id in account_rules.organisation_ids_of(user):
        return True, _("This is your organisation's challenge.")
    return False, _("You can only edit your own organisation's challenges.")


def can_publish_challenge(user, challenge) -> Decision:
    if account_rules.is_ministry(user):
        return True, _("Publishing is the ministry's.")
    return False, _("Only ministry staff publish challenges.")


def can_apply(user, challenge) -> Decision:
    """The "apply" action on the detail page: startup members, while the window is open."""
    if not getattr(user, "is_authenticated", False):
        return False, _("Log in as a startup member to apply.")
    if not account_rules.is_startup_member(user):
        return False, _("Only startup members can apply.")
    if not challenge.is_open:
        return False, _("Applications are not open.")
    return True, _("The application window is open.")


def writable_municipality_ids(user) -> list[int] | None:
    """The municipalities a user may write for: None means any (ministry)."""
    if account_rules.is_ministry(user):
        return None
    return [
        m.organisation_id
        for m in account_rules.memberships_of(user)
        if m.organisation.kind == Organisation.Kind.MUNICIPALITY
    ]


class ChallengePagePermissionTester(PagePermissionTester):
    """Wagtail's group permissions, narrowed by organisation: another municipality's challenge is out of reach."""

    def _own(self) -> bool:
        if self.user.is_superuser:
            return True
        return can_edit_challenge(self.user, self.page)[0]

    def can_edit(self):
        return self._own() and super().can_edit()

    def can_delete(self, ignore_bulk=False):
        return self._own() and super().can_delete(ignore_bulk=ignore_bulk)

    def can_unpublish(self):
        return self._own() and super().can_unpublish()

    def can_publish(self):
        return self._own() and super().can_publish()

    def can_submit_for_moderation(self):
        return self._own() and super().can_submit_for_moderation()

    def can_lock(self):
        return self._own() and super().can_lock()

    def can_copy(self):
        return self._own() and super().can_copy()

    def can_move(self):
        return self._own() and super().can_move()

    def can_view_revisions(self):
        return self._own() and super().can_view_revisions()
