"""Each municipality's own corner of Wagtail's image and document library.

A municipality organisation gets, when it is created (any path: the admin, the challenge importer, the demo seed):

- a **Collection** under the root collection, named after it;
- a **Group** of its own ("Municipality #<id> <name>") holding add/change/delete/choose rights on images and
  documents **in that collection only** (GroupCollectionPermission). Its members join the group when their
  membership is created and leave it when it is removed (signals below, so invitations, the seed and tests agree).

Their shared "Municipality" group (portal/accounts/roles.py) keeps the admin access and page rights, and holds no
collection rights: so in Wagtail's image and document screens and choosers a municipality's staff see and pick only
their own collection's files, and an upload lands there (Wagtail hides the collection field and uses the only
collection the user may add to). The Ministry group holds the rights on the root collection, which covers every
municipality's collection below it.

The functions take an app registry so the data migration can call them with its historical models.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.contrib.auth import get_user_model
from django.db import transaction

from .roles import MEDIA_COLLECTION_PERMISSIONS, _permissions

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


# ------------------------------------------------------------------------------------------------- signals


def on_organisation_saved(sender, instance, raw=False, **kwargs):
    if raw or instance.kind != MUNICIPALITY:
        return
    if instance.collection_id is None or instance.staff_group_id is None:
        ensure_municipality_workspace(instance)


def on_organisation_deleted(sender, instance, **kwargs):
    """The group goes with the organisation (its rights with it); the collection stays, with its files, for the
    ministry to keep or remove."""
    if instance.staff_group_id:
        global_apps.get_model("auth", "Group").objects.filter(pk=instance.staff_group_id).delete()


def on_membership_saved(sender, instance, created=False, raw=False, **kwargs):
    if raw or not created:
        return
    organisation = instance.organisation
    if organisation.kind != MUNICIPALITY:
        return
    if organisation.staff_group_id is None:
        ensure_municipality_workspace(organisation)  # adds the members, this one included
    else:
        instance.user.groups.add(organisation.staff_group_id)


def on_membership_deleted(sender, instance, **kwargs):
    Organisation = global_apps.get_model("accounts", "Organisation")
    group_id = (
        Organisation.objects.filter(pk=instance.organisation_id)
        .values_list("staff_group_id", flat=True)
        .first()
    )
    if group_id:
        get_user_model().groups.through.objects.filter(group_id=group_id, user_id=instance.user_id).delete()
