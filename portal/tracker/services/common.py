"""Helpers the tracker's services share: who hears about an engagement, yen checks, links."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.accounts.selectors import active_members
from portal.core.notifications import notify

from ..models import Engagement


def site_url(engagement: Engagement) -> str:
    return reverse("tracker:engagement", args=[engagement.pk])


def admin_url(engagement: Engagement) -> str:
    return reverse("engagement:inspect", args=[engagement.pk])


def notify_both_sides(engagement: Engagement, *, kind: str, params: dict | None = None) -> None:
    """Startup members get the link to their page on the site, municipality staff the admin's (tracker/notices.py
    says what the kind reads)."""
    notify(active_members(engagement.startup), kind=kind, params=params, url=site_url(engagement))
    notify(active_members(engagement.municipality), kind=kind, params=params, url=admin_url(engagement))


def yen(value, field: str, *, allow_zero: bool = True) -> int:
    """An amount in whole yen, or a ValidationError naming the field: no negatives, fractions or text."""
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise ValidationError(
                {field: _("Enter a whole number of yen (no fractions).")}, code="not_integer"
            )
    if value < 0:
        raise ValidationError({field: _("An amount in yen cannot be negative.")}, code="negative")
    if value == 0 and not allow_zero:
        raise ValidationError({field: _("Enter an amount above zero.")}, code="zero")
    return value


def yen_amounts(errors: dict[str, list], **values) -> dict[str, int]:
    """Each amount through `yen`, by field name; every one is checked, a refused one adds its message to
    `errors` and is left out."""
    amounts = {}
    for name, value in values.items():
        try:
            amounts[name] = yen(value, name)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    return amounts


def require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Give a reason: it is recorded with the change.")}, code="reason_required"
        )
    return reason
