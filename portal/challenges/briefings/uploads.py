"""What a session's slides may be: PDF or PowerPoint (and PDF-like office formats), at most 20 MB, recognised by
content (portal.core.uploads.detect_type), never by name or the browser's content type."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.core.uploads import detect_type

MAX_SLIDES_BYTES = 20 * 1024 * 1024
ACCEPTED_EXTENSIONS = {"pdf", "ppt", "pptx"}


@dataclass(frozen=True)
class CheckedSlides:
    content_type: str
    extension: str
    size: int


def check_slides(uploaded) -> CheckedSlides:
    """Check the slides' size and content. Raises ValidationError (field "slides") with a message for the user."""
    size = uploaded.size
    if size == 0:
        raise ValidationError({"slides": _("The file is empty.")}, code="empty")
    if size > MAX_SLIDES_BYTES:
        raise ValidationError(
            {
                "slides": _("The slides are %(size)s MB; they may be at most %(max)s MB.")
                % {"size": f"{size / 1048576:.1f}", "max": MAX_SLIDES_BYTES // 1048576}
            },
            code="too_large",
        )
    kind = detect_type(uploaded)
    if kind is None or kind[1] not in ACCEPTED_EXTENSIONS:
        raise ValidationError(
            {"slides": _("The slides must be a PDF or PowerPoint file, whatever the file's name says.")},
            code="bad_type",
        )
    return CheckedSlides(content_type=kind[0], extension=kind[1], size=size)
