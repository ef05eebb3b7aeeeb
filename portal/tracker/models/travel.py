"""Travel-cost support (旅費支援): fiscal-year budgets, requests, receipts and the append-only ledger."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from portal.geo.models import LocalGovernment

from .engagements import Engagement, private_storage


class FiscalBudget(models.Model):
    """The travel-support budget of one fiscal year (April–March), in integer yen.

    `reserved_yen`, `settled_yen` and `paid_yen` mirror the ledger's sums. They are written only by the ledger
    service, under a row lock, and a database CHECK refuses any state where they exceed the amount: the ledger is
    the record, the CHECK the last guard against overspending.
    """

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), unique=True)
    amount_yen = models.PositiveBigIntegerField(_("budget (yen)"))
    reserved_yen = models.BigIntegerField(_("reserved (yen)"), default=0, editable=False)
    settled_yen = models.BigIntegerField(_("settled, awaiting payment (yen)"), default=0, editable=False)
    paid_yen = models.BigIntegerField(_("paid (yen)"), default=0, editable=False)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("travel budget")
        verbose_name_plural = _("travel budgets")
        ordering = ["-fiscal_year"]
        constraints = [
            models.CheckConstraint(name="budget_amount_non_negative", condition=Q(amount_yen__gte=0)),
            models.CheckConstraint(
                name="budget_buckets_non_negative",
                condition=Q(reserved_yen__gte=0) & Q(settled_yen__gte=0) & Q(paid_yen__gte=0),
            ),
            models.CheckConstraint(
                name="budget_never_overspent",
                condition=Q(amount_yen__gte=F("reserved_yen") + F("settled_yen") + F("paid_yen")),
            ),
        ]

    def __str__(self):
        return f"FY{self.fiscal_year}"

    @property
    def free_yen(self) -> int:
        return self.amount_yen - self.reserved_yen - self.settled_yen - self.paid_yen


class Transport(models.TextChoices):
    LOCAL = "local", _("local train, bus or car")
    EXPRESS = "express", _("shinkansen or limited express")
    AIR = "air", _("air")


class TravelState(models.TextChoices):
    REQUESTED = "requested", _("requested")
    APPROVED = "approved", _("approved")
    TRIP_DONE = "trip_done", _("trip done")
    EXCESS_REVIEW = "excess_review", _("settlement above the approved amount, awaiting approval")
    SETTLED = "settled", _("settled")
    PAID = "paid", _("paid")
    REJECTED = "rejected", _("rejected")


class TravelRequest(models.Model):
    """A startup's request for the ministry to pay a trip to the municipality of one of its engagements."""

    engagement = models.ForeignKey(
        Engagement, verbose_name=_("engagement"), on_delete=models.PROTECT, related_name="travel_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    origin = models.ForeignKey(
        LocalGovernment,
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where the travellers start: a municipality or a prefecture."),
    )
    destination = models.ForeignKey(
        LocalGovernment, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    departure_date = models.DateField(_("departure"))
    return_date = models.DateField(_("return"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), db_index=True, editable=False)
    travellers = models.PositiveSmallIntegerField(_("travellers"))
    traveller_names = models.TextField(_("names of the travellers"))
    purpose = models.TextField(_("purpose"))
    transport = models.CharField(_("transport"), max_length=10, choices=Transport.choices)
    # The estimate as requested (pre-filled from geo, editable by the startup), in yen.
    estimate_fares_yen = models.PositiveIntegerField(_("fares (yen)"))
    estimate_lodging_yen = models.PositiveIntegerField(_("lodging (yen)"))
    estimate_allowance_yen = models.PositiveIntegerField(_("daily allowance (yen)"))
    estimate_total_yen = models.PositiveIntegerField(_("requested (yen)"), editable=False)
    state = models.CharField(
        _("state"), max_length=15, choices=TravelState.choices, default=TravelState.REQUESTED, db_index=True
    )
    budget = models.ForeignKey(
        FiscalBudget,
        verbose_name=_("budget"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="travel_requests",
        editable=False,
    )
    approved_yen = models.PositiveIntegerField(_("approved (yen)"), default=0, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    decision_note = models.TextField(_("decision note"), blank=True, editable=False)
    actual_fares_yen = models.PositiveIntegerField(
        _("actual fares (yen)"), null=True, blank=True, editable=False
    )
    actual_lodging_yen = models.PositiveIntegerField(
        _("actual lodging (yen)"), null=True, blank=True, editable=False
    )
    actual_allowance_yen = models.PositiveIntegerField(
        _("actual daily allowance (yen)"), null=True, blank=True, editable=False
    )
    actual_total_yen = models.PositiveIntegerField(_("actual (yen)"), null=True, blank=True, editable=False)
    settled_yen = models.PositiveIntegerField(_("settled (yen)"), default=0, editable=False)
    settled_at = models.DateTimeField(_("settled on"), null=True, blank=True, editable=False)
    paid_on = models.DateField(_("paid on"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("requested on"), auto_now_add=True)

    class Meta:
        verbose_name = _("travel request")
        verbose_name_plural = _("travel requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="travel_return_after_departure", condition=Q(return_date__gte=F("departure_date"))
            ),
            models.CheckConstraint(name="travel_at_least_one_traveller", condition=Q(travellers__gte=1)),
            models.CheckConstraint(
                name="travel_total_is_sum",
                condition=Q(
                    estimate_total_yen=F("estimate_fares_yen")
                    + F("estimate_lodging_yen")
                    + F("estimate_allowance_yen")
                ),
            ),
        ]

    def __str__(self):
        return f"{self.engagement.startup} → {self.destination} {formats.date_format(self.departure_date)}"

    @property
    def startup_id(self):
        return self.engagement.startup_id


class TravelReceipt(models.Model):
    request = models.ForeignKey(TravelRequest, on_delete=models.CASCADE, related_name="receipts")
    file = models.FileField(
        _("file"), upload_to="tracker/receipts/%Y/%m/", storage=private_storage, max_length=255
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")

    def __str__(self):
        return self.original_name
