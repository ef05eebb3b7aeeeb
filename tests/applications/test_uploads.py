"""Attachments are judged by content: names and browser-declared types are ignored; sizes are capped."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.applications import services
from portal.applications.uploads import MAX_FILE_BYTES, check_upload

from .factories import EXE, PDF, ooxml_upload, pdf_upload


def _png() -> bytes:
    return (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    )


def test_accepted_by_content_not_by_name():
    assert check_upload(SimpleUploadedFile("x.bin", PDF)).content_type == "application/pdf"
    assert check_upload(SimpleUploadedFile("photo.pdf", _png())).extension == "png"
    assert check_upload(ooxml_upload("a.zip", "word/document.xml")).extension == "docx"
    assert check_upload(ooxml_upload("a", "xl/workbook.xml")).extension == "xlsx"
    assert check_upload(ooxml_upload("a.docx", "ppt/presentation.xml")).extension == "pptx"


def test_a_real_workbook_from_openpyxl_is_accepted():
    import openpyxl

    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    assert check_upload(SimpleUploadedFile("budget.xlsx", buffer.getvalue())).extension == "xlsx"


@pytest.mark.parametrize(
    "name, content",
    [
        ("proposal.pdf", EXE),  # a Windows executable renamed
        ("proposal.docx", ooxml_upload("x", "evil/payload.xml").read()),  # a zip that is not an Office file
        ("notes.pdf", b"<html><script>alert(1)</script></html>"),
        ("empty.pdf", b""),
    ],
)
def test_refused_content(name, content):
    with pytest.raises(ValidationError):
        check_upload(SimpleUploadedFile(name, content))


def test_size_limits():
    with pytest.raises(ValidationError, match="at most 10 MB"):
        check_upload(pdf_upload(size=MAX_FILE_BYTES + 1))
    assert check_upload(pdf_upload(size=MAX_FILE_BYTES)).size == MAX_FILE_BYTES
    with pytest.raises(ValidationError, match="30 MB"):
        check_upload(pdf_upload(size=2 * 1024 * 1024), already_stored_bytes=29 * 1024 * 1024)


def test_the_application_total_is_capped_and_files_live_in_private_storage(world, settings):
    application = world.draft()
    for i in range(3):
        attachment = services.attachment_add(
            application=application,
            actor=world.user_a,
            uploaded=pdf_upload(f"{i}.pdf", size=10 * 1024 * 1024),
        )
    with pytest.raises(ValidationError, match="30 MB"):
        services.attachment_add(application=application, actor=world.user_a, uploaded=pdf_upload("more.pdf"))
    assert application.attachments.count() == 3
    path = attachment.file.path
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT)) and not path.startswith(str(settings.MEDIA_ROOT))
    # the stored name never comes from the user (a random name could still end in "2.pdf", so compare whole names)
    assert Path(path).name != "2.pdf" and attachment.original_name == "2.pdf"
    services.application_submit(application=application, actor=world.user_a)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.attachment_remove(attachment=attachment, actor=world.user_a)
