from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self):
        from . import receivers  # noqa: PLC0415 — models are only importable once the app registry is ready

        receivers.connect()
        from portal.challenges.similar import register_similar_provider  # noqa: PLC0415

        from . import notices  # noqa: F401, PLC0415 — registers the kinds of notification this app sends
        from .similar import similar_challenges  # noqa: PLC0415 — the challenge editor's near-duplicates

        register_similar_provider(similar_challenges)
