"""The evidence pack (随意契約の根拠資料): what a municipality files to contract the startup without open tender.

Each save is a new version (`version` 1, 2, …); a version is never edited, and its `snapshot` freezes the figures,
history and matching facts it was built from, so an old version's PDF reads as it did the day it was made.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .engagements import Engagement, private_storage


class EvidencePack(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="evidence_packs")
    version = models.PositiveSmallIntegerField(_("version"))
    # The item of 地方自治法施行令第167条の2第1項 relied on, and the conditions the municipality confirms (evidence.py).
    clause = models.PositiveSmallIntegerField(_("clause relied on"))
    conditions_met = models.JSONField(_("conditions confirmed"), default=list)
    price_note = models.TextField(_("why the price is reasonable"))
    alternatives_note = models.TextField(_("other options considered"), blank=True)
    next_fiscal_year = models.PositiveSmallIntegerField(_("fiscal year of the contract"))
    budget_request_deadline = models.DateField(_("budget request due"))
    snapshot = models.JSONField(_("recorded facts"), default=dict, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("made"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence pack")
        verbose_name_plural = _("evidence packs")
        ordering = ["engagement", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "version"], name="one_evidence_pack_version"),
            models.CheckConstraint(
                name="evidence_pack_clause_in_range", condition=models.Q(clause__gte=1, clause__lte=9)
            ),
        ]

    def __str__(self):
        return f"{self.engagement} v{self.version}"


class ReviewerInvitation(models.Model):
    """An external reviewer (外部有識者) invited by e-mail to give an opinion on the pilot: they upload a signed
    statement (a PDF, checked by content, kept in private storage) through the link in the e-mail, without an
    account. Only the token's hash is stored; the link is in the e-mail alone."""

    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="reviewer_invitations")
    name = models.CharField(_("reviewer's name"), max_length=120)
    email = models.EmailField(_("reviewer's e-mail"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("invited on"))
    expires_at = models.DateTimeField(_("link valid until"))
    opinion = models.TextField(_("opinion in brief"), blank=True)
    statement = models.FileField(
        _("signed statement"),
        upload_to="tracker/reviews/%Y/%m/",
        storage=private_storage,
        max_length=255,
        blank=True,
    )
    statement_size = models.PositiveIntegerField(_("size"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("statement received on"), null=True, blank=True)

    class Meta:
        verbose_name = _("reviewer invitation")
        verbose_name_plural = _("reviewer invitations")
        ordering = ["-invited_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.engagement_id})"
