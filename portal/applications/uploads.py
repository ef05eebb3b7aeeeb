"""What an application may carry: PDF, Office documents and PNG/JPEG images, recognised by their content.

The name and the browser's content type are never trusted. python-magic reads the first bytes; an Office Open XML
file (a zip) must also contain the parts of a Word, Excel or PowerPoint document, and a legacy Office file must be
an OLE compound document that libmagic recognises as one of the three.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

import magic
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_APPLICATION_BYTES = 30 * 1024 * 1024

# libmagic's answer → (our content type, extension)
_DIRECT = {
    "application/pdf": ("application/pdf", "pdf"),
    "image/png": ("image/png", "png"),
    "image/jpeg": ("image/jpeg", "jpg"),
    "application/msword": ("application/msword", "doc"),
    "application/vnd.ms-excel": ("application/vnd.ms-excel", "xls"),
    "application/vnd.ms-powerpoint": ("application/vnd.ms-powerpoint", "ppt"),
}
_OOXML_MAGIC = {
    "application/zip",
    "application/octet-stream",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
# The part that makes a zip a Word, Excel or PowerPoint document.
_OOXML_PARTS = [
    ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
]
_ZIP_SIGNATURE = b"PK\x03\x04"

ALLOWED_DESCRIPTION = _("PDF, Word, Excel, PowerPoint, PNG or JPEG")


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    size: int


def _ooxml_kind(uploaded) -> tuple[str, str] | None:
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        uploaded.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    for part, content_type, extension in _OOXML_PARTS:
        if part in names:
            return content_type, extension
    return None


def check_upload(uploaded, *, already_stored_bytes: int = 0) -> CheckedFile:
    """Check one uploaded file's size and content. Raises ValidationError with a message for the user."""
    size = uploaded.size
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > MAX_FILE_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; each file may be at most 10 MB.") % {"size": f"{size / 1048576:.1f}"},
            code="too_large",
        )
    if already_stored_bytes + size > MAX_APPLICATION_BYTES:
        raise ValidationError(
            _("All files of one application together may be at most 30 MB; remove a file first."),
            code="total_too_large",
        )
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    detected = magic.from_buffer(head, mime=True)
    if detected in _DIRECT:
        content_type, extension = _DIRECT[detected]
        return CheckedFile(content_type=content_type, extension=extension, size=size)
    if detected in _OOXML_MAGIC and head.startswith(_ZIP_SIGNATURE):
        kind = _ooxml_kind(uploaded)
        if kind is not None:
            return CheckedFile(content_type=kind[0], extension=kind[1], size=size)
    raise ValidationError(
        _("This file's content is not an accepted type (%(allowed)s), whatever its name says.")
        % {"allowed": ALLOWED_DESCRIPTION},
        code="bad_type",
    )
