from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "portal.conversations"
    label = "conversations"
    verbose_name = _("Questions and messages")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Applications' request for more information becomes a message (applications never imports this app).
        # My page's "action needed" (core never imports this app).
        from portal.core.actions import register_action_provider

        from . import receivers  # noqa: F401
        from .actions import startup_actions

        register_action_provider(startup_actions)
