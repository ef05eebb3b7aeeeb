"""What an application may carry: PDF, Office documents and PNG/JPEG images, recognised by their content.

The name and the browser's content type are never trusted: portal.core.uploads.detect_type reads the content
(python-magic, and the parts inside an Office Open XML zip).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.core.uploads import detect_type

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_APPLICATION_BYTES = 30 * 1024 * 1024

# What portal.core.uploads.detect_type recognises, less ODT (not asked for in applications).
_ACCEPTED_EXTENSIONS = {"pdf", "png", "jpg", "doc", "xls", "ppt", "docx", "xlsx", "pptx"}

ALLOWED_DESCRIPTION = _("PDF, Word, Excel, PowerPoint, PNG or JPEG")


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    size: int


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
    kind = detect_type(uploaded)
    if kind is not None and kind[1] in _ACCEPTED_EXTENSIONS:
        return CheckedFile(content_type=kind[0], extension=kind[1], size=size)
    raise ValidationError(
        _("This file's content is not an accepted type (%(allowed)s), whatever its name says.")
        % {"allowed": ALLOWED_DESCRIPTION},
        code="bad_type",
    )
