"""Message threads: post a message or an internal note (with files), mark a thread read, the e-mail preference.

A message is told to the other people of the thread by e-mail according to each one's preference: at once (after
the commit), in the daily digest (services/digest.py), or not at all; unread counts come from the read marks.
A startup's reply to a request for more information answers it: the application goes back to "submitted".
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation, User
from portal.accounts.selectors import active_members
from portal.applications.models import Application, ApplicationState
from portal.applications.services import application_submit
from portal.applications.uploads import MAX_APPLICATION_BYTES, check_upload
from portal.core.audit import record
from portal.core.storage import storage_error
from portal.tracker.models import Engagement

from .. import permissions as rules
from ..models import (
    MESSAGE_MAX_CHARS,
    EmailFrequency,
    Message,
    MessageAttachment,
    MessageKind,
    MessagePreference,
    PendingDigestItem,
    Thread,
    ThreadReadMark,
)
from .common import ConversationRefused, check, clean_text

logger = logging.getLogger(__name__)

MAX_FILES_PER_MESSAGE = 5


# --------------------------------------------------------------------------------------------- the threads


def _thread_get_or_create(**about) -> Thread:
    thread = Thread.objects.filter(**about).first()
    if thread is not None:
        return thread
    try:
        with transaction.atomic():
            thread = Thread(**about)
            thread.full_clean()
            thread.save()
            return thread
    except IntegrityError:  # another request made it meanwhile
        return Thread.objects.get(**about)


def thread_for_application(*, application: Application) -> Thread:
    """The application's thread, made the first time it is needed (idempotent)."""
    return _thread_get_or_create(application=application)


def thread_for_engagement(*, engagement: Engagement) -> Thread:
    """The engagement's thread, made the first time it is needed (idempotent)."""
    return _thread_get_or_create(engagement=engagement)


# --------------------------------------------------------------------------------------------- who is told


def thread_title(thread: Thread) -> str:
    if thread.application is not None:
        return thread.application.challenge.title
    if thread.engagement is not None:
        return thread.engagement.title or str(thread.engagement)
    return ""  # a thread belongs to an application or an engagement (the table's check constraint)


def recipients(thread: Thread, message: Message) -> list[User]:
    """Everyone who reads the message but its author: the startup's members (never for an internal note), the
    municipality's staff, and the ministry staff who follow the thread (opened it or wrote in it)."""
    organisation_ids = [thread.municipality_id]
    if not message.is_internal:
        organisation_ids.append(thread.startup_id)
    users = {u.pk: u for u in active_members(*organisation_ids)}
    followers = User.objects.filter(
        pk__in=ThreadReadMark.objects.filter(thread=thread).values("user_id"),
        is_active=True,
        memberships__organisation__kind=Organisation.Kind.MINISTRY,
    ).distinct()
    for user in followers:
        users.setdefault(user.pk, user)
    if message.author_id is not None:
        users.pop(message.author_id, None)
    return list(users.values())


def thread_url(thread: Thread, user: User) -> str:
    """Where a user reads the thread: the admin for staff, the site for the startup's members."""
    about, pk = (
        ("application", thread.application_id)
        if thread.application_id
        else ("engagement", thread.engagement_id)
    )
    if rules.sees_internal_notes(user, thread):
        return reverse(f"conversations_{about}_thread", args=[pk])
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        return reverse(f"conversations:{about}_thread", args=[pk])


