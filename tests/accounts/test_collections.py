"""Each municipality's images and documents are its own in the Wagtail admin (portal/accounts/workspaces.py).

Through the screens staff use: the image and document listings, the choosers (and their upload tab, as in the
page editor), the edit and delete screens, the admin API, and /documents/ downloads.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, GroupCollectionPermission

from portal.accounts import services as account_services
from portal.accounts.models import Membership, Organisation
from portal.challenges.models import ChallengeAttachment
from tests import factories
from tests.challenges import factories as challenge_factories

pytestmark = pytest.mark.django_db

Image = get_image_model()
Document = get_document_model()


def png(name="photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 3), (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/png")


def pdf(name="call.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", "application/pdf")


@pytest.fixture
def world(ministry, takamatsu, teshio):
    users = {
        "X": factories.staff(takamatsu, email="x@takamatsu.example.jp"),
        "Y": factories.staff(teshio, email="y@teshio.example.jp"),
        "M": factories.staff(ministry, email="m@mic.example.jp"),
    }
    return {"X": takamatsu, "Y": teshio, "M": ministry, "users": users}


def client_for(client, user):
    client.force_login(user)
    return client


def upload_image(client, title, **collection):
    response = client.post(reverse("wagtailimages:add"), {"title": title, "file": png(), **collection})
    assert response.status_code == 302, response.content.decode()[:3000]
    return Image.objects.get(title=title)


def upload_document(client, title, **collection):
    response = client.post(reverse("wagtaildocs:add"), {"title": title, "file": pdf(), **collection})
    assert response.status_code == 302, response.content.decode()[:3000]
    return Document.objects.get(title=title)


def text(response) -> str:
    body = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        body = json.dumps(json.loads(body), ensure_ascii=False)
    return body


def denied(response) -> bool:
    """Wagtail's refusal: a redirect to the admin home (with its "no permission" message) or a 403."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    )


