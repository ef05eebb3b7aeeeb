"""Files in Wagtail's library (issue #16, item 12).

- A document uploaded in the admin is checked by its content, as the site's uploads are: an HTML page named
  `call.pdf`, or a zip named `.docx` without a Word document inside, is refused with an error on the file field
  and nothing is stored; a real PDF and a real Word file are accepted.
- An image's files are not at a guessable address: the original and every resized copy are stored under a name
  that starts with a random token, so knowing what a municipality called its file (`map.png`) does not find it.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from tests.challenges import factories as cf

pytestmark = pytest.mark.django_db

Image = get_image_model()
Document = get_document_model()


@pytest.fixture
def staff_client(takamatsu):
    client = Client()
    client.force_login(cf.staff(takamatsu, email="x@takamatsu.example.jp"))
    return client


def _docx(with_document_part: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        if with_document_part:
            archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
        else:
            archive.writestr("evil.html", "<script>alert(1)</script>")
    return buffer.getvalue()


BAD_DOCUMENTS = {
    "html named pdf": ("call.pdf", b"<!doctype html><html><script>alert(document.cookie)</script></html>"),
    "zip named docx": ("call.docx", _docx(with_document_part=False)),
    "pdf named xlsx": ("budget.xlsx", b"%PDF-1.4\n%%EOF\n"),
    "binary named csv": ("list.csv", b"\x7fELF\x02\x01\x01" + b"\x00" * 64),
}


@pytest.mark.parametrize("case", sorted(BAD_DOCUMENTS))
def test_a_document_whose_content_is_not_what_its_name_says_is_refused(staff_client, case):
    name, content = BAD_DOCUMENTS[case]
    response = staff_client.post(
        reverse("wagtaildocs:add"),
        {"title": "資料", "file": SimpleUploadedFile(name, content, "application/pdf")},
    )
    assert response.status_code == 200
    assert "ファイルの中身" in response.content.decode()
    assert not Document.objects.exists()


GOOD_DOCUMENTS = {
    "pdf": ("call.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"),
    "docx": ("call.docx", _docx()),
    "csv": ("list.csv", "自治体コード,名称\n372013,高松市\n".encode()),
}


@pytest.mark.parametrize("case", sorted(GOOD_DOCUMENTS))
def test_a_real_document_is_accepted(staff_client, case):
    name, content = GOOD_DOCUMENTS[case]
    response = staff_client.post(
        reverse("wagtaildocs:add"), {"title": "資料", "file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Document.objects.get().file.read() == content


def _png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_an_uploaded_images_files_are_not_at_a_guessable_address(staff_client, takamatsu):
    for _ in range(2):
        response = staff_client.post(
            reverse("wagtailimages:add"),
            {"title": "地図", "file": SimpleUploadedFile("map.png", _png(), "image/png")},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    first, second = Image.objects.order_by("pk")
    assert first.collection_id == takamatsu.collection_id
    for image in (first, second):
        name = image.file.name
        assert name != "original_images/map.png"
        assert re.fullmatch(r"original_images/[0-9a-f]{32}_map\.png", name), name
        with image.open_file() as stored:
            assert stored.read() == _png()
        rendition = image.get_rendition("max-20x20")
        assert re.search(r"/images/[0-9a-f]{32}_map\.max-20x20\.png$", rendition.url), rendition.url
    assert first.file.name != second.file.name


def test_a_long_image_name_still_fits_the_file_field(staff_client):
    long_name = "m" * 120 + ".png"
    response = staff_client.post(
        reverse("wagtailimages:add"),
        {"title": "長い名前", "file": SimpleUploadedFile(long_name, _png(), "image/png")},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    name = Image.objects.get().file.name
    assert len(name) <= 100 and re.match(r"original_images/[0-9a-f]{32}_m+\.png$", name)
