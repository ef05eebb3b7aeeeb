"""Other municipalities' unpublished titles stay out of every admin screen (issue #16, item 6).

Municipality X must never see the title of Y's unpublished challenge, image or document: not in the admin API's
page listing and detail (which the explorer's side menu reads), the page explorer, the page search, the page
chooser, nor in the bulk-action screens (which listed what one may not act on, by title). X sees its own; the
ministry sees everything.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from tests.challenges import factories as cf

pytestmark = pytest.mark.django_db

Image = get_image_model()
Document = get_document_model()


def _png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 3), (20, 30, 200)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def world(takamatsu, teshio):
    made = {}
    for key, org in (("X", takamatsu), ("Y", teshio)):
        made[key] = {
            "challenge": cf.challenge(municipality_org=org, publish=False, title=f"{key}の非公開課題"),
            "image": Image.objects.create(
                title=f"{key}の非公開画像",
                file=ContentFile(_png(), name=f"{key}.png"),
                width=4,
                height=3,
                collection_id=org.collection_id,
            ),
            "document": Document.objects.create(
                title=f"{key}の非公開文書",
                file=ContentFile(b"%PDF-1.4\n%%EOF\n", name=f"{key}.pdf"),
                collection_id=org.collection_id,
            ),
            "user": cf.staff(org, email=f"{key.lower()}@city.example.jp"),
        }
    made["M"] = {"user": cf.staff(cf.ministry(), email="m@soumu.example.jp")}
    call_command("update_index", stdout=io.StringIO())  # the page searches read the search index
    return made


def _get(user, url) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code in (200, 404), (url, response.status_code)
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(json.loads(response.content), ensure_ascii=False)
    return response.content.decode()


def _ids(*objects) -> str:
    return "&".join(f"id={o.pk}" for o in objects)


def _screens(world):
    index = cf.index_page()
    x, y = world["X"], world["Y"]
    bulk = lambda app, model, action: reverse("wagtail_bulk_action", args=(app, model, action))  # noqa: E731
    pages = _ids(x["challenge"], y["challenge"])
    images = _ids(x["image"], y["image"])
    documents = _ids(x["document"], y["document"])
    return {
        "admin API page listing": (f"/admin/api/main/pages/?child_of={index.pk}", "challenge"),
        "admin API page search": ("/admin/api/main/pages/?search=非公開課題", "challenge"),
        "explorer": (reverse("wagtailadmin_explore", args=[index.pk]), "challenge"),
        "page search": (reverse("wagtailadmin_pages:search") + "?q=非公開課題", "challenge"),
        "page chooser": (reverse("wagtailadmin_choose_page_child", args=[index.pk]), "challenge"),
        "bulk delete pages": (bulk("wagtailcore", "page", "delete") + f"?{pages}", "challenge"),
        "bulk publish pages": (bulk("wagtailcore", "page", "publish") + f"?{pages}", "challenge"),
        "bulk unpublish pages": (bulk("wagtailcore", "page", "unpublish") + f"?{pages}", "challenge"),
        "bulk move pages": (bulk("wagtailcore", "page", "move") + f"?{pages}", "challenge"),
        "bulk delete images": (bulk("wagtailimages", "image", "delete") + f"?{images}", "image"),
        "bulk tag images": (bulk("wagtailimages", "image", "add_tags") + f"?{images}", "image"),
        "bulk collect images": (bulk("wagtailimages", "image", "add_to_collection") + f"?{images}", "image"),
        "bulk delete documents": (bulk("wagtaildocs", "document", "delete") + f"?{documents}", "document"),
        "bulk tag documents": (bulk("wagtaildocs", "document", "add_tags") + f"?{documents}", "document"),
        "bulk collect documents": (
            bulk("wagtaildocs", "document", "add_to_collection") + f"?{documents}",
            "document",
        ),
    }


SCREENS = [
    "admin API page listing",
    "admin API page search",
    "explorer",
    "page search",
    "page chooser",
    "bulk delete pages",
    "bulk publish pages",
    "bulk unpublish pages",
    "bulk move pages",
    "bulk delete images",
    "bulk tag images",
    "bulk collect images",
    "bulk delete documents",
    "bulk tag documents",
    "bulk collect documents",
]


def _title(world, who, kind) -> str:
    obj = world[who][kind]
    return obj.title


@pytest.mark.parametrize("screen", SCREENS)
def test_a_municipality_never_sees_anothers_unpublished_titles_but_sees_its_own(world, screen):
    url, kind = _screens(world)[screen]
    body = _get(world["X"]["user"], url)
    assert _title(world, "Y", kind) not in body
    if screen not in {"bulk publish pages", "bulk collect images", "bulk collect documents"}:
        assert _title(world, "X", kind) in body  # (municipalities may not publish, nor manage collections)


@pytest.mark.parametrize("screen", SCREENS)
def test_the_ministry_sees_every_title(world, screen):
    url, kind = _screens(world)[screen]
    body = _get(world["M"]["user"], url)
    assert _title(world, "Y", kind) in body and _title(world, "X", kind) in body


def test_the_admin_api_page_detail_of_anothers_challenge_is_not_found(world):
    client = Client()
    client.force_login(world["X"]["user"])
    other = client.get(f"/admin/api/main/pages/{world['Y']['challenge'].pk}/")
    assert other.status_code == 404
    assert "非公開課題" not in other.content.decode()
    own = client.get(f"/admin/api/main/pages/{world['X']['challenge'].pk}/")
    assert own.status_code == 200 and "Xの非公開課題" in json.loads(own.content)["title"]
    client.force_login(world["M"]["user"])
    assert client.get(f"/admin/api/main/pages/{world['Y']['challenge'].pk}/").status_code == 200
