"""Engagements: what a match becomes — visits, consultation, trials, a contract, deployment, adoption elsewhere."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation
from portal.applications.models import Application
from portal.challenges.models import ChallengePage
from portal.core.i18n import localized_value
from portal.core.storage import PRIVATE_STORAGE

from ..workflow import Stage


def engagement_label(*, municipality, startup, title: str) -> str:
    """How an engagement is named: "municipality × startup: title" (its own title in the reader's language, else its
    challenge's); My page's "action needed" builds it from the names it read (portal/conversations/actions.py)."""
    base = f"{municipality} × {startup}"
    return f"{base}: {title}" if title else base


def private_storage():
    """Receipts and report attachments: never under MEDIA_URL, served only through permission-checked views."""
    return PRIVATE_STORAGE


class Engagement(models.Model):
    """A municipality and a startup working together after a match (or an adoption of another's solution)."""

    class Source(models.TextChoices):
        PROPOSAL = "proposal", _("accepted match proposal")
        OUTSIDE = "outside", _("match made outside the portal")
        ADOPTION = "adoption", _("adoption of another engagement's solution")

    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="engagements_as_municipality",
        limit_choices_to={"kind": Organisation.Kind.MUNICIPALITY},
    )
    startup = models.ForeignKey(
        Organisation,
        verbose_name=_("startup"),
        on_delete=models.PROTECT,
        related_name="engagements_as_startup",
        limit_choices_to={"kind": Organisation.Kind.STARTUP},
    )
    challenge = models.ForeignKey(
        ChallengePage,
        verbose_name=_("challenge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="engagements",
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="engagements",
    )
    # The engagement whose solution this one adopts (横展開); None for an original match.
    origin = models.ForeignKey(
        "self",
        verbose_name=_("adopted from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adoptions",
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    # English pages show these when filled in; otherwise the Japanese text, marked "available in Japanese only".
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.FIRST_VISIT, db_index=True
    )
    # Where a stalled engagement resumes; the furthest stage reached (the funnel counts it, stalls don't erase it).
    stage_before_stall = models.CharField(max_length=20, choices=Stage.choices, blank=True, editable=False)
    furthest_stage = models.CharField(
        _("furthest stage"), max_length=20, choices=Stage.choices, default=Stage.FIRST_VISIT, editable=False
    )
    stage_changed_at = models.DateTimeField(_("stage changed"), editable=False)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), db_index=True, editable=False)
    opened_at = models.DateTimeField(_("opened"), editable=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A progress report or a stage change counts as activity; none for TRACKER_STALLED_AFTER_DAYS flags it.
    last_activity_at = models.DateTimeField(_("last activity"), db_index=True, editable=False)
    stalled_flagged_at = models.DateTimeField(_("flagged as stalled"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="engagement_adoption_has_origin",
                condition=~Q(source="adoption") | Q(origin__isnull=False),
            ),
            models.CheckConstraint(name="engagement_not_own_origin", condition=~Q(origin=models.F("pk"))),
        ]

    def __str__(self):
        return engagement_label(
            municipality=self.municipality,
            startup=self.startup,
            title=localized_value(self, "title")
            or (localized_value(self.challenge, "title") if self.challenge_id else ""),
        )

    @property
    def is_flagged_stalled(self) -> bool:
        return self.stalled_flagged_at is not None


class StageChange(models.Model):
    """One step in an engagement's history, with the reason given. Never edited."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="stage_changes")
    transition = models.CharField(_("transition"), max_length=30)
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices)
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    side = models.CharField(_("side"), max_length=15)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_stage or '—'} → {self.to_stage}"


class ProgressReport(models.Model):
    """What happened, from either side, with the figures that justify spending (residents served, money)."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="reports")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    side = models.CharField(_("side"), max_length=15)
    text = models.TextField(_("report"))
    residents_served = models.PositiveIntegerField(_("residents served"), null=True, blank=True)
    cost_saved_yen = models.PositiveBigIntegerField(_("cost saved (yen)"), null=True, blank=True)
    contract_value_yen = models.PositiveBigIntegerField(_("contract value (yen)"), null=True, blank=True)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.engagement_id} {self.created_at:%Y-%m-%d}"


class ProgressAttachment(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(
        _("file"), upload_to="tracker/reports/%Y/%m/", storage=private_storage, max_length=255
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name
