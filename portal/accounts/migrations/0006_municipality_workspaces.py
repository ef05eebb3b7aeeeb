"""Every existing municipality gets its own collection and group (portal/accounts/workspaces.py); the shared
"Municipality" group loses its rights on the root collection; images and documents that a municipality's staff
uploaded to the root collection move into that municipality's collection (so they keep seeing their own files and
nobody else does)."""

from django.db import migrations

from portal.accounts import roles, workspaces


def forwards(apps, schema_editor):
    roles.ensure_permissions_exist(apps)
    Organisation = apps.get_model("accounts", "Organisation")
    Membership = apps.get_model("accounts", "Membership")
    Group = apps.get_model("auth", "Group")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Collection = apps.get_model("wagtailcore", "Collection")

    for organisation in Organisation.objects.filter(kind=workspaces.MUNICIPALITY).order_by("pk"):
        workspaces.ensure_municipality_workspace(organisation, apps)

    shared = Group.objects.filter(name=roles.MUNICIPALITY_GROUP).first()
    if shared is not None:
        GroupCollectionPermission.objects.filter(group=shared).delete()

    root = Collection.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return
    ministry_users = set(
        Membership.objects.filter(organisation__kind="ministry").values_list("user_id", flat=True)
    )
    home = {}  # user → the one municipality collection they belong to (None: several)
    for user_id, collection_id in Membership.objects.filter(
        organisation__kind=workspaces.MUNICIPALITY, organisation__collection__isnull=False
    ).values_list("user_id", "organisation__collection_id"):
        home[user_id] = collection_id if home.get(user_id, collection_id) == collection_id else None
    for label in ("wagtailimages.Image", "wagtaildocs.Document"):
        model = apps.get_model(label)
        for user_id, collection_id in home.items():
            if collection_id is not None and user_id not in ministry_users:
                model.objects.filter(collection=root, uploaded_by_user_id=user_id).update(
                    collection_id=collection_id
                )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_municipality_collections"),
        # After the migration that gave the shared group its rights on the root collection.
        ("challenges", "0003_challengepage_round"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
