"""App config that replaces "wagtail.users" in INSTALLED_APPS, so its user screens use our forms.

Kept apart from wagtail_users.py: an app config module is imported before models are ready.
"""

from wagtail.users.apps import WagtailUsersAppConfig


class AccountsUsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "portal.accounts.wagtail_users.AccountsUserViewSet"
