"""Message threads: one per application (the startup ↔ the municipality, the ministry may join) and one per
engagement (both parties and the ministry). Staff may add internal notes that the startup's side never sees."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.applications.models import Application
from portal.tracker.models import Engagement

MESSAGE_MAX_CHARS = 5000


class Thread(models.Model):
    """The conversation about one application or one engagement (exactly one of the two)."""

    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="thread",
    )
    engagement = models.OneToOneField(
        Engagement,
        verbose_name=_("engagement"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="thread",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The newest message's time (internal notes included), for ordering lists.
    last_message_at = models.DateTimeField(_("last message"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("message thread")
        verbose_name_plural = _("message threads")
        ordering = ["-last_message_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="thread_is_about_one_thing",
                condition=(Q(application__isnull=False) & Q(engagement__isnull=True))
                | (Q(application__isnull=True) & Q(engagement__isnull=False)),
            )
        ]

    def __str__(self):
        if self.application_id:
            return str(self.application)
        return str(self.engagement)

    @property
    def startup_id(self) -> int:
        return self.application.startup_id if self.application_id else self.engagement.startup_id

    @property
    def municipality_id(self) -> int:
        if self.application_id:
            return self.application.challenge.municipality_id
        return self.engagement.municipality_id


class MessageKind(models.TextChoices):
    MESSAGE = "message", _("message")
    INFO_REQUEST = "info_request", _("more information requested")
    NOTE = "note", _("internal note")


class Message(models.Model):
    """One message. Internal notes (kind "note") are for staff of the municipality and the ministry only."""

    class Side(models.TextChoices):
        STARTUP = "startup", _("startup")
        MUNICIPALITY = "municipality", _("municipality")
        MINISTRY = "ministry", _("ministry")

    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    side = models.CharField(_("side"), max_length=12, choices=Side.choices)
    kind = models.CharField(
        _("kind"), max_length=12, choices=MessageKind.choices, default=MessageKind.MESSAGE
    )
    body = models.TextField(_("message"), validators=[MaxLengthValidator(MESSAGE_MAX_CHARS)])
    created_at = models.DateTimeField(_("sent on"), auto_now_add=True, db_index=True)
    # Not stored: set on the message message_post returns when it answered a request for more information (the
    # application went back to submitted), so the view can say so.
    answered_info_request: bool = False

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="message_note_is_staff_side", condition=~Q(kind="note") | ~Q(side="startup")
            )
        ]

    def __str__(self):
        return self.body[:60]

    @property
    def is_internal(self) -> bool:
        return self.kind == MessageKind.NOTE


def private_storage():
    return storages["private"]


def message_attachment_path(instance, filename):
    # The stored name never comes from the user (see services): the thread, a random part, the checked extension.
    return f"messages/{instance.message.thread_id}/{filename}"


class MessageAttachment(models.Model):
    """A file sent with a message. Private storage; served only through a permission-checked view."""

    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(
        _("file"), upload_to=message_attachment_path, storage=private_storage, max_length=300
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size (bytes)"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name


class ThreadReadMark(models.Model):
    """Until when a user has read a thread. Ministry staff follow a thread once they have opened it."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_marks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(_("read at"))

    class Meta:
        verbose_name = _("read mark")
        verbose_name_plural = _("read marks")
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="one_read_mark_per_thread_user")
        ]

    def __str__(self):
        return f"{self.user_id} read {self.thread_id} at {self.read_at:%Y-%m-%d %H:%M}"


class EmailFrequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("immediately")
    DAILY = "daily", _("once a day (digest)")
    OFF = "off", _("never")


class MessagePreference(models.Model):
    """How a user wants to hear of new messages by e-mail (in-app unread counts are always there)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_preference"
    )
    email = models.CharField(
        _("e-mail for new messages"),
        max_length=12,
        choices=EmailFrequency.choices,
        default=EmailFrequency.IMMEDIATELY,
    )

    class Meta:
        verbose_name = _("message e-mail preference")
        verbose_name_plural = _("message e-mail preferences")

    def __str__(self):
        return f"{self.user_id}: {self.email}"


class PendingDigestItem(models.Model):
    """A message waiting for its recipient's daily digest; the digest task sends each item once, then deletes it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("message waiting for the digest")
        verbose_name_plural = _("messages waiting for the digest")
        constraints = [
            models.UniqueConstraint(fields=["user", "message"], name="one_digest_item_per_message")
        ]

    def __str__(self):
        return f"{self.user_id}: {self.message_id}"
