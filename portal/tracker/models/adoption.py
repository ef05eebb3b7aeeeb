"""Adoption (横展開): another municipality asks to adopt a proven solution; the ministry links a new engagement."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation

from .engagements import Engagement


class AdoptionRequest(models.Model):
    class State(models.TextChoices):
        REQUESTED = "requested", _("requested")
        LINKED = "linked", _("linked")
        DECLINED = "declined", _("declined")

    origin = models.ForeignKey(
        Engagement,
        verbose_name=_("solution to adopt"),
        on_delete=models.PROTECT,
        related_name="adoption_requests",
    )
    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("adopting municipality"),
        on_delete=models.PROTECT,
        related_name="adoption_requests",
        limit_choices_to={"kind": Organisation.Kind.MUNICIPALITY},
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.TextField(_("why we want to adopt it"))
    # Declared when a municipality joins a solved challenge (「この取組みに参加する」): the startup sees the pooled demand.
    population = models.PositiveIntegerField(_("population served"), null=True, blank=True)
    budget_min_yen = models.PositiveBigIntegerField(_("budget from (yen)"), null=True, blank=True)
    budget_max_yen = models.PositiveBigIntegerField(_("budget up to (yen)"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.REQUESTED, db_index=True
    )
    engagement = models.OneToOneField(
        Engagement,
        verbose_name=_("new engagement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adoption_request",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("requested on"), auto_now_add=True)

    class Meta:
        verbose_name = _("adoption request")
        verbose_name_plural = _("adoption requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["origin", "municipality"],
                condition=Q(state="requested"),
                name="one_open_adoption_request",
                violation_error_message=_("This municipality has already asked to adopt this solution."),
            ),
            models.CheckConstraint(
                name="adoption_budget_range_ordered",
                condition=Q(budget_min_yen__isnull=True)
                | Q(budget_max_yen__isnull=True)
                | Q(budget_min_yen__lte=models.F("budget_max_yen")),
            ),
            models.CheckConstraint(
                name="adoption_linked_has_engagement",
                condition=~Q(state="linked") | Q(engagement__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.municipality} ← {self.origin}"
