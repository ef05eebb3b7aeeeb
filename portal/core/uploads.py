"""What an uploaded file really is, read from its content — never from its name or the browser's content type.

python-magic reads the first bytes; an Office Open XML file (a zip) must also contain the parts of a Word, Excel or
PowerPoint document, and a legacy Office file must be an OLE compound document that libmagic recognises as one of
the three. Used by the site's uploads (portal/applications/uploads.py) and by the document library in the admin
(portal/core/media_forms.py).
"""

from __future__ import annotations

import os
import zipfile

import magic
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# libmagic's answer → (our content type, extension)
_DIRECT = {
    "application/pdf": ("application/pdf", "pdf"),
    "image/png": ("image/png", "png"),
    "image/jpeg": ("image/jpeg", "jpg"),
    "application/msword": ("application/msword", "doc"),
    "application/vnd.ms-excel": ("application/vnd.ms-excel", "xls"),
    "application/vnd.ms-powerpoint": ("application/vnd.ms-powerpoint", "ppt"),
    "application/vnd.oasis.opendocument.text": ("application/vnd.oasis.opendocument.text", "odt"),
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
_TEXT_TYPES = {"text/plain", "text/csv", "application/csv"}


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


def detect_type(uploaded) -> tuple[str, str] | None:
    """(content type, extension) of a PDF, Office (Word, Excel, PowerPoint, ODT), PNG or JPEG file, by content;
    None for anything else."""
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    detected = magic.from_buffer(head, mime=True)
    if detected in _DIRECT:
        return _DIRECT[detected]
    if detected in _OOXML_MAGIC and head.startswith(_ZIP_SIGNATURE):
        return _ooxml_kind(uploaded)
    return None


def _is_csv(uploaded) -> bool:
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    return b"\x00" not in head and magic.from_buffer(head, mime=True) in _TEXT_TYPES


def check_content_matches_name(uploaded) -> None:
    """The file's content must be what its extension says (a PDF named .pdf, a Word document named .docx, text
    named .csv …). Raises ValidationError for the user."""
    extension = os.path.splitext(uploaded.name or "")[1].lower().lstrip(".")
    if extension == "csv":
        matches = _is_csv(uploaded)
    else:
        kind = detect_type(uploaded)
        matches = kind is not None and kind[1] == {"jpeg": "jpg"}.get(extension, extension)
    if not matches:
        raise ValidationError(
            _("The file's content is not a %(extension)s file, whatever its name says.")
            % {"extension": extension.upper() or "?"},
            code="bad_type",
        )
