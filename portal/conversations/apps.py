from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "portal.conversations"
    label = "conversations"
    verbose_name = _("Questions and messages")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The kinds of notification this app sends; applications' request for more information becomes a message
        # (receivers; applications never imports this app); My page's "action needed" (core never imports it).
        from portal.core.actions import register_action_provider, register_action_source
        from portal.core.unread import register_unread_counter

        from . import notices, receivers  # noqa: F401
        from .actions import SOURCES, startup_actions
        from .selectors import UNREAD_SCOPE, count_unread_messages

        for source in SOURCES:
            register_action_source(source)
        register_action_provider(startup_actions)
        # The header's, My page's and the admin's unread-message count, cached per user (portal/core/unread.py).
        register_unread_counter("messages", count_unread_messages, scopes=[UNREAD_SCOPE])

        # Times to first reply for the tracker's scorecards (the tracker never imports this app).
        from portal.tracker.scorecards import register_reply_times_provider

        from .scorecards import reply_waits

        register_reply_times_provider(reply_waits)
