"""What a signed-in user may reach, read once: their memberships (organisation and role) and their Django
permissions (own and through groups). The one selector is `user_access(user)`; `permissions.memberships_of` and
the login backend's permission methods read through it.

Kept between requests in the cache (portal/core/usercache.py, name "access", keyed by the user's pk, for at most
ACCESS_CACHE_SECONDS) and retired at once, in the same request, by every write that can change it:

| write | whose entry |
|---|---|
| a Membership saved (role changed) or deleted (removed from the organisation) | that user's |
| an Organisation saved or deleted (kind, active) | its members' |
| a User saved (active, superuser, staff) | that user's |
| groups of a user, permissions of a user or a group, a Group or Permission deleted | everyone's (scope) |
| a second-factor device (authenticator, recovery codes) saved or deleted | its user's |

Membership changes also retire the user's unread counts (which threads they read follows from the organisations).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.core import usercache
from portal.core.unread import invalidate_unread

from .models import Membership, Organisation, User

NAME = "access"
SCOPE = "access"


@dataclass(frozen=True)
class UserAccess:
    memberships: tuple[Membership, ...]  # with their organisations, oldest first; active organisations only
    user_permissions: frozenset[str]  # "app_label.codename", the user's own
    group_permissions: frozenset[str]  # through the user's groups
    has_confirmed_device: bool = (
        False  # a confirmed second factor (two_factor.has_device), read on every page
    )


usercache.register(NAME, scopes=lambda: [SCOPE])  # read with the shell's other entries, in one round trip


def _load(user) -> UserAccess:
    memberships = tuple(
        Membership.objects.filter(user=user, organisation__is_active=True)
        .select_related("organisation")
        .order_by("created_at", "pk")
    )
    backend = ModelBackend()  # Django's own reading of permissions (superusers: all of them)
    return UserAccess(
        memberships=memberships,
        user_permissions=frozenset(backend.get_user_permissions(user)),
        group_permissions=frozenset(backend.get_group_permissions(user)),
        has_confirmed_device=user_has_device(user, confirmed=True),
    )


def user_access(user) -> UserAccess:
    """The signed-in, active user's memberships and permissions: within a request from memory, between requests
    from the cache until one of the writes above (or ACCESS_CACHE_SECONDS) retires it."""
    return usercache.cached_for_user(NAME, user, lambda: _load(user), scopes=[SCOPE])


def forget_access(user_or_pk) -> None:
    """The user's memberships or permissions changed: no cached copy is used again (this request included)."""
    usercache.invalidate_user(NAME, user_or_pk)
    invalidate_unread(user_or_pk)


# --- signal receivers (connected in AccountsConfig.ready) ---------------------------------------------------------


def on_membership_changed(sender, instance: Membership, **kwargs) -> None:
    forget_access(instance.user_id)


def on_organisation_changed(sender, instance: Organisation, **kwargs) -> None:
    if instance.pk is None:
        return
    for user_id in Membership.objects.filter(organisation_id=instance.pk).values_list("user_id", flat=True):
        forget_access(user_id)


def on_user_changed(sender, instance: User, **kwargs) -> None:
    forget_access(instance)


def on_device_changed(sender, instance, **kwargs) -> None:
    forget_access(instance.user_id)


def on_permissions_changed(sender, **kwargs) -> None:
    usercache.invalidate_scope(SCOPE)


def connect_signals() -> None:
    uid = "xact.accounts.access."
    post_save.connect(on_membership_changed, sender=Membership, dispatch_uid=uid + "membership_saved")
    post_delete.connect(on_membership_changed, sender=Membership, dispatch_uid=uid + "membership_gone")
    post_save.connect(on_organisation_changed, sender=Organisation, dispatch_uid=uid + "organisation_saved")
    post_delete.connect(on_permissions_changed, sender=Organisation, dispatch_uid=uid + "organisation_gone")
    post_save.connect(on_user_changed, sender=User, dispatch_uid=uid + "user_saved")
    for through, name in (
        (User.groups.through, "user_groups"),
        (User.user_permissions.through, "user_permissions"),
        (Group.permissions.through, "group_permissions"),
    ):
        m2m_changed.connect(on_permissions_changed, sender=through, dispatch_uid=uid + name)
    for device in (TOTPDevice, StaticDevice):  # the second factor the middleware asks about on every page
        post_save.connect(on_device_changed, sender=device, dispatch_uid=f"{uid}{device.__name__}_saved")
        post_delete.connect(on_device_changed, sender=device, dispatch_uid=f"{uid}{device.__name__}_gone")
    for model in (Group, Permission):
        post_save.connect(on_permissions_changed, sender=model, dispatch_uid=f"{uid}{model.__name__}_saved")
        post_delete.connect(on_permissions_changed, sender=model, dispatch_uid=f"{uid}{model.__name__}_gone")
