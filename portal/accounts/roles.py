"""The Wagtail groups behind the two staff roles, and the permissions each holds.

- "Ministry": full rights over the programme — every permission of our apps, pages from the root, images and
  documents in every collection (granted on the root), and reading/editing users. Kept in sync after every
  migrate, so apps added later are covered.
- "Municipality": admin access and a limited set (see MUNICIPALITY_PERMISSIONS); what they see is further limited
  to their own organisation by portal.accounts.permissions. No image or document rights: each municipality has its
  own collection and group for those (portal/accounts/workspaces.py). Apps that give municipalities more rights
  add the codenames in their own data migration with `grant(apps, MUNICIPALITY_GROUP, [...])`.

The functions take an app registry so data migrations can call them with their historical `apps`.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

MINISTRY_GROUP = "Ministry"
MUNICIPALITY_GROUP = "Municipality"

# Our apps: the ministry holds every permission on their models.
PROGRAMME_APPS = (
    "core",
    "geo",
    "accounts",
    "challenges",
    "applications",
    "matching",
    "tracker",
    "reports",
    "search",
)

# Not for the Ministry group: the audit log is append-only; users are invited (services), not created or edited
# in Wagtail's user screens, whose "administrator" checkbox would let anyone with change_user make superusers.
MINISTRY_EXCLUDED = {
    "core.add_auditevent",
    "core.change_auditevent",
    "core.delete_auditevent",
    "accounts.add_user",
    "accounts.change_user",
    "accounts.delete_user",
}

MINISTRY_EXTRA_PERMISSIONS = [
    "wagtailadmin.access_admin",
    "accounts.view_user",
    "wagtailcore.add_collection",
    "wagtailcore.change_collection",
    "wagtailcore.view_collection",
    "wagtailredirects.add_redirect",
    "wagtailredirects.change_redirect",
    "wagtailredirects.delete_redirect",
    "taggit.add_tag",
    "taggit.change_tag",
]
MUNICIPALITY_PERMISSIONS = [
    "wagtailadmin.access_admin",
    "accounts.view_organisation",
    "accounts.change_organisation",
    "accounts.view_membership",
]
PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page", "unlock_page"]
# Images and documents: the ministry holds these on the root collection, each municipality's group on its own one.
MEDIA_COLLECTION_PERMISSIONS = [
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.delete_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.delete_document",
    "wagtaildocs.choose_document",
]
# Municipalities hold no rights on the root collection: each has its own collection and group
# (portal/accounts/workspaces.py), so one municipality never lists, opens or chooses another's files.


def group_for_organisation(organisation) -> str | None:
    """The group a member of this organisation belongs to (None for startups: they never reach the admin)."""
    return {"ministry": MINISTRY_GROUP, "municipality": MUNICIPALITY_GROUP}.get(organisation.kind)


def _permissions(apps, labels: list[str]):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for label in labels:
        app_label, codename = label.split(".", 1)
        found.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
    return found


def ensure_permissions_exist(apps=global_apps) -> None:
    """Permissions are normally created after migrate; data migrations need them now."""
    for app_config in apps.get_app_configs():
        _create_permissions(app_config, apps)


def _create_permissions(app_config, apps, using="default") -> None:
    # Migration-state app configs are stubs without models_module, which create_permissions() skips.
    original = getattr(app_config, "models_module", None)
    app_config.models_module = original or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
    finally:
        app_config.models_module = original


def grant(apps, group_name: str, labels: list[str]) -> None:
    """Add model permissions ("app_label.codename") to a group, creating the group if needed."""
    Group = apps.get_model("auth", "Group")
    group, _created = Group.objects.get_or_create(name=group_name)
    group.permissions.add(*_permissions(apps, labels))


def grant_collection_permissions(apps, group_name: str, labels: list[str]) -> None:
    Group = apps.get_model("auth", "Group")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    group = Group.objects.get(name=group_name)
    root = Collection.objects.filter(depth=1).first()
    if root is None:
        return
    for permission in _permissions(apps, labels):
        GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)


def grant_page_permissions(apps, group_name: str, codenames: list[str]) -> None:
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    group = Group.objects.get(name=group_name)
    root = Page.objects.filter(depth=1).first()
    if root is None:
        return
    for permission in _permissions(apps, [f"wagtailcore.{c}" for c in codenames]):
        GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)


def create_staff_groups(apps=global_apps) -> None:
    """Create both groups with their permissions (idempotent)."""
    ensure_permissions_exist(apps)
    grant(apps, MINISTRY_GROUP, MINISTRY_EXTRA_PERMISSIONS)
    sync_ministry_permissions(apps)
    grant_page_permissions(apps, MINISTRY_GROUP, PAGE_PERMISSIONS)
    grant_collection_permissions(apps, MINISTRY_GROUP, MEDIA_COLLECTION_PERMISSIONS)
    grant(apps, MUNICIPALITY_GROUP, MUNICIPALITY_PERMISSIONS)


def sync_ministry_permissions(apps=global_apps) -> None:
    """Give the Ministry group every permission on our apps' models (run after each migrate)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=MINISTRY_GROUP).first()
    if group is None:
        return
    wanted = Permission.objects.filter(content_type__app_label__in=PROGRAMME_APPS).select_related(
        "content_type"
    )
    label = "{0.content_type.app_label}.{0.codename}".format
    group.permissions.add(*(p for p in wanted if label(p) not in MINISTRY_EXCLUDED))
    group.permissions.remove(*_permissions(apps, sorted(MINISTRY_EXCLUDED)))


def on_post_migrate(sender, app_config=None, apps=global_apps, using="default", **kwargs):
    """post_migrate receiver: once our last app is migrated, bring the Ministry group up to date."""
    if sender.label != "reports":
        return
    for label in PROGRAMME_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        _create_permissions(config, apps, using=using)
    sync_ministry_permissions(apps)
