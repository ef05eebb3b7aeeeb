"""The permission policy of an admin listing that staff only look at (Wagtail's `ModelPermissionPolicy`, its public
API): "view" for whom the app's rule says yes, over the rows that user may see; nobody holds "add", "change" or
"delete", so Wagtail's create, edit, delete, history and usage screens stay shut and the app's own action views
(each calling its service) do the writing.

    class QuestionPolicy(ViewOnlyPolicy):
        def may_view(self, user):
            return rules.can_manage_questions(user)[0]

        def visible(self, user):
            return selectors.questions_for_staff(user)
"""

from __future__ import annotations

from django.db.models import QuerySet
from wagtail.permission_policies.base import ModelPermissionPolicy


class ViewOnlyPolicy(ModelPermissionPolicy):
    def may_view(self, user) -> bool:
        """The app's rule: may this user open the listing?"""
        raise NotImplementedError

    def visible(self, user) -> QuerySet:
        """The rows this user sees in the listing (and may open)."""
        raise NotImplementedError

    def user_has_permission(self, user, action):
        return action == "view" and self.may_view(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)

    def instances_user_has_any_permission_for(self, user, actions):
        if "view" not in actions:
            return self.model._default_manager.none()
        return self.visible(user)
