"""Agreements (実証協定書 / 契約) of an engagement: who signed, when, for how much, the signed files, the amendments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .engagements import Engagement, private_storage


class Agreement(models.Model):
    """A PoC agreement or a contract. Dates and amount are the ones in force: an amendment updates them and keeps
    what it changed (AgreementAmendment)."""

    class Kind(models.TextChoices):
        POC = "poc", _("PoC agreement")
        CONTRACT = "contract", _("contract")

    engagement = models.ForeignKey(
        Engagement, verbose_name=_("engagement"), on_delete=models.PROTECT, related_name="agreements"
    )
    kind = models.CharField(_("kind of agreement"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    # As written in the agreement (a department, a consortium member): one party per line.
    parties = models.TextField(_("parties"), help_text=_("One party per line, as written in the agreement."))
    signed_on = models.DateField(_("signed on"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    # The last day to decide on renewal (or to give notice); reminded TRACKER_AGREEMENT_REMINDER_DAYS before.
    renewal_notice_on = models.DateField(_("renewal decision by"), null=True, blank=True)
    amount_yen = models.PositiveBigIntegerField(_("amount (yen)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    # The date each reminder was sent for: an amendment that moves the date re-arms its reminder.
    end_reminded_for = models.DateField(null=True, blank=True, editable=False)
    renewal_reminded_for = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="agreement_ends_after_start", condition=Q(ends_on__gte=F("starts_on"))
            ),
        ]
        indexes = [models.Index(fields=["ends_on"]), models.Index(fields=["renewal_notice_on"])]

    def __str__(self):
        return self.title

    @property
    def party_list(self) -> list[str]:
        return [p.strip() for p in self.parties.splitlines() if p.strip()]


class AgreementAmendment(models.Model):
    """A change to an agreement (変更契約 / 覚書): what it says, and the new end date or amount if it sets one."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="amendments")
    signed_on = models.DateField(_("signed on"))
    summary = models.TextField(_("what changes"))
    previous_ends_on = models.DateField(_("previous end"), editable=False)
    ends_on = models.DateField(_("new end date"), null=True, blank=True)
    previous_amount_yen = models.PositiveBigIntegerField(
        _("previous amount (yen)"), null=True, editable=False
    )
    amount_yen = models.PositiveBigIntegerField(_("new amount (yen)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["signed_on", "pk"]

    def __str__(self):
        return f"{self.agreement_id} {self.signed_on:%Y-%m-%d}"


class AgreementFile(models.Model):
    """A signed copy (of the agreement or of an amendment): checked by content, stored privately."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="files")
    amendment = models.ForeignKey(
        AgreementAmendment, null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(
        _("file"), upload_to="tracker/agreements/%Y/%m/", storage=private_storage, max_length=255
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        verbose_name = _("agreement file")
        verbose_name_plural = _("agreement files")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name
