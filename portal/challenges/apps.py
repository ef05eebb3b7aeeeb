from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "portal.challenges"
    label = "challenges"
    verbose_name = _("Challenges")

    def ready(self):
        from . import moderation_names, signals  # noqa: PLC0415 — models are only importable once the registry is ready

        signals.connect()
        moderation_names.connect()
        from . import notices  # noqa: F401, PLC0415 — registers the kinds of notification this app sends
        from .briefings import notices as briefing_notices  # noqa: F401, PLC0415 — and those of briefings
