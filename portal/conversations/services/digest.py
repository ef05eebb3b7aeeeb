"""The daily digest: one e-mail per user listing the new messages of each of their threads, sent once.

Messages for users who chose "once a day" wait as PendingDigestItem rows. The task takes each user's rows under a
row lock (a second worker skips them), deletes them and sends one e-mail after the commit, so a message is in one
digest at most, whatever runs twice. Messages the user has read meanwhile (read mark after the message) and
messages they may no longer read are left out; if nothing is left, no e-mail.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from portal.accounts.models import User
from portal.core.audit import record

from .. import permissions as rules
from ..models import PendingDigestItem, ThreadReadMark
from .threads import _absolute, thread_title, thread_url

logger = logging.getLogger(__name__)


def _render(user: User, groups) -> tuple[str, str]:
    with override(user.preferred_language or settings.LANGUAGE_CODE):
        count = sum(len(messages) for _thread, messages in groups)
        subject = _("New messages on xact: %(n)s") % {"n": count}
        lines = [_("New messages since the last digest:"), ""]
        for thread, messages in groups:
            lines.append(f"■ {thread_title(thread)} ({len(messages)})")
            for message in messages:
                excerpt = message.body.replace("\n", " ")
                excerpt = excerpt if len(excerpt) <= 140 else excerpt[:139] + "…"
                lines.append(f"  - {message.get_side_display()}: {excerpt}")
            lines.append(f"  {_absolute(thread_url(thread, user))}")
            lines.append("")
        lines.append(
            _("You can change how you receive these e-mails: %(url)s")
            % {"url": _absolute(reverse("conversations:preferences"))}
        )
    return subject, "\n".join(lines)


def _digest_for(user_id: int) -> int:
    """Send one user's digest (0 or 1 e-mail)."""
    with transaction.atomic():
        pending = PendingDigestItem.objects.filter(user_id=user_id).select_related(
            "message__thread__application__challenge", "message__thread__engagement", "message__author"
        )
        if connection.features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True, of=("self",))
        items = list(pending.order_by("message__thread_id", "message__created_at", "message_id"))
        if not items:
            return 0
        user = User.objects.get(pk=user_id)
        PendingDigestItem.objects.filter(pk__in=[i.pk for i in items]).delete()
        read = dict(
            ThreadReadMark.objects.filter(
                user=user, thread_id__in={i.message.thread_id for i in items}
            ).values_list("thread_id", "read_at")
        )
        groups: OrderedDict = OrderedDict()
        for item in items:
            message, thread = item.message, item.message.thread
            if read.get(thread.pk) and read[thread.pk] >= message.created_at:
                continue  # read on the site meanwhile
            if not rules.can_read_thread(user, thread)[0]:
                continue  # left the organisation meanwhile
            if message.is_internal and not rules.sees_internal_notes(user, thread):
                continue
            groups.setdefault(thread.pk, (thread, []))[1].append(message)
        if not groups or not user.is_active or not user.email:
            return 0
        subject, body = _render(user, list(groups.values()))
        record(
            actor=None, action="message.digest", obj=user, messages=sum(len(m) for _t, m in groups.values())
        )
        address = user.email

        def send():
            try:
                send_mail(subject, body, None, [address])
            except (
                Exception
            ):  # the items are gone: logged, not retried (a digest is a summary, not the message)
                logger.exception("digest e-mail to %s failed", address)

        transaction.on_commit(send)
    return 1


def send_message_digests() -> int:
    """Send every waiting digest; returns the number of e-mails. Safe to run twice or on two workers."""
    user_ids = list(
        PendingDigestItem.objects.values_list("user_id", flat=True).distinct().order_by("user_id")
    )
    return sum(_digest_for(user_id) for user_id in user_ids)
