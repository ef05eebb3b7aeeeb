from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data for the whole portal. Last in the import chain: it may use every app, none uses it."""

    name = "portal.demo"
    label = "demo"
    verbose_name = _("Demo data")
