from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import access, roles, workspaces
        from .models import Membership, Organisation

        # The cached memberships and permissions are retired by every write that changes them (access.py).
        access.connect_signals()

        post_migrate.connect(roles.on_post_migrate, dispatch_uid="xact.accounts.sync_ministry_permissions")
        # A municipality's own collection and group, and its members in that group (portal/accounts/workspaces.py).
        post_save.connect(
            workspaces.on_organisation_saved, sender=Organisation, dispatch_uid="xact.accounts.workspace"
        )
        post_delete.connect(
            workspaces.on_organisation_deleted,
            sender=Organisation,
            dispatch_uid="xact.accounts.workspace_gone",
        )
        post_save.connect(
            workspaces.on_membership_saved, sender=Membership, dispatch_uid="xact.accounts.member_in"
        )
        post_delete.connect(
            workspaces.on_membership_deleted, sender=Membership, dispatch_uid="xact.accounts.member_out"
        )
