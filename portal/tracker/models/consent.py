"""Data-use consent per engagement (the opt-in the working group asked for).

Each party (the municipality, the startup) grants or revokes each purpose for itself; no row means "not granted".
The services (services/consent.py) write these rows and the audit log keeps the history; the rules that need them
(publishing a case study, sharing the evidence pack with a joining municipality, reusing the pilot's figures) ask
`consent_missing()`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .. import workflow
from .engagements import Engagement


class ConsentPurpose(models.TextChoices):
    REUSE_DATA = "reuse_data", _("reuse the pilot's figures outside the engagement")
    PUBLISH_CASE_STUDY = "publish_case_study", _("publish a case study")
    SHARE_WITH_MUNICIPALITIES = "share_with_municipalities", _("share the results with other municipalities")


CONSENT_SIDES = (workflow.MUNICIPALITY, workflow.STARTUP)


class DataConsent(models.Model):
    """One party's current answer for one purpose of one engagement."""

    class Side(models.TextChoices):
        MUNICIPALITY = workflow.MUNICIPALITY, _("the municipality")
        STARTUP = workflow.STARTUP, _("the startup")

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="consents")
    side = models.CharField(_("party"), max_length=15, choices=Side.choices)
    purpose = models.CharField(
        pgettext_lazy("data-use consent", "purpose"), max_length=30, choices=ConsentPurpose.choices
    )
    granted = models.BooleanField(_("granted"), default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed"))

    class Meta:
        verbose_name = _("data-use consent")
        verbose_name_plural = _("data-use consents")
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "side", "purpose"], name="one_consent_per_party_purpose"
            )
        ]

    def __str__(self):
        return f"{self.engagement_id} {self.side} {self.purpose} {'+' if self.granted else '-'}"


def consent_missing(engagement_id: int, purpose: str) -> list[str]:
    """The sides (municipality, startup) that have not granted `purpose` for the engagement; [] when both have."""
    granted = set(
        DataConsent.objects.filter(engagement_id=engagement_id, purpose=purpose, granted=True).values_list(
            "side", flat=True
        )
    )
    return [side for side in CONSENT_SIDES if side not in granted]
