"""Visits and meetings (訪問・面談): the municipality offers time slots, the startup picks one or asks for others.

A meeting belongs to an engagement (first visit, meeting) or to an application (interview before a match). The
municipality and the startup are copied onto the row so that every list and queue is scoped by one indexed column.
`uid` and `sequence` are the iCalendar identity of the invitation: a change or cancellation is sent with the same
UID and a higher SEQUENCE, so calendars update the event instead of adding another.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.accounts.models import Organisation
from portal.applications.models import Application

from .engagements import Engagement


class MeetingKind(models.TextChoices):
    FIRST_VISIT = "first_visit", _("first visit")
    INTERVIEW = "interview", _("interview")
    MEETING = "meeting", pgettext_lazy("a scheduled meeting", "meeting")


class MeetingState(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("meeting state", "slots proposed")
    OTHER_SLOTS_ASKED = "other_slots_asked", _("other slots asked for")
    CONFIRMED = "confirmed", pgettext_lazy("meeting state", "confirmed")
    CANCELLED = "cancelled", pgettext_lazy("meeting state", "cancelled")


class Meeting(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    engagement = models.ForeignKey(
        Engagement,
        verbose_name=_("engagement"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meetings",
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meetings",
    )
    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="meetings_as_municipality",
        editable=False,
    )
    startup = models.ForeignKey(
        Organisation,
        verbose_name=_("startup"),
        on_delete=models.PROTECT,
        related_name="meetings_as_startup",
        editable=False,
    )
    title = models.CharField(_("title"), max_length=200)
    note = models.TextField(_("agenda"), blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=MeetingState.choices, default=MeetingState.PROPOSED, db_index=True
    )
    chosen_slot = models.ForeignKey(
        "MeetingSlot",
        verbose_name=_("agreed slot"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # What the startup wrote when it asked for other slots.
    startup_note = models.TextField(_("startup's message"), blank=True, editable=False)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True, editable=False)
    uid = models.CharField(_("calendar UID"), max_length=120, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0, editable=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("proposed on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed on"), auto_now=True)

    class Meta:
        verbose_name = _("visit or meeting")
        verbose_name_plural = _("visits and meetings")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="meeting_for_engagement_or_application",
                condition=(Q(engagement__isnull=False) & Q(application__isnull=True))
                | (Q(engagement__isnull=True) & Q(application__isnull=False)),
            ),
            models.CheckConstraint(
                name="meeting_confirmed_has_slot",
                condition=~Q(state="confirmed") | Q(chosen_slot__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["municipality", "state"]), models.Index(fields=["startup", "state"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def is_on_site(self) -> bool:
        return self.chosen_slot is not None and self.chosen_slot.is_on_site


class MeetingSlot(models.Model):
    """One time the municipality offers: start and end (stored in UTC, shown in JST), a place or an online link."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online meeting link"), max_length=500, blank=True)
    # Slots replaced by a new offer stay for the record but can no longer be picked.
    withdrawn = models.BooleanField(_("withdrawn"), default=False, editable=False)

    class Meta:
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(name="slot_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))),
            models.CheckConstraint(name="slot_has_place_or_link", condition=~Q(place="") | ~Q(online_url="")),
        ]

    def __str__(self):
        return f"{self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_on_site(self) -> bool:
        return bool(self.place)

    @property
    def location(self) -> str:
        return self.place or self.online_url
