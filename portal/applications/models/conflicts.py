"""Conflicts of interest (利益相反): a staff member declares a relation with a startup that keeps them out of it.

A declaration is a person's (ministry or municipality staff), about one startup organisation, with a reason, and
optionally scoped to one challenge. It is never deleted: withdrawing it records who and when (and the audit log
keeps both events). The startup's corporate number (法人番号) is kept with the declaration, so that the declaration
follows the company: any startup organisation whose profile carries that number is the same relation (see
`portal.applications.selectors.conflict_startup_ids`). Effects: `portal.applications.permissions` (recusal) and
`matching.selectors` (excluded pairs in every run's input); docs/matching.md, "In the portal".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation
from portal.challenges.models import ChallengePage


class ConflictSide(models.TextChoices):
    MINISTRY = "ministry", _("ministry")
    MUNICIPALITY = "municipality", _("municipality")


class ConflictOfInterest(models.Model):
    """One person's declared conflict with a startup (and the companies sharing its corporate number)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        on_delete=models.PROTECT,
        related_name="conflict_declarations",
    )
    # Which side the person declared for; a municipality's declarations also name the municipality, whose
    # challenges the startup is then kept out of.
    side = models.CharField(_("side"), max_length=12, choices=ConflictSide.choices)
    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff_conflicts",
        limit_choices_to={"kind": Organisation.Kind.MUNICIPALITY},
    )
    startup = models.ForeignKey(
        Organisation,
        verbose_name=_("startup"),
        on_delete=models.PROTECT,
        related_name="declared_conflicts",
        limit_choices_to={"kind": Organisation.Kind.STARTUP},
    )
    corporate_number = models.CharField(_("corporate number"), max_length=13, blank=True)
    challenge = models.ForeignKey(
        ChallengePage,
        verbose_name=_("only for the challenge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="declared_conflicts",
    )
    reason = models.TextField(_("reason"))
    declared_at = models.DateTimeField(_("declared"), auto_now_add=True, db_index=True)
    withdrawn_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True, db_index=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["-declared_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="conflict_has_reason", condition=~Q(reason="")),
            models.CheckConstraint(
                name="conflict_municipality_side_names_it",
                condition=Q(side="ministry", municipality__isnull=True)
                | Q(side="municipality", municipality__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.person} × {self.startup}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None
