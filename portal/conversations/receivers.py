"""Hand-overs from the apps before this one: applications' request for more information becomes a message; and the
shell's cached unread-message count (portal/core/unread.py) follows every write that can change it."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from portal.applications.models import Application
from portal.applications.signals import info_requested
from portal.core.unread import invalidate_unread, invalidate_unread_scope
from portal.tracker.models import Engagement

from .models import Message, Thread, ThreadReadMark
from .selectors import UNREAD_SCOPE
from .services import info_request_post


@receiver(info_requested, dispatch_uid="conversations.info_request_as_message")
def on_info_requested(sender, *, application, actor, message, **kwargs):
    info_request_post(application=application, actor=actor, message=message)


# A message, a thread, or what decides who reads a thread (the application's state: drafts are the startup's
# alone; the engagement's parties) changes the counts of everyone in the thread: one shared version for them all.
@receiver(post_save, sender=Message, dispatch_uid="conversations.unread.message_saved")
@receiver(post_delete, sender=Message, dispatch_uid="conversations.unread.message_gone")
@receiver(post_save, sender=Thread, dispatch_uid="conversations.unread.thread_saved")
@receiver(post_delete, sender=Thread, dispatch_uid="conversations.unread.thread_gone")
@receiver(post_save, sender=Application, dispatch_uid="conversations.unread.application_saved")
@receiver(post_save, sender=Engagement, dispatch_uid="conversations.unread.engagement_saved")
def on_thread_content_changed(sender, **kwargs):
    invalidate_unread_scope(UNREAD_SCOPE)


# A read mark is one reader's: only their count changes.
@receiver(post_save, sender=ThreadReadMark, dispatch_uid="conversations.unread.read_mark_saved")
@receiver(post_delete, sender=ThreadReadMark, dispatch_uid="conversations.unread.read_mark_gone")
def on_read_mark_changed(sender, instance, **kwargs):
    invalidate_unread(instance.user_id)
