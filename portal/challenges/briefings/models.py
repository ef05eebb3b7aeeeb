"""Briefing sessions and the startups' registrations.

A session belongs to exactly one of: a programme round (round-wide, written by the ministry) or one challenge
(written by its municipality or the ministry). `uid` and `sequence` are its iCalendar identity: every change that
matters to a calendar (time, place, cancellation) raises `sequence`, so a calendar program replaces the event.

The slides live in private storage and are served only through a permission-checked view (registered startups and
staff); the online meeting link is shown only to registered startups and staff.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.accounts.models import Organisation
from portal.core.i18n import localized_value
from portal.core.storage import PRIVATE_STORAGE


def _private_storage():
    return PRIVATE_STORAGE


def slides_path(instance, filename):
    # The stored name never comes from the user: the session, a random part and the checked extension.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"briefings/{instance.pk or 'new'}/{uuid.uuid4().hex}.{extension}"


class BriefingFormat(models.TextChoices):
    ONLINE = "online", pgettext_lazy("briefing format", "online")
    ON_SITE = "on_site", pgettext_lazy("briefing format", "on site")


class BriefingState(models.TextChoices):
    ANNOUNCED = "announced", pgettext_lazy("briefing state", "announced")
    CANCELLED = "cancelled", pgettext_lazy("briefing state", "cancelled")


class BriefingSession(models.Model):
    round = models.ForeignKey(
        "programme.RoundPage",
        verbose_name=_("programme round"),
        on_delete=models.PROTECT,
        related_name="briefing_sessions",
        null=True,
        blank=True,
        help_text=_(
            "For a briefing on the whole round (ministry staff only). Leave empty for a challenge's."
        ),
    )
    challenge = models.ForeignKey(
        "challenges.ChallengePage",
        verbose_name=_("challenge"),
        on_delete=models.PROTECT,
        related_name="briefing_sessions",
        null=True,
        blank=True,
    )
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    starts_at = models.DateTimeField(_("starts (JST)"))
    ends_at = models.DateTimeField(_("ends (JST)"))
    format = models.CharField(
        pgettext_lazy("briefing", "format"), max_length=10, choices=BriefingFormat.choices
    )
    online_url = models.URLField(
        _("online meeting link"),
        max_length=500,
        blank=True,
        help_text=_("Shown only to registered startups."),
    )
    venue = models.CharField(_("venue address"), max_length=300, blank=True)
    venue_en = models.CharField(_("venue address (English)"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("capacity (organisations)"))
    registration_closes = models.DateTimeField(_("registration closes (JST)"))
    state = models.CharField(
        pgettext_lazy("briefing", "state"),
        max_length=10,
        choices=BriefingState.choices,
        default=BriefingState.ANNOUNCED,
        editable=False,
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True, editable=False)
    slides = models.FileField(
        _("slides"), upload_to=slides_path, storage=_private_storage, max_length=300, blank=True
    )
    slides_name = models.CharField(_("slides file name"), max_length=255, blank=True, editable=False)
    recording_url = models.URLField(_("recording link"), max_length=500, blank=True)
    uid = models.CharField(_("calendar UID"), max_length=120, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("briefing session")
        verbose_name_plural = _("briefing sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="briefing_round_or_challenge",
                condition=(Q(round__isnull=False) & Q(challenge__isnull=True))
                | (Q(round__isnull=True) & Q(challenge__isnull=False)),
            ),
            models.CheckConstraint(
                name="briefing_ends_after_start", condition=Q(ends_at__gt=models.F("starts_at"))
            ),
            models.CheckConstraint(
                name="briefing_registration_closes_by_start",
                condition=Q(registration_closes__lte=models.F("starts_at")),
            ),
            models.CheckConstraint(name="briefing_capacity_positive", condition=Q(capacity__gte=1)),
        ]

    def __str__(self):
        return str(self.localized_title)

    def save(self, *args, **kwargs):
        if not self.uid:
            self.uid = f"briefing-{uuid.uuid4()}@xact"
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors: dict[str, list] = {}
        if bool(self.round_id) == bool(self.challenge_id):
            errors.setdefault("challenge", []).append(_("Choose either a programme round or one challenge."))
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors.setdefault("ends_at", []).append(_("A briefing must end after it starts."))
        if self.starts_at and self.registration_closes and self.registration_closes > self.starts_at:
            errors.setdefault("registration_closes", []).append(
                _("Registration must close before the briefing starts.")
            )
        if self.format == BriefingFormat.ONLINE and not self.online_url:
            errors.setdefault("online_url", []).append(_("An online briefing needs its meeting link."))
        if self.format == BriefingFormat.ON_SITE and not self.venue:
            errors.setdefault("venue", []).append(_("An on-site briefing needs its venue address."))
        if errors:
            raise ValidationError(errors)

    @property
    def localized_title(self) -> str:
        return localized_value(self, "title")

    @property
    def localized_description(self) -> str:
        return localized_value(self, "description")

    @property
    def localized_venue(self) -> str:
        return localized_value(self, "venue")

    @property
    def is_cancelled(self) -> bool:
        return self.state == BriefingState.CANCELLED

    @property
    def is_over(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def registration_open(self) -> bool:
        return not self.is_cancelled and timezone.now() < self.registration_closes

    @property
    def organisation(self) -> Organisation | None:
        """The municipality a challenge's session belongs to (None for a round-wide session: the ministry's)."""
        return self.challenge.municipality if self.challenge_id else None

    @property
    def has_materials(self) -> bool:
        return bool(self.slides) or bool(self.recording_url)

    def seats_taken(self) -> int:
        annotated = getattr(self, "active_registrations", None)
        if annotated is not None:
            return annotated
        return self.registrations.filter(cancelled_at__isnull=True).count()

    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken(), 0)


class BriefingRegistration(models.Model):
    """One startup's seat at a session. A cancelled registration is kept (cancelled_at) and frees the seat; the
    organisation may register again, as a new row."""

    session = models.ForeignKey(
        BriefingSession,
        verbose_name=_("briefing session"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("startup"),
        on_delete=models.CASCADE,
        related_name="briefing_registrations",
        limit_choices_to={"kind": Organisation.Kind.STARTUP},
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("registration cancelled"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        verbose_name = _("briefing registration")
        verbose_name_plural = _("briefing registrations")
        ordering = ["registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "organisation"],
                condition=Q(cancelled_at__isnull=True),
                name="briefing_one_registration_per_organisation",
            )
        ]

    def __str__(self):
        return f"{self.organisation} – {self.session}"

    @property
    def is_active(self) -> bool:
        return self.cancelled_at is None
