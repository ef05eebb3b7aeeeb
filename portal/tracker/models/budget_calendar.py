"""Each municipality's budget-request deadline (予算要求): the day its finance department wants next fiscal year's
requests, the same calendar date every year. Engagements that will need money next year are reminded before it."""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation


class BudgetRequestDeadline(models.Model):
    municipality = models.OneToOneField(
        Organisation,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="budget_request_deadline",
        limit_choices_to={"kind": Organisation.Kind.MUNICIPALITY},
    )
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    day = models.PositiveSmallIntegerField(_("day"), validators=[MinValueValidator(1), MaxValueValidator(31)])
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("changed on"), auto_now=True)
    # The deadline the last reminder was sent for: once per year's deadline.
    reminded_for = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("budget-request deadline")
        verbose_name_plural = _("budget-request deadlines")
        ordering = ["month", "day", "municipality__name"]

    def __str__(self):
        return f"{self.municipality}: {self.month}/{self.day}"

    def clean(self):
        # 29 February is not a date every year: a deadline must exist every year
        if (
            self.month
            and self.day
            and self.day > (28 if self.month == 2 else calendar.monthrange(2001, self.month)[1])
        ):
            raise ValidationError(
                {"day": _("This day does not exist every year in that month.")}, code="no_such_day"
            )

    def next_on(self, today: dt.date) -> dt.date:
        """The next deadline on or after `today`."""
        this_year = dt.date(today.year, self.month, self.day)
        return this_year if this_year >= today else dt.date(today.year + 1, self.month, self.day)
