"""The travel-support ledger: append-only. A mistake is corrected by a reversing entry, never by an edit.

Each entry moves money between the budget's buckets (free → reserved → settled → paid); its deltas say how, so
balances are plain sums. `save()` on an existing row, `delete()`, and bulk `update()`/`delete()` all raise; on
PostgreSQL a trigger (migration 0002) refuses UPDATE and DELETE from any client as well.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .travel import FiscalBudget, TravelRequest


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove a ledger entry."""


class LedgerQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("ledger entries are never updated; add a reversing entry")

    def delete(self):
        raise AppendOnlyError("ledger entries are never deleted; add a reversing entry")

    _raw_delete = delete


class LedgerEntry(models.Model):
    class Kind(models.TextChoices):
        RESERVE = "reserve", _("reserve")
        RELEASE = "release", _("release")
        SETTLE = "settle", _("settle")
        PAY = "pay", _("pay")
        REVERSAL = "reversal", _("reversal")

    budget = models.ForeignKey(
        FiscalBudget, verbose_name=_("budget"), on_delete=models.PROTECT, related_name="ledger"
    )
    request = models.ForeignKey(
        TravelRequest,
        verbose_name=_("travel request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount_yen = models.PositiveBigIntegerField(_("amount (yen)"))
    # How the entry moves money between the buckets (a reversal carries the negated deltas of its original).
    reserved_delta = models.BigIntegerField(default=0)
    settled_delta = models.BigIntegerField(default=0)
    paid_delta = models.BigIntegerField(default=0)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["at", "pk"]
        # The audit log and the ledger are read-only in the admin; nobody is granted change/delete on them.
        default_permissions = ("add", "view")
        constraints = [
            models.CheckConstraint(name="ledger_amount_positive", condition=Q(amount_yen__gt=0)),
            models.CheckConstraint(
                name="ledger_reversal_points_back",
                condition=(Q(kind="reversal") & Q(reverses__isnull=False))
                | (~Q(kind="reversal") & Q(reverses__isnull=True)),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ¥{self.amount_yen:,} ({self.budget})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("ledger entries are never updated; add a reversing entry")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("ledger entries are never deleted; add a reversing entry")

    # What travel_request_pay wrote before the note of a payment was rendered in the reader's language.
    _OLD_PAYMENT_NOTE = "paid on "

    @property
    def note_text(self) -> str:
        """The note as shown: a payment's, which the system writes, is its date in the reader's language."""
        if self.kind == self.Kind.PAY and (not self.note or self.note.startswith(self._OLD_PAYMENT_NOTE)):
            paid_on = self.request.paid_on if self.request_id else None
            if paid_on:
                return f"{gettext('paid on')} {date_format(paid_on, 'DATE_FORMAT')}"
        return self.note
