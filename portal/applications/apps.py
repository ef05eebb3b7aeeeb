from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "portal.applications"
    label = "applications"
    verbose_name = _("Applications")

    def ready(self):
        from . import notices  # noqa: F401, PLC0415 — registers the kinds of notification this app sends
