from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import roles

        # The Ministry group's permissions cover apps added later. Users' groups and the municipalities' collections
        # are written by portal/accounts/workspaces.py only, called from the services (no model signals).
        post_migrate.connect(roles.on_post_migrate, dispatch_uid="xact.accounts.sync_ministry_permissions")
