"""Notifications through pluggable adapters (in-app and e-mail by default; settings.NOTIFICATION_ADAPTERS).

Services call `notify()` inside their transaction: the in-app row commits with the change, and e-mail is sent only
after the commit succeeds, so nobody is told about something that was rolled back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from .models import Notification

logger = logging.getLogger(__name__)

DEFAULT_ADAPTERS = ["portal.core.notifications.InAppAdapter", "portal.core.notifications.EmailAdapter"]


@dataclass(frozen=True)
class Message:
    kind: str
    title: str
    body: str = ""
    url: str = ""


class InAppAdapter:
    def send(self, recipients: list, message: Message) -> None:
        Notification.objects.bulk_create(
            Notification(recipient=r, kind=message.kind, title=message.title[:255], body=message.body, url=message.url)
            for r in recipients
        )


class EmailAdapter:
    def send(self, recipients: list, message: Message) -> None:
        base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        link = f"\n\n{base}{message.url}" if message.url.startswith("/") else (f"\n\n{message.url}" if message.url else "")
        emails = [(r.email, message) for r in recipients if r.email and r.is_active]

        def deliver():
            for email, msg in emails:
                try:
                    send_mail(msg.title, f"{msg.body}{link}", None, [email])
                except Exception:  # a mail outage must not undo the committed change; it is logged for a retry
                    logger.exception("notification e-mail to %s failed", email)

        transaction.on_commit(deliver)


def _adapters():
    return [import_string(path)() for path in getattr(settings, "NOTIFICATION_ADAPTERS", DEFAULT_ADAPTERS)]


def notify(recipients: Iterable, *, kind: str, title, body="", url: str = "") -> None:
    """Tell each recipient, in their preferred language, through every adapter.

    `title` and `body` may be lazy translation strings (or callables taking no arguments); they are rendered once
    per language among the recipients.
    """
    by_language: dict[str, list] = {}
    for r in {r.pk: r for r in recipients if r is not None}.values():
        by_language.setdefault(getattr(r, "preferred_language", "") or settings.LANGUAGE_CODE, []).append(r)
    for language, group in by_language.items():
        with translation.override(language):
            message = Message(kind=kind, title=str(title() if callable(title) else title),
                              body=str(body() if callable(body) else body), url=url)
            for adapter in _adapters():
                adapter.send(group, message)


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
