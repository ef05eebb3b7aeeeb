"""Hand-overs from the apps before this one: applications' request for more information becomes a message."""

from django.dispatch import receiver

from portal.applications.signals import info_requested

from .services import info_request_post


@receiver(info_requested, dispatch_uid="conversations.info_request_as_message")
def on_info_requested(sender, *, application, actor, message, **kwargs):
    info_request_post(application=application, actor=actor, message=message)