def _absolute(url: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url


def _deliver(thread: Thread, message: Message, people: Sequence[User]) -> None:
    """E-mail now, queue for the digest, or nothing, as each recipient chose (no choice yet = at once)."""
    chosen = dict(MessagePreference.objects.filter(user__in=people).values_list("user_id", "email"))
    now_list, digest = [], []
    for user in people:
        frequency = chosen.get(user.pk, EmailFrequency.IMMEDIATELY)
        if frequency == EmailFrequency.IMMEDIATELY and user.email:
            now_list.append(user)
        elif frequency == EmailFrequency.DAILY:
            digest.append(PendingDigestItem(user=user, message=message))
    PendingDigestItem.objects.bulk_create(digest, ignore_conflicts=True)
    if not now_list:
        return
    title = thread_title(thread)
    mails = []
    for user in now_list:
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            subject = str(_("New message: %(title)s") % {"title": title})
            body = "\n\n".join(
                [
                    str(
                        _("%(side)s wrote in the conversation about “%(title)s”:")
                        % {"side": message.get_side_display(), "title": title}
                    ),
                    message.body,
                    _absolute(thread_url(thread, user)),
                    str(
                        _("You can change how you receive these e-mails: %(url)s")
                        % {"url": _absolute(reverse("conversations:preferences"))}
                    ),
                ]
            )
        mails.append((user.email, subject, body))

    def send():
        for address, subject, body in mails:
            try:
                send_mail(subject, body, None, [address])
            except Exception:  # a mail outage must not undo the committed message; logged for a retry
                logger.exception("message e-mail to %s failed", address)

    transaction.on_commit(send)


# --------------------------------------------------------------------------------------------- posting


def _check_files(files: Sequence) -> list:
    if len(files) > MAX_FILES_PER_MESSAGE:
        raise ValidationError(
            {"files": [_("Please attach at most %(n)s files to one message.") % {"n": MAX_FILES_PER_MESSAGE}]}
        )
    checked, total = [], 0
    for uploaded in files:
        try:
            result = check_upload(uploaded, already_stored_bytes=total)
        except ValidationError as error:
            raise ValidationError(
                {"files": [f"{getattr(uploaded, 'name', '')}: {m}" for m in error.messages]}
            ) from error
        total += result.size
        checked.append((uploaded, result))
    if total > MAX_APPLICATION_BYTES:  # pragma: no cover - check_upload refuses it first
        raise ValidationError({"files": [_("The files are too large together.")]})
    return checked


def message_post(
    *,
    thread: Thread,
    actor: User,
    body: str,
    files: Sequence = (),
    internal: bool = False,
    kind: str | None = None,
    deliver: bool = True,
    now=None,
) -> Message:
    """Post a message (or, for staff, an internal note) with up to five files, checked like an application's.

    A message from the startup's side on an application waiting for more information answers the request: the
    application is submitted again (the municipality is told by the application service).
    """
    kind = MessageKind.NOTE if internal else (kind or MessageKind.MESSAGE)
    check(rules.can_add_note(actor, thread) if kind == MessageKind.NOTE else rules.can_post(actor, thread))
    body = clean_text(body, field="body", max_chars=MESSAGE_MAX_CHARS, empty=_("Please write a message."))
    checked = _check_files(list(files))
    written: list[MessageAttachment] = []
    try:
        with transaction.atomic():
            locked = Thread.objects.select_for_update().get(pk=thread.pk)
            side = rules.writing_side(actor, thread)
            message = Message(thread=locked, author=actor, side=side, kind=kind, body=body)
            message.full_clean()
            message.save()
            for uploaded, result in checked:
                attachment = MessageAttachment(
                    message=message,
                    original_name=(getattr(uploaded, "name", "") or "file")[:255],
                    content_type=result.content_type,
                    size=result.size,
                )
                uploaded.seek(0)
                try:
                    attachment.file.save(f"{uuid.uuid4().hex}.{result.extension}", uploaded, save=False)
                except OSError as exc:  # disk full, …: nothing of this message is kept
                    raise storage_error(exc, "files") from exc
                written.append(attachment)
                attachment.full_clean()
                attachment.save()
            when = now or timezone.now()
            Thread.objects.filter(pk=locked.pk).update(last_message_at=message.created_at)
            ThreadReadMark.objects.update_or_create(thread=locked, user=actor, defaults={"read_at": when})
            record(
                actor=actor,
                action="message.note" if kind == MessageKind.NOTE else "message.post",
                obj=locked,
                message=message.pk,
                kind=kind,
                files=[a.original_name for a in written],
            )
            answered = False
            if (
                side == Message.Side.STARTUP
                and thread.application is not None
                and thread.application.state == ApplicationState.MORE_INFO
            ):
                answered = application_submit(application=thread.application, actor=actor)
            if deliver:
                _deliver(thread, message, recipients(thread, message))
    except Exception:
        for attachment in written:  # no orphan files when the message is not saved
            attachment.file.delete(save=False)
        raise
    message.answered_info_request = answered
    return message


def info_request_post(*, application: Application, actor: User, message: str) -> Message:
    """The municipality's request for more information, as a message in the application's thread (the startup
    is told by the application service, so no second e-mail)."""
    thread = thread_for_application(application=application)
    return message_post(
        thread=thread, actor=actor, body=message, kind=MessageKind.INFO_REQUEST, deliver=False
    )


def thread_mark_read(*, thread: Thread, user: User, now=None) -> None:
    """The user has read the thread up to now (ministry staff thereby follow it)."""
    check(rules.can_read_thread(user, thread))
    ThreadReadMark.objects.update_or_create(
        thread=thread, user=user, defaults={"read_at": now or timezone.now()}
    )


def message_preference_set(*, user: User, email: str) -> MessagePreference:
    """How the user hears of new messages by e-mail: immediately, in a daily digest, or never."""
    if email not in EmailFrequency.values:
        raise ValidationError({"email": [_("Choose one of the options.")]})
    if not rules._signed_in(user):
        raise ConversationRefused(_("Please log in."), code="refused")
    with transaction.atomic():
        preference, _created = MessagePreference.objects.select_for_update().get_or_create(user=user)
        previous = preference.email
        preference.email = email
        preference.full_clean()
        preference.save()
        record(actor=user, action="message.preference", obj=user, previous=previous, email=email)
    return preference


def message_preference_of(user: User) -> str:
    return (
        MessagePreference.objects.filter(user=user).values_list("email", flat=True).first()
        or EmailFrequency.IMMEDIATELY
    )
