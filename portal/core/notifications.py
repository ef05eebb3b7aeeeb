"""Notifications through pluggable adapters (in-app and e-mail by default; settings.NOTIFICATION_ADAPTERS).

What a notification says is stored as a kind plus parameters and written in the reader's language when it is read
or e-mailed (core/notices.py). Services call `notify()` inside their transaction: the in-app row commits with the change, and e-mail is sent only
after the commit succeeds, so nobody is told about something that was rolled back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from . import notices, usercache
from .i18n import reader_language
from .models import Notification
from .unread import NAME as UNREAD
from .unread import invalidate_unread, invalidate_unread_for, register_unread_counter, unread

logger = logging.getLogger(__name__)

DEFAULT_ADAPTERS = ["portal.core.notifications.InAppAdapter", "portal.core.notifications.EmailAdapter"]


@dataclass(frozen=True)
class Message:
    """What is sent: a kind and its frozen parameters (core/notices.py), rendered per reader by each adapter."""

    kind: str
    params: dict = field(default_factory=dict)
    url: str = ""

    def rendered(self, language: str) -> tuple[str, str]:
        return notices.render(self.kind, self.params, language) or ("", "")

    # The text in the active language: for adapters written before messages carried parameters.
    @property
    def title(self) -> str:
        return self.rendered(reader_language())[0]

    @property
    def body(self) -> str:
        return self.rendered(reader_language())[1]


def _language_of(user) -> str:
    return getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE


class InAppAdapter:
    """One row per recipient; the stored title and body are the recipient's language, kept only as a fallback."""

    def send(self, recipients: list, message: Message) -> None:
        rows = []
        for r in recipients:
            title, body = message.rendered(_language_of(r))
            rows.append(
                Notification(
                    recipient=r,
                    kind=message.kind,
                    params=message.params,
                    title=title[:255],
                    body=body,
                    url=message.url,
                )
            )
        Notification.objects.bulk_create(rows)
        invalidate_unread_for(r.pk for r in recipients)  # bulk_create sends no post_save


class EmailAdapter:
    """E-mail after the commit, written in each recipient's language when it is sent."""

    def send(self, recipients: list, message: Message) -> None:
        base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        link = (
            f"\n\n{base}{message.url}"
            if message.url.startswith("/")
            else (f"\n\n{message.url}" if message.url else "")
        )
        people = [(r.email, _language_of(r)) for r in recipients if r.email and r.is_active]

        def deliver():
            for email, language in people:
                try:
                    with translation.override(language):
                        title, body = message.rendered(language)
                        send_mail(title, f"{body}{link}", None, [email])
                except (
                    Exception
                ):  # a mail outage must not undo the committed change; it is logged for a retry
                    logger.exception("notification e-mail to %s failed", email)

        transaction.on_commit(deliver)


def _adapters():
    return [import_string(path)() for path in getattr(settings, "NOTIFICATION_ADAPTERS", DEFAULT_ADAPTERS)]


def notify(
    recipients: Iterable, *, kind: str, params: dict | None = None, title=None, body="", url: str = ""
) -> None:
    """Tell each recipient through every adapter; what they read is rendered in their language when they read it.

    The way to call it: a kind registered in an app's `notices.py` (core/notices.py `register`) and its `params`
    (model instances, lazy strings, callables, dates, `notices.Yen` amounts, or typed text); the kind's templates
    make the title and body. The older way still works: `title` and `body` as lazy translation strings (or
    callables taking no arguments, or text); they are rendered once per language the site speaks and stored with
    the row, so they too read in the reader's language. A registered kind ignores `title` and `body`.

    `url` is the link in the recipients' language (recipients are grouped by preferred language, so callers can
    reverse it per group); readers in another language get it translated when the row is shown.
    """
    if notices.known(kind):
        frozen = notices.freeze_all(params)
    elif title is not None:
        frozen = {
            **notices.freeze_all(params),
            notices.TITLE_KEY: notices.freeze(title),
            notices.BODY_KEY: notices.freeze(body),
        }
    else:
        raise ValueError(f"notification kind {kind!r} is not registered and no title was given")
    people = [r for r in {r.pk: r for r in recipients if r is not None}.values()]
    if not people:
        return
    message = Message(kind=kind, params=frozen, url=url)
    for adapter in _adapters():
        adapter.send(people, message)


def count_unread_notifications(user) -> int:
    """One query: the user's unread in-app notifications (the shell reads it through `unread_count`)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


register_unread_counter("notifications", count_unread_notifications)


def unread_count(user) -> int:
    """The user's unread notifications, with the shell's other counts (portal/core/unread.py: cached per user)."""
    return unread(user, "notifications")


def latest_notifications(user, limit: int = 5) -> list[Notification]:
    """The user's `limit` latest notifications, newest first (My page). Kept between requests with the unread
    counts' versions (portal/core/usercache.py): whatever retires the count — a notification created, read, saved or
    deleted — retires these too, at once. The rows are kept, not their text: each is written in the reader's
    language when it is shown."""

    def compute() -> list[Notification]:
        return list(Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")[:limit])

    return usercache.cached_for_user(f"notifications-{limit}", user, compute, versioned_by=UNREAD)


def mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    changed = qs.update(read_at=timezone.now())
    if changed:
        invalidate_unread(user)  # update() sends no post_save
    return changed


def on_notification_changed(sender, instance, **kwargs) -> None:
    """post_save / post_delete of a Notification (admin, shell, data fixes): its reader's count is stale."""
    invalidate_unread(instance.recipient_id)
