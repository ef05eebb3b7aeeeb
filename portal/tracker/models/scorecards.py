"""Scorecards: a short pulse survey each side answers once per stage of an engagement (満足度・また組みたいか・
何が妨げになったか). Individual answers are never shown to anyone but in aggregates (tracker/scorecards.py)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation

from ..workflow import Stage
from .engagements import Engagement


class Blocker(models.TextChoices):
    NOTHING = "nothing", _("nothing blocked us")
    BUDGET = "budget", _("budget")
    PROCUREMENT = "procurement", _("procurement rules")
    DATA = "data", _("access to data")
    STAFF_TIME = "staff_time", _("staff time")
    TECHNICAL = "technical", _("technical problems")
    COMMUNICATION = "communication", _("communication between the two sides")
    OTHER = "other", _("something else")


class PulseResponse(models.Model):
    """One side's answer about one stage of one engagement (the first member of the side to answer answers for it)."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="pulses")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    side = models.CharField(_("side"), max_length=15)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    would_work_again = models.BooleanField(_("would work together again"))
    blocker = models.CharField(_("what blocked"), max_length=20, choices=Blocker.choices)
    # The round (fiscal year) the engagement opened in: the public results group answers by it.
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), db_index=True, editable=False)
    created_at = models.DateTimeField(_("answered on"), auto_now_add=True)

    class Meta:
        verbose_name = _("pulse answer")
        verbose_name_plural = _("pulse answers")
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "stage", "side"], name="one_pulse_per_side_and_stage"
            ),
            models.CheckConstraint(
                name="pulse_satisfaction_1_to_5", condition=Q(satisfaction__gte=1, satisfaction__lte=5)
            ),
            models.CheckConstraint(
                name="pulse_side_is_a_party", condition=Q(side__in=["municipality", "startup"])
            ),
        ]

    def __str__(self):
        return f"{self.engagement_id} {self.stage} {self.side}"
