"""A page form refuses an image or document its user may not choose (issue #16, item 5).

The choosers hide other municipalities' files, but the page editor took any id it was sent: municipality X attached
Y's unpublished document to its own challenge, and once the ministry published the challenge the file was public.
Here X posts Y's ids straight into each kind of field — a document field (the challenge's attachments), StreamField
blocks (an image block, a document list, a document link in a text block) and rich text (an image embed and a
document link in the catalogue's introduction) — and is refused with an error on the field, nothing saved; X's own
files are accepted; the ministry may use anybody's.
"""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import GroupPagePermission, Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from portal.challenges.models import ChallengeIndexPage, ChallengePage
from portal.core.models import Theme
from portal.programme.blocks import RICH_TEXT_FEATURES
from portal.programme.models import ContentPage
from tests.challenges import factories as cf
from tests.programme import factories as pf

pytestmark = pytest.mark.django_db

Image = get_image_model()
Document = get_document_model()


def _png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 3), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def world(takamatsu, teshio):
    ministry = cf.ministry()
    files = {}
    for key, org in (("X", takamatsu), ("Y", teshio)):
        files[key] = {
            "image": Image.objects.create(
                title=f"{org.name}の写真",
                file=ContentFile(_png(), name=f"{key}.png"),
                width=4,
                height=3,
                collection_id=org.collection_id,
            ),
            "document": Document.objects.create(
                title=f"{org.name}の資料",
                file=ContentFile(b"%PDF-1.4\n%%EOF\n", name=f"{key}.pdf"),
                collection_id=org.collection_id,
            ),
        }
    return {
        "X": cf.staff(takamatsu, email="x@takamatsu.example.jp"),
        "M": cf.staff(ministry, email="m@soumu.example.jp"),
        "files": files,
        "challenge": cf.challenge(municipality_org=takamatsu, publish=False, title="Xの課題"),
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _errors(response) -> str:
    """The page, and the form's error messages (a StreamField's are JSON inside the page)."""
    messages = []
    form = response.context["form"] if response.context and "form" in response.context else None
    if form is not None:
        for errors in [form.errors, *(f.errors for fs in form.formsets.values() for f in fs.forms)]:
            for error_list in errors.values():
                for error in error_list.as_data():
                    messages.extend(
                        getattr(error, "non_block_errors", None)
                        and [str(e) for e in error.non_block_errors]
                        or error.messages
                    )
    return response.content.decode() + "\n".join(messages)


REFUSED_DOCUMENT = "選択できる文書ではありません"
REFUSED_IMAGE = "選択できる画像ではありません"


# --- a document field: the challenge's attachments ----------------------------------------------------------------


def _challenge_form(challenge, attachments, initial=0):
    data = {
        "title": challenge.title,
        "slug": challenge.slug,
        "municipality": str(challenge.municipality_id),
        "summary": challenge.summary,
        "background": challenge.background,
        "desired_outcome": challenge.desired_outcome,
        "application_opens": "2026-04-01 00:00",
        "application_closes": "2026-05-31 23:59",
        "max_partners": "1",
        "attachments": inline_formset(attachments, initial=initial),
        "application_questions": streamfield([]),
        "comments": inline_formset([]),
    }
    flat = nested_form_data(data)
    flat["themes"] = [str(Theme.objects.get(slug="tourism").pk)]
    return flat


def _attachments_of_latest_revision(challenge) -> list[int]:
    latest = ChallengePage.objects.get(pk=challenge.pk).get_latest_revision_as_object()
    return [a.document_id for a in latest.attachments.all()]


def test_a_municipality_cannot_attach_another_municipalitys_document(world):
    challenge, y_doc = world["challenge"], world["files"]["Y"]["document"]
    before = _attachments_of_latest_revision(challenge)
    response = _client(world["X"]).post(
        reverse("wagtailadmin_pages:edit", args=[challenge.pk]),
        _challenge_form(challenge, [{"document": str(y_doc.pk), "caption": "地図"}]),
    )
    assert response.status_code == 200
    assert REFUSED_DOCUMENT in _errors(response)
    assert y_doc.title not in _errors(response)  # the refusal does not tell the other's title either
    assert _attachments_of_latest_revision(challenge) == before == []


@pytest.mark.parametrize("who, whose", [("X", "X"), ("M", "Y")])
def test_own_documents_and_the_ministrys_choice_are_attached(world, who, whose):
    challenge, document = world["challenge"], world["files"][whose]["document"]
    response = _client(world[who]).post(
        reverse("wagtailadmin_pages:edit", args=[challenge.pk]),
        _challenge_form(challenge, [{"document": str(document.pk), "caption": "地図"}]),
    )
    assert response.status_code == 302, _errors(response)[:3000]
    assert _attachments_of_latest_revision(challenge) == [document.pk]


# --- rich text: the catalogue's introduction (municipality staff may edit the catalogue page) ----------------------


def _index_form(index, intro_html):
    return nested_form_data(
        {
            "title": index.title,
            "slug": index.slug,
            "title_en": "",
            "intro": rich_text(intro_html),
            "intro_en": rich_text(""),
            "seo_title": "",
            "search_description": "",
            "comments": inline_formset([]),
        }
    )


def _intro(index) -> str:
    return ChallengeIndexPage.objects.get(pk=index.pk).get_latest_revision_as_object().intro


RICH_TEXT_CASES = {
    "image embed": ('<embed embedtype="image" id="{image}" format="fullwidth" alt="x"/>', REFUSED_IMAGE),
    "document link": ('<p><a linktype="document" id="{document}">資料</a></p>', REFUSED_DOCUMENT),
}


@pytest.mark.parametrize("case", sorted(RICH_TEXT_CASES))
def test_rich_text_refuses_another_municipalitys_image_or_document(world, case):
    index = cf.index_page()
    before = _intro(index)
    html, refusal = RICH_TEXT_CASES[case]
    response = _client(world["X"]).post(
        reverse("wagtailadmin_pages:edit", args=[index.pk]),
        _index_form(index, html.format(**{k: v.pk for k, v in world["files"]["Y"].items()})),
    )
    assert response.status_code == 200
    assert refusal in _errors(response)
    assert _intro(index) == before


@pytest.mark.parametrize("case", sorted(RICH_TEXT_CASES))
@pytest.mark.parametrize("who, whose", [("X", "X"), ("M", "Y")])
def test_rich_text_takes_own_files_and_the_ministrys_choice(world, case, who, whose):
    index = cf.index_page()
    files = world["files"][whose]
    html, _refusal = RICH_TEXT_CASES[case]
    response = _client(world[who]).post(
        reverse("wagtailadmin_pages:edit", args=[index.pk]),
        _index_form(index, html.format(**{k: v.pk for k, v in files.items()})),
    )
    assert response.status_code == 302, _errors(response)[:3000]
    assert f'id="{files["image" if "image" in case else "document"].pk}"' in _intro(index)


# --- StreamField blocks: a content page the ministry lets X edit --------------------------------------------------


@pytest.fixture
def shared_page(world, takamatsu):
    page = pf.content("自治体の広場", "hiroba")
    change_page = Permission.objects.get(content_type__app_label="wagtailcore", codename="change_page")
    GroupPagePermission.objects.create(group_id=takamatsu.staff_group_id, page=page, permission=change_page)
    return page


def _list(items):
    return {
        "count": len(items),
        **{i: {"value": v, "deleted": "", "order": i, "id": ""} for i, v in enumerate(items)},
    }


def _blocks(case, files):
    if case == "image block":
        return [("image", {"image": str(files["image"].pk), "alt": "写真", "caption": ""})]
    if case == "document list":
        return [
            (
                "documents",
                {"heading": "", "documents": _list([{"document": str(files["document"].pk), "label": ""}])},
            )
        ]
    link = f'<p><a linktype="document" id="{files["document"].pk}">資料</a></p>'
    return [("rich_text", rich_text(link, features=RICH_TEXT_FEATURES))]


def _content_form(page, blocks):
    return nested_form_data(
        {
            "title": page.title,
            "title_en": "",
            "slug": page.slug,
            "intro": "",
            "intro_en": "",
            "body": streamfield(blocks),
            "body_en": streamfield([]),
            "seo_title": "",
            "search_description": "",
            "search_description_en": "",
            "comments": inline_formset([]),
        }
    )


def _body(page):
    return list(ContentPage.objects.get(pk=page.pk).get_latest_revision_as_object().body.raw_data)


STREAM_CASES = {
    "image block": REFUSED_IMAGE,
    "document list": REFUSED_DOCUMENT,
    "text block link": REFUSED_DOCUMENT,
}


@pytest.mark.parametrize("case", sorted(STREAM_CASES))
def test_streamfield_blocks_refuse_another_municipalitys_image_or_document(world, shared_page, case):
    before = _body(shared_page)
    response = _client(world["X"]).post(
        reverse("wagtailadmin_pages:edit", args=[shared_page.pk]),
        _content_form(shared_page, _blocks(case, world["files"]["Y"])),
    )
    assert response.status_code == 200
    assert STREAM_CASES[case] in _errors(response)
    assert _body(shared_page) == before


@pytest.mark.parametrize("case", sorted(STREAM_CASES))
@pytest.mark.parametrize("who, whose", [("X", "X"), ("M", "Y")])
def test_streamfield_blocks_take_own_files_and_the_ministrys_choice(world, shared_page, case, who, whose):
    response = _client(world[who]).post(
        reverse("wagtailadmin_pages:edit", args=[shared_page.pk]),
        _content_form(shared_page, _blocks(case, world["files"][whose])),
    )
    assert response.status_code == 302, _errors(response)[:3000]
    assert len(_body(shared_page)) == 1


def test_a_file_already_on_the_page_stays_when_someone_else_edits_it(world):
    """The ministry attached Y's document to X's challenge: X can still save the challenge with it."""
    challenge, y_doc = world["challenge"], world["files"]["Y"]["document"]
    url = reverse("wagtailadmin_pages:edit", args=[challenge.pk])
    attachment = [{"document": str(y_doc.pk), "caption": "地図"}]
    assert _client(world["M"]).post(url, _challenge_form(challenge, attachment)).status_code == 302
    latest = ChallengePage.objects.get(pk=challenge.pk).get_latest_revision_as_object()
    kept = [
        {"id": str(a.pk or ""), "document": str(a.document_id), "caption": a.caption}
        for a in latest.attachments.all()
    ]
    response = _client(world["X"]).post(url, _challenge_form(challenge, kept, initial=len(kept)))
    assert response.status_code == 302, _errors(response)[:3000]
    assert _attachments_of_latest_revision(challenge) == [y_doc.pk]
    assert Page.objects.filter(pk=challenge.pk).exists()