def test_a_municipality_gets_its_collection_and_group_when_the_ministry_creates_it(client, world):
    client_for(client, world["users"]["M"])
    factories.local_government("014877", name_ja="天塩町")
    lg = factories.local_government("011002", name_ja="札幌市")
    response = client.post(
        reverse("accounts_organisations:add"),
        {
            "kind": "municipality",
            "name": "札幌市",
            "slug": "sapporo",
            "local_government_code": lg.code,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    sapporo = Organisation.objects.get(slug="sapporo")
    assert sapporo.collection.name == "札幌市" and sapporo.collection.get_parent().is_root()
    granted = {
        f"{p.permission.content_type.app_label}.{p.permission.codename}"
        for p in GroupCollectionPermission.objects.filter(group=sapporo.staff_group).select_related(
            "permission__content_type"
        )
    }
    assert granted == {
        f"{app}.{action}_{model}"
        for app, model in (("wagtailimages", "image"), ("wagtaildocs", "document"))
        for action in ("add", "change", "delete", "choose")
    }
    assert set(
        GroupCollectionPermission.objects.filter(group=sapporo.staff_group).values_list(
            "collection", flat=True
        )
    ) == {sapporo.collection_id}
    # Saving it again changes nothing (idempotent); a startup gets no collection.
    collections = Collection.objects.count()
    sapporo.save()
    assert Collection.objects.count() == collections
    assert factories.organisation("startup").collection is None


def test_invited_staff_join_their_municipality_group_and_leave_it_with_the_membership(client, world):
    takamatsu = world["X"]
    invitation = account_services.invitation_create(
        invited_by=world["users"]["M"], email="new@takamatsu.example.jp", organisation=takamatsu
    )
    user = account_services.invitation_accept(
        token=account_services.invitation_token(invitation),
        password=factories.PASSWORD,
        family_name="高松",
        given_name="花子",
    )
    assert user.groups.filter(pk=takamatsu.staff_group_id).exists()
    assert not user.groups.filter(pk=world["Y"].staff_group_id).exists()
    account_services.membership_remove(
        actor=world["users"]["M"], membership=Membership.objects.get(user=user)
    )
    assert not user.groups.filter(pk=takamatsu.staff_group_id).exists()


def test_the_shared_municipality_group_has_no_collection_rights(world):
    assert not GroupCollectionPermission.objects.filter(group__name="Municipality").exists()
    assert GroupCollectionPermission.objects.filter(group__name="Ministry", collection__depth=1).exists()


def test_uploads_land_in_the_uploaders_municipality_collection(client, world):
    x = client_for(client, world["users"]["X"])
    # The add forms do not offer a collection: the only one X may add to is used.
    assert 'name="collection"' not in x.get(reverse("wagtailimages:add")).content.decode()
    assert 'name="collection"' not in x.get(reverse("wagtaildocs:add")).content.decode()
    image = upload_image(x, "X の写真")
    document = upload_document(x, "X の資料")
    assert image.collection_id == world["X"].collection_id
    assert document.collection_id == world["X"].collection_id
    # The page editor's document chooser has an upload tab: the same.
    response = x.post(
        reverse("wagtaildocs_chooser:create"),
        {"document-chooser-upload-title": "X の地図", "document-chooser-upload-file": pdf("map.pdf")},
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    assert json.loads(response.content)["step"] == "chosen", response.content.decode()[:2000]
    assert Document.objects.get(title="X の地図").collection_id == world["X"].collection_id
    response = x.post(
        reverse("wagtailimages_chooser:create"),
        {"image-chooser-upload-title": "X の図", "image-chooser-upload-file": png("fig.png")},
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    assert Image.objects.get(title="X の図").collection_id == world["X"].collection_id


@pytest.fixture
def files(client, world):
    """An image and a document uploaded by X, Y and the ministry, each through the admin."""
    made = {}
    for key in ("X", "Y", "M"):
        c = client_for(client, world["users"][key])
        # The ministry may add to every collection, so it picks one (the root); the others are not asked.
        where = {"collection": Collection.get_first_root_node().pk} if key == "M" else {}
        made[key] = (
            upload_image(c, f"zq-img-{key.lower()}", **where),
            upload_document(c, f"zq-doc-{key.lower()}", **where),
        )
    client.logout()
    assert made["M"][0].collection.is_root()
    return made


LISTINGS = [
    "wagtailimages:index",
    "wagtailimages:index_results",
    "wagtaildocs:index",
    "wagtaildocs:index_results",
    "wagtailimages_chooser:choose",
    "wagtailimages_chooser:choose_results",
    "wagtaildocs_chooser:choose",
    "wagtaildocs_chooser:choose_results",
    "wagtailadmin_api:images:listing",
    "wagtailadmin_api:documents:listing",
]


@pytest.mark.parametrize("name", LISTINGS)
def test_municipality_staff_list_and_choose_only_their_own_files(client, world, files, name):
    seen = {}
    for key in ("X", "Y", "M"):
        response = client_for(client, world["users"][key]).get(reverse(name))
        assert response.status_code == 200, (key, response.status_code)
        body = text(response)
        seen[key] = set(re.findall(r"zq-(?:img|doc)-[xym]", body))
    kind = "doc" if "doc" in name else "img"
    assert seen["X"] == {f"zq-{kind}-x"}
    assert seen["Y"] == {f"zq-{kind}-y"}
    assert seen["M"] == {f"zq-{kind}-x", f"zq-{kind}-y", f"zq-{kind}-m"}


def test_municipality_staff_cannot_open_edit_or_delete_anothers_files(client, world, files):
    image_x, document_x = files["X"]
    y = client_for(client, world["users"]["Y"])
    for name, obj, arg in (
        ("wagtailimages:edit", image_x, "image_id"),
        ("wagtailimages:delete", image_x, "image_id"),
        ("wagtaildocs:edit", document_x, "document_id"),
        ("wagtaildocs:delete", document_x, "document_id"),
    ):
        url = reverse(name, kwargs={arg: obj.pk})
        assert denied(y.get(url)), name
        assert denied(y.post(url, {"title": "奪った"})), name
    assert denied(y.get(reverse("wagtailimages:preview", args=[image_x.pk, "original"])))
    assert y.get(reverse("wagtailadmin_api:images:detail", args=[image_x.pk])).status_code == 404
    assert y.get(reverse("wagtailadmin_api:documents:detail", args=[document_x.pk])).status_code == 404
    # The chooser's "chosen" step (what the page editor inserts) refuses another's file.
    assert denied(y.get(reverse("wagtaildocs_chooser:chosen", args=[document_x.pk])))
    assert denied(y.get(reverse("wagtailimages_chooser:chosen", args=[image_x.pk])))
    assert Image.objects.filter(pk=image_x.pk, title="zq-img-x").exists()
    assert Document.objects.filter(pk=document_x.pk, title="zq-doc-x").exists()


def test_staff_of_a_municipality_share_their_collection_and_the_ministry_edits_all(client, world, files):
    image_x, document_x = files["X"]
    colleague = factories.staff(world["X"], email="x2@takamatsu.example.jp")
    c = client_for(client, colleague)
    assert c.get(reverse("wagtailimages:edit", args=[image_x.pk])).status_code == 200
    assert c.get(reverse("wagtaildocs:edit", args=[document_x.pk])).status_code == 200
    m = client_for(client, world["users"]["M"])
    for name, obj in (
        ("wagtailimages:edit", image_x),
        ("wagtaildocs:edit", document_x),
        ("wagtailimages:edit", files["Y"][0]),
        ("wagtaildocs:delete", files["Y"][1]),
    ):
        assert m.get(reverse(name, args=[obj.pk])).status_code == 200, name
    response = m.post(reverse("wagtaildocs:delete", args=[files["Y"][1].pk]))
    assert response.status_code == 302 and not Document.objects.filter(title="zq-doc-y").exists()


def test_a_municipalitys_document_is_downloadable_by_others_only_once_a_live_page_links_it(
    client, world, files
):
    _image_x, document_x = files["X"]
    startup = factories.organisation("startup")
    viewers = {
        "X": world["users"]["X"],
        "M": world["users"]["M"],
        "Y": world["users"]["Y"],
        "startup": factories.member(startup),
        "anonymous": None,
    }

    def statuses(document):
        found = {}
        for key, user in viewers.items():
            client.logout()
            if user is not None:
                client.force_login(user)
            found[key] = client.get(document.url).status_code
        return found

    challenge = challenge_factories.challenge(municipality_org=world["X"], publish=False)
    challenge.attachments.create(document=document_x, caption="地図")
    challenge.save_revision()
    assert statuses(document_x) == {"X": 200, "M": 200, "Y": 404, "startup": 404, "anonymous": 404}
    challenge.get_latest_revision().publish()
    assert statuses(document_x) == {"X": 200, "M": 200, "Y": 200, "startup": 200, "anonymous": 200}
    challenge.refresh_from_db()
    challenge.unpublish()
    assert statuses(document_x)["anonymous"] == 404
    # A published challenge whose unpublished draft (as the page editor saves it) attaches a new document: the
    # document stays private until that draft is published.
    live = challenge_factories.challenge(municipality_org=world["X"], publish=True)
    later = Document.objects.create(
        title="後で公開",
        file=pdf("later.pdf"),
        collection=world["X"].collection,
        uploaded_by_user=viewers["X"],
    )
    live = live.get_latest_revision_as_object()
    live.attachments.add(ChallengeAttachment(document=later))
    live.save_revision(user=viewers["X"])
    assert statuses(later) == {"X": 200, "M": 200, "Y": 404, "startup": 404, "anonymous": 404}
    live.get_latest_revision().publish()
    assert statuses(later)["anonymous"] == 200
    # A document in the root collection (the ministry's) is public, as in Wagtail.
    assert statuses(files["M"][1])["anonymous"] == 200


def test_the_data_migration_moves_existing_municipalities_into_their_collections(world):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("portal.accounts.migrations.0006_municipality_workspaces")
    takamatsu, user_x = world["X"], world["users"]["X"]
    # The state before: no workspace, the shared group on the root collection, X's upload in the root.
    Group.objects.filter(pk=takamatsu.staff_group_id).delete()
    Collection.objects.filter(pk=takamatsu.collection_id).delete()
    takamatsu.refresh_from_db()
    assert takamatsu.collection_id is None and takamatsu.staff_group_id is None
    root = Collection.get_first_root_node()
    shared = Group.objects.get(name="Municipality")
    from portal.accounts.roles import _permissions

    for permission in _permissions(apps, ["wagtaildocs.add_document", "wagtaildocs.choose_document"]):
        GroupCollectionPermission.objects.create(group=shared, collection=root, permission=permission)
    document = Document.objects.create(title="古い資料", file=pdf(), collection=root, uploaded_by_user=user_x)
    ministry_document = Document.objects.create(
        title="省の資料", file=pdf(), collection=root, uploaded_by_user=world["users"]["M"]
    )

    migration.forwards(apps, None)
    migration.forwards(apps, None)  # twice: nothing more happens

    takamatsu.refresh_from_db()
    assert takamatsu.collection is not None and user_x.groups.filter(pk=takamatsu.staff_group_id).exists()
    assert Collection.objects.filter(name="高松市").count() == 1
    assert not GroupCollectionPermission.objects.filter(group=shared).exists()
    document.refresh_from_db()
    ministry_document.refresh_from_db()
    assert document.collection_id == takamatsu.collection_id
    assert ministry_document.collection_id == root.pk
