"""What the conversation services share: the refusal, text checks, and who belongs to an organisation."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.core.decisions import Decision, require


class ConversationRefused(ValidationError):
    """A permission rule said no; the message is the rule's reason, ready for the user."""


def check(decision: Decision) -> None:
    require(decision, refusal=ConversationRefused)


def clean_text(value: str | None, *, field: str, max_chars: int, empty) -> str:
    """The text without surrounding blanks; a form error for empty or too long text (stored as typed, escaped
    when shown)."""
    text = (value or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({field: [empty]}, code="empty")
    if len(text) > max_chars:
        raise ValidationError(
            {
                field: [
                    _("Please keep it to %(max)s characters (it has %(n)s).")
                    % {"max": max_chars, "n": len(text)}
                ]
            },
            code="too_long",
        )
    return text
