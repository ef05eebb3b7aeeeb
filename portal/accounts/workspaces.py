"""Wagtail's groups and collections follow the memberships: this module is their only writer.

Membership → role is the one source of truth (docs/permissions.md). The Wagtail groups a user is in are derived from
it here, and nowhere else (no model signal, no view, no other app writes a user's groups):

- `staff_groups_sync(user=...)` — after any change to a user's memberships (invitation accepted, member removed,
  startup registered, the demo seed, the tests' factories): the staff group of each kind the user works for
  ("Ministry", "Municipality"; admin access only, so only for users with `is_staff`) and the own group of each
  municipality they are a member of; managed groups they no longer belong to are left.
- `organisation_workspace_ensure(organisation=...)` — after a municipality organisation is created or changed (the
  admin, the challenge importer, the demo seed): its **Collection** under the root collection, named after it, and a
  **Group** of its own ("Municipality #<id> <name>") holding add/change/delete/choose rights on images and documents
  **in that collection only** (GroupCollectionPermission).
- `organisation_workspace_remove(organisation=...)` — when the organisation is deleted: its group goes (its rights
  with it); the collection stays, with its files, for the ministry to keep or remove.

Their shared "Municipality" group (portal/accounts/roles.py) keeps the admin access and page rights, and holds no
collection rights: so in Wagtail's image and document screens and choosers a municipality's staff see and pick only
their own collection's files, and an upload lands there (Wagtail hides the collection field and uses the only
collection the user may add to). The Ministry group holds the rights on the root collection, which covers every
municipality's collection below it.

The functions take an app registry so the data migration can call them with its historical models.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.db import transaction
from django.db.models import Q

from .roles import (
    MEDIA_COLLECTION_PERMISSIONS,
    MINISTRY_GROUP,
    MUNICIPALITY_GROUP,
    _permissions,
    group_for_organisation,
)

MUNICIPALITY = "municipality"
GROUP_PREFIX = "Municipality #"
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's default, as Wagtail's Collection uses
_STEPLEN = 4


def _step(n: int) -> str:
    digits = ""
    while n:
        n, r = divmod(n, len(_ALPHABET))
        digits = _ALPHABET[r] + digits
    return digits.rjust(_STEPLEN, "0")


def _add_child_collection(Collection, parent, name: str):
    """parent.add_child(name=name), written out so historical models (without treebeard's methods) can use it."""
    parent = Collection.objects.select_for_update().get(pk=parent.pk)
    last = (
        Collection.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    number = int(last[-_STEPLEN:], len(_ALPHABET)) + 1 if last else 1
    child = Collection.objects.create(
        name=name, path=parent.path + _step(number), depth=parent.depth + 1, numchild=0
    )
    Collection.objects.filter(pk=parent.pk).update(numchild=parent.numchild + 1)
    return child


def _collection_name(Collection, root, organisation) -> str:
    name = organisation.name
    taken = Collection.objects.filter(path__startswith=root.path, depth=root.depth + 1, name=name).exists()
    return f"{name} ({organisation.slug})" if taken else name


def group_name(organisation) -> str:
    return f"{GROUP_PREFIX}{organisation.pk} {organisation.name}"[:150]


def ensure_municipality_workspace(organisation, apps=global_apps) -> None:
    """Give a municipality its collection, its group and the group's rights on the collection (idempotent).

    Also puts the organisation's current members in the group (repairs a workspace made after they joined)."""
    if organisation.kind != MUNICIPALITY:
        return
    Organisation = apps.get_model("accounts", "Organisation")
    Membership = apps.get_model("accounts", "Membership")
    Collection = apps.get_model("wagtailcore", "Collection")
    Group = apps.get_model("auth", "Group")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    with transaction.atomic():
        root = Collection.objects.filter(depth=1).order_by("path").first()
        if root is None:  # before Wagtail's own migrations have made the root
            return
        collection = Collection.objects.filter(pk=organisation.collection_id).first()
        if collection is None:
            collection = _add_child_collection(
                Collection, root, _collection_name(Collection, root, organisation)
            )
        group = Group.objects.filter(pk=organisation.staff_group_id).first()
        if group is None:
            group, _created = Group.objects.get_or_create(name=group_name(organisation))
        for permission in _permissions(apps, MEDIA_COLLECTION_PERMISSIONS):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=permission
            )
        if (organisation.collection_id, organisation.staff_group_id) != (collection.pk, group.pk):
            Organisation.objects.filter(pk=organisation.pk).update(collection=collection, staff_group=group)
            organisation.collection_id, organisation.staff_group_id = collection.pk, group.pk
        members = Membership.objects.filter(organisation_id=organisation.pk).values_list("user_id", flat=True)
        group.user_set.add(*members)


def organisation_workspace_ensure(*, organisation) -> None:
    """A municipality's collection and group, made once (nothing for startups and the ministry)."""
    if organisation.kind == MUNICIPALITY and (
        organisation.collection_id is None or organisation.staff_group_id is None
    ):
        ensure_municipality_workspace(organisation)


def organisation_workspace_remove(*, organisation) -> None:
    """The organisation's own group goes with it; the collection stays, with its files."""
    if organisation.staff_group_id:
        global_apps.get_model("auth", "Group").objects.filter(pk=organisation.staff_group_id).delete()


def staff_groups_sync(*, user) -> None:
    """Put the user in the Wagtail groups their memberships give, and out of the managed groups they do not.

    Given: the staff group of each organisation kind they are a member of (admin access, so only with `is_staff`),
    and the own group of each municipality they are a member of. Managed: the two staff groups and every
    organisation's own group; other groups (set by a superuser in Wagtail's user screens) are left alone."""
    Group = global_apps.get_model("auth", "Group")
    Membership = global_apps.get_model("accounts", "Membership")
    Organisation = global_apps.get_model("accounts", "Organisation")
    if user.pk is None:
        return
    wanted: set[int] = set()
    kind_groups: set[str] = set()
    for membership in Membership.objects.filter(user_id=user.pk).select_related("organisation"):
        organisation = membership.organisation
        if organisation.kind == MUNICIPALITY:
            if organisation.staff_group_id is None:
                ensure_municipality_workspace(organisation)
            if organisation.staff_group_id is not None:
                wanted.add(organisation.staff_group_id)
        name = group_for_organisation(organisation)
        if name and user.is_staff:
            kind_groups.add(name)
    wanted |= set(Group.objects.filter(name__in=kind_groups).values_list("pk", flat=True))
    managed = set(
        Group.objects.filter(
            Q(name__in=[MINISTRY_GROUP, MUNICIPALITY_GROUP])
            | Q(pk__in=Organisation.objects.exclude(staff_group=None).values("staff_group"))
        ).values_list("pk", flat=True)
    )
    current = set(user.groups.values_list("pk", flat=True))
    if wanted - current:
        user.groups.add(*(wanted - current))
    if (current & managed) - wanted:
        user.groups.remove(*((current & managed) - wanted))
